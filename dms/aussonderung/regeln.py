"""The retention rules as data: loaded from fixtures/aufbewahrungsregeln.json (migration, `landesdaten_laden`)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from dms.landesdaten import FIXTURES

from .frist import Regel


def regeln_laden(apps: Any = None) -> int:
    """Create or update every rule version from the fixture; returns the number of rules. Idempotent."""
    get = apps.get_model if apps is not None else __import__("django.apps").apps.get_model
    Aufbewahrungsregel = get("dms", "Aufbewahrungsregel")
    daten = json.loads((FIXTURES / "aufbewahrungsregeln.json").read_text(encoding="utf-8"))
    for r in daten["regeln"]:
        Aufbewahrungsregel.objects.update_or_create(
            anlass=r["anlass"],
            gueltig_ab=date.fromisoformat(r["gueltig_ab"]),
            defaults={
                "schluessel": r["schluessel"],
                "jahre": r["jahre"],
                "rechtsgrundlage": r["rechtsgrundlage"],
                "version": r["version"],
            },
        )
    return len(daten["regeln"])


def regeln() -> list[Regel]:
    """The rules in force in the database, as plain values for `frist_berechnen`."""
    from .models import Aufbewahrungsregel

    return [
        Regel(r.anlass, r.jahre, r.rechtsgrundlage, r.version, r.gueltig_ab) for r in Aufbewahrungsregel.objects.all()
    ]

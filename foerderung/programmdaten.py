"""Loading the subsidy programme from fixtures/foerderprogramm.json, idempotently (data, not code)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

DATEI = Path(__file__).resolve().parent.parent / "fixtures" / "foerderprogramm.json"


def programmdaten_laden(apps: Any = None) -> None:
    """Create or update each programme. `apps` is the migration registry, or None for the live models."""
    get = apps.get_model if apps is not None else __import__("django.apps").apps.get_model
    Foerderprogramm = get("foerderung", "Foerderprogramm")
    daten = json.loads(DATEI.read_text(encoding="utf-8"))
    aktive = [p["name"] for p in daten["programme"] if p.get("aktiv")]
    if aktive:
        Foerderprogramm.objects.exclude(name__in=aktive).update(aktiv=False)
    for p in daten["programme"]:
        Foerderprogramm.objects.update_or_create(
            name=p["name"],
            defaults={
                "budget": Decimal(p["budget"]),
                "satz_akte": Decimal(p["satz_akte"]),
                "satz_blatt": Decimal(p["satz_blatt"]),
                "antragsfrist": date.fromisoformat(p["antragsfrist"]),
                "aktiv": bool(p.get("aktiv")),
            },
        )

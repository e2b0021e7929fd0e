"""Loading the Land-wide data (authorities, Aktenplan with registers, catalogues) from fixtures/, idempotently.

Used by the data migration (so `migrate` leaves a working system) and by `python manage.py landesdaten_laden`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _lade(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def landesdaten_laden(apps: Any = None) -> None:
    """Create or update every Land-wide row. `apps` is the migration registry, or None for the live models."""
    get = apps.get_model if apps is not None else __import__("django.apps").apps.get_model
    Behoerde = get("dms", "Behoerde")
    Aktenplan = get("dms", "Aktenplan")
    Register = get("dms", "Register")
    Vorgangsart = get("dms", "Vorgangsart")
    Dokumentart = get("dms", "Dokumentart")

    for b in _lade("behoerden.json")["behoerden"]:
        Behoerde.objects.update_or_create(
            kuerzel=b["kuerzel"],
            defaults={"name": b["name"], "art": b["art"], "typ": b["typ"], "vom_land_gepflegt": True},
        )

    plan_daten = _lade("aktenplan.json")
    p = plan_daten["aktenplan"]
    Aktenplan.objects.exclude(version=p["version"]).update(aktiv=False)
    plan, _ = Aktenplan.objects.update_or_create(
        version=p["version"],
        defaults={"bezeichnung": p["bezeichnung"], "gueltig_ab": date.fromisoformat(p["gueltig_ab"]), "aktiv": True},
    )
    register = {}
    for r in plan_daten["register"]:
        register[r["nummer"]], _ = Register.objects.update_or_create(
            aktenplan=plan,
            nummer=r["nummer"],
            defaults={
                "titel": r["titel"],
                "aufbewahrung_jahre": r["aufbewahrung_jahre"],
                "aussonderungsart": r["aussonderungsart"],
            },
        )
    for v in plan_daten["vorgangsarten"]:
        Vorgangsart.objects.update_or_create(
            schluessel=v["schluessel"],
            defaults={"bezeichnung": v["bezeichnung"], "register": register.get(v["register"]), "aktiv": True},
        )
    for d in plan_daten["dokumentarten"]:
        Dokumentart.objects.update_or_create(
            schluessel=d["schluessel"],
            defaults={
                "bezeichnung": d["bezeichnung"],
                "register_nummer": d["register_nummer"],
                "rang": d["rang"],
                "stichwoerter": d["stichwoerter"],
            },
        )

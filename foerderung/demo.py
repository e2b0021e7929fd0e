"""Demo data of the subsidy (`manage.py demo_daten`, registered in FoerderungConfig.ready): an open programme round.

The historic round of fixtures/foerderprogramm.json keeps its deadline (31.12.2020) and stays as data; the demo
adds a current round with the same rates whose deadline lies ahead of today, so an authority can apply."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.demo import DemoLauf

from .models import Foerderprogramm

DEMO_RUNDE = "Elektronische Ausländerakte Hessen – laufende Förderrunde"
FRIST_TAGE = 180  # the demo round's deadline: this many days after the day the demo data is loaded


def foerderrunde_oeffnen(lauf: DemoLauf) -> str:
    """The open round, active, with its deadline FRIST_TAGE days from today (idempotent; once for all authorities)."""
    frist = timezone.localdate() + dt.timedelta(days=FRIST_TAGE)
    with transaction.atomic():
        historisch = Foerderprogramm.objects.exclude(name=DEMO_RUNDE).order_by("antragsfrist").last()
        runde = Foerderprogramm.objects.filter(name=DEMO_RUNDE).first()
        if runde is not None and runde.aktiv and runde.antragsfrist == frist:
            return f"Förderrunde offen bis {frist:%d.%m.%Y}."
        Foerderprogramm.objects.exclude(name=DEMO_RUNDE).update(aktiv=False)  # one active programme (constraint)
        runde, neu = Foerderprogramm.objects.update_or_create(
            name=DEMO_RUNDE,
            defaults={
                "budget": historisch.budget if historisch else 1_500_000,
                "satz_akte": historisch.satz_akte if historisch else "0.75",
                "satz_blatt": historisch.satz_blatt if historisch else "0.01",
                "antragsfrist": frist,
                "aktiv": True,
            },
        )
        protokollieren(
            aktion=Aktion.ANLEGEN if neu else Aktion.AENDERN,
            objekt=runde,
            benutzername="manage.py demo_daten",
            details={"antragsfrist": frist.isoformat()},
        )
    return f"Förderrunde offen bis {frist:%d.%m.%Y}."

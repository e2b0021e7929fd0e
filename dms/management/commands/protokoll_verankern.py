"""`python manage.py protokoll_verankern`: write a checkpoint of every audit chain head outside the database now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dms.protokoll.anker import AnkerFehler, verankern


class Command(BaseCommand):
    help = (
        "Schreibt einen Ankerpunkt (Anzahl, letzter Eintrag und Schlüssel-Hash jeder Kette) in die konfigurierten "
        "Ziele außerhalb der Datenbank (AUDIT_ANCHOR_TARGETS); läuft auch regelmäßig (beat)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            anker = verankern()
        except AnkerFehler as exc:
            raise CommandError(f"Ankerpunkt nicht (vollständig) geschrieben: {exc}", returncode=1) from exc
        eintraege = sum(k.anzahl for k in anker.ketten.values())
        ziele = ", ".join(settings.AUDIT_ANCHOR_TARGETS)
        zeitstempel = " mit Zeitstempel (RFC 3161)" if anker.zeitstempel else ""
        self.stdout.write(
            f"Ankerpunkt {anker.nummer} geschrieben ({ziele}){zeitstempel}: {len(anker.ketten)} Ketten, "
            f"{eintraege} Einträge."
        )

"""`python manage.py protokoll_pruefen`: re-compute the audit trail's hash chain and name every broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dms.audit import kette_pruefen
from dms.models import Protokolleintrag


class Command(BaseCommand):
    help = "Prüft die Hash-Kette des Protokolls; nennt jeden veränderten oder entfernten Eintrag (Exit-Code 1)."

    def handle(self, *args: Any, **options: Any) -> None:
        befunde = 0
        for befund in kette_pruefen():
            befunde += 1
            self.stderr.write(f"Eintrag {befund.eintrag_id}: {befund.grund}")
        anzahl = Protokolleintrag.objects.count()
        if befunde:
            raise CommandError(f"Protokoll NICHT in Ordnung: {befunde} Befund(e) bei {anzahl} Einträgen.", returncode=1)
        self.stdout.write(f"Protokoll in Ordnung: {anzahl} Einträge geprüft, Hash-Kette vollständig und unverändert.")

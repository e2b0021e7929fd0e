"""`python manage.py protokoll_pruefen`: check every audit chain and the latest checkpoint; name every bad entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dms.protokoll.pruefung import pruefung_ausfuehren


class Command(BaseCommand):
    help = (
        "Prüft die Schlüssel-Hash-Ketten des Protokolls und den letzten Ankerpunkt außerhalb der Datenbank; nennt "
        "jeden veränderten, entfernten oder hinzugefügten Eintrag zuerst den ersten (Exit-Code 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--nur-neue",
            action="store_true",
            help="nur die Einträge seit dem vorletzten Ankerpunkt (schnell; die volle Prüfung läuft nachts)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ergebnis = pruefung_ausfuehren(nur_neue=options["nur_neue"])
        for befund in ergebnis.befunde:
            self.stderr.write(str(befund))
        if ergebnis.anzahl_befunde > len(ergebnis.befunde):
            self.stderr.write(f"… und {ergebnis.anzahl_befunde - len(ergebnis.befunde)} weitere Befunde")
        p = ergebnis.pruefung
        anker = (
            f"Ankerpunkt {p.anker_nummer} vom {p.anker_zeitpunkt:%d.%m.%Y %H:%M}"
            if p.anker_zeitpunkt
            else "kein Ankerpunkt"
        )
        if not ergebnis.in_ordnung:
            raise CommandError(
                f"Protokoll NICHT in Ordnung: {ergebnis.anzahl_befunde} Befund(e) bei {ergebnis.eintraege} Einträgen; "
                f"erster: {ergebnis.befunde[0]}",
                returncode=1,
            )
        self.stdout.write(
            f"Protokoll in Ordnung: {ergebnis.eintraege} Einträge in {ergebnis.ketten} Ketten geprüft"
            f"{'' if p.vollstaendig else ' (seit dem vorletzten Ankerpunkt)'}, "
            f"Schlüssel-Hashes und Verkettung vollständig, passt zum {anker}."
        )

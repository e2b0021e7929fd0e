"""Back up the database (pg_dump, custom format) and the storage consistently (dms/betrieb/sicherung.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dms.betrieb.sicherung import SicherungFehler, sicherung_erstellen


class Command(BaseCommand):
    help = "Sichert Datenbank und Dateispeicher konsistent in ZIEL/sicherung-<Zeitstempel>/ und gibt den Pfad aus."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--ziel", required=True, help="Verzeichnis, in dem die Sicherung angelegt wird.")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            bericht = sicherung_erstellen(ziel=Path(opts["ziel"]))
        except SicherungFehler as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"{bericht.dateien} Dateien ({bericht.bytes / 1e6:.1f} MB), davon {bericht.referenziert} referenziert; "
            f"Datenbank {bericht.sekunden_datenbank:.1f} s, Dateien {bericht.sekunden_dateien:.1f} s."
        )
        self.stdout.write(str(bericht.ziel))

"""`python manage.py xdomea_import PAKET.zip --behoerde KUERZEL`: import a 0401 package; prints the new Aktenzeichen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dms.xdomea.import_ import ImportAbgelehnt, paket_importieren
from dms.xdomea.schema import NACHRICHT_IMPORTBESTAETIGUNG


class Command(BaseCommand):
    help = (
        "Importiert ein xdomea-3.0.0-Abgabepaket (0401) in eine Behörde und gibt das neue Aktenzeichen aus. "
        "Die Importbestätigung (0402) wird mit --quittung in ein Verzeichnis geschrieben."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paket", help="Pfad zur ZIP-Datei")
        parser.add_argument("--behoerde", required=True, help="Kürzel der aufnehmenden Behörde")
        parser.add_argument("--quittung", default="", help="Verzeichnis für die Importbestätigung 0402 (optional)")

    def handle(self, *args: Any, **options: Any) -> None:
        paket = Path(options["paket"])
        if not paket.is_file():
            raise CommandError(f"Paket {paket} nicht gefunden.")
        try:
            ergebnis = paket_importieren(
                paket=paket, behoerde=options["behoerde"], benutzername="manage.py xdomea_import"
            )
        except ImportAbgelehnt as exc:
            self._quittung_schreiben(options["quittung"], paket.stem, exc.quittung)
            raise CommandError(f"Paket abgelehnt, nichts wurde importiert: {exc.grund}") from exc
        self._quittung_schreiben(options["quittung"], ergebnis.prozess_id, ergebnis.quittung)
        self.stdout.write(ergebnis.akte.aktenzeichen)

    def _quittung_schreiben(self, verzeichnis: str, prozess_id: str, quittung: bytes | None) -> None:
        if not verzeichnis or quittung is None:
            return
        ziel = Path(verzeichnis)
        ziel.mkdir(parents=True, exist_ok=True)
        pfad = ziel / f"{prozess_id}_{NACHRICHT_IMPORTBESTAETIGUNG}.xml"
        pfad.write_bytes(quittung)
        self.stderr.write(f"Importbestätigung: {pfad}")

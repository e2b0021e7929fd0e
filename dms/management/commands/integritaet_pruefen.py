"""Re-hash every stored original and derived file against its recorded SHA-256 (the scheduled check, by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dms.betrieb import integritaet


class Command(BaseCommand):
    help = (
        "Prüft alle gespeicherten Originale und abgeleiteten Dateien gegen ihre SHA-256-Prüfsumme. "
        "Endet mit Fehlercode 1, wenn Dateien fehlen oder verändert sind."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--fortsetzen",
            action="store_true",
            help="Den laufenden (geplanten) Prüflauf fortsetzen statt neu zu beginnen.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        lauf = integritaet.vollstaendig_pruefen(neu=not opts["fortsetzen"])
        for befund in lauf.befunde.order_by("id"):
            self.stdout.write(
                f"{befund.get_art_display()}: {befund.quelle} {befund.objekt_id} {befund.pfad}"
                + (f" (erwartet {befund.erwartet}, gefunden {befund.gefunden})" if befund.gefunden else "")
            )
        zusammenfassung = (
            f"{lauf.geprueft} Dateien geprüft ({lauf.bytes_gelesen / 1e6:.1f} MB gelesen): "
            f"{lauf.fehlend} fehlen, {lauf.veraendert} verändert."
        )
        if lauf.fehlend or lauf.veraendert:
            raise CommandError(zusammenfassung)
        self.stdout.write(self.style.SUCCESS(zusammenfassung))

"""`python manage.py xdomea_export --akte ID --ziel DIR`: write a file as an xdomea 3.0.0 Abgabe.Abgabe.0401 zip."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dms.eingaben import id_lesen
from dms.models import Akte, Behoerde
from dms.xdomea.export import ExportFehler, akte_exportieren


class Command(BaseCommand):
    help = "Exportiert eine Akte als xdomea-3.0.0-Abgabe (0401, ZIP) in ein Verzeichnis und gibt den Pfad aus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--akte", required=True, help="ID oder Aktenzeichen der Akte")
        parser.add_argument("--ziel", required=True, help="Zielverzeichnis (wird angelegt)")
        parser.add_argument("--empfaenger", default="", help="Kürzel der empfangenden Behörde (optional)")
        parser.add_argument("--hinweis", default="", help="Hinweis an den Empfänger (optional)")

    def handle(self, *args: Any, **options: Any) -> None:
        kennung = str(options["akte"]).strip()
        akte = Akte.objects.filter(pk=aid).first() if (aid := id_lesen(kennung)) is not None else None
        akte = akte or Akte.objects.filter(aktenzeichen=kennung).first()
        if akte is None:
            raise CommandError(f"Akte {kennung!r} nicht gefunden.")
        if akte.status == Akte.Status.ABGEGEBEN:
            raise CommandError(f"Die Akte {akte.aktenzeichen} ist abgegeben und kann nicht exportiert werden.")
        empfaenger = None
        if options["empfaenger"]:
            empfaenger = Behoerde.objects.filter(kuerzel=options["empfaenger"].upper()).first()
            if empfaenger is None:
                raise CommandError(f"Unbekannte Behörde {options['empfaenger']!r}.")
        try:
            ergebnis = akte_exportieren(
                akte=akte,
                ziel=options["ziel"],
                empfaenger=empfaenger,
                hinweis=options["hinweis"],
                benutzername="manage.py xdomea_export",
            )
        except ExportFehler as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(ergebnis.pfad))

"""Retrain the document classifier with the caseworkers' corrections (docs/klassifikation.md).

python manage.py klassifikator_trainieren [--im-hintergrund] [--trainingsdaten-erzeugen]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dms.hintergrund import aufgabe_senden
from scanning.altakten.lieferung import ALTAKTEN_QUEUE
from scanning.klassifikation.tasks import NEU_TRAINIEREN, neu_trainieren
from scanning.klassifikation.training import modell_pfad, trainingsdaten_erzeugen


class Command(BaseCommand):
    help = "Trainiert den Klassifikator neu (Trainingssatz im Repository + Korrekturen der Sachbearbeitung)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--im-hintergrund", action="store_true", help="als Celery-Aufgabe (Queue altakten)")
        parser.add_argument(
            "--trainingsdaten-erzeugen", action="store_true", help="daten/training.jsonl neu erzeugen (Seed 1)"
        )

    def handle(self, *args: Any, **optionen: Any) -> None:
        if optionen["trainingsdaten_erzeugen"]:
            self.stdout.write(f"{trainingsdaten_erzeugen()} Trainingsdokumente geschrieben.")
        if optionen["im_hintergrund"]:
            aufgabe_senden(NEU_TRAINIEREN, args=[], queue=ALTAKTEN_QUEUE)
            self.stdout.write("Neutraining im Hintergrund eingereiht.")
            return
        anzahl = neu_trainieren()
        self.stdout.write(f"Klassifikator mit {anzahl} Beispielen trainiert: {modell_pfad()}")

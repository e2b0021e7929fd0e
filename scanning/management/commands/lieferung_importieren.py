"""Import a provider's delivery from the authority's inbox (LIEFERUNGEN_PATH/<Kürzel>) into a lot, in the foreground.

    python manage.py lieferung_importieren LOS-2026-07 --behoerde OF --los 7 --benutzer projektleitung

The web page starts the same import as a Celery task on queue `altakten`; this command is for operators and large
deliveries. Exit code 1 and every error by manifest line when the delivery is refused (nothing is imported).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from scanning.altakten.models import Digitalisierungslos, Lieferung
from scanning.altakten.services import lieferung_annehmen, lieferung_ausfuehren


class Command(BaseCommand):
    help = "Importiert eine Lieferung des Scandienstleisters (Ordner oder ZIP mit manifest.csv) in ein Los."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "quelle",
            help="Name der Lieferung (Ordner oder ZIP) im Eingangsordner der Behörde, LIEFERUNGEN_PATH/<Kürzel>/",
        )
        parser.add_argument("--behoerde", required=True, help="Kürzel der Behörde, z. B. OF")
        parser.add_argument("--los", type=int, required=True, help="Losnummer")
        parser.add_argument("--benutzer", required=True, help="Benutzername der importierenden Person")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=opts["benutzer"], is_active=True).first()
        if user is None:
            raise CommandError(f"Benutzer {opts['benutzer']} gibt es nicht.")
        los = Digitalisierungslos.objects.filter(behoerde__kuerzel=opts["behoerde"], nummer=opts["los"]).first()
        if los is None:
            raise CommandError(f"Los {opts['los']} der Behörde {opts['behoerde']} gibt es nicht.")
        try:
            lieferung = lieferung_annehmen(los=los, quelle=opts["quelle"], user=user, im_hintergrund=False)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        lieferung = lieferung_ausfuehren(lieferung_id=lieferung.pk)
        if lieferung.status != Lieferung.Status.IMPORTIERT:
            for f in lieferung.fehler:
                self.stderr.write(f"Zeile {f['zeile']}: {f['meldung']}")
            raise CommandError(f"Lieferung {lieferung.pk} nicht importiert ({lieferung.get_status_display()}).")
        self.stdout.write(
            f"Lieferung {lieferung.pk}: {lieferung.importiert} Dateien neu, {lieferung.uebersprungen} bereits "
            f"vorhanden, {lieferung.seiten} Seiten."
        )

from typing import Any

from django.core.management.base import BaseCommand

from dms.aussonderung.regeln import regeln_laden
from dms.landesdaten import landesdaten_laden


class Command(BaseCommand):
    help = "Lädt die landesweiten Daten (Behörden, Aktenplan, Vorgangsarten, Dokumentarten) aus fixtures/ neu."

    def handle(self, *args: Any, **options: Any) -> None:
        landesdaten_laden()
        regeln_laden()
        self.stdout.write(self.style.SUCCESS("Landesdaten geladen."))

"""`manage.py aussonderung_freigaben_pruefen`: revoke releases for deletion granted under the old rule (a 0504 after
the 0503, before migration 0028) and report files already deleted that way (dms/aussonderung/freigaben.py).
Idempotent; run after every `migrate` (`make migrate`, the compose service `aussonderung-pruefen`,
docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from dms.aussonderung.freigaben import alte_freigaben_widerrufen


class Command(BaseCommand):
    help = (
        "Widerruft Freigaben zur Löschung ohne Importbestätigung (0506) des Staatsarchivs (alte Regel: 0504 nach "
        "der Aussonderung) und meldet Akten, die so bereits gelöscht wurden. Mehrfach ausführbar."
    )

    def handle(self, *args: Any, **o: Any) -> None:
        ergebnis = alte_freigaben_widerrufen()
        for w in ergebnis.widerrufen:
            antrag = (
                f"; der Löschantrag Nr. {w.loeschantrag_id} bleibt offen und kann erst nach der Importbestätigung "
                "genehmigt werden"
                if w.loeschantrag_id
                else ""
            )
            self.stdout.write(
                f"Freigabe widerrufen: Akte {w.aktenzeichen} (ProzessID {w.prozess_id}) wartet wieder auf die "
                f"Importbestätigung (0506) des Staatsarchivs{antrag}."
            )
        for g in ergebnis.geloescht:
            wann = f" am {timezone.localtime(g.geloescht_am):%d.%m.%Y}" if g.geloescht_am else ""
            nachweis = f" (Löschnachweis Nr. {g.loeschnachweis_id})" if g.loeschnachweis_id else ""
            self.stdout.write(
                self.style.WARNING(
                    f"BEFUND für die Schriftgutverwaltung: Akte {g.aktenzeichen} wurde{wann}{nachweis} gelöscht, "
                    f"ohne dass das Staatsarchiv die Übernahme bestätigt hat (ProzessID {g.prozess_id}). Die Löschung "
                    "kann nicht rückgängig gemacht werden; bitte klären Sie mit dem Staatsarchiv, ob es die Akte "
                    "übernommen hat."
                )
            )
        self.stdout.write(
            f"Aussonderung: {len(ergebnis.widerrufen)} Freigabe(n) widerrufen, "
            f"{len(ergebnis.geloescht)} bereits gelöschte Akte(n) ohne Übernahmebestätigung."
        )

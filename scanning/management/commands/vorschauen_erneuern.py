"""Renew the stored thumbnails of cropped or turned pages (the upgrade after the visible-area fix,
docs/operations.md): in the foreground in batches, or queued in the background."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from scanning import vorschauen


class Command(BaseCommand):
    help = (
        "Erstellt die gespeicherten Vorschaubilder von Seiten mit Beschnitt (CropBox) oder Drehung neu, wo sie nicht "
        "dem sichtbaren Bereich entsprechen. Wiederholbar: Richtige Vorschaubilder bleiben unverändert."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--stapel", type=int, default=200, help="Dokumentversionen je Stapel (Standard 200).")
        parser.add_argument(
            "--fortsetzen",
            action="store_true",
            help="Den zuletzt abgebrochenen Lauf nach seinem letzten fertigen Stapel fortsetzen.",
        )
        parser.add_argument("--ab-id", type=int, default=0, help="Erst nach dieser Dokumentversion beginnen.")
        parser.add_argument("--max-stapel", type=int, default=None, help="Höchstens so viele Stapel (dann Ende).")
        parser.add_argument(
            "--benutzer", default="", help="Anmeldename der Betriebsperson, die den Lauf veranlasst (Protokoll)."
        )
        parser.add_argument(
            "--hintergrund",
            action="store_true",
            help="Nicht hier ausführen, sondern als Celery-Aufgabe einreihen (ein Stapel je Aufgabe).",
        )
        parser.add_argument("--queue", default="", help="Warteschlange für --hintergrund (Standard: ocr).")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["stapel"] < 1:
            raise CommandError("--stapel muss mindestens 1 sein.")
        user = None
        if opts["benutzer"]:
            user = get_user_model().objects.filter(username=opts["benutzer"], is_active=True).first()
            if user is None:
                raise CommandError(f"Benutzer „{opts['benutzer']}“ gibt es nicht.")
        nach, lauf_id = opts["ab_id"], ""
        if opts["fortsetzen"]:
            position = vorschauen.letzte_position()
            if position is None:
                raise CommandError("Es gibt keinen abgebrochenen Lauf zum Fortsetzen.")
            lauf_id, nach = position
        if opts["hintergrund"]:
            lauf_id = vorschauen.einreihen(
                nach=nach,
                anzahl=opts["stapel"],
                lauf_id=lauf_id,
                queue=opts["queue"] or None,
                user_id=user.pk if user is not None else None,
            )
            self.stdout.write(f"Lauf {lauf_id} eingereiht (ab Dokumentversion {nach}).")
            return
        e = vorschauen.lauf(anzahl=opts["stapel"], nach=nach, user=user, lauf_id=lauf_id, max_stapel=opts["max_stapel"])
        zusammenfassung = (
            f"{e.geprueft} Dokumentversionen geprüft (bis Nr. {e.bis_id}): {e.erneuert} mit {e.seiten} neuen "
            f"Vorschaubildern, {e.seitenbilder_entfernt} veraltete Seitenbilder entfernt, {e.fehler} Fehler."
        )
        if e.fehler:
            raise CommandError(zusammenfassung + " Details im Log.")
        self.stdout.write(self.style.SUCCESS(zusammenfassung))

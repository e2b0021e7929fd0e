"""Restore a backup into an EMPTY database and storage, then prove it: integrity check, audit-chain check and a
sample of documents opened (dms/betrieb/sicherung.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dms.audit import kette_pruefen
from dms.betrieb import integritaet
from dms.betrieb.sicherung import SicherungFehler, sicherung_wiederherstellen, stichprobe_oeffnen


class Command(BaseCommand):
    help = (
        "Spielt eine Sicherung in die konfigurierte LEERE Datenbank und den LEEREN Speicher ein und prüft danach "
        "Dateien (SHA-256), Protokollkette und eine Stichprobe von Dokumenten."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("quelle", help="Sicherungsordner (sicherung-<Zeitstempel>).")
        parser.add_argument("--ohne-pruefung", action="store_true", help="Nur einspielen, nicht prüfen.")
        parser.add_argument("--stichprobe", type=int, default=20, help="Anzahl zu öffnender Dokumente (Standard 20).")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            w = sicherung_wiederherstellen(quelle=Path(opts["quelle"]))
        except SicherungFehler as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Eingespielt: Datenbank in {w.sekunden_datenbank:.1f} s, {w.dateien} Dateien "
            f"({w.bytes / 1e6:.1f} MB) in {w.sekunden_dateien:.1f} s."
        )
        if opts["ohne_pruefung"]:
            return
        probleme = []
        lauf = integritaet.vollstaendig_pruefen()
        self.stdout.write(f"Integrität: {lauf.geprueft} Dateien, {lauf.fehlend} fehlen, {lauf.veraendert} verändert.")
        if lauf.fehlend or lauf.veraendert:
            probleme.append("Integritätsprüfung")
        befunde = list(kette_pruefen())
        self.stdout.write(f"Protokollkette: {len(befunde)} Befunde.")
        if befunde:
            probleme.append("Protokollkette")
        fehler = stichprobe_oeffnen(opts["stichprobe"])
        for f in fehler:
            self.stdout.write(f)
        self.stdout.write(f"Stichprobe: {len(fehler)} Fehler.")
        if fehler:
            probleme.append("Stichprobe")
        if probleme:
            raise CommandError(f"Wiederherstellung nicht bestätigt: {', '.join(probleme)}.")
        self.stdout.write(self.style.SUCCESS("Wiederherstellung geprüft: alles in Ordnung."))

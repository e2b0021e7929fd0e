"""Pick up scans from the hot folder: HOTFOLDER_PATH/<KUERZEL>/<file> (one sub-folder per authority).

A file is taken only when its size has stayed the same for `--ruhe` seconds (the scanner may still be writing).
It is first MOVED into `<KUERZEL>/.in_arbeit/` (same file system: atomic), then stored and committed as a
Posteingang, and only then removed. A crash in between leaves it in `.in_arbeit/`, picked up again next time:
nothing is deleted before it is stored.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from dms.betrieb.protokollierung import anfrage_kontext
from dms.models import Behoerde
from scanning import services
from scanning.models import Posteingang

logger = logging.getLogger("scanning.hotfolder")
IN_ARBEIT = ".in_arbeit"


def _kandidaten(ordner: Path) -> list[Path]:
    return sorted(p for p in ordner.iterdir() if p.is_file() and not p.name.startswith("."))


def _groessen(dateien: list[Path]) -> dict[Path, tuple[int, float]]:
    ergebnis = {}
    for p in dateien:
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        ergebnis[p] = (st.st_size, st.st_mtime)
    return ergebnis


def abholen(
    basis: Path, *, ruhe: float = 2.0, vorher: dict[Path, tuple[int, float]] | None = None
) -> tuple[int, dict[Path, tuple[int, float]]]:
    """One pass over all authority folders. Returns (items stored, sizes seen for the next pass)."""
    gespeichert = 0
    gesehen: dict[Path, tuple[int, float]] = {}
    for ordner in sorted(p for p in basis.iterdir() if p.is_dir() and not p.name.startswith(".")):
        behoerde = Behoerde.objects.filter(kuerzel=ordner.name.upper(), aktiv=True).first()
        if behoerde is None:
            logger.warning("Hotfolder %s: keine aktive Behörde mit diesem Kürzel; Dateien bleiben liegen", ordner)
            continue
        arbeit = ordner / IN_ARBEIT
        arbeit.mkdir(exist_ok=True)
        # Left over from a crash: already moved, not yet confirmed stored.
        for rest in _kandidaten(arbeit):
            gespeichert += _speichern(rest, behoerde)
        jetzt = _groessen(_kandidaten(ordner))
        gesehen.update(jetzt)
        if vorher is None:
            time.sleep(ruhe)
            vorher_lokal = jetzt
            jetzt = _groessen(list(jetzt))
        else:
            vorher_lokal = vorher
        for pfad, groesse in jetzt.items():
            if vorher_lokal.get(pfad) != groesse or time.time() - groesse[1] < ruhe:
                continue  # still being written
            ziel = arbeit / f"{uuid.uuid4().hex}__{pfad.name}"
            try:
                pfad.rename(ziel)
            except FileNotFoundError:
                continue
            gespeichert += _speichern(ziel, behoerde)
    return gespeichert, gesehen


def _speichern(pfad: Path, behoerde: Behoerde) -> int:
    # Each picked-up file gets its own request id, followed through its pipeline like an upload's.
    with anfrage_kontext(quelle="hotfolder"):
        name = pfad.name.split("__", 1)[-1]
        try:
            with pfad.open("rb") as f:
                p = services.posteingang_annehmen(
                    behoerde=behoerde, datei=f, dateiname=name, quelle=Posteingang.Quelle.HOTFOLDER
                )
        except Exception:
            # The scanner's file name may name a person: the log names the folder only.
            logger.exception("Hotfolder: Datei konnte nicht gespeichert werden; bleibt in %s", pfad.parent)
            return 0
        pfad.unlink()  # stored and committed: now it may go
        logger.info("Hotfolder: Datei als Posteingang %s gespeichert", p.pk)
        return 1


class Command(BaseCommand):
    help = "Scans aus dem Hotfolder (HOTFOLDER_PATH/<KÜRZEL>/) als Posteingang übernehmen."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--einmal", action="store_true", help="Nur einen Durchlauf, dann beenden.")
        parser.add_argument("--ruhe", type=float, default=2.0, help="Sekunden ohne Größenänderung (Standard 2).")
        parser.add_argument("--intervall", type=float, default=5.0, help="Sekunden zwischen Durchläufen.")

    def handle(self, *args: Any, **opts: Any) -> None:
        basis = Path(settings.HOTFOLDER_PATH)
        basis.mkdir(parents=True, exist_ok=True)
        if opts["einmal"]:
            n, _ = abholen(basis, ruhe=opts["ruhe"])
            self.stdout.write(f"{n} Datei(en) übernommen.")
            return
        vorher: dict[Path, tuple[int, float]] | None = None
        # A service stopped with SIGTERM (docker stop, make run's Ctrl-C) ends after the current pass; as PID 1 in a
        # container it would otherwise ignore the signal and be killed mid-file.
        stopp = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopp.set())
        while not stopp.is_set():
            n, vorher = abholen(basis, ruhe=opts["ruhe"], vorher=vorher or {})
            if n:
                self.stdout.write(f"{n} Datei(en) übernommen.")
            stopp.wait(opts["intervall"])

"""A local working directory per item, so a step re-run after a crash resumes at the first unfinished page."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings


def basis() -> Path:
    return Path(
        getattr(settings, "OCR_WORK_DIR", "")
        or os.environ.get("OCR_WORK_DIR", "")
        or Path(tempfile.gettempdir()) / "auslaenderakte-ocr"
    )


def _tmp(ziel: Path) -> Path:
    """A temporary name of this process: two pool processes working on blocks of the same file (or a block delivered
    twice) never write into each other's half-written file."""
    return ziel.with_suffix(f"{ziel.suffix}.{os.getpid()}.tmp")


class Arbeitsbereich:
    def __init__(self, schluessel: str) -> None:
        self.pfad = basis() / schluessel
        self.pfad.mkdir(parents=True, exist_ok=True, mode=0o700)

    def datei(self, name: str) -> Path:
        return self.pfad / name

    def lesen_json(self, name: str) -> Any | None:
        p = self.datei(name)
        if not p.exists():
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except ValueError:  # half-written by a killed worker
            return None

    def schreiben_json(self, name: str, daten: Any) -> None:
        # Written to a temporary name and renamed, so a kill -9 never leaves a half file behind.
        ziel = self.datei(name)
        tmp = _tmp(ziel)
        tmp.write_text(json.dumps(daten, ensure_ascii=False), encoding="utf-8")
        tmp.replace(ziel)

    def schreiben_bytes(self, name: str, daten: bytes) -> Path:
        ziel = self.datei(name)
        tmp = _tmp(ziel)
        tmp.write_bytes(daten)
        tmp.replace(ziel)
        return ziel

    def original_holen(self, quelle: Any) -> Path:
        """A local copy of a stored file (storage may be S3) as `original`, fetched once per machine."""
        ziel = self.datei("original")
        if not ziel.exists():
            tmp = _tmp(ziel)
            with quelle.open("rb") as ein, tmp.open("wb") as aus:
                shutil.copyfileobj(ein, aus, 1024 * 1024)
            tmp.replace(ziel)
        return ziel

    def entfernen(self) -> None:
        shutil.rmtree(self.pfad, ignore_errors=True)


def alte_entfernen(ausser: str, stunden: float = 24) -> int:
    """Remove working folders untouched for `stunden` (a page-parallel file leaves its original on every machine
    that did one of its blocks; only the join's machine knows when the file is done). Returns how many."""
    grenze = time.time() - stunden * 3600
    entfernt = 0
    try:
        ordner = list(basis().iterdir())
    except FileNotFoundError:
        return 0
    for pfad in ordner:
        try:
            if pfad.name != ausser and pfad.is_dir() and pfad.stat().st_mtime < grenze:
                shutil.rmtree(pfad, ignore_errors=True)
                entfernt += 1
        except FileNotFoundError:  # removed by another process meanwhile
            continue
    return entfernt

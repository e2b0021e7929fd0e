"""The labelled training set kept in the repository, the trained model on disk, and (re)training.

`daten/training.jsonl` holds generated documents (one JSON object per line: kind and page texts; seed 1, 30 per kind)
plus the public press texts in `daten/presse/`. Retraining adds every caseworker's correction. The model is written
with joblib to `KLASSIFIKATOR_PFAD` (default `MEDIA_ROOT/klassifikation/modell.joblib`) by this process only and is
read back from there; it is never taken from anywhere else (a joblib file is a pickle).
"""

from __future__ import annotations

import json
import logging
import os
import random
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import joblib
from django.conf import settings

from .arten import ARTEN
from .beispiele import bilder_erzeugen, dokument_erzeugen
from .modell import Beispieldatei, Klassifikator, trainieren

logger = logging.getLogger("scanning.klassifikation")

TRAININGSDATEI = Path(__file__).resolve().parent / "daten" / "training.jsonl"
TRAININGS_SEED = 1
JE_ART = 30

_sperre = threading.Lock()
_geladen: dict[str, tuple[float, Klassifikator]] = {}


def trainingsdaten_erzeugen(pfad: Path = TRAININGSDATEI, je_art: int = JE_ART, seed: int = TRAININGS_SEED) -> int:
    """(Re)write the labelled training set (deterministic for a seed). Returns the number of documents."""
    rng = random.Random(seed)  # noqa: S311  (reproducible training, not security)
    zeilen = []
    for art in sorted(ARTEN):
        for _ in range(je_art):
            seiten = dokument_erzeugen(art, rng, rng.choice([0.005, 0.01, 0.02, 0.04]))
            zeilen.append(json.dumps({"art": art, "seiten": seiten}, ensure_ascii=False))
    pfad.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    return len(zeilen)


def trainingsdaten_lesen(pfad: Path = TRAININGSDATEI) -> list[tuple[str, list[str]]]:
    aus = []
    for zeile in pfad.read_text(encoding="utf-8").splitlines():
        if zeile.strip():
            d = json.loads(zeile)
            aus.append((str(d["art"]), [str(s) for s in d["seiten"]]))
    return aus


def trainingsbilder(dokumente: Sequence[tuple[str, list[str]]], seed: int = TRAININGS_SEED) -> list[list[list[float]]]:
    """Image features for the repository's training documents: their pages rendered with the kinds' visual traits
    (beispiele.seite_rendern; deterministic, about 5 ms a page)."""
    rng = random.Random(seed)  # noqa: S311  (reproducible training, not security)
    return [bilder_erzeugen(art, seiten, rng) for art, seiten in dokumente]


def trainingsmodell(
    korrekturen_dokumente: Iterable[tuple[str, list[str]]] = (),
    korrekturen_dateien: Sequence[Beispieldatei] = (),
    mit_bild: bool = True,
) -> Klassifikator:
    """A model trained on the repository's set (with rendered page images) plus corrections (text only)."""
    basis = trainingsdaten_lesen()
    korrekturen = list(korrekturen_dokumente)
    bilder: list[list[list[float]] | None] = [*trainingsbilder(basis), *([None] * len(korrekturen))]
    return trainieren(basis + korrekturen, korrekturen_dateien, bilder=bilder, mit_bild=mit_bild)


def modell_pfad() -> Path:
    eigen = getattr(settings, "KLASSIFIKATOR_PFAD", "")
    return Path(eigen) if eigen else Path(settings.MEDIA_ROOT) / "klassifikation" / "modell.joblib"


def modell_trainieren(
    korrekturen_dokumente: Iterable[tuple[str, list[str]]] = (),
    korrekturen_dateien: Sequence[Beispieldatei] = (),
) -> Klassifikator:
    """Train on the repository's set plus corrections and store the model (written to a temporary name, renamed)."""
    k = trainingsmodell(korrekturen_dokumente, korrekturen_dateien)
    ziel = modell_pfad()
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=ziel.parent, prefix=".modell-", suffix=".joblib")
    os.close(fd)
    joblib.dump(k, tmp, compress=3)
    os.replace(tmp, ziel)
    with _sperre:
        _geladen.clear()
    logger.info("Klassifikator trainiert: %s Beispiele", k.anzahl_beispiele)
    return k


def klassifikator() -> Klassifikator:
    """The current model: loaded from disk (again when a retraining replaced the file), trained from the repository's
    set when there is none yet."""
    pfad = modell_pfad()
    with _sperre:
        try:
            stand = pfad.stat().st_mtime
        except FileNotFoundError:
            stand = -1.0
        schluessel = str(pfad)
        if schluessel in _geladen and _geladen[schluessel][0] == stand:
            return _geladen[schluessel][1]
        k = None if stand < 0 else joblib.load(pfad)
    if k is None:
        k = modell_trainieren()
        stand = pfad.stat().st_mtime
    with _sperre:
        _geladen[schluessel] = (stand, k)
    return k


def klassifikator_falls_vorhanden() -> Klassifikator | None:
    """The current model if one has been trained (never trains in the caller: a mail item must not wait)."""
    if not modell_pfad().exists():
        return None
    return klassifikator()

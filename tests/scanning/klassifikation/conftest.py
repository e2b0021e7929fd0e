"""One trained classifier per machine and training set for all tests (training takes about half a minute)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import joblib
import pytest

from scanning.klassifikation import beispiele, bildmerkmale, modell
from scanning.klassifikation.training import TRAININGSDATEI, trainingsmodell


def _modelldatei() -> Path:
    """Keyed by the training set and the model code, so a change trains anew."""
    code = b"".join(Path(m.__file__).read_bytes() for m in (modell, beispiele, bildmerkmale) if m.__file__)
    h = hashlib.sha256(TRAININGSDATEI.read_bytes() + code).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"auslaenderakte-klassifikator-test-{h}.joblib"


def trainiertes_modell() -> Path:
    pfad = _modelldatei()
    if not pfad.exists():
        k = trainingsmodell()
        tmp = pfad.with_suffix(f".{os.getpid()}.tmp")
        joblib.dump(k, tmp, compress=3)
        os.replace(tmp, pfad)
    return pfad


@pytest.fixture(scope="session")
def modell_datei() -> Path:
    return trainiertes_modell()


@pytest.fixture(scope="session")
def klassifikator_test(modell_datei: Path) -> modell.Klassifikator:
    k: modell.Klassifikator = joblib.load(modell_datei)
    return k


@pytest.fixture
def trainiert(settings, modell_datei):
    """Point the app at the pre-trained model (a copy: retraining in a test must not change the shared one)."""
    ziel = Path(tempfile.mkdtemp(prefix="klassifikator-")) / "modell.joblib"
    ziel.write_bytes(modell_datei.read_bytes())
    settings.KLASSIFIKATOR_PFAD = str(ziel)
    return ziel

"""Page-parallel OCR in-process (real Tesseract, eager Celery, local storage): blocks in any order and delivered
twice, an early join, a join delivered again — always one complete, searchable document."""

from __future__ import annotations

import io
import subprocess

import pytest

from dms.models import Dokument, DokumentVersion
from dms.services import dokument_anlegen
from scanning.pipeline import verteilung
from scanning.pipeline.dokument import verarbeiten
from tests import factories as f

from . import scans

pytestmark = pytest.mark.django_db

WOERTER = ["Apfelbaum", "Dachziegel", "Gartenzaun"]


def test_bloecke_decken_alle_seiten_ab():
    assert verteilung.bloecke_bilden(5, 2) == [(1, 2), (3, 4), (5, 5)]
    assert verteilung.bloecke_bilden(500, 10)[-1] == (491, 500)
    assert len(verteilung.bloecke_bilden(500, 10)) == 50


@pytest.fixture
def dokument(settings, tmp_path, eager):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OCR_WORK_DIR = str(tmp_path / "arbeit")
    settings.OCR_SEITEN_JE_AUFGABE = 1
    bilder = [scans.brief_bild(scans.Brief(betreff=f"Betreff {w}"), seed=60 + i) for i, w in enumerate(WOERTER)]
    datei = io.BytesIO(scans.pdf_aus_bildern(bilder))
    return dokument_anlegen(
        akte=f.AkteFactory(),
        register=f.register("03"),
        datei=datei,
        dateiname="altakte.pdf",
        user=None,
        verarbeiten=False,
    )


def _pruefen(dokument: Dokument) -> DokumentVersion:
    dokument.refresh_from_db()
    version = DokumentVersion.objects.get(dokument=dokument)
    assert dokument.ocr_status == Dokument.OcrStatus.FERTIG and version.seiten == 3 and dokument.seiten == 3
    positionen = [version.text.find(w) for w in WOERTER]
    assert min(positionen) >= 0 and positionen == sorted(positionen), version.text
    with version.pdf.open("rb") as pdf:
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.read(), capture_output=True, check=True).stdout
    assert all(w.encode() in text for w in WOERTER) and text.count(b"\f") == 3
    assert len(version.vorschaubilder) == 3
    return version


def test_langer_scan_wird_in_bloecken_erkannt_und_einmal_zusammengefuehrt(dokument, settings, tmp_path):
    version = DokumentVersion.objects.get(dokument=dokument)
    verarbeiten(version.pk)  # fans out: three one-page blocks, the last queues the join (all eager here)
    version = _pruefen(dokument)
    assert not (tmp_path / "media" / "arbeit").exists() or not any((tmp_path / "media" / "arbeit").rglob("*.json"))
    pdf_name = version.pdf.name
    # A block and the join delivered again after the end change nothing and leave nothing behind.
    verteilung.block_erkennen(version.pk, 2, 2, 3, None)
    verteilung.bloecke_zusammenfuehren(version.pk, 3)
    version = _pruefen(dokument)
    assert version.pdf.name == pdf_name
    assert not any((tmp_path / "media").rglob("block-*.json"))


def test_bloecke_in_beliebiger_reihenfolge_und_zu_fruehes_zusammenfuehren(dokument):
    version = DokumentVersion.objects.get(dokument=dokument)
    # Blocks on different workers finish in any order; a join queued before all are there does nothing.
    verteilung.block_erkennen(version.pk, 3, 3, 3, None)
    verteilung.bloecke_zusammenfuehren(version.pk, 3)
    dokument.refresh_from_db()
    assert dokument.ocr_status != Dokument.OcrStatus.FERTIG
    verteilung.block_erkennen(version.pk, 3, 3, 3, None)  # the same block delivered twice
    verteilung.block_erkennen(version.pk, 1, 1, 3, None)
    verteilung.block_erkennen(version.pk, 2, 2, 3, None)  # the last one queues the join
    _pruefen(dokument)


def test_alte_arbeitsordner_werden_entfernt_der_laufende_nicht(settings, tmp_path):
    import os
    import time

    from scanning.pipeline.arbeitsbereich import Arbeitsbereich, alte_entfernen

    settings.OCR_WORK_DIR = str(tmp_path / "arbeit")
    alt, frisch, laufend = Arbeitsbereich("version-alt"), Arbeitsbereich("version-frisch"), Arbeitsbereich("version-x")
    alt.schreiben_bytes("original", b"%PDF")
    vor_zwei_tagen = time.time() - 48 * 3600
    for ordner in (alt.pfad, laufend.pfad):
        os.utime(ordner, (vor_zwei_tagen, vor_zwei_tagen))
    assert alte_entfernen("version-x") == 1
    assert not alt.pfad.exists() and frisch.pfad.exists() and laufend.pfad.exists()

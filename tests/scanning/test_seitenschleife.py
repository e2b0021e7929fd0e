"""The page loop on image inputs, in-process (real Tesseract, no worker): TIFF stacks, blank pages, upside-down
pages, resume after a crash."""

from __future__ import annotations

import subprocess

import pikepdf
import pytest

from scanning.pipeline import preflight, texterkennung
from scanning.pipeline.arbeitsbereich import Arbeitsbereich

from . import scans


@pytest.fixture
def arbeitsbereich(tmp_path, settings):
    settings.OCR_WORK_DIR = str(tmp_path / "arbeit")
    return Arbeitsbereich("test")


def test_tiff_stack_with_blank_back_becomes_searchable_pdf(tmp_path, arbeitsbereich):
    pfad = tmp_path / "stapel"
    brief = scans.brief_bild(scans.Brief(name="Jörg Schäfer", betreff="Antrag auf Verlängerung"), seed=5)
    pfad.write_bytes(scans.tiff_aus_bildern([brief, scans.leere_seite()]))
    p = preflight.pruefen(pfad)
    e = texterkennung.datei_erkennen(pfad, p.mime_type, p.seiten, arbeitsbereich)
    assert (e.seiten, e.leere_seiten, e.blatt, e.textquelle) == (2, 1, 1, "ocr")
    assert "Verlängerung" in e.seitentexte[0] and e.seitentexte[1] == ""
    with pikepdf.open(e.pdf_pfad) as pdf:
        assert len(pdf.pages) == 2
        assert pdf.open_metadata().get("pdfaid:part") == "2"
    text = subprocess.run(["pdftotext", str(e.pdf_pfad), "-"], capture_output=True, text=True).stdout
    assert "Schäfer" in text or "Schafer" in text
    assert all(p.exists() and p.stat().st_size > 100 for p in e.vorschau_pfade)


def test_upside_down_page_is_turned_and_read(tmp_path, arbeitsbereich):
    pfad = tmp_path / "kopf.jpg"
    bild = scans.brief_bild(scans.Brief(name="Anna Kowalski"), seed=6).rotate(180)
    pfad.write_bytes(scans.jpeg(bild))
    e = texterkennung.datei_erkennen(pfad, "image/jpeg", 1, arbeitsbereich)
    assert e.drehungen == {1: 180}
    assert "Kowalski" in e.text


def test_resume_after_crash_reuses_finished_pages(tmp_path, arbeitsbereich):
    pfad = tmp_path / "scan.pdf"
    pfad.write_bytes(scans.pdf_aus_bildern([scans.brief_bild(scans.Brief(), seed=s) for s in (7, 8)]))
    erste = texterkennung.datei_erkennen(pfad, "application/pdf", 2, arbeitsbereich)
    # A page result written before the "crash" is taken as is on the re-run: no second OCR for it.
    info = arbeitsbereich.lesen_json("seite-00001.json")
    info["text"] = "MARKIERT"
    arbeitsbereich.schreiben_json("seite-00001.json", info)
    zweite = texterkennung.datei_erkennen(pfad, "application/pdf", 2, arbeitsbereich)
    assert zweite.seitentexte[0] == "MARKIERT" and zweite.seitentexte[1] == erste.seitentexte[1]

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


def test_colour_scan_stays_colour_in_the_searchable_copy(tmp_path, arbeitsbereich):
    """VG Wiesbaden 6 K 152/14.WI.A: a scan must keep the original's legibility, colour in colour."""
    from PIL import ImageDraw

    bild = scans.brief_bild(scans.Brief(name="Ayşe Yılmaz", betreff="Stempel in Rot"), seed=9).convert("RGB")
    ImageDraw.Draw(bild).rectangle((200, 200, 600, 400), fill=(200, 20, 20))  # a red stamp
    pfad = tmp_path / "farbe.jpg"
    pfad.write_bytes(scans.jpeg(bild))
    e = texterkennung.datei_erkennen(pfad, "image/jpeg", 1, arbeitsbereich)
    with pikepdf.open(e.pdf_pfad) as pdf:
        bilder = [pikepdf.PdfImage(b) for b in pdf.pages[0].images.values()]
        farbig = [b for b in bilder if b.colorspace == "/DeviceRGB"]
        assert farbig, [b.colorspace for b in bilder]
        rot = farbig[0].as_pil_image().convert("RGB")
        r, g, b = rot.getpixel((int(rot.width * 400 / bild.width), int(rot.height * 300 / bild.height)))
        assert r > 150 and g < 80 and b < 80

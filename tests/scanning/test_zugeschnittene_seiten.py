"""A cropped scan (a CropBox inside the scanned sheet, not starting at (0, 0)): the page loop reads what is shown and
lays the text layer where the words are shown, exactly as on the same scan uncropped (real Tesseract, in-process)."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest

from dms.dateien import PDF
from scanning.pipeline import raster, texterkennung
from scanning.pipeline.arbeitsbereich import Arbeitsbereich

from . import scans

# "Berliner Straße 100 …" is drawn 560 px below the top at 300 dpi (scans.brief_bild): about 708 pt above the bottom.
SICHTBAR = [40, 300, 560, 760]  # the sender line (about 775–782 pt) lies above it


@pytest.fixture(autouse=True)
def arbeitsordner(tmp_path, settings):
    settings.OCR_WORK_DIR = str(tmp_path / "arbeit")


def _zuschneiden(inhalt: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(inhalt)) as pdf:
        pdf.pages[0].obj.CropBox = SICHTBAR
        pdf.pages[0].obj.TrimBox = [60, 320, 540, 740]  # a trim box inside it must not matter either
        ziel = io.BytesIO()
        pdf.save(ziel)
    return ziel.getvalue()


def _wortlage(pdf_pfad, wort: str) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    """Where pdfium finds `wort` in the text layer, in the page's own coordinates (points)."""
    dokument = pdfium.PdfDocument(str(pdf_pfad))
    text = dokument[0].get_textpage()
    treffer = text.search(wort).get_next()
    assert treffer is not None, text.get_text_range()
    links, unten, _r, oben = text.get_charbox(treffer[0])
    _l, _u, rechts, _o = text.get_charbox(treffer[0] + treffer[1] - 1)
    return links, unten, rechts, oben


def test_cropped_scan_is_read_as_shown_and_its_words_land_where_they_are_shown(tmp_path):
    voll = scans.pdf_aus_bildern([scans.brief_bild(scans.Brief(), seed=5)])
    zugeschnitten = _zuschneiden(voll)
    (tmp_path / "voll.pdf").write_bytes(voll)
    (tmp_path / "zu.pdf").write_bytes(zugeschnitten)
    with pikepdf.open(tmp_path / "zu.pdf") as pdf:
        bild = raster.seite_rastern(tmp_path / "zu.pdf", PDF, 1, 100, pdf=pdf)
    # the raster is the visible area (520 × 460 pt), not the whole sheet (595 × 842 pt)
    assert bild.size == pytest.approx((520 * 100 / 72, 460 * 100 / 72), abs=2)
    erwartet = texterkennung.datei_erkennen(tmp_path / "voll.pdf", PDF, 1, Arbeitsbereich("voll"))
    ergebnis = texterkennung.datei_erkennen(tmp_path / "zu.pdf", PDF, 1, Arbeitsbereich("zu"))
    assert "Berliner" in ergebnis.text
    assert "Kanzlei" not in ergebnis.text  # the sender line above the visible area is not read
    assert _wortlage(ergebnis.pdf_pfad, "Berliner") == pytest.approx(_wortlage(erwartet.pdf_pfad, "Berliner"), abs=3)

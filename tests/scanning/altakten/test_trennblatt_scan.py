"""A scanned legacy file (images only, no text layer) with printed register separator sheets: real Tesseract reads
the pages, the separator sheets' QR codes are found the way cover sheets are, and the file is cut by register."""

from __future__ import annotations

import io

import pytest
from pdf2image import convert_from_bytes
from PIL import Image, ImageDraw, ImageFont

from scanning.altakten import services as svc
from scanning.altakten.gliederung import gliederungen_vorschlagen
from scanning.altakten.models import Gliederung, Lieferung, LosAkte
from scanning.deckblatt import trennblaetter_pdf
from scanning.pipeline import dokument as dokument_pipeline

from .lieferhilfen import Datei, lieferung_schreiben

pytestmark = pytest.mark.django_db
DPI = 150
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _seite(text: str) -> Image.Image:
    bild = Image.new("L", (1240, 1754), 255)
    z = ImageDraw.Draw(bild)
    schrift = ImageFont.truetype(FONT, 24)
    y = 120
    for zeile in text.splitlines():
        z.text((110, y), zeile, font=schrift, fill=0)
        y += 36
    return bild


def _scan() -> bytes:
    blaetter = convert_from_bytes(
        trennblaetter_pdf(register=[("02", "Pass und Passersatz"), ("03", "Aufenthaltstitel")], behoerde_name="OF"),
        dpi=DPI,
        grayscale=True,
    )
    seiten = [
        blaetter[0],
        _seite(
            "REISEPASS PASSPORT\nTyp P Code UKR\nName/Surname KOVALENKO\nGiven names OLENA\n"
            "Date of birth 12.03.1990\nP<UKRKOVALENKO<<OLENA<<<<<<<<<<<<<<<<<<<<<<<<"
        ),
        blaetter[1],
        _seite(
            "Antrag auf Verlängerung der Aufenthaltserlaubnis\n(Formular der Ausländerbehörde)\n"
            "1. Angaben zur Person\nFamilienname Kovalenko\nVornamen Olena\nStaatsangehörigkeit Ukraine\n"
            "2. Aufenthaltszweck Erwerbstätigkeit"
        ),
    ]
    puffer = io.BytesIO()
    seiten[0].save(puffer, format="PDF", save_all=True, append_images=seiten[1:], resolution=DPI)
    return puffer.getvalue()


def test_scanned_file_is_cut_at_printed_separator_sheets(eingang, los, akten, projektleitung, trainiert):
    akte = akten[0]
    inhalt = _scan()
    lieferung_schreiben(eingang / "S1", [Datei("scan.pdf", 4, aktenzeichen=akte.aktenzeichen, inhalt=inhalt)])
    lieferung = svc.lieferung_annehmen(los=los, quelle="S1", user=projektleitung, im_hintergrund=False)
    assert svc.lieferung_ausfuehren(lieferung_id=lieferung.pk).status == Lieferung.Status.IMPORTIERT
    original = LosAkte.objects.get(akte=akte).dokument
    dokument_pipeline.verarbeiten(original.versionen.get().pk)  # real Tesseract: the scan has no text layer
    original.refresh_from_db()
    assert "Verlängerung" in original.text or "Aufenthaltserlaubnis" in original.text
    assert gliederungen_vorschlagen(los_id=los.pk) == 1
    g = Gliederung.objects.get(original=original)
    assert g.herkunft == "trennblatt"
    bereiche = [(a["von"], a["bis"], a["register"]) for a in g.abschnitte]
    assert bereiche == [(2, 2, "02"), (4, 4, "03")]  # the separator sheets themselves are in no document
    assert [a["art"] for a in g.abschnitte] == ["passkopie", "antrag"]

"""Rotated pages (/Rotate 90, 180, 270): the sheet number is stamped upright at the top right of the page as a
viewer shows it, and a box drawn on the page as shown covers exactly what it was drawn over."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from PIL import Image

from dms.gericht.services import aktenvorlage_anfordern, aktenvorlage_erstellen, einsichtskopie_erstellen
from tests import factories as f

from .hilfen import dokument_mit_pdf, gedrehtes_pdf

pytestmark = pytest.mark.django_db

DREHUNGEN = [0, 90, 180, 270]


def _zeichen(pdf: bytes, seite: int) -> tuple[list[LTChar], float, float]:
    """The characters of a page in content order with pdfminer's positions (on the page as shown, no layout
    analysis) and the shown page size."""
    ressourcen = PDFResourceManager()
    sammler = PDFPageAggregator(ressourcen, laparams=None)
    interpreter = PDFPageInterpreter(ressourcen, sammler)
    for n, pdf_seite in enumerate(PDFPage.get_pages(io.BytesIO(pdf))):
        if n == seite:
            interpreter.process_page(pdf_seite)
            break
    layout = sammler.get_result()
    zeichen: list[LTChar] = []

    def sammeln(element: LTContainer) -> None:  # type: ignore[type-arg]
        for kind in element:
            if isinstance(kind, LTChar):
                zeichen.append(kind)
            elif isinstance(kind, LTContainer):
                sammeln(kind)

    sammeln(layout)
    return zeichen, layout.width, layout.height


def textkasten(inhalt: bytes, seite: int, text: str, rand: float) -> tuple[float, float, float, float]:
    """Where `text` is on the page as shown, in points from the lower left (pdfminer), padded by `rand`."""
    zeichen, _b, _h = _zeichen(inhalt, seite)
    treffer = "".join(z.get_text() for z in zeichen).index(text)
    teil = zeichen[treffer : treffer + len(text)]
    return (
        min(z.x0 for z in teil) - rand,
        min(z.y0 for z in teil) - rand,
        max(z.x1 for z in teil) + rand,
        max(z.y1 for z in teil) + rand,
    )


def unter_dem_kasten(bild: Image.Image, box: tuple[float, float, float, float] | list[float], skala: float):  # type: ignore[no-untyped-def]
    """The pixels of a rendered page (`skala` px per pt) under `box` (points from the lower left), 1 pt inside its
    edges and without the white "geschwärzt" label (drawn at the top left of a box at least about 58 × 14 pt)."""
    x0, y0, x1, y1 = box
    if x1 - x0 >= 58 and y1 - y0 >= 14:
        x0 += 56
    return bild.crop(
        (
            int((x0 + 1) * skala),
            int(bild.height - (y1 - 1) * skala),
            int((x1 - 1) * skala),
            int(bild.height - (y0 + 1) * skala),
        )
    )


def test_sheet_number_is_upright_at_the_top_right_of_rotated_pages(sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokument_mit_pdf(akte, "Gedreht", gedrehtes_pdf(DREHUNGEN), user=sachbearbeitung)
    vorlage = aktenvorlage_anfordern(akte=akte, user=sachbearbeitung, anlass="Klage", empfaenger="VG Kassel")
    vorlage = aktenvorlage_erstellen(vorlage_id=vorlage.pk)
    with vorlage.datei.open("rb") as fh:
        pdf = fh.read()
    for i, drehung in enumerate(DREHUNGEN):
        seite = 2 + i  # after cover and contents
        zeichen, breite, hoehe = _zeichen(pdf, seite)
        stempel = [z for z in zeichen if "Bold" in z.fontname]
        assert stempel, [(z.get_text(), z.fontname) for z in zeichen]
        assert "".join(z.get_text() for z in stempel) == f"Bl. {i + 1}", drehung
        for z in stempel:
            # upright: the glyph matrix is a plain positive scale on the page as shown
            a, b, c, d, _e, _f = z.matrix
            assert a > 0 and d > 0 and abs(b) < 1e-6 and abs(c) < 1e-6, (drehung, z.matrix)
            # the top right corner of the page as shown (portrait 595×842 or landscape 842×595)
            assert z.x1 > breite - 40 and z.y0 > hoehe - 40, (drehung, z.bbox, breite, hoehe)
        assert (breite, hoehe) == ((842, 595) if drehung in (90, 270) else (595, 842)) or abs(
            breite - (842 if drehung in (90, 270) else 595)
        ) < 1
        # pixels: dark pixels in the top right corner as rendered, the other top corner blank
        bild = pdfium.PdfDocument(pdf)[seite].render(scale=1).to_pil().convert("L")
        rechts_oben = bild.crop((bild.width - 60, 0, bild.width - 10, 30))
        links_oben = bild.crop((10, 0, 60, 30))
        assert rechts_oben.getextrema()[0] < 100, drehung
        assert links_oben.getextrema() == (255, 255), drehung


def test_box_on_a_rotated_page_covers_what_it_was_drawn_over(api, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    inhalt = gedrehtes_pdf([90], {"Geheimer Name": (72, 700), "Offener Text": (72, 200)})
    dok = dokument_mit_pdf(akte, "Quer", inhalt, user=sachbearbeitung)
    # The box comes from where pdfminer sees the text on the page as shown (the API's unit), padded by 2 pt.
    _zeichen_liste, breite, hoehe = _zeichen(inhalt, 0)
    assert (round(breite), round(hoehe)) == (842, 595)
    box = list(textkasten(inhalt, 0, "Geheimer Name", 2))
    antwort = api.post(
        f"/api/v1/akten/{akte.pk}/akteneinsicht/",
        {
            "dokumente": [dok.pk],
            "schwaerzungen": [{"dokument": dok.pk, "seite": 1, "rechteck": box, "grund": "Daten Dritter"}],
            "empfaenger": "RA",
        },
        format="json",
    )
    assert antwort.status_code == 201, antwort.content
    kopie = einsichtskopie_erstellen(kopie_id=antwort.json()["id"])
    with kopie.datei.open("rb") as fh:
        pdf = fh.read()
    with pikepdf.open(io.BytesIO(pdf)) as p:
        seite = p.pages[2]
        assert int(seite.obj.get("/Rotate", 0)) == 0  # replaced by an upright image page of the shown size
        assert [round(float(v)) for v in seite.mediabox] == [0, 0, 842, 595]
        seite.contents_coalesce()
        assert b"Geheimer" not in seite.obj.Contents.read_bytes()
        namen = sorted(seite.obj.Resources.XObject.keys())
        assert len(namen) == 2 and namen[1] == "/Geschwaerzt"  # the image and the sheet-number stamp, nothing else
    bild = pdfium.PdfDocument(pdf)[2].render(scale=2).to_pil().convert("L")
    unter = unter_dem_kasten(bild, box, 2)
    assert unter.width > 10 and unter.height > 10 and unter.getextrema() == (0, 0)  # uniformly black
    ox0, oy0, ox1, oy1 = textkasten(inhalt, 0, "Offener Text", 0)
    daneben = bild.crop((int(ox0 * 2), int(bild.height - oy1 * 2), int(ox1 * 2), int(bild.height - oy0 * 2)))
    assert daneben.getextrema()[0] < 128 and daneben.getextrema()[1] == 255  # the other text is still shown

"""Redaction (Schwärzung) that leaves nothing under the box: a page with a redaction is rendered to pixels
(pdfium), the boxes are filled black in the pixels, and the page is replaced by that image alone. No text, no
vector content, no annotation and no image data of the original page survives on a redacted page; pages without a
redaction are copied unchanged (minus annotations and page metadata)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from dms.pdfsatz import SCHRIFT

AUFLOESUNG_DPI = 150
SCHWARZ = (0, 0, 0)


@dataclass(frozen=True)
class Bereich:
    """A box in PDF points, origin bottom-left of the page's media box; None: the whole page."""

    seite: int
    rechteck: tuple[float, float, float, float] | None


def _pixelbox(
    rechteck: tuple[float, float, float, float] | None, breite: float, hoehe: float, faktor: float
) -> tuple[int, int, int, int]:
    if rechteck is None:
        return 0, 0, int(breite * faktor) + 1, int(hoehe * faktor) + 1
    x0, y0, x1, y1 = rechteck
    links, rechts = sorted((x0, x1))
    unten, oben = sorted((y0, y1))
    # Round outward: a box never covers less than asked for.
    return (
        int(links * faktor),
        int((hoehe - oben) * faktor),
        int(rechts * faktor) + 1,
        int((hoehe - unten) * faktor) + 1,
    )


def _seite_schwaerzen(dokument: pdfium.PdfDocument, index: int, bereiche: list[Bereich]) -> pikepdf.Pdf:
    seite = dokument[index]
    breite, hoehe = seite.get_size()
    faktor = AUFLOESUNG_DPI / 72
    bild: Image.Image = seite.render(scale=faktor, draw_annots=False).to_pil().convert("RGB")
    zeichnen = ImageDraw.Draw(bild)
    schrift = ImageFont.truetype(SCHRIFT, 18)
    for b in bereiche:
        box = _pixelbox(b.rechteck, breite, hoehe, faktor)
        zeichnen.rectangle(box, fill=SCHWARZ)
        if box[3] - box[1] >= 28 and box[2] - box[0] >= 120:
            zeichnen.text((box[0] + 6, box[1] + 4), "geschwärzt", fill=(255, 255, 255), font=schrift)
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=(breite, hoehe), invariant=True)
    c.drawImage(ImageReader(bild), 0, 0, width=breite, height=hoehe)
    c.showPage()
    c.save()
    puffer.seek(0)
    return pikepdf.open(puffer)


def schwaerzen(inhalt: bytes, bereiche: list[Bereich]) -> pikepdf.Pdf:
    """The document `inhalt` with every page named in `bereiche` replaced by its redacted image."""
    pdf = pikepdf.open(io.BytesIO(inhalt))
    je_seite: dict[int, list[Bereich]] = {}
    for b in bereiche:
        je_seite.setdefault(b.seite, []).append(b)
    if je_seite:
        quelle = pdfium.PdfDocument(inhalt)
        try:
            for seite, liste in sorted(je_seite.items()):
                ersatz = _seite_schwaerzen(quelle, seite - 1, liste)
                pdf.pages.insert(seite - 1, ersatz.pages[0])
                del pdf.pages[seite]
        finally:
            quelle.close()
    for page in pdf.pages:
        for schluessel in ("/Annots", "/Metadata", "/PieceInfo"):
            if schluessel in page.obj:
                del page.obj[schluessel]
    return pdf

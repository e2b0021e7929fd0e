"""Redaction (Schwärzung) that leaves nothing under the box: a page with a redaction is rendered to pixels
(pdfium, once per page at `AUFLOESUNG_DPI`), the boxes are filled black in the pixels, and the page is replaced by
that image alone. No text, no vector content, no annotation and no image data of the original page survives on a
redacted page. A page without a redaction that holds anything not shown (content outside its visible area, layers;
`zuschnitt.py`) is reduced to the image of its visible area with a text layer of what is inside it; every other page
is copied unchanged, minus annotations, metadata, thumbnail, actions and unused resources (`_SEITE_BEHALTEN`).

Coordinates (`Bereich.rechteck`): PDF points on the page AS SHOWN (crop box, /Rotate applied, as the viewer's page
images and pdfminer's text positions show it), origin at its lower left. pdfium renders the page as shown, so a box
maps to pixels by scaling and flipping the y axis; the replacement page is upright (no /Rotate).

Speed (docs/benchmarks.md): only the pages with a redaction are rendered; a page redacted whole is not rendered at
all; the image goes into the PDF as one Flate stream written here (grey when the page has no colour), not through
reportlab, which compressed and hashed every image twice (most of the former 0.3 s per page).
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from decimal import Decimal

import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFont

from dms.pdfsatz import SCHRIFT

from . import zuschnitt

AUFLOESUNG_DPI = 150
# The entries of a page dictionary that go out with an inspection copy (ISO 32000-1, table 30): what draws it.
_SEITE_BEHALTEN = frozenset(
    {"/Type", "/Parent", "/Resources", "/Contents", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"}
    | {"/Rotate", "/Group", "/UserUnit"}
)
SCHWARZ = 0
WEISS = 255
Rechteck = tuple[float, float, float, float]


@dataclass(frozen=True)
class Bereich:
    """A box in PDF points on the page as shown (see the module docstring); None: the whole page."""

    seite: int
    rechteck: Rechteck | None


def seitengroessen(inhalt: bytes) -> list[tuple[float, float]]:
    """Width and height in points of every page as shown (crop box, /Rotate applied)."""
    dokument = pdfium.PdfDocument(inhalt)
    try:
        return [dokument[i].get_size() for i in range(len(dokument))]
    finally:
        dokument.close()


def _ganz(rechteck: Rechteck | None, breite: float, hoehe: float) -> bool:
    if rechteck is None:
        return True
    x0, y0, x1, y1 = rechteck
    return min(x0, x1) <= 0 and min(y0, y1) <= 0 and max(x0, x1) >= breite and max(y0, y1) >= hoehe


def _pixelbox(rechteck: Rechteck, hoehe: float, faktor: float) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = rechteck
    links, rechts = sorted((x0, x1))
    unten, oben = sorted((y0, y1))
    # Round outward: a box never covers less than asked for.
    return (
        max(0, int(links * faktor)),
        max(0, int((hoehe - oben) * faktor)),
        int(rechts * faktor) + 1,
        int((hoehe - unten) * faktor) + 1,
    )


def _bild(seite: pdfium.PdfPage, bereiche: list[Bereich], dpi: int = AUFLOESUNG_DPI) -> Image.Image:
    """The page as shown, rendered once, the boxes black in the pixels; grey ("L") when the page has no colour."""
    breite, hoehe = seite.get_size()
    faktor = dpi / 72
    if any(_ganz(b.rechteck, breite, hoehe) for b in bereiche):
        bild = Image.new("L", (round(breite * faktor), round(hoehe * faktor)), SCHWARZ)
        kaesten = [(0, 0, bild.width, bild.height)]
    else:
        bild = seite.render(scale=faktor, draw_annots=False, rev_byteorder=True).to_pil()
        if bild.mode != "RGB":
            bild = bild.convert("RGB")
        r, g, b = bild.split()
        if ImageChops.difference(r, g).getbbox() is None and ImageChops.difference(g, b).getbbox() is None:
            bild = g
        kaesten = [_pixelbox(b.rechteck, hoehe, faktor) for b in bereiche if b.rechteck is not None]
    zeichnen = ImageDraw.Draw(bild)
    schrift = ImageFont.truetype(SCHRIFT, 18)
    schwarz, weiss = (SCHWARZ, WEISS) if bild.mode == "L" else ((0, 0, 0), (255, 255, 255))
    for box in kaesten:
        zeichnen.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=schwarz)
        if box[3] - box[1] >= 28 and box[2] - box[0] >= 120:
            zeichnen.text((box[0] + 6, box[1] + 4), "geschwärzt", fill=weiss, font=schrift)
    return bild


def _bildseite(
    pdf: pikepdf.Pdf, bild: Image.Image, breite: float, hoehe: float, einheit: object = None
) -> pikepdf.Page:
    """A new upright page of `pdf` showing only `bild` over its full size (in the original's /UserUnit, so it keeps
    its physical size)."""
    bildobjekt = pikepdf.Stream(pdf, zlib.compress(bild.tobytes(), 3))
    bildobjekt.Type = pikepdf.Name.XObject
    bildobjekt.Subtype = pikepdf.Name.Image
    bildobjekt.Width, bildobjekt.Height = bild.width, bild.height
    bildobjekt.ColorSpace = pikepdf.Name.DeviceGray if bild.mode == "L" else pikepdf.Name.DeviceRGB
    bildobjekt.BitsPerComponent = 8
    bildobjekt.Filter = pikepdf.Name.FlateDecode
    inhalt = pdf.make_stream(f"q {breite:.3f} 0 0 {hoehe:.3f} 0 0 cm /Geschwaerzt Do Q".encode())
    seite = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, breite, hoehe],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Geschwaerzt=bildobjekt)),
        Contents=inhalt,
    )
    if isinstance(einheit, int | Decimal) and einheit > 0:
        seite.UserUnit = einheit
    return pikepdf.Page(pdf.make_indirect(seite))


def schwaerzen(inhalt: bytes, bereiche: list[Bereich]) -> pikepdf.Pdf:
    """The document `inhalt` as it may leave the authority: every page named in `bereiche` replaced by its redacted
    image, every other page that holds anything not shown (`zuschnitt.verdeckt`: content outside its visible area,
    layers) replaced by the image of its visible area with a text layer of the characters inside it."""
    pdf = pikepdf.open(io.BytesIO(inhalt))
    je_seite: dict[int, list[Bereich]] = {}
    for b in bereiche:
        je_seite.setdefault(b.seite, []).append(b)
    reduziert: list[tuple[int, float, float, list[zuschnitt.Wort]]] = []
    quelle = pdfium.PdfDocument(inhalt)
    try:
        for index in range(len(pdf.pages)):
            seite = quelle[index]
            try:
                page = pdf.pages[index]
                liste = je_seite.get(index + 1)
                if not liste and not zuschnitt.verdeckt(page, seite):
                    continue
                breite, hoehe = seite.get_size()
                if liste:
                    bild = _bild(seite, liste)
                else:
                    bild = _bild(seite, [], dpi=zuschnitt.ZUSCHNITT_DPI)
                    reduziert.append((index, breite, hoehe, zuschnitt.textebene(page, seite)))
                ersatz = _bildseite(pdf, bild, breite, hoehe, page.obj.get("/UserUnit"))
            finally:
                seite.close()
            pdf.pages.insert(index, ersatz)
            del pdf.pages[index + 1]
    finally:
        quelle.close()
    if reduziert:
        with zuschnitt.textebenen_pdf([(b, h, w) for _i, b, h, w in reduziert]) as texte:
            for (index, _b, _h, _w), textseite in zip(reduziert, texte.pages, strict=True):
                page = pdf.pages[index]
                form = pdf.copy_foreign(textseite.as_form_xobject())
                name = page.add_resource(form, pikepdf.Name.XObject, prefix="Text")
                page.contents_add(pdf.make_stream(f"q {name} Do Q".encode()))
    for page in pdf.pages:
        # Only what draws the page: no annotations, metadata, page thumbnail (/Thumb: an image of the page as it
        # once was), actions, article beads, private data; and no resources its content does not use.
        for schluessel in [str(k) for k in page.obj if k not in _SEITE_BEHALTEN]:
            del page.obj[schluessel]
        page.remove_unreferenced_resources()
    return pdf


PUNKTE_JE_MM = 72 / 25.4


def aus_millimetern(
    links: float, oben: float, breite: float, hoehe: float, *, seite: tuple[float, float]
) -> list[float]:
    """A box in millimetres from the top left of the page as shown (the editor's unit) as `rechteck` in points
    from the lower left (the API's unit), clipped to the page; `seite` is the shown page's size in points."""
    seite_breite, seite_hoehe = seite
    x0 = max(0.0, links * PUNKTE_JE_MM)
    x1 = min(seite_breite, (links + breite) * PUNKTE_JE_MM)
    von_oben = max(0.0, oben * PUNKTE_JE_MM)
    bis_unten = min(seite_hoehe, (oben + hoehe) * PUNKTE_JE_MM)
    return [round(x0, 2), round(seite_hoehe - bis_unten, 2), round(x1, 2), round(seite_hoehe - von_oben, 2)]

"""What leaves the authority shows nothing a reader of the file could not see: a page of an inspection copy whose
content reaches beyond its visible area is reduced to that area.

A PDF page can carry text, images and vector content outside what any viewer shows: a crop box smaller than the media
box (a scanner's A3 sheet cropped to the A4 letter on it, a page cropped by hand), content drawn outside the media
box, or content in optional content groups (layers) a viewer hides. A clip path or a smaller crop box hides it only
from the eye: `pdftotext` without `-cropbox`, changing the crop box, or reading the content stream reveals it.

Such a page (`verdeckt`) is REPLACED in the inspection copy, as a redacted page is: pdfium renders the page as shown
(crop box clipped to the media box, /Rotate applied, annotations not drawn) and the new page holds only that image
plus an invisible text layer (`textebene`) built from the characters that pdfium finds COMPLETELY inside the visible
area; each word is written anew (DejaVu, embedded, text render mode 3) at its position on the page as shown. Nothing
of the original page's content stream, resources or objects is carried over, so nothing outside the visible area can
survive: the pixels cover only the visible area, and every character of the text layer was tested against it.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
from reportlab.pdfgen import canvas

from dms.pdfsatz import schriften
from dms.seitenlage import anzeige, sichtbar

# Rendering resolution of a reduced page (a redacted page: schwaerzung.AUFLOESUNG_DPI).
ZUSCHNITT_DPI = 200
# Content reaching this far (points) beyond the visible area counts as outside (glyph boxes and image bounds are
# exact to fractions of a point; a page is not rasterised for rounding).
TOLERANZ = 1.0
Rechteck = tuple[float, float, float, float]
# Marked content bound to a layer: "/OC /name BDC" or "/OC <<…>> BDC" (not a name like /OCR1).
_MARKIERT = re.compile(rb"/OC\s*(/|<<)")


@dataclass(frozen=True)
class Wort:
    """A word of the text layer on the page as shown (points, origin lower left): it runs from (x, y) in direction
    `winkel` (degrees, counterclockwise, a multiple of 90), `laenge` long and `hoehe` high."""

    text: str
    x: float
    y: float
    laenge: float
    hoehe: float
    winkel: int = 0


def _kasten(werte: object) -> Rechteck:
    a, b, c, d = (float(v) for v in werte)  # type: ignore[attr-defined]
    return min(a, c), min(b, d), max(a, c), max(b, d)


def _innen(box: Rechteck, rahmen: Rechteck, toleranz: float = TOLERANZ) -> bool:
    return (
        box[0] >= rahmen[0] - toleranz
        and box[1] >= rahmen[1] - toleranz
        and box[2] <= rahmen[2] + toleranz
        and box[3] <= rahmen[3] + toleranz
    )


def _ressourcen_mit_ebenen(ressourcen: object, gesehen: set[tuple[int, int]], tiefe: int = 0) -> bool:
    if not isinstance(ressourcen, pikepdf.Dictionary) or tiefe > 8:
        return False
    eigenschaften = ressourcen.get("/Properties")
    if isinstance(eigenschaften, pikepdf.Dictionary) and any(
        isinstance(e, pikepdf.Dictionary) and e.get("/Type") in (pikepdf.Name.OCG, pikepdf.Name.OCMD)
        for _name, e in eigenschaften.items()
    ):
        return True
    xobjekte = ressourcen.get("/XObject")
    if not isinstance(xobjekte, pikepdf.Dictionary):
        return False
    for _name, x in xobjekte.items():
        if not isinstance(x, pikepdf.Stream) or x.objgen in gesehen:
            continue
        if x.objgen != (0, 0):
            gesehen.add(x.objgen)
        if "/OC" in x.stream_dict:
            return True
        if _ressourcen_mit_ebenen(x.stream_dict.get("/Resources"), gesehen, tiefe + 1):
            return True
    return False


def ebenen(page: pikepdf.Page) -> bool:
    """Whether the page uses optional content (layers): marked content in its content stream, layer properties in
    its resources, an XObject (also inside forms) bound to a layer. A hidden layer would show in the copy, whose
    catalog carries no layer configuration; and pdfium's text extraction reads hidden layers' text too."""
    inhalt = page.obj.get("/Contents")
    teile = (
        [inhalt] if isinstance(inhalt, pikepdf.Stream) else list(inhalt) if isinstance(inhalt, pikepdf.Array) else []
    )
    try:
        if any(isinstance(t, pikepdf.Stream) and _MARKIERT.search(t.read_bytes()) for t in teile):
            return True
    except pikepdf.PdfError:
        return True  # a content stream that cannot be read: treat it as hiding something
    return _ressourcen_mit_ebenen(page.obj.get("/Resources"), set())


def verdeckt(page: pikepdf.Page, seite: pdfium.PdfPage) -> bool:
    """Whether the page holds anything a viewer does not show: its visible area (crop box clipped to the media box)
    is smaller than its media box, a page object reaches beyond the visible area, or it uses layers."""
    rahmen = sichtbar(page)
    if not _innen(_kasten(page.mediabox), rahmen, 0.01):
        return True
    if ebenen(page):
        return True
    return any(not _innen(objekt.get_bounds(), rahmen) for objekt in seite.get_objects())


def _umkehrung(m: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    det = a * d - b * c
    return [d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det]


def _abbilden(m: list[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _zeichen(seite: pdfium.PdfPage) -> Iterator[tuple[str, Rechteck, float]]:
    """Every character pdfium finds on the page: text, glyph box and angle (radians, clockwise), in the page's own
    space."""
    text = seite.get_textpage()
    try:
        for i in range(text.count_chars()):
            winkel = float(pdfium.raw.FPDFText_GetCharAngle(text.raw, i))
            yield text.get_text_range(i, 1), text.get_charbox(i), max(0.0, winkel)
    finally:
        text.close()


def _drehen(winkel: int, x: float, y: float) -> tuple[float, float]:
    """(x, y) rotated counterclockwise by `winkel` (a multiple of 90 degrees)."""
    match winkel % 360:
        case 90:
            return -y, x
        case 180:
            return -x, -y
        case 270:
            return y, -x
        case _:
            return x, y


def textebene(page: pikepdf.Page, seite: pdfium.PdfPage) -> list[Wort]:
    """The page's text as words on the page as shown: only characters whose glyph box lies completely inside the
    visible area; a character outside ends the word and is dropped. A word keeps the direction its characters run
    in as shown (text turned with the page's /Rotate, or set upright on a turned page), in steps of 90 degrees.
    A page with layers gets no text layer (`ebenen`: pdfium's text extraction reads hidden layers too)."""
    if ebenen(page):
        return []
    rahmen = sichtbar(page)
    _breite, _hoehe, matrix = anzeige(page)
    zurueck = _umkehrung(matrix)
    seitenwinkel = math.degrees(math.atan2(zurueck[1], zurueck[0]))
    woerter: list[Wort] = []
    # the current word: its direction and its characters' boxes in the frame turned by -direction (text along +x)
    aktuell: list[tuple[str, Rechteck]] = []
    richtung = 0

    def abschliessen() -> None:
        if aktuell:
            u0, v0 = min(b[0] for _, b in aktuell), min(b[1] for _, b in aktuell)
            u1, v1 = max(b[2] for _, b in aktuell), max(b[3] for _, b in aktuell)
            x, y = _drehen(richtung, u0, v0)
            woerter.append(Wort("".join(z for z, _ in aktuell), x, y, u1 - u0, v1 - v0, richtung))
            aktuell.clear()

    for zeichen, box, winkel in _zeichen(seite):
        flaeche = box[2] > box[0] and box[3] > box[1]
        if not zeichen.strip() or not flaeche or not _innen(box, rahmen, 0.0):
            abschliessen()
            continue
        # pdfium measures clockwise
        gezeigt_winkel = round((seitenwinkel - math.degrees(winkel)) / 90) * 90 % 360
        ecken = [
            _drehen(-gezeigt_winkel, *_abbilden(zurueck, x, y)) for x in (box[0], box[2]) for y in (box[1], box[3])
        ]
        b = (min(e[0] for e in ecken), min(e[1] for e in ecken), max(e[0] for e in ecken), max(e[1] for e in ecken))
        if aktuell:
            vorher = aktuell[-1][1]
            hoehe = max(b[3] - b[1], vorher[3] - vorher[1])
            # another direction, another line, or a gap wider than half a glyph: a new word
            if (
                gezeigt_winkel != richtung
                or abs(b[1] - vorher[1]) > hoehe / 2
                or not -hoehe / 2 <= b[0] - vorher[2] <= hoehe / 2
            ):
                abschliessen()
        richtung = gezeigt_winkel
        aktuell.append((zeichen, b))
    abschliessen()
    return woerter


def textebenen_pdf(seiten: list[tuple[float, float, list[Wort]]]) -> pikepdf.Pdf:
    """One page per entry (width, height as shown): its words as invisible text (render mode 3), each word
    stretched over its box, so search and selection find it where it is shown."""
    normal, _fett = schriften()
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=(595, 842), invariant=True)
    for breite, hoehe, woerter in seiten:
        c.setPageSize((breite, hoehe))
        for w in woerter:
            groesse = max(1.0, w.hoehe)
            natuerlich = c.stringWidth(w.text, normal, groesse)
            t = c.beginText()
            t.setTextRenderMode(3)
            t.setFont(normal, groesse)
            t.setHorizScale(100 * w.laenge / natuerlich if natuerlich > 0 else 100)
            cos, sin = _drehen(w.winkel, 1, 0)
            t.setTextTransform(cos, sin, -sin, cos, w.x, w.y)
            t.textOut(w.text)
            c.drawText(t)
        c.showPage()
    c.save()
    puffer.seek(0)
    return pikepdf.open(puffer)

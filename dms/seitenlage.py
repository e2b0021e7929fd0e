"""Where a PDF page is and how it is shown: the visible area (crop box clipped to the media box; neither has to start
at (0, 0)) and /Rotate (inherited from the page tree). Viewers, pdfium and poppler with its crop box option show
exactly that; whatever draws on a page (the court stamp), maps a box drawn on the page as shown (redaction), renders
it (viewer, thumbnails, OCR raster) or lays a text layer over it goes through here."""

from __future__ import annotations

from decimal import Decimal

import pikepdf

# A page tree is never that deep; a /Parent chain that loops (a damaged or hostile file) ends here.
_TIEFE = 64


def drehung(page: pikepdf.Page) -> int:
    """The page's /Rotate (inherited from the page tree if the page has none), normalised to 0, 90, 180 or 270.
    A /Rotate that is not a number counts as none, as viewers show such a page."""
    knoten: pikepdf.Object | None = page.obj
    for _ in range(_TIEFE):
        if not isinstance(knoten, pikepdf.Dictionary):
            return 0
        if "/Rotate" in knoten:
            wert = knoten.Rotate
            return int(wert) % 360 // 90 * 90 if isinstance(wert, int | Decimal) else 0
        knoten = knoten.get("/Parent")
    return 0


def _kasten(werte: pikepdf.Array) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in werte)
    return min(a, c), min(b, d), max(a, c), max(b, d)


def sichtbar(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The visible area in the page's own coordinates: its crop box (inherited, or the media box when it has none)
    clipped to the media box, as viewers and pdfium show it (ISO 32000-1, 14.11.2). Neither needs to start at
    (0, 0): scanners and cropping tools write e.g. `/MediaBox [0 0 1191 842] /CropBox [298 0 893 842]`."""
    mx0, my0, mx1, my1 = _kasten(page.mediabox)
    cx0, cy0, cx1, cy1 = _kasten(page.cropbox)
    x0, y0, x1, y1 = max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else (mx0, my0, mx1, my1)


def anzeige(page: pikepdf.Page) -> tuple[float, float, list[float]]:
    """Width and height of the page as a viewer shows it (crop box, /Rotate applied), and the matrix from those
    shown coordinates (points, origin at the shown page's lower left) into the page's own coordinate system."""
    x0, y0, x1, y1 = sichtbar(page)
    breite, hoehe = x1 - x0, y1 - y0
    match drehung(page):
        case 90:  # shown lower left = the page's lower right; shown "up" runs towards the page's left
            return hoehe, breite, [0, 1, -1, 0, x1, y0]
        case 180:
            return breite, hoehe, [-1, 0, 0, -1, x1, y1]
        case 270:
            return hoehe, breite, [0, -1, 1, 0, x0, y1]
        case _:
            return breite, hoehe, [1, 0, 0, 1, x0, y0]

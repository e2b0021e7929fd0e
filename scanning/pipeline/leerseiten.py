"""Blank-page detection: blank backs of duplex scans are kept in the original, counted, and not OCR'd.

A page is blank only when it has little ink *and* nothing on it is shaped like a line of text. The share of dark
pixels alone skipped short letters (a four-line letter at 300 dpi measures about 0.14 %, under the share): one to five
lines now count as content, and in doubt the page goes to OCR rather than being skipped.
"""

from __future__ import annotations

from PIL import Image, ImageFilter

# Share of dark pixels (after a median filter removes scanner dust) from which a page always counts as content.
LEER_SCHWELLE = 0.0015
# Before the median filter, this many times the threshold is text for sure: the box average of the quarter-size
# copy already dissolved single dust pixels (a letter has ~1.5 %, a noisy blank back 0.0 %). Saves the filter on
# every written page.
SICHER_BESCHRIEBEN = 5
DUNKEL = 160  # grey value below which a pixel is ink
# A text line on the quarter-size page (75 dpi): a band of consecutive rows with some ink, as high as letters
# (6 pt to a large headline) and with ink spread over part of the width (a word, not a speck or a hole).
ZEILE_MIN_ANTEIL = 0.004  # share of a row's pixels that are ink for the row to count as inked
ZEILE_HOEHE = (3, 40)  # rows
ZEILE_MIN_BREITE = 0.015  # share of the width with ink in the band


def _verkleinert(bild: Image.Image) -> Image.Image:
    # A quarter-size copy (box average: fast and noise-robust) without the borders (punch holes, scanner edges);
    # a grayscale scan is not copied first.
    g = bild if bild.mode == "L" else bild.convert("L")
    if g.width >= 400:
        g = g.reduce(4)
    b, h = g.size
    return g.crop((int(b * 0.05), int(h * 0.05), int(b * 0.95), int(h * 0.95)))


def _dunkelanteil(g: Image.Image) -> float:
    return sum(g.histogram()[:DUNKEL]) / max(1, g.width * g.height)


def dunkelanteil(bild: Image.Image) -> float:
    """Share of dark pixels after the median filter removed the remaining dust."""
    return _dunkelanteil(_verkleinert(bild).filter(ImageFilter.MedianFilter(3)))


def textzeilen(g: Image.Image) -> int:
    """How many text-like lines the prepared page holds: the row profile by one box resize, then per band of inked
    rows the number of columns with ink (another box resize). Pure PIL, a few milliseconds per page."""
    maske = g.point(lambda v: 255 if v < DUNKEL else 0)  # ink 255
    profil = maske.convert("F").resize((1, maske.height), Image.Resampling.BOX)
    anzahl = 0
    start: int | None = None
    for y in range(maske.height + 1):
        wert = profil.getpixel((0, y)) if y < maske.height else 0.0
        if isinstance(wert, (int, float)) and wert / 255 >= ZEILE_MIN_ANTEIL:
            start = y if start is None else start
            continue
        if start is not None:
            if ZEILE_HOEHE[0] <= y - start <= ZEILE_HOEHE[1]:
                band = maske.crop((0, start, maske.width, y)).resize((maske.width, 1), Image.Resampling.BOX)
                spalten = sum(band.histogram()[1:])  # columns with any ink in the band (at least 1/40 → value ≥ 6)
                if spalten >= ZEILE_MIN_BREITE * maske.width:
                    anzahl += 1
            start = None
    return anzahl


def ist_leer(bild: Image.Image, schwelle: float = LEER_SCHWELLE) -> bool:
    """Blank only with (almost) no ink AND no text-like line: a short letter of one line is content."""
    g = _verkleinert(bild)
    if _dunkelanteil(g) >= SICHER_BESCHRIEBEN * schwelle:
        return False
    g = g.filter(ImageFilter.MedianFilter(3))
    if _dunkelanteil(g) >= schwelle:
        return False
    return textzeilen(g) == 0

"""Blank-page detection: blank backs of duplex scans are kept in the original, counted, and not OCR'd."""

from __future__ import annotations

from PIL import Image, ImageFilter

# Share of dark pixels (after a median filter removes scanner dust) below which a page counts as blank.
LEER_SCHWELLE = 0.0015
# Before the median filter, this many times the threshold is text for sure: the box average of the quarter-size
# copy already dissolved single dust pixels (a letter has ~1.5 %, a noisy blank back 0.0 %). Saves the filter on
# every written page.
SICHER_BESCHRIEBEN = 5


def _verkleinert(bild: Image.Image) -> Image.Image:
    # A quarter-size copy (box average: fast and noise-robust) without the borders (punch holes, scanner edges).
    g = bild if bild.mode == "L" else bild.convert("L")
    if g.width >= 400:
        g = g.reduce(4)
    b, h = g.size
    return g.crop((int(b * 0.05), int(h * 0.05), int(b * 0.95), int(h * 0.95)))


def _anteil(g: Image.Image) -> float:
    return sum(g.histogram()[:160]) / max(1, g.width * g.height)


def dunkelanteil(bild: Image.Image) -> float:
    """Share of dark pixels after the median filter removed the remaining dust."""
    return _anteil(_verkleinert(bild).filter(ImageFilter.MedianFilter(3)))


def ist_leer(bild: Image.Image, schwelle: float = LEER_SCHWELLE) -> bool:
    g = _verkleinert(bild)
    if _anteil(g) >= SICHER_BESCHRIEBEN * schwelle:
        return False
    return _anteil(g.filter(ImageFilter.MedianFilter(3))) < schwelle

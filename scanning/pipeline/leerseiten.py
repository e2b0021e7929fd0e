"""Blank-page detection: blank backs of duplex scans are kept in the original, counted, and not OCR'd."""

from __future__ import annotations

from PIL import Image, ImageFilter

# Share of dark pixels (after a median filter removes scanner dust) below which a page counts as blank.
LEER_SCHWELLE = 0.0015


def dunkelanteil(bild: Image.Image) -> float:
    # Work on a quarter-size copy (box average: fast and noise-robust), cut the borders (punch holes, scanner
    # edges), and let a median filter remove the remaining dust.
    g = bild.convert("L")
    if g.width >= 400:
        g = g.reduce(4)
    b, h = g.size
    g = g.crop((int(b * 0.05), int(h * 0.05), int(b * 0.95), int(h * 0.95)))
    g = g.filter(ImageFilter.MedianFilter(3))
    histogramm = g.histogram()
    dunkel = sum(histogramm[:160])
    return dunkel / max(1, g.width * g.height)


def ist_leer(bild: Image.Image, schwelle: float = LEER_SCHWELLE) -> bool:
    return dunkelanteil(bild) < schwelle

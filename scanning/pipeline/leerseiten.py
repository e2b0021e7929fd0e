"""Blank-page detection: blank backs of duplex scans are kept in the original, counted, and not OCR'd."""

from __future__ import annotations

from PIL import Image, ImageFilter

# Share of dark pixels (after a median filter removes scanner dust) below which a page counts as blank.
LEER_SCHWELLE = 0.0015


def dunkelanteil(bild: Image.Image) -> float:
    g = bild.convert("L")
    # Cut the borders (punch holes, scanner edges) and work on a small copy: fast and noise-robust.
    b, h = g.size
    g = g.crop((int(b * 0.05), int(h * 0.05), int(b * 0.95), int(h * 0.95)))
    g = g.resize((max(1, g.width // 4), max(1, g.height // 4)), Image.Resampling.BOX)
    g = g.filter(ImageFilter.MedianFilter(3))
    histogramm = g.histogram()
    dunkel = sum(histogramm[:160])
    return dunkel / max(1, g.width * g.height)


def ist_leer(bild: Image.Image, schwelle: float = LEER_SCHWELLE) -> bool:
    return dunkelanteil(bild) < schwelle

"""Thumbnails: a small PNG per page."""

from __future__ import annotations

import io

from PIL import Image

VORSCHAU_HOEHE = 200


def vorschaubild(bild: Image.Image, hoehe: int = VORSCHAU_HOEHE) -> bytes:
    kopie = bild if bild.mode == "L" else bild.convert("L")
    if kopie.height >= 8 * hoehe:
        kopie = kopie.reduce(kopie.height // (4 * hoehe))  # cheap box pre-shrink of a 300-dpi page
    breite = max(1, round(kopie.width * hoehe / max(1, kopie.height)))
    kopie = kopie.resize(
        (breite, hoehe), Image.Resampling.BOX if kopie.height > 4 * hoehe else Image.Resampling.LANCZOS
    )
    puffer = io.BytesIO()
    kopie.save(puffer, format="PNG", optimize=False)
    return puffer.getvalue()

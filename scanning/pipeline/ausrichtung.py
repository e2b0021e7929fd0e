"""Orientation: a page scanned upside down or sideways is rotated before OCR.

Decision (docs/scanning.md): OCR first; only when a non-blank page yields almost no plausible words do we ask
Tesseract's orientation detection (OSD), rotate and OCR again. Normal pages pay nothing extra. Slight skew (a few
degrees from the feeder) is left to Tesseract's layout analysis; the original image is never altered.
"""

from __future__ import annotations

import re

import pytesseract
from PIL import Image

_SAUBER = re.compile(r"^[A-ZÄÖÜ]?[a-zäöüß]+$")
_SATZZEICHEN = re.compile(r"^[\W_]+|[\W_]+$")


def text_plausibel(text: str) -> bool:
    """Does the text read like German words? OCR of an upside-down page gives mixed-case and digit-letter
    garbage ("USJNID", "U9PJOM"); real text is mostly lower-case or capitalised words."""
    tokens = [_SATZZEICHEN.sub("", t) for t in text.split()]
    tokens = [t for t in tokens if len(t) >= 3 and not t.isdigit()]
    if not tokens:
        return False
    sauber = sum(1 for t in tokens if _SAUBER.match(t))
    return sauber >= 8 and sauber >= 0.6 * len(tokens)


def drehung_erkennen(bild: Image.Image) -> int:
    """Clockwise degrees (0, 90, 180, 270) to turn the page upright, from Tesseract OSD; 0 when unsure."""
    try:
        osd = pytesseract.image_to_osd(
            bild.convert("L"), config="--psm 0 -c min_characters_to_try=5", output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractError:
        return 0
    if float(osd.get("orientation_conf", 0)) < 0.3:  # only asked for implausible pages; re-OCR decides
        return 0
    return int(osd.get("rotate", 0)) % 360


def drehen(bild: Image.Image, grad: int) -> Image.Image:
    if grad == 0:
        return bild
    gedreht = bild.rotate(-grad, expand=True)  # Pillow turns counter-clockwise
    gedreht.info = dict(bild.info)
    return gedreht

"""Rasterising one page at a time: memory stays flat.

PDF pages are rendered with pdf2image (poppler) as shown: crop box, /Rotate (dms/seitenlage.py). Fast path for
scanner PDFs: when a page is exactly one embedded image at 150–600 dpi (what every scanner writes) and not cropped,
that image is decoded directly (pikepdf) instead of rendered — the same pixels, about ten times faster.
TIFF frames and single images are read with Pillow.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pikepdf
from pdf2image import convert_from_path, pdfinfo_from_path
from PIL import Image

from dms.dateien import PDF
from dms.seitenlage import sichtbar


def seitenzahl(pfad: Path, mime: str) -> int:
    if mime == PDF:
        return int(pdfinfo_from_path(str(pfad))["Pages"])
    with Image.open(pfad) as img:
        return int(getattr(img, "n_frames", 1))


def _eingebettetes_bild(pdf: pikepdf.Pdf, seite: int, ziel_dpi: int) -> Image.Image | None:
    """The page's single full-page scan image, or None when the page is anything else. A JPEG scan wanted at a
    lower resolution (the cover-sheet search) is decoded at 1/2, 1/4 or 1/8 scale by the JPEG decoder itself."""
    try:
        page = pdf.pages[seite - 1]
        if int(page.obj.get("/Rotate", 0)) % 360:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Page.images: still the API of pikepdf 9
            bilder = list(page.images.values())
        if len(bilder) != 1 or not isinstance(bilder[0], pikepdf.Stream):
            return None
        inhalt = page.obj.get("/Contents")
        if isinstance(inhalt, pikepdf.Array):
            roh = b"".join(c.read_bytes() for c in inhalt)
        elif isinstance(inhalt, pikepdf.Stream):
            roh = inhalt.read_bytes()
        else:  # no content stream: nothing draws the image
            return None
        if b"Tj" in roh or b"TJ" in roh or len(roh) > 400:  # text or drawing operators: not a bare scan
            return None
        box = page.mediabox
        if sichtbar(page) != tuple(float(v) for v in box):  # a cropped scan: what is shown is part of the image
            return None
        breite_zoll = float(box[2] - box[0]) / 72
        bild = pikepdf.PdfImage(bilder[0])
        if bild.bits_per_component not in (1, 8) or bild.image_mask:
            return None
        dpi = bild.width / breite_zoll
        if not 150 <= dpi <= 600 or abs(bild.height / (float(box[3] - box[1]) / 72) - dpi) > 5:
            return None
        pil = bild.as_pil_image()
        voll = pil.width
        if ziel_dpi < dpi and pil.format == "JPEG":
            pil.draft("L", (round(pil.width * ziel_dpi / dpi), round(pil.height * ziel_dpi / dpi)))
        pil.load()
    except (pikepdf.PdfError, NotImplementedError, ValueError, KeyError, TypeError, AttributeError, OSError):
        return None
    dpi = dpi * pil.width / voll if voll else dpi
    gray = pil if pil.mode == "L" else pil.convert("L")  # no copy of a grayscale scan
    gray.info["dpi"] = (round(dpi), round(dpi))
    return gray


def seite_rastern(
    pfad: Path, mime: str, seite: int, dpi: int, *, graustufen: bool = True, pdf: pikepdf.Pdf | None = None
) -> Image.Image:
    """Page `seite` (1-based) as a Pillow image at `dpi` (images keep their own resolution).

    Pass an open `pdf` (pikepdf) to allow the fast path for bare scan pages.
    """
    if mime == PDF:
        if pdf is not None and graustufen:
            direkt = _eingebettetes_bild(pdf, seite, dpi)
            if direkt is not None:
                return direkt
        bilder = convert_from_path(
            str(pfad),
            dpi=dpi,
            first_page=seite,
            last_page=seite,
            grayscale=graustufen,
            thread_count=1,
            use_cropbox=True,
        )
        bild = bilder[0]
        bild.info["dpi"] = (dpi, dpi)
        return bild
    with Image.open(pfad) as img:
        img.seek(seite - 1)
        # Colour only where the scan has colour: a grey or bilevel scan stays small.
        bild = img.convert("L" if graustufen or img.mode in ("1", "L", "LA", "I", "I;16") else "RGB")
        aufloesung = img.info.get("dpi") or (dpi, dpi)
    bild.info["dpi"] = (round(float(aufloesung[0])) or dpi, round(float(aufloesung[1])) or dpi)
    return bild


def bild_dpi(bild: Image.Image, standard: int) -> int:
    dpi = bild.info.get("dpi")
    if not dpi:
        return standard
    wert = round(float(dpi[0]))
    return wert if 50 <= wert <= 1200 else standard

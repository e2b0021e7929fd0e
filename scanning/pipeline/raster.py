"""Rasterising one page at a time (pdf2image for PDF, Pillow for TIFF frames and single images): memory stays flat."""

from __future__ import annotations

from pathlib import Path

from pdf2image import convert_from_path, pdfinfo_from_path
from PIL import Image

from dms.dateien import PDF


def seitenzahl(pfad: Path, mime: str) -> int:
    if mime == PDF:
        return int(pdfinfo_from_path(str(pfad))["Pages"])
    with Image.open(pfad) as img:
        return int(getattr(img, "n_frames", 1))


def seite_rastern(pfad: Path, mime: str, seite: int, dpi: int, *, graustufen: bool = True) -> Image.Image:
    """Page `seite` (1-based) as a Pillow image at `dpi` (images keep their own resolution)."""
    if mime == PDF:
        bilder = convert_from_path(
            str(pfad), dpi=dpi, first_page=seite, last_page=seite, grayscale=graustufen, thread_count=1
        )
        bild = bilder[0]
        bild.info["dpi"] = (dpi, dpi)
        return bild
    with Image.open(pfad) as img:
        img.seek(seite - 1)
        bild = img.convert("L" if graustufen else "RGB")
        aufloesung = img.info.get("dpi") or (dpi, dpi)
    bild.info["dpi"] = (round(float(aufloesung[0])) or dpi, round(float(aufloesung[1])) or dpi)
    return bild


def bild_dpi(bild: Image.Image, standard: int) -> int:
    dpi = bild.info.get("dpi")
    if not dpi:
        return standard
    wert = round(float(dpi[0]))
    return wert if 50 <= wert <= 1200 else standard

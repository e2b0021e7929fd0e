"""Finding code sheets in a stack (zxing-cpp on a low-resolution raster of each page) and cutting the stack.

Cover sheets (Deckblatt) split incoming mail; the same search finds register separator sheets in legacy files
(`codes_finden` with the separator sheet's prefix; scanning/deckblatt.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import zxingcpp
from PIL import Image

from dms.dateien import PDF

from ..deckblatt import DECKBLATT_PRAEFIX, deckblatt_code_finden
from . import textebene
from .raster import bild_dpi, seite_rastern, seitenzahl

SUCH_DPI = 100
QR_CODE = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def code_auf_seite(
    bild: Image.Image, praefix: str = DECKBLATT_PRAEFIX, finden: Callable[[str], str | None] = deckblatt_code_finden
) -> str | None:
    """The value of a code sheet's QR code on the page (default: a cover sheet's Aktenzeichen), if any."""
    try:
        treffer = zxingcpp.read_barcodes(bild, formats=QR_CODE)
    except (ValueError, RuntimeError):
        return None
    for t in treffer:
        if t.text.startswith(praefix):
            return finden(t.text)
    return None


@dataclass(frozen=True)
class Teil:
    aktenzeichen: str | None  # from the cover sheet before it; None for pages before the first cover sheet
    seiten: list[int]  # 1-based page numbers in the stack (cover sheets themselves excluded)


def deckblaetter_finden(pfad: Path, mime: str) -> dict[int, str]:
    """{page number: Aktenzeichen} of every cover sheet in the file."""
    return codes_finden(pfad, mime, DECKBLATT_PRAEFIX, deckblatt_code_finden)


def codes_finden(pfad: Path, mime: str, praefix: str, finden: Callable[[str], str | None]) -> dict[int, str]:
    """{page number: value} of every code sheet of one kind in the file (one page in memory at a time).

    Pages with a text layer are judged by their text (the code is printed in plain text under the QR code);
    only pages without one are rasterised and searched for the QR code.
    """
    gefunden: dict[int, str] = {}
    seiten = seitenzahl(pfad, mime)
    texte = textebene.seitentexte(pfad, seiten) if mime == PDF else [""] * seiten
    quelle = pikepdf.open(pfad) if mime == PDF else None
    try:
        for seite in range(1, seiten + 1):
            if textebene.hat_textebene(texte[seite - 1]):
                az = finden(texte[seite - 1])
            else:
                bild = seite_rastern(pfad, mime, seite, SUCH_DPI, pdf=quelle)
                faktor = max(1, bild_dpi(bild, SUCH_DPI) // SUCH_DPI)  # a JPEG scan comes at 1/2 scale already
                az = code_auf_seite(bild.reduce(faktor) if faktor > 1 else bild, praefix, finden)
                bild.close()
            if az:
                gefunden[seite] = az
    finally:
        if quelle is not None:
            quelle.close()
    return gefunden


def teile_bilden(seiten: int, deckblaetter: dict[int, str]) -> list[Teil]:
    """Cut the page sequence at cover sheets (pure). Empty parts (two cover sheets in a row) are dropped."""
    teile: list[Teil] = []
    aktuell: Teil = Teil(None, [])
    for s in range(1, seiten + 1):
        if s in deckblaetter:
            if aktuell.seiten:
                teile.append(aktuell)
            aktuell = Teil(deckblaetter[s], [])
        else:
            aktuell.seiten.append(s)
    if aktuell.seiten:
        teile.append(aktuell)
    return teile


def teil_extrahieren(pfad: Path, mime: str, seiten: list[int]) -> bytes:
    """The pages of one part as a file of its own: PDF pages copied unchanged; image frames as a multi-page TIFF."""
    puffer = io.BytesIO()
    if mime == PDF:
        with pikepdf.open(pfad) as quelle, pikepdf.new() as ziel:
            for s in seiten:
                ziel.pages.append(quelle.pages[s - 1])
            ziel.save(puffer)
        return puffer.getvalue()
    with Image.open(pfad) as img:
        bilder = []
        for s in seiten:
            img.seek(s - 1)
            bilder.append(img.copy())
    bilder[0].save(puffer, format="TIFF", save_all=True, append_images=bilder[1:], compression="tiff_lzw")
    return puffer.getvalue()

"""OCR of one page: ONE Tesseract run yields both the text and the PDF text layer (configs `pdf` + `txt`)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytesseract
from django.conf import settings
from PIL import Image

# Tesseract's own threading is slower on a busy two-core machine; one thread per worker process.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True)
class OcrSeite:
    pdf: bytes  # one-page PDF: the text layer only (nur_text=True) or image plus text layer
    text: str


def seite_erkennen(bild: Image.Image, *, dpi: int, nur_text: bool, sprache: str | None = None) -> OcrSeite:
    """`nur_text=True` gives an invisible text layer to lay over the original PDF page; else a full page
    (the image as JPEG plus text), used for image inputs and for pages that had to be rotated."""
    sprache = sprache or settings.OCR_LANGUAGE
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        if nur_text:
            eingabe = Path(tmp) / "seite.pgm"
            (bild if bild.mode == "L" else bild.convert("L")).save(eingabe)  # uncompressed: fastest to write/read
        else:
            eingabe = Path(tmp) / "seite.jpg"
            modus = "L" if bild.mode in ("1", "L") else "RGB"
            bild.convert(modus).save(eingabe, quality=75, dpi=(dpi, dpi))  # Tesseract embeds the JPEG as is
        basis = Path(tmp) / "ausgabe"
        config = f"--dpi {dpi} --psm 3" + (" -c textonly_pdf=1" if nur_text else "")
        pytesseract.pytesseract.run_tesseract(
            str(eingabe), str(basis), extension="pdf txt", lang=sprache, config=config
        )
        pdf = basis.with_suffix(".pdf").read_bytes()
        text = basis.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
    return OcrSeite(pdf=pdf, text=text.replace("\f", "").strip())

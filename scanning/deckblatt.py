"""Cover sheet (Deckblatt): an A4 page the system prints for an Akte or Vorgang, with the Aktenzeichen in plain
text and a QR code (segno) holding `AKTE-DECKBLATT:1:<Aktenzeichen>`. The pipeline finds it with zxing-cpp and
splits a stack there; each part is filed into that file without anyone reading it."""

from __future__ import annotations

import io
import re

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

DECKBLATT_PRAEFIX = "AKTE-DECKBLATT:1:"
_DECKBLATT_RE = re.compile(r"AKTE-DECKBLATT:1:([A-Z]{1,10}-\d{4}-\d{6,}(?:/\d+)?)")


def deckblatt_code(aktenzeichen: str) -> str:
    return f"{DECKBLATT_PRAEFIX}{aktenzeichen}"


def deckblatt_code_finden(text: str) -> str | None:
    """The Aktenzeichen in a cover-sheet code (from the QR code, or the code printed in plain text)."""
    m = _DECKBLATT_RE.search(text.replace(" ", ""))
    return m.group(1) if m else None


def deckblatt_pdf(*, aktenzeichen: str, behoerde_name: str, person: str = "", vorgang: str = "") -> bytes:
    """One A4 page. The QR code is drawn as vector squares (sharp at any scan resolution)."""
    code = deckblatt_code(aktenzeichen)
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"Deckblatt {aktenzeichen}")
    breite, hoehe = A4
    c.setFont("Helvetica-Bold", 28)
    c.drawString(25 * mm, hoehe - 35 * mm, "DECKBLATT Posteingang")
    c.setFont("Helvetica", 12)
    c.drawString(25 * mm, hoehe - 45 * mm, behoerde_name[:90])
    c.drawString(25 * mm, hoehe - 52 * mm, "Die folgenden Seiten bis zum nächsten Deckblatt gehören in diese Akte.")
    c.setFont("Helvetica-Bold", 30)
    c.drawString(25 * mm, hoehe - 75 * mm, aktenzeichen)
    c.setFont("Helvetica", 14)
    if vorgang:
        c.drawString(25 * mm, hoehe - 85 * mm, f"Vorgang: {vorgang[:80]}")
    if person:
        c.drawString(25 * mm, hoehe - 95 * mm, person[:80])
    qr = segno.make(code, error="m", micro=False)
    modul = 1.6 * mm
    matrix = list(qr.matrix)
    groesse = len(matrix) * modul
    x0, y0 = (breite - groesse) / 2, 70 * mm
    c.setFillColorRGB(0, 0, 0)
    for zeile, reihe in enumerate(matrix):
        for spalte, gesetzt in enumerate(reihe):
            if gesetzt:
                c.rect(x0 + spalte * modul, y0 + groesse - (zeile + 1) * modul, modul, modul, stroke=0, fill=1)
    c.setFont("Courier", 10)
    c.drawCentredString(breite / 2, y0 - 8 * mm, code)
    c.showPage()
    c.save()
    return puffer.getvalue()

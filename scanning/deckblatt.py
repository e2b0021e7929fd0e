"""Code sheets the system prints: an A4 page with a QR code (segno) and the same code in plain text under it.

* Cover sheet (Deckblatt) for an Akte or Vorgang: `AKTE-DECKBLATT:1:<Aktenzeichen>`. The pipeline finds it with
  zxing-cpp and splits a stack there; each part is filed into that file without anyone reading it.
* Register separator sheet (Registertrennblatt) for legacy files: `AKTE-REGISTER:1:<Registernummer>`, put into the
  paper file before it goes to the scanning provider; the legacy import cuts the file there and files what follows
  into that register (scanning/altakten/gliederung.py, docs/klassifikation.md).
Both are found by the same code (`scanning.pipeline.stapel.codes_finden`)."""

from __future__ import annotations

import io
import re

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

DECKBLATT_PRAEFIX = "AKTE-DECKBLATT:1:"
_DECKBLATT_RE = re.compile(r"AKTE-DECKBLATT:1:([A-Z]{1,10}-\d{4}-\d{6,}(?:/\d+)?)")
TRENNBLATT_PRAEFIX = "AKTE-REGISTER:1:"
_TRENNBLATT_RE = re.compile(r"AKTE-REGISTER:1:(\d{2})(?!\d)")


def deckblatt_code(aktenzeichen: str) -> str:
    return f"{DECKBLATT_PRAEFIX}{aktenzeichen}"


def deckblatt_code_finden(text: str) -> str | None:
    """The Aktenzeichen in a cover-sheet code (from the QR code, or the code printed in plain text)."""
    m = _DECKBLATT_RE.search(text.replace(" ", ""))
    return m.group(1) if m else None


def trennblatt_code(register_nummer: str) -> str:
    return f"{TRENNBLATT_PRAEFIX}{register_nummer}"


def trennblatt_code_finden(text: str) -> str | None:
    """The register number in a separator-sheet code (from the QR code, or the code printed in plain text)."""
    m = _TRENNBLATT_RE.search(text.replace(" ", ""))
    return m.group(1) if m else None


def deckblatt_pdf(*, aktenzeichen: str, behoerde_name: str, person: str = "", vorgang: str = "") -> bytes:
    """One A4 page. The QR code is drawn as vector squares (sharp at any scan resolution)."""
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"Deckblatt {aktenzeichen}")
    zeilen = [f"Vorgang: {vorgang[:80]}"] if vorgang else []
    if person:
        zeilen.append(person[:80])
    _codeblatt(
        c,
        code=deckblatt_code(aktenzeichen),
        ueberschrift="DECKBLATT Posteingang",
        hinweis=(behoerde_name[:90], "Die folgenden Seiten bis zum nächsten Deckblatt gehören in diese Akte."),
        gross=aktenzeichen,
        zeilen=zeilen,
    )
    c.save()
    return puffer.getvalue()


def trennblaetter_pdf(*, register: list[tuple[str, str]], behoerde_name: str) -> bytes:
    """One separator sheet per register [(nummer, titel)], each an A4 page with its QR code."""
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4, pageCompression=1)
    c.setTitle("Registertrennblätter")
    for nummer, titel in register:
        _codeblatt(
            c,
            code=trennblatt_code(nummer),
            ueberschrift="REGISTERTRENNBLATT Altakte",
            hinweis=(
                behoerde_name[:90],
                "Die folgenden Blätter bis zum nächsten Trennblatt gehören in dieses Register.",
            ),
            gross=f"Register {nummer}",
            zeilen=[titel[:80]],
        )
    c.save()
    return puffer.getvalue()


def _codeblatt(
    c: canvas.Canvas, *, code: str, ueberschrift: str, hinweis: tuple[str, str], gross: str, zeilen: list[str]
) -> None:
    """Draw one code sheet page: heading, hints, the big plain-text value, lines, QR code and the code in text."""
    breite, hoehe = A4
    c.setFont("Helvetica-Bold", 28)
    c.drawString(25 * mm, hoehe - 35 * mm, ueberschrift)
    c.setFont("Helvetica", 12)
    c.drawString(25 * mm, hoehe - 45 * mm, hinweis[0])
    c.drawString(25 * mm, hoehe - 52 * mm, hinweis[1])
    c.setFont("Helvetica-Bold", 30)
    c.drawString(25 * mm, hoehe - 75 * mm, gross)
    c.setFont("Helvetica", 14)
    for i, text in enumerate(zeilen):
        c.drawString(25 * mm, hoehe - (85 + 10 * i) * mm, text)
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

"""Simple generated PDFs (an e-mail's reading copy, an online application, a provider's notice) with reportlab.

DejaVu Sans (Debian's fonts-dejavu-core) carries every script a name may come in; all text is escaped before it
reaches reportlab's paragraph markup, so a subject like `<b>` or `&` prints as written. Nothing is ever fetched:
the renderer sees only the strings handed to it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

SCHRIFT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SCHRIFT_FETT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_registriert = False


def schriften() -> tuple[str, str]:
    global _registriert
    if not _registriert:
        pdfmetrics.registerFont(TTFont("DejaVu", SCHRIFT))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", SCHRIFT_FETT))
        # Every canvas starts with this font selected (reportlab's default is Helvetica, which it never embeds:
        # the page resources then name a non-embedded font, which PDF/A forbids; dms/pdfa.py finds it).
        rl_config.canvas_basefontname = "DejaVu"
        _registriert = True
    return "DejaVu", "DejaVu-Bold"


@dataclass
class Satz:
    """A document: title, a table of label/value rows, then sections of paragraphs."""

    titel: str
    kopfzeilen: list[tuple[str, str]] = field(default_factory=list)
    abschnitte: list[tuple[str, list[str]]] = field(default_factory=list)
    fusszeile: str = ""


def _absatz(text: str, stil: ParagraphStyle) -> Paragraph:
    # Escaped first; then line breaks become <br/> (the only markup we add ourselves).
    return Paragraph(escape(text).replace("\n", "<br/>"), stil)


def satz_pdf(satz: Satz) -> bytes:
    normal, fett = schriften()
    text = ParagraphStyle("text", fontName=normal, fontSize=10, leading=13.5, splitLongWords=True)
    klein = ParagraphStyle("klein", parent=text, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
    titel = ParagraphStyle("titel", parent=text, fontName=fett, fontSize=15, leading=19, spaceAfter=4 * mm)
    ueber = ParagraphStyle("ueber", parent=text, fontName=fett, fontSize=11.5, leading=15, spaceBefore=4 * mm)
    marke = ParagraphStyle("marke", parent=text, fontName=fett)
    puffer = io.BytesIO()
    doc = SimpleDocTemplate(
        puffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=satz.titel[:200],
        author="Elektronische Ausländerakte",
    )
    teile: list = [_absatz(satz.titel, titel)]
    if satz.kopfzeilen:
        tabelle = Table(
            [[_absatz(k, marke), _absatz(v, text)] for k, v in satz.kopfzeilen],
            colWidths=[38 * mm, doc.width - 38 * mm],
        )
        tabelle.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONTNAME", (0, 0), (-1, -1), normal),  # the cells' own font: Helvetica, not embedded
                    ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        teile += [tabelle, Spacer(1, 4 * mm)]
    for ueberschrift, absaetze in satz.abschnitte:
        if ueberschrift:
            teile.append(_absatz(ueberschrift, ueber))
        for a in absaetze:
            teile += [_absatz(a, text), Spacer(1, 2 * mm)]
    if satz.fusszeile:
        teile += [Spacer(1, 6 * mm), _absatz(satz.fusszeile, klein)]
    doc.build(teile)
    return puffer.getvalue()

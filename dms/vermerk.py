"""The internal note (Vermerk) as a PDF: rendered here, filed by `dms.services.vermerk_anlegen`."""

from __future__ import annotations

import io
import textwrap

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from dms.models import Akte
from dms.pdfsatz import schriften


def vermerk_pdf(*, titel: str, text: str, akte: Akte, verfasser: str) -> tuple[bytes, int]:
    """A plain A4 PDF with a real text layer (so it is searchable without OCR); returns bytes and page count."""
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"Vermerk: {titel}")
    c.setAuthor(verfasser)
    _breite, hoehe = A4
    links, oben, unten = 25 * mm, hoehe - 25 * mm, 25 * mm
    seiten = 1
    # DejaVu, not Helvetica: the standard fonts have no ş, ı, ğ, Ł, đ …, and a Vermerk names people.
    normal, fett = schriften()

    def kopf() -> float:
        c.setFont(fett, 13)
        c.drawString(links, oben, "Vermerk")
        c.setFont(normal, 10)
        c.drawString(
            links, oben - 16, f"Akte {akte.aktenzeichen} – {timezone.localtime():%d.%m.%Y %H:%M} – {verfasser}"
        )
        c.setFont(fett, 11)
        c.drawString(links, oben - 36, titel[:90])
        c.setFont(normal, 11)
        return oben - 60

    y = kopf()
    for absatz in text.replace("\r\n", "\n").split("\n"):
        zeilen = textwrap.wrap(absatz, width=90) or [""]
        for zeile in zeilen:
            if y < unten:
                c.showPage()
                seiten += 1
                y = kopf()
            c.drawString(links, y, zeile)
            y -= 14
    c.showPage()
    c.save()
    return puffer.getvalue(), seiten

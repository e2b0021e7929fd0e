"""Test documents made on the fly: DOCX (python-docx), ODT/RTF, e-mails (stdlib email), a zip bomb."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from docx import Document

from tests.scanning.scans import born_digital_pdf


def docx_bytes(*absaetze: str) -> bytes:
    d = Document()
    for a in absaetze or ("Sehr geehrte Damen und Herren,",):
        d.add_paragraph(a)
    puffer = io.BytesIO()
    d.save(puffer)
    return puffer.getvalue()


def rtf_bytes(text: str) -> bytes:
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0 " + text + "\\par}").encode("latin-1")


def zip_bombe_docx() -> bytes:
    """A DOCX-shaped archive whose one member unpacks to 400 MB of zeros (a few hundred KB packed)."""
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open("word/document.xml", "w", force_zip64=True) as w:
            block = b"\0" * (1024 * 1024)
            for _ in range(400):
                w.write(block)
    return puffer.getvalue()


def mail(
    *,
    betreff: str = "Antrag auf Verlängerung",
    absender: str = "Ayse Yilmaz <ayse@example.org>",
    text: str | None = "Sehr geehrte Damen und Herren,\n\nanbei mein Antrag.\n\nMit freundlichen Grüßen",
    html: str | None = None,
    anlagen: list[tuple[str, bytes, str]] | None = None,
    message_id: str | None = None,
    kopfzeilen: dict[str, str] | None = None,
) -> bytes:
    m = EmailMessage()
    m["From"] = absender
    m["To"] = "auslaenderbehoerde@offenbach.example"
    m["Subject"] = betreff
    m["Date"] = format_datetime(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC))
    m["Message-ID"] = message_id or make_msgid(domain="example.org")
    for k, v in (kopfzeilen or {}).items():
        m[k] = v
    if text is not None:
        m.set_content(text)
    if html is not None:
        if text is None:
            m.set_content(html, subtype="html")
        else:
            m.add_alternative(html, subtype="html")
    for name, daten, mime in anlagen or []:
        haupt, unter = mime.split("/", 1)
        m.add_attachment(daten, maintype=haupt, subtype=unter, filename=name)
    return m.as_bytes(policy=policy.SMTP)  # CRLF, as on the wire


def pdf_anlage(text: str = "Einkommensnachweis Max Mustermann") -> bytes:
    return born_digital_pdf(1, text)

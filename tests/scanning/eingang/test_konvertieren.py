"""The conversion step: DOCX, ODT, RTF and e-mails become a PDF/A reading copy with their text; bad input is refused
with a German sentence. Real LibreOffice (Debian's libreoffice-writer-nogui), no mocks."""

from __future__ import annotations

import subprocess

import pikepdf
import pytest

from dms.dateien import DOCX, EML, ODT, RTF, mime_erkennen
from scanning.pipeline import konvertieren, preflight
from scanning.pipeline.fehler import EingabeFehler
from tests.scanning.eingang import beispiele as b
from tests.scanning.scans import dekompressionsbombe_png


def _text(pfad) -> str:
    aus = subprocess.run(["pdftotext", str(pfad), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(aus.split())


def _pdfa(pfad) -> str:
    with pikepdf.open(pfad) as pdf, pdf.open_metadata() as meta:
        return str(meta.get("pdfaid:part"))


def test_typen_werden_am_inhalt_erkannt(tmp_path):
    assert mime_erkennen(b.docx_bytes("x")) == DOCX
    assert mime_erkennen(b.rtf_bytes("Hallo")) == RTF
    assert mime_erkennen(b.mail()) == EML
    # A mail starting with MIME-Version: (libmagic calls it text) is still a mail.
    assert mime_erkennen(b"MIME-Version: 1.0\n" + b.mail()) == EML
    assert mime_erkennen(b"Liebe Leute,\nFrom: nicht wirklich\n") == "text/plain"


def test_docx_wird_pdfa_mit_text(tmp_path):
    quelle = tmp_path / "brief.docx"
    quelle.write_bytes(b.docx_bytes("Bescheid über die Verlängerung", "Aktenzeichen OF-2026-000123"))
    assert preflight.pruefen(quelle).mime_type == DOCX
    ziel = konvertieren.umwandeln(quelle, DOCX, tmp_path / "lese.pdf")
    assert "Aktenzeichen OF-2026-000123" in _text(ziel)
    assert _pdfa(ziel) == "2"
    # ODT: converted back from LibreOffice's own output.
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/p", "--headless", "--convert-to", "odt", "--outdir",
         str(tmp_path), str(quelle)], capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    odt = tmp_path / "brief.odt"
    assert mime_erkennen(odt.read_bytes()[:8192]) == ODT
    assert "Verlängerung" in _text(konvertieren.umwandeln(odt, ODT, tmp_path / "odt.pdf"))


def test_rtf(tmp_path):
    quelle = tmp_path / "a.rtf"
    quelle.write_bytes(b.rtf_bytes("Widerspruch gegen den Bescheid"))
    assert "Widerspruch gegen den Bescheid" in _text(konvertieren.umwandeln(quelle, RTF, tmp_path / "r.pdf"))


def test_zip_bombe_wird_nicht_geoeffnet(tmp_path):
    quelle = tmp_path / "bombe.docx"
    quelle.write_bytes(b.zip_bombe_docx())
    with pytest.raises(EingabeFehler) as e:
        konvertieren.umwandeln(quelle, DOCX, tmp_path / "x.pdf")
    assert e.value.code == "zip_bombe"
    assert "ZIP-Bombe" in e.value.meldung


def test_kaputtes_docx(tmp_path):
    quelle = tmp_path / "kaputt.docx"
    quelle.write_bytes(b.docx_bytes("x")[:3000])
    with pytest.raises(EingabeFehler) as e:
        konvertieren.umwandeln(quelle, DOCX, tmp_path / "x.pdf")
    assert "beschädigt" in e.value.meldung


def test_mail_mit_anlagen(tmp_path):
    roh = b.mail(
        betreff="Einkommensnachweis <Müller> & Co",
        anlagen=[
            ("nachweis.pdf", b.pdf_anlage("Gehaltsabrechnung Maerz"), "application/pdf"),
            ("brief.docx", b.docx_bytes("Mietvertrag Offenbach"), DOCX),
            ("archiv.zip", b"PK\x03\x04" + b"\0" * 100, "application/zip"),
            ("bombe.png", dekompressionsbombe_png(), "image/png"),
        ],
    )
    quelle = tmp_path / "m.eml"
    quelle.write_bytes(roh)
    ziel = konvertieren.umwandeln(quelle, EML, tmp_path / "m.pdf", titel="E-Mail")
    text = _text(ziel)
    assert "Einkommensnachweis <Müller> & Co" in text  # escaped, printed as written
    assert "ayse@example.org" in text
    assert "02.03.2026 10:30 Uhr" in text
    assert "Gehaltsabrechnung Maerz" in text
    assert "Mietvertrag Offenbach" in text
    assert "archiv.zip" in text and "nicht entpackt" in text
    assert "bombe.png" in text and "nicht umgewandelt" in text
    assert _pdfa(ziel) == "2"


def test_html_mail_ohne_skripte_und_fremde_bilder(tmp_path):
    html = (
        "<html><head><style>body{color:red}</style><script>alert('x')</script></head><body>"
        "<p>Guten Tag,</p><p>bitte <b>prüfen</b> Sie den Antrag.</p>"
        '<img src="https://tracker.example/pixel.gif"><img src="http://evil.example/a.png">'
        '<a href="javascript:alert(1)">Link</a><form><input name=x></form></body></html>'
    )
    quelle = tmp_path / "h.eml"
    quelle.write_bytes(b.mail(text=None, html=html))
    text = _text(konvertieren.umwandeln(quelle, EML, tmp_path / "h.pdf"))
    assert "bitte prüfen Sie den Antrag." in text
    assert "alert" not in text and "color:red" not in text
    assert "2 externe(s) Bild(er) wurde(n) aus Sicherheitsgründen nicht geladen" in text
    assert "tracker.example" not in text

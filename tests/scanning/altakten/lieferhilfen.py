"""Build provider deliveries for tests: PDFs with a real text layer (reportlab) plus manifest.csv."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

SPALTEN = [
    "aktenzeichen",
    "familienname",
    "vornamen",
    "geburtsdatum",
    "dateiname",
    "seiten",
    "blatt",
    "sha256",
    "scandatum",
    "operator",
    "scanner",
    "aufloesung_dpi",
    "bemerkung",
]


def text_pdf(titel: str, seiten: int) -> bytes:
    """A PDF whose pages carry searchable text (as a provider's OCR'd scan would)."""
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4)
    for i in range(1, seiten + 1):
        c.setFont("Helvetica", 12)
        c.drawString(72, 770, f"Altakte {titel}")
        c.drawString(72, 750, f"Seite {i} von {seiten}: Antrag auf Verlängerung der Aufenthaltserlaubnis")
        c.showPage()
    c.save()
    return puffer.getvalue()


@dataclass
class Datei:
    dateiname: str
    seiten: int
    aktenzeichen: str = ""
    familienname: str = ""
    vornamen: str = ""
    geburtsdatum: str = ""
    blatt: int | None = None
    sha256: str | None = None  # override to simulate a wrong checksum
    inhalt: bytes | None = None
    manifest_seiten: int | None = None


def lieferung_schreiben(ordner: Path, dateien: list[Datei], *, als_zip: bool = False) -> Path:
    ordner.mkdir(parents=True, exist_ok=True)
    puffer = io.StringIO()
    w = csv.DictWriter(puffer, fieldnames=SPALTEN, delimiter=";", lineterminator="\n")
    w.writeheader()
    inhalte: dict[str, bytes] = {}
    for d in dateien:
        inhalt = d.inhalt if d.inhalt is not None else text_pdf(d.aktenzeichen or d.familienname, d.seiten)
        inhalte[d.dateiname] = inhalt
        w.writerow(
            {
                "aktenzeichen": d.aktenzeichen,
                "familienname": d.familienname,
                "vornamen": d.vornamen,
                "geburtsdatum": d.geburtsdatum,
                "dateiname": d.dateiname,
                "seiten": d.manifest_seiten if d.manifest_seiten is not None else d.seiten,
                "blatt": d.blatt if d.blatt is not None else (d.seiten + 1) // 2,
                "sha256": d.sha256 or hashlib.sha256(inhalt).hexdigest(),
                "scandatum": "2026-07-22",
                "operator": "M. Muster (Scan-Dienstleister GmbH)",
                "scanner": "Fujitsu fi-7900",
                "aufloesung_dpi": "300",
                "bemerkung": "",
            }
        )
    if als_zip:
        ziel = ordner.with_suffix(".zip")
        with zipfile.ZipFile(ziel, "w") as z:
            z.writestr("manifest.csv", puffer.getvalue())
            for name, inhalt in inhalte.items():
                z.writestr(name, inhalt)
        return ziel
    (ordner / "manifest.csv").write_text(puffer.getvalue(), encoding="utf-8")
    for name, inhalt in inhalte.items():
        (ordner / name).write_bytes(inhalt)
    return ordner


def seiten_pdf(texte: list[str]) -> bytes:
    """A PDF with one page per text (a text layer as a provider's OCR would give); empty text = blank page."""
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4)
    for text in texte:
        c.setFont("Helvetica", 10)
        y = 790
        for zeile in text.splitlines():
            for teil in [zeile[i : i + 95] for i in range(0, max(1, len(zeile)), 95)]:
                c.drawString(50, y, teil)
                y -= 14
        c.showPage()
    c.save()
    return puffer.getvalue()


def verzeichnis_schreiben(ordner: Path, zeilen: list[dict[str, str]]) -> None:
    """dokumente.csv of Lieferformat 2."""
    spalten = ["dateiname", "von", "bis", "register", "art", "datum", "titel"]
    puffer = io.StringIO()
    w = csv.DictWriter(puffer, fieldnames=spalten, delimiter=";", lineterminator="\n")
    w.writeheader()
    for z in zeilen:
        w.writerow({s: z.get(s, "") for s in spalten})
    (ordner / "dokumente.csv").write_text(puffer.getvalue(), encoding="utf-8")

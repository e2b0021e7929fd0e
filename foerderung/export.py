"""Proof of use (Verwendungsnachweis) as PDF (reportlab) and CSV; amounts exact from the stored snapshot."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .berechnung import euro
from .models import Verwendungsnachweis


def _zeilen(n: Verwendungsnachweis) -> list[tuple[str, str]]:
    p = n.antrag.programm
    bescheid = getattr(n.antrag, "bescheid", None)
    return [
        ("Programm", p.name),
        ("Behörde", f"{n.antrag.behoerde.name} ({n.antrag.behoerde.kuerzel})"),
        ("Zuwendungsbescheid", f"{bescheid.nummer} vom {bescheid.datum:%d.%m.%Y}" if bescheid else "–"),
        ("Stichtag", f"{timezone.localtime(n.stichtag):%d.%m.%Y %H:%M}"),
        ("Digitalisierte Akten", f"{n.akten:,}".replace(",", ".")),
        ("Digitalisierte Blätter", f"{n.blatt:,}".replace(",", ".")),
        (f"Betrag Akten ({n.akten} × {p.satz_akte.normalize()} EUR)", euro(n.betrag_akten)),
        (f"Betrag Blätter ({n.blatt} × {p.satz_blatt.normalize()} EUR)", euro(n.betrag_blatt)),
        ("Nachgewiesener Betrag", euro(n.nachgewiesen)),
        ("Bewilligter Betrag", euro(n.bewilligt)),
        ("Zustehender Betrag (höchstens bewilligt)", euro(n.zustehend)),
        ("Bereits ausgezahlt", euro(n.ausgezahlt)),
        ("Noch auszuzahlen", euro(n.auszahlung)),
        ("Rückforderung", euro(n.rueckforderung)),
    ]


def als_pdf(n: Verwendungsnachweis) -> bytes:
    puffer = io.BytesIO()
    doc = SimpleDocTemplate(
        puffer, pagesize=A4, title="Verwendungsnachweis", leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm
    )
    styles = getSampleStyleSheet()
    daten = [[Paragraph(escape(k), styles["Normal"]), Paragraph(escape(v), styles["Normal"])] for k, v in _zeilen(n)]
    tabelle = Table(daten, colWidths=[95 * mm, 75 * mm])
    tabelle.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 8), (-1, 8), colors.HexColor("#e8eef5")),
                ("BACKGROUND", (0, 12), (-1, 13), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    teile = [
        Paragraph("Verwendungsnachweis", styles["Title"]),
        Paragraph(
            escape(
                "Ermittelt aus den Akten und Blättern, die das System als digitalisierte Altakten führt "
                "(Dokumente mit Quelle „Altakte“). Beträge kaufmännisch auf Cent gerundet."
            ),
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
        tabelle,
    ]
    doc.build(teile)
    return puffer.getvalue()


CSV_SPALTEN = [
    "behoerde",
    "programm",
    "bescheidnummer",
    "stichtag",
    "akten",
    "blatt",
    "betrag_akten",
    "betrag_blatt",
    "nachgewiesen",
    "bewilligt",
    "zustehend",
    "ausgezahlt",
    "auszahlung",
    "rueckforderung",
]


def _csv_sicher(wert: str) -> str:
    # Spreadsheet formula injection: a cell must never start with = + - @ as text.
    return "'" + wert if wert[:1] in {"=", "+", "-", "@"} else wert


def _betrag(b: Decimal) -> str:
    return f"{b:.2f}"


def als_csv(n: Verwendungsnachweis) -> str:
    """One header line plus one data line; `;` separated, decimal point, UTF-8 (for spreadsheets and scripts)."""
    bescheid = getattr(n.antrag, "bescheid", None)
    puffer = io.StringIO()
    w = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    w.writerow(CSV_SPALTEN)
    w.writerow(
        [
            _csv_sicher(n.antrag.behoerde.kuerzel),
            _csv_sicher(n.antrag.programm.name),
            _csv_sicher(bescheid.nummer if bescheid else ""),
            timezone.localtime(n.stichtag).isoformat(timespec="seconds"),
            n.akten,
            n.blatt,
            _betrag(n.betrag_akten),
            _betrag(n.betrag_blatt),
            _betrag(n.nachgewiesen),
            _betrag(n.bewilligt),
            _betrag(n.zustehend),
            _betrag(n.ausgezahlt),
            _betrag(n.auszahlung),
            _betrag(n.rueckforderung),
        ]
    )
    return puffer.getvalue()

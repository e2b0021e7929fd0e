"""Assembling one paginated PDF from the file's documents (court submission, inspection copy): cover page, table of
contents with links, the documents with their sheet number stamped on every page, bookmarks per register and
document, an annex. pikepdf copies the documents' page streams lazily from the open sources at save time, so memory
stays flat in the page count; reportlab draws the generated pages with an embedded font (DejaVu).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dms.pdfsatz import schriften

ICC = Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc"
ZEILEN_JE_SEITE = 40
_OBEN = A4[1] - 120
_ZEILENHOEHE = 17.0


@dataclass
class Teil:
    """One document in the assembled PDF: its pages come from `pdf` (already open), numbered `blaetter`."""

    titel: str
    datum: str
    register: str
    vorgang: str
    pdf: pikepdf.Pdf
    blaetter: list[int]


@dataclass
class Verzeichniszeile:
    blaetter: str
    datum: str
    titel: str
    register: str
    teil: int | None = None  # index into the parts: the link target; None for a gap or a withheld document


@dataclass
class Satzauftrag:
    titel: str
    deckblatt: list[tuple[str, str]]
    verzeichnis: list[Verzeichniszeile]
    teile: list[Teil]
    anhang_titel: str = ""
    anhang: list[str] = field(default_factory=list)
    stempel: str = "Bl. {nummer}"


def _kuerzen(text: str, laenge: int) -> str:
    return text if len(text) <= laenge else text[: laenge - 1] + "…"


def _seiten_pdf(zeichnen: Callable[[canvas.Canvas], None]) -> pikepdf.Pdf:
    puffer = io.BytesIO()
    schriften()  # DejaVu as the canvas's initial font (embedded), not reportlab's Helvetica
    c = canvas.Canvas(puffer, pagesize=A4, invariant=True)
    zeichnen(c)
    c.save()
    puffer.seek(0)
    return pikepdf.open(puffer)


def _deckblatt(c: canvas.Canvas, titel: str, zeilen: list[tuple[str, str]]) -> None:
    normal, fett = schriften()
    c.setFont(fett, 20)
    c.drawString(60, A4[1] - 100, titel)
    y = A4[1] - 150
    for name, wert in zeilen:
        c.setFont(fett, 11)
        c.drawString(60, y, name)
        c.setFont(normal, 11)
        for teil in _umbrechen(wert, 60) or ["–"]:
            c.drawString(230, y, teil)
            y -= 16
        y -= 6
    c.showPage()


def _umbrechen(text: str, breite: int) -> list[str]:
    zeilen: list[str] = []
    for absatz in text.splitlines() or [""]:
        while len(absatz) > breite:
            schnitt = absatz.rfind(" ", 0, breite)
            schnitt = breite if schnitt <= 0 else schnitt
            zeilen.append(absatz[:schnitt])
            absatz = absatz[schnitt:].lstrip()
        zeilen.append(absatz)
    return [z for z in zeilen if z] if text.strip() else []


def verzeichnisseiten(anzahl: int) -> int:
    return max(1, -(-anzahl // ZEILEN_JE_SEITE))


def _verzeichnis(c: canvas.Canvas, zeilen: list[Verzeichniszeile], startseiten: list[int]) -> None:
    normal, fett = schriften()
    for seite in range(verzeichnisseiten(len(zeilen))):
        c.setFont(fett, 16)
        c.drawString(50, A4[1] - 70, "Inhaltsverzeichnis" + (" (Fortsetzung)" if seite else ""))
        c.setFont(fett, 9)
        for x, kopf in ((50, "Blatt"), (120, "Datum"), (180, "Dokument"), (420, "Register"), (510, "PDF-Seite")):
            c.drawString(x, A4[1] - 100, kopf)
        c.setFont(normal, 9)
        for i, z in enumerate(zeilen[seite * ZEILEN_JE_SEITE : (seite + 1) * ZEILEN_JE_SEITE]):
            y = _OBEN - i * _ZEILENHOEHE
            c.drawString(50, y, _kuerzen(z.blaetter, 12))
            c.drawString(120, y, z.datum)
            c.drawString(180, y, _kuerzen(z.titel, 46))
            c.drawString(420, y, _kuerzen(z.register, 16))
            if z.teil is not None:
                c.drawString(510, y, str(startseiten[z.teil] + 1))
        c.showPage()


def _anhang(c: canvas.Canvas, titel: str, zeilen: list[str]) -> None:
    normal, fett = schriften()
    y = 0.0
    for zeile in [*zeilen] or ["(keine Einträge)"]:
        for teil in _umbrechen(zeile, 110) or [""]:
            if y < 60:
                if y:
                    c.showPage()
                c.setFont(fett, 14)
                c.drawString(50, A4[1] - 60, titel)
                c.setFont(normal, 8)
                y = A4[1] - 90
            c.drawString(50, y, teil)
            y -= 11
    c.showPage()


def _stempel(c: canvas.Canvas, groessen: Iterator[tuple[float, float, float, float, str]]) -> None:
    """One page per document page, same size, the sheet number at the top right (in the margin)."""
    _normal, fett = schriften()
    for x0, y0, x1, y1, text in groessen:
        c.setPageSize((x1 - x0, y1 - y0))
        breite = c.stringWidth(text, fett, 11)
        c.setFillColorRGB(1, 1, 1)
        c.rect(x1 - x0 - breite - 26, y1 - y0 - 28, breite + 12, 18, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(fett, 11)
        c.drawString(x1 - x0 - breite - 20, y1 - y0 - 23, text)
        c.showPage()


def _pdfa_kennzeichnen(pdf: pikepdf.Pdf, titel: str) -> None:
    """PDF/A-2b identification and an sRGB output intent; what is NOT checked here: docs/gericht.md."""
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = titel
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
    icc = pdf.make_stream(ICC.read_bytes())
    icc.N = 3
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier="sRGB",
                DestOutputProfile=icc,
            )
        ]
    )


def zusammenstellen(auftrag: Satzauftrag, ziel: BinaryIO, fortschritt: Callable[[int], None] | None = None) -> int:
    """Write the assembled PDF to `ziel`; returns its page count."""
    vor = 1 + verzeichnisseiten(len(auftrag.verzeichnis))
    startseiten: list[int] = []
    seite = vor
    for t in auftrag.teile:
        startseiten.append(seite)
        seite += len(t.pdf.pages)
    ausgabe = _seiten_pdf(lambda c: _deckblatt(c, auftrag.titel, auftrag.deckblatt))
    verzeichnis = _seiten_pdf(lambda c: _verzeichnis(c, auftrag.verzeichnis, startseiten))
    ausgabe.pages.extend(verzeichnis.pages)
    for n, t in enumerate(auftrag.teile, 1):
        groessen = []
        for i, page in enumerate(t.pdf.pages):
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            nummer = t.blaetter[i] if i < len(t.blaetter) else None
            groessen.append((x0, y0, x1, y1, auftrag.stempel.format(nummer=nummer) if nummer else "Bl. –"))
        stempel = _seiten_pdf(lambda c, g=groessen: _stempel(c, iter(g)))  # type: ignore[misc]
        for i, page in enumerate(t.pdf.pages):
            page.add_overlay(stempel.pages[i], None)
        ausgabe.pages.extend(t.pdf.pages)
        if fortschritt and n % 20 == 0:
            fortschritt(int(90 * n / max(1, len(auftrag.teile))))
    if auftrag.anhang_titel:
        anhang = _seiten_pdf(lambda c: _anhang(c, auftrag.anhang_titel, auftrag.anhang))
        ausgabe.pages.extend(anhang.pages)
    _links_setzen(ausgabe, auftrag.verzeichnis, startseiten)
    _lesezeichen(ausgabe, auftrag.teile, startseiten, vor)
    if "/Info" in ausgabe.trailer:
        del ausgabe.trailer["/Info"]
    _pdfa_kennzeichnen(ausgabe, auftrag.titel)
    ausgabe.save(ziel, deterministic_id=True)
    return len(ausgabe.pages)


def _links_setzen(pdf: pikepdf.Pdf, zeilen: list[Verzeichniszeile], startseiten: list[int]) -> None:
    for index, z in enumerate(zeilen):
        if z.teil is None:
            continue
        seite = pdf.pages[1 + index // ZEILEN_JE_SEITE]
        y = _OBEN - (index % ZEILEN_JE_SEITE) * _ZEILENHOEHE
        link = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[45, y - 4, 560, y + 11],
                Border=[0, 0, 0],
                F=4,
                Dest=[pdf.pages[startseiten[z.teil]].obj, pikepdf.Name.Fit],
            )
        )
        if "/Annots" not in seite.obj:
            seite.obj.Annots = pdf.make_indirect(pikepdf.Array())
        seite.obj.Annots.append(link)


def _lesezeichen(pdf: pikepdf.Pdf, teile: list[Teil], startseiten: list[int], vor: int) -> None:
    with pdf.open_outline() as gliederung:
        gliederung.root.append(pikepdf.OutlineItem("Deckblatt", 0))
        gliederung.root.append(pikepdf.OutlineItem("Inhaltsverzeichnis", 1))
        register: dict[str, pikepdf.OutlineItem] = {}
        for t, start in zip(teile, startseiten, strict=True):
            if t.register not in register:
                register[t.register] = pikepdf.OutlineItem(t.register, start)
                gliederung.root.append(register[t.register])
            register[t.register].children.append(pikepdf.OutlineItem(f"{t.titel} ({t.datum})", start))
        ende = sum(len(t.pdf.pages) for t in teile) + vor
        if ende < len(pdf.pages):
            gliederung.root.append(pikepdf.OutlineItem("Anhang", ende))


def datum(wert: date | None) -> str:
    return wert.strftime("%d.%m.%Y") if wert else "–"

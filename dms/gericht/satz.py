"""Assembling one paginated PDF from the file's documents (court submission, inspection copy): cover page, table of
contents with links, the documents with their sheet number stamped on every page, bookmarks per register and
document, an annex; reportlab draws the generated pages with an embedded font (DejaVu).

Memory stays flat in the page count: the documents are stamped and written in parts of about `TEIL_SEITEN` pages to
temporary files (each document is opened only while its part is written), and the parts are joined at the end.
pikepdf (qpdf) copies page streams lazily from the part files at save time, so the join holds one small dictionary
per page, not the pages' bytes, and one stamp font per part instead of one per document.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
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
# Pages per part file (see the module docstring): enough to keep the number of open files small, few enough to keep
# the open sources and their stamp PDF small.
TEIL_SEITEN = 400


@dataclass
class Teil:
    """One document in the assembled PDF: `oeffnen()` opens its PDF (closed again once its part is written); its
    pages are numbered `blaetter`."""

    titel: str
    datum: str
    register: str
    vorgang: str
    oeffnen: Callable[[], AbstractContextManager[pikepdf.Pdf]]
    blaetter: list[int]
    seiten: int = 0  # set when its part is written


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


def drehung(page: pikepdf.Page) -> int:
    """The page's /Rotate (inherited from the page tree if the page has none), normalised to 0, 90, 180 or 270."""
    knoten: pikepdf.Object | None = page.obj
    while knoten is not None:
        if "/Rotate" in knoten:
            return int(knoten.Rotate) % 360 // 90 * 90
        knoten = knoten.get("/Parent")
    return 0


def anzeige(page: pikepdf.Page) -> tuple[float, float, list[float]]:
    """Width and height of the page as a viewer shows it (crop box, /Rotate applied), and the matrix from those
    shown coordinates (points, origin at the shown page's lower left) into the page's own coordinate system."""
    a, b, c, d = (float(v) for v in page.cropbox)
    x0, x1 = sorted((a, c))
    y0, y1 = sorted((b, d))
    breite, hoehe = x1 - x0, y1 - y0
    match drehung(page):
        case 90:  # shown lower left = the page's lower right; shown "up" runs towards the page's left
            return hoehe, breite, [0, 1, -1, 0, x1, y0]
        case 180:
            return breite, hoehe, [-1, 0, 0, -1, x1, y1]
        case 270:
            return hoehe, breite, [0, -1, 1, 0, x0, y1]
        case _:
            return breite, hoehe, [1, 0, 0, 1, x0, y0]


def _stempel(c: canvas.Canvas, groessen: Iterator[tuple[float, float, str]]) -> None:
    """One page per document page, as large as that page is shown, the sheet number at the top right (margin)."""
    _normal, fett = schriften()
    for breite_seite, hoehe_seite, text in groessen:
        c.setPageSize((breite_seite, hoehe_seite))
        breite = c.stringWidth(text, fett, 11)
        c.setFillColorRGB(1, 1, 1)
        c.rect(breite_seite - breite - 26, hoehe_seite - 28, breite + 12, 18, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(fett, 11)
        c.drawString(breite_seite - breite - 20, hoehe_seite - 23, text)
        c.showPage()


def _stempeln(pdf: pikepdf.Pdf, stempel: pikepdf.Pdf, matrizen: list[list[float]]) -> None:
    """Draw stamp page i upright over page i of `pdf`, whatever the page's /Rotate: the stamp is drawn in shown
    coordinates and placed with the matrix from `anzeige`; the page's own content is wrapped in q/Q first."""
    for page, quelle, matrix in zip(pdf.pages, stempel.pages, matrizen, strict=True):
        form = pdf.copy_foreign(quelle.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Bl")
        cm = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") or "0" for v in matrix)
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(f"\nQ\nq {cm} cm {name} Do Q\n".encode()))


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


def _teil_schreiben(teile: list[Teil], stempel: str, ziel: BinaryIO) -> None:
    """Stamp the documents of one part and write them to `ziel` (sets each document's page count)."""
    with contextlib.ExitStack() as offen:
        ausgabe = offen.enter_context(pikepdf.new())
        groessen: list[tuple[float, float, str]] = []
        matrizen: list[list[float]] = []
        for t in teile:
            pdf = offen.enter_context(t.oeffnen())
            for i, page in enumerate(pdf.pages):
                breite, hoehe, matrix = anzeige(page)
                nummer = t.blaetter[i] if i < len(t.blaetter) else None
                groessen.append((breite, hoehe, stempel.format(nummer=nummer) if nummer else "Bl. –"))
                matrizen.append(matrix)
            t.seiten = len(pdf.pages)
            ausgabe.pages.extend(pdf.pages)
        stempel_pdf = offen.enter_context(_seiten_pdf(lambda c: _stempel(c, iter(groessen))))
        _stempeln(ausgabe, stempel_pdf, matrizen)
        ausgabe.save(ziel)


def _in_teile(teile: list[Teil]) -> Iterator[list[Teil]]:
    gruppe: list[Teil] = []
    seiten = 0
    for t in teile:
        gruppe.append(t)
        seiten += max(1, len(t.blaetter))
        if seiten >= TEIL_SEITEN:
            yield gruppe
            gruppe, seiten = [], 0
    if gruppe:
        yield gruppe


def zusammenstellen(auftrag: Satzauftrag, ziel: BinaryIO, fortschritt: Callable[[int], None] | None = None) -> int:
    """Write the assembled PDF to `ziel`; returns its page count."""
    vor = 1 + verzeichnisseiten(len(auftrag.verzeichnis))
    with tempfile.TemporaryDirectory(prefix="satz-") as ordner, contextlib.ExitStack() as offen:
        startseiten: list[int] = []
        seite = vor
        teildateien: list[pikepdf.Pdf] = []
        fertig = 0
        for n, gruppe in enumerate(_in_teile(auftrag.teile)):
            pfad = Path(ordner) / f"teil-{n}.pdf"
            with pfad.open("wb") as fh:
                _teil_schreiben(gruppe, auftrag.stempel, fh)
            for t in gruppe:
                startseiten.append(seite)
                seite += t.seiten
            teildateien.append(offen.enter_context(pikepdf.open(pfad)))
            fertig += len(gruppe)
            if fortschritt:
                fortschritt(int(90 * fertig / max(1, len(auftrag.teile))))
        ausgabe = offen.enter_context(_seiten_pdf(lambda c: _deckblatt(c, auftrag.titel, auftrag.deckblatt)))
        verzeichnis = offen.enter_context(_seiten_pdf(lambda c: _verzeichnis(c, auftrag.verzeichnis, startseiten)))
        ausgabe.pages.extend(verzeichnis.pages)
        for teil in teildateien:
            ausgabe.pages.extend(teil.pages)
        if auftrag.anhang_titel:
            anhang = offen.enter_context(_seiten_pdf(lambda c: _anhang(c, auftrag.anhang_titel, auftrag.anhang)))
            ausgabe.pages.extend(anhang.pages)
        _links_setzen(ausgabe, auftrag.verzeichnis, startseiten)
        _lesezeichen(ausgabe, auftrag.teile, startseiten, seite)
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


def _lesezeichen(pdf: pikepdf.Pdf, teile: list[Teil], startseiten: list[int], ende: int) -> None:
    with pdf.open_outline() as gliederung:
        gliederung.root.append(pikepdf.OutlineItem("Deckblatt", 0))
        gliederung.root.append(pikepdf.OutlineItem("Inhaltsverzeichnis", 1))
        register: dict[str, pikepdf.OutlineItem] = {}
        for t, start in zip(teile, startseiten, strict=True):
            if t.register not in register:
                register[t.register] = pikepdf.OutlineItem(t.register, start)
                gliederung.root.append(register[t.register])
            register[t.register].children.append(pikepdf.OutlineItem(f"{t.titel} ({t.datum})", start))
        if ende < len(pdf.pages):
            gliederung.root.append(pikepdf.OutlineItem("Anhang", ende))


def datum(wert: date | None) -> str:
    return wert.strftime("%d.%m.%Y") if wert else "–"

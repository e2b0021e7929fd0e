"""Assembling one paginated PDF from the file's documents (court submission, inspection copy): cover page, table of
contents with links, the documents with their sheet number stamped on every page, bookmarks per register and
document, an annex; reportlab draws the generated pages with an embedded font (DejaVu).

Memory stays flat in the page count: the documents are stamped in parts of about `TEIL_SEITEN` pages (each
document is open only while its part is copied; one stamp font per part, not per document), and every part is
copied object by object straight into the target file (`strom.py`), which keeps only a few bytes per object and per
page. Cover, contents (with links to the documents' first pages), annex (drawn in blocks of `ANHANG_BLOCK` pages),
page tree, bookmarks and the PDF/A catalog follow at the end.
"""

from __future__ import annotations

import contextlib
import functools
import io
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dms.pdfsatz import schriften
from dms.seitenlage import anzeige

from .strom import Seitenkopie, Stromschreiber, pdf_text, verweis

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
    anhang: Iterable[str] = field(default_factory=list)  # read once, row by row
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


ANHANG_ZEILEN = 63  # rows of 11 pt from 90 pt below the top down to 60 pt above the bottom
# Annex pages drawn per reportlab canvas: reportlab keeps a canvas's pages until it is saved, so a long change
# history is drawn and copied in blocks of this many pages (one embedded font subset per block).
ANHANG_BLOCK = 40


def _anhangzeilen(zeilen: Iterable[str]) -> Iterator[str]:
    leer = True
    for zeile in zeilen:
        leer = False
        yield from _umbrechen(zeile, 110) or [""]
    if leer:
        yield "(keine Einträge)"


def _anhangbloecke(zeilen: Iterable[str]) -> Iterator[list[list[str]]]:
    """The annex's rows in pages of `ANHANG_ZEILEN`, the pages in blocks of `ANHANG_BLOCK`."""
    block: list[list[str]] = []
    seite: list[str] = []
    for zeile in _anhangzeilen(zeilen):
        seite.append(zeile)
        if len(seite) == ANHANG_ZEILEN:
            block.append(seite)
            seite = []
            if len(block) == ANHANG_BLOCK:
                yield block
                block = []
    if seite:
        block.append(seite)
    if block:
        yield block


def _anhang(c: canvas.Canvas, titel: str, seiten: list[list[str]]) -> None:
    normal, fett = schriften()
    for zeilen in seiten:
        c.setFont(fett, 14)
        c.drawString(50, A4[1] - 60, titel)
        c.setFont(normal, 8)
        for i, zeile in enumerate(zeilen):
            c.drawString(50, A4[1] - 90 - i * 11, zeile)
        c.showPage()


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


def _xmp(titel: str) -> bytes:
    """The XMP of `_pdfa_kennzeichnen` (pikepdf's serialiser, on a throwaway document)."""
    with pikepdf.new() as pdf:
        _pdfa_kennzeichnen(pdf, titel)
        return bytes(pdf.Root.Metadata.read_bytes())


@contextlib.contextmanager
def _teil(teile: list[Teil], stempel: str) -> Iterator[pikepdf.Pdf]:
    """The documents of one part, stamped, as one PDF in memory (sets each document's page count); the documents
    stay open until the part has been copied, their streams are read from them then."""
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
        yield ausgabe


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


def _kopieren(
    schreiber: Stromschreiber, baum: int, pdf: pikepdf.Pdf, zusatz: Iterable[dict[str, bytes]] = ()
) -> list[int]:
    return Seitenkopie(schreiber, baum).seiten(pdf, zusatz)


def zusammenstellen(auftrag: Satzauftrag, ziel: BinaryIO, fortschritt: Callable[[int], None] | None = None) -> int:
    """Write the assembled PDF to `ziel` object by object (`strom.Stromschreiber`); returns its page count.

    The documents go first into the file (part by part), then cover and contents (whose links need the documents'
    page objects), the annex, and at the end page tree, bookmarks and catalog; the page tree puts them in order.
    What is kept until the end: per page its object number, per object its offset, per document its first page."""
    schreiber = Stromschreiber(ziel)
    baum = schreiber.reservieren()
    dokumentseiten = array("Q")
    fertig = 0
    for gruppe in _in_teile(auftrag.teile):
        with _teil(gruppe, auftrag.stempel) as teil:
            dokumentseiten.extend(_kopieren(schreiber, baum, teil))
        fertig += len(gruppe)
        if fortschritt:
            fortschritt(int(90 * fertig / max(1, len(auftrag.teile))))
    vor = 1 + verzeichnisseiten(len(auftrag.verzeichnis))
    startseiten: list[int] = []
    seite = vor
    for t in auftrag.teile:
        startseiten.append(seite)
        seite += t.seiten
    erste = [dokumentseiten[start - vor] for start in startseiten]
    with _seiten_pdf(lambda c: _deckblatt(c, auftrag.titel, auftrag.deckblatt)) as deckblatt:
        vorne = _kopieren(schreiber, baum, deckblatt)
    with _seiten_pdf(lambda c: _verzeichnis(c, auftrag.verzeichnis, startseiten)) as verzeichnis:
        vorne += _kopieren(schreiber, baum, verzeichnis, _links(schreiber, auftrag.verzeichnis, erste))
    hinten = array("Q")
    if auftrag.anhang_titel:
        for block in _anhangbloecke(auftrag.anhang):
            with _seiten_pdf(functools.partial(_anhang, titel=auftrag.anhang_titel, seiten=block)) as anhang:
                hinten.extend(_kopieren(schreiber, baum, anhang))
    reihenfolge = [vorne, dokumentseiten, hinten]
    anzahl = sum(len(r) for r in reihenfolge)
    kinder = b" ".join(verweis(n) for r in reihenfolge for n in r)
    schreiber.objekt(baum, b"<</Type/Pages/Count %d/Kids[%s]>>" % (anzahl, kinder))
    gliederung = _lesezeichen(schreiber, auftrag.teile, erste, vorne, hinten)
    _katalog(schreiber, baum, gliederung, auftrag.titel)
    return anzahl


def _links(schreiber: Stromschreiber, zeilen: list[Verzeichniszeile], erste: list[int]) -> list[dict[str, bytes]]:
    """The link annotations of the contents pages (written now, by number), as `/Annots` entries per page."""
    je_seite: list[dict[str, bytes]] = []
    for seite in range(verzeichnisseiten(len(zeilen))):
        annots: list[int] = []
        for i, z in enumerate(zeilen[seite * ZEILEN_JE_SEITE : (seite + 1) * ZEILEN_JE_SEITE]):
            if z.teil is None:
                continue
            y = _OBEN - i * _ZEILENHOEHE
            nummer = schreiber.reservieren()
            schreiber.objekt(
                nummer,
                b"<</Type/Annot/Subtype/Link/Rect[45 %s 560 %s]/Border[0 0 0]/F 4/Dest[%s/Fit]>>"
                % (_zahl(y - 4), _zahl(y + 11), verweis(erste[z.teil])),
            )
            annots.append(nummer)
        je_seite.append({"/Annots": b"[" + b" ".join(verweis(a) for a in annots) + b"]"} if annots else {})
    return je_seite


def _zahl(wert: float) -> bytes:
    return f"{wert:.4f}".rstrip("0").rstrip(".").encode()


def _lesezeichen(
    schreiber: Stromschreiber, teile: list[Teil], erste: list[int], vorne: list[int], hinten: array[int]
) -> int:
    """Bookmarks: cover, contents, per register its documents (closed), annex; returns the outline root."""
    wurzel = schreiber.reservieren()
    oben: list[tuple[bytes, int, list[tuple[bytes, int]]]] = [(pdf_text("Deckblatt"), vorne[0], [])]
    oben.append((pdf_text("Inhaltsverzeichnis"), vorne[1], []))
    register: dict[str, list[tuple[bytes, int]]] = {}
    for t, seite in zip(teile, erste, strict=True):
        if t.register not in register:
            register[t.register] = []
            oben.append((pdf_text(t.register), seite, register[t.register]))
        register[t.register].append((pdf_text(f"{t.titel} ({t.datum})"), seite))
    if hinten:
        oben.append((pdf_text("Anhang"), hinten[0], []))
    nummern = [schreiber.reservieren() for _ in oben]
    for i, (titel, seite, kinder) in enumerate(oben):
        eintraege = _geschwister(nummern, i, wurzel) + b"/Title" + titel + b"/Dest[%s/Fit]" % verweis(seite)
        if kinder:
            kindnummern = [schreiber.reservieren() for _ in kinder]
            eintraege += b"/First %s/Last %s/Count -%d" % (
                verweis(kindnummern[0]),
                verweis(kindnummern[-1]),
                len(kinder),
            )
            for k, (kindtitel, kindseite) in enumerate(kinder):
                schreiber.objekt(
                    kindnummern[k],
                    b"<<"
                    + _geschwister(kindnummern, k, nummern[i])
                    + b"/Title"
                    + kindtitel
                    + b"/Dest[%s/Fit]>>" % verweis(kindseite),
                )
        schreiber.objekt(nummern[i], b"<<" + eintraege + b">>")
    schreiber.objekt(
        wurzel, b"<</Type/Outlines/First %s/Last %s/Count %d>>" % (verweis(nummern[0]), verweis(nummern[-1]), len(oben))
    )
    return wurzel


def _geschwister(nummern: list[int], i: int, eltern: int) -> bytes:
    eintraege = b"/Parent " + verweis(eltern)
    if i > 0:
        eintraege += b"/Prev " + verweis(nummern[i - 1])
    if i + 1 < len(nummern):
        eintraege += b"/Next " + verweis(nummern[i + 1])
    return eintraege


def _katalog(schreiber: Stromschreiber, baum: int, gliederung: int, titel: str) -> None:
    """Catalog with PDF/A-2b identification (XMP) and an sRGB output intent; what is NOT checked: docs/gericht.md."""
    metadaten, profil, katalog = schreiber.reservieren(), schreiber.reservieren(), schreiber.reservieren()
    xmp = _xmp(titel)
    schreiber.strom(metadaten, b"/Type/Metadata/Subtype/XML", xmp, komprimieren=False)
    schreiber.strom(profil, b"/N 3", ICC.read_bytes())
    schreiber.objekt(
        katalog,
        b"<</Type/Catalog/Pages %s/Outlines %s/PageMode/UseOutlines/Metadata %s"
        b"/OutputIntents[<</Type/OutputIntent/S/GTS_PDFA1/OutputConditionIdentifier(sRGB)/DestOutputProfile %s>>]>>"
        % (verweis(baum), verweis(gliederung), verweis(metadaten), verweis(profil)),
    )
    schreiber.abschliessen(katalog)


def datum(wert: date | None) -> str:
    return wert.strftime("%d.%m.%Y") if wert else "–"

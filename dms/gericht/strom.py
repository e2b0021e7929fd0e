"""Writing one PDF object by object (the court submission's join): memory flat in the page count.

`Stromschreiber` writes every object to the target file the moment it is complete and keeps only its offset (8 bytes
per object) for the cross-reference table; `Seitenkopie` copies pages of an open source PDF (a stamped part, the
generated cover) into it: it walks what each page reaches, gives every indirect object a new number, writes it at
once, and forgets its map when the source is done. The page tree, bookmarks, link annotations and the catalog are
written last by the caller with `objekt`/`strom`, by number (`reservieren` hands numbers out before an object can
be written). qpdf's own join (pikepdf `pages.extend` + `save`) held every page's objects until the final save,
about 20 KB a page (docs/gericht.md).
"""

from __future__ import annotations

import hashlib
import zlib
from array import array
from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

import pikepdf

# The inheritable page attributes (ISO 32000-1, 7.7.3.4): written onto every copied page, the tree is new.
_VERERBBAR = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
# Streams written uncompressed by their producer are compressed from this size on (not the XMP metadata).
_KOMPRIMIEREN_AB = 64
_OHNE_ZIEL = {"/Pages", "/Catalog"}  # a reference to the source's page tree or catalog becomes null


def verweis(nummer: int) -> bytes:
    return b"%d 0 R" % nummer


def pdf_text(wert: str) -> bytes:
    """A PDF text string (PDFDocEncoding or UTF-16, escaped), e.g. for a bookmark's title."""
    return bytes(pikepdf.String(wert).unparse())


def name(wert: str) -> bytes:
    return bytes(pikepdf.Name(wert).unparse())


class Stromschreiber:
    """A PDF written front to back to `ziel`; `abschliessen` writes the cross-reference table and trailer."""

    def __init__(self, ziel: BinaryIO) -> None:
        self._ziel = ziel
        self._position = 0
        self._pruefsumme = hashlib.md5(usedforsecurity=False)
        self._versatz = array("Q", [0])  # index: object number; 0 = reserved, not yet written
        self._schreiben(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _schreiben(self, daten: bytes) -> None:
        self._ziel.write(daten)
        self._pruefsumme.update(daten)
        self._position += len(daten)

    def reservieren(self) -> int:
        self._versatz.append(0)
        return len(self._versatz) - 1

    def _beginnen(self, nummer: int) -> None:
        if self._versatz[nummer]:
            raise ValueError(f"Objekt {nummer} ist schon geschrieben.")
        self._versatz[nummer] = self._position
        self._schreiben(b"%d 0 obj\n" % nummer)

    def objekt(self, nummer: int, inhalt: bytes) -> None:
        """Write object `nummer` (a reserved number) as the serialised direct object `inhalt`."""
        self._beginnen(nummer)
        self._schreiben(inhalt + b"\nendobj\n")

    def strom(self, nummer: int, eintraege: bytes, daten: bytes, *, komprimieren: bool = True) -> None:
        """Write stream `nummer`: `eintraege` are its dictionary's entries without /Length (and without /Filter when
        `komprimieren`, which deflates the data)."""
        if komprimieren:
            daten = zlib.compress(daten, 6)
            eintraege += b"/Filter/FlateDecode"
        self._beginnen(nummer)
        self._schreiben(b"<<" + eintraege + b"/Length %d>>\nstream\n" % len(daten))
        self._schreiben(daten)
        self._schreiben(b"\nendstream\nendobj\n")

    def abschliessen(self, katalog: int) -> None:
        fehlend = [n for n in range(1, len(self._versatz)) if not self._versatz[n]]
        if fehlend:
            raise ValueError(f"Reservierte Objekte nie geschrieben: {fehlend[:5]}")
        # Deterministic document ID from the content (PDF/A needs one), like qpdf's deterministic_id.
        kennung = self._pruefsumme.hexdigest().encode()
        start = self._position
        self._schreiben(b"xref\n0 %d\n0000000000 65535 f \n" % len(self._versatz))
        for anfang in range(1, len(self._versatz), 4096):
            block = self._versatz[anfang : anfang + 4096]
            self._schreiben(b"".join(b"%010d 00000 n \n" % v for v in block))
        self._schreiben(
            b"trailer\n<</Size %d/Root %d 0 R/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(self._versatz), katalog, kennung, kennung, start)
        )


class Seitenkopie:
    """Copies pages of ONE open source PDF into `schreiber`; objects shared by its pages are written once. Use a
    new one per source: its map of numbers lives as long as the source is open."""

    def __init__(self, schreiber: Stromschreiber, seitenbaum: int) -> None:
        self._schreiber = schreiber
        self._seitenbaum = seitenbaum
        self._nummern: dict[tuple[int, int], int] = {}
        self._offen: list[pikepdf.Object] = []
        self._schluessel: dict[str, bytes] = {}
        self._seiten: set[tuple[int, int]] = set()

    def seiten(self, pdf: pikepdf.Pdf, zusatz: Iterable[dict[str, bytes]] = ()) -> list[int]:
        """Copy every page of `pdf` in order; returns their new object numbers. `zusatz` (one per page, may be
        shorter): entries to set on the page dictionary, key → serialised value (e.g. "/Annots": b"[12 0 R]")."""
        seiten = [p.obj for p in pdf.pages]
        nummern = []
        for seite in seiten:
            nummer = self._nummern[seite.objgen] = self._schreiber.reservieren()
            self._seiten.add(seite.objgen)
            nummern.append(nummer)
        extras = list(zusatz)
        for i, (seite, nummer) in enumerate(zip(seiten, nummern, strict=True)):
            self._seite_schreiben(seite, nummer, extras[i] if i < len(extras) else {})
            self._leeren()
        return nummern

    def _nummer(self, obj: pikepdf.Object) -> int:
        schluessel = obj.objgen
        nummer = self._nummern.get(schluessel)
        if nummer is None:
            nummer = self._nummern[schluessel] = self._schreiber.reservieren()
            self._offen.append(obj)
        return nummer

    def _leeren(self) -> None:
        while self._offen:
            obj = self._offen.pop()
            nummer = self._nummern[obj.objgen]
            if isinstance(obj, pikepdf.Stream):
                self._strom_schreiben(obj, nummer)
            else:
                puffer: list[bytes] = []
                self._direkt(obj, puffer)
                self._schreiber.objekt(nummer, b"".join(puffer))

    def _seite_schreiben(self, seite: pikepdf.Object, nummer: int, zusatz: dict[str, bytes]) -> None:
        puffer = [b"<<"]
        for schluessel, wert in seite.items():
            if schluessel == "/Parent" or schluessel in zusatz:
                continue
            puffer.append(self._name(schluessel))
            puffer.append(b" ")
            self._wert(wert, puffer)
        for schluessel in _VERERBBAR:
            if schluessel not in seite:
                geerbt = _geerbt(seite, schluessel)
                if geerbt is not None:
                    puffer.append(self._name(schluessel) + b" ")
                    self._wert(geerbt, puffer)
        for schluessel, roh in zusatz.items():
            puffer.append(self._name(schluessel) + b" " + roh)
        puffer.append(b"/Parent " + verweis(self._seitenbaum) + b">>")
        self._schreiber.objekt(nummer, b"".join(puffer))

    def _strom_schreiben(self, strom: pikepdf.Stream, nummer: int) -> None:
        daten = strom.read_raw_bytes()
        eintraege = strom.stream_dict
        roh = "/Filter" in eintraege or eintraege.get("/Type") == pikepdf.Name.Metadata
        komprimieren = not roh and len(daten) >= _KOMPRIMIEREN_AB
        puffer: list[bytes] = []
        for schluessel, wert in eintraege.items():
            if schluessel == "/Length" or (komprimieren and schluessel == "/DecodeParms"):
                continue
            puffer.append(self._name(schluessel))
            puffer.append(b" ")
            self._wert(wert, puffer)
        self._schreiber.strom(nummer, b"".join(puffer), daten, komprimieren=komprimieren)

    def _ohne_ziel(self, woerterbuch: pikepdf.Dictionary) -> bool:
        """A reference that must not be followed: the source's page tree or catalog, or a page not copied (a link
        target outside what is copied; it would otherwise drag a page in that is in no page tree)."""
        art = str(woerterbuch.get("/Type", ""))
        return art in _OHNE_ZIEL or (art == "/Page" and woerterbuch.objgen not in self._seiten)

    def _name(self, schluessel: str) -> bytes:
        roh = self._schluessel.get(schluessel)
        if roh is None:
            roh = self._schluessel[schluessel] = name(schluessel)
        return roh

    def _wert(self, wert: object, puffer: list[bytes]) -> None:
        if isinstance(wert, pikepdf.Object) and wert.is_indirect:
            if isinstance(wert, pikepdf.Dictionary) and self._ohne_ziel(wert):
                puffer.append(b"null")
            else:
                puffer.append(verweis(self._nummer(wert)))
            return
        self._direkt(wert, puffer)

    def _direkt(self, wert: object, puffer: list[bytes]) -> None:
        if wert is None:
            puffer.append(b"null")
        elif wert is True or wert is False:
            puffer.append(b"true" if wert else b"false")
        elif isinstance(wert, int):
            puffer.append(b"%d" % wert)
        elif isinstance(wert, Decimal):
            puffer.append(format(wert.normalize(), "f").encode())
        elif isinstance(wert, pikepdf.Dictionary):
            puffer.append(b"<<")
            for schluessel, kind in wert.items():
                puffer.append(self._name(schluessel))
                puffer.append(b" ")
                self._wert(kind, puffer)
            puffer.append(b">>")
        elif isinstance(wert, pikepdf.Array):
            puffer.append(b"[")
            for kind in wert:
                self._wert(kind, puffer)
                puffer.append(b" ")
            puffer.append(b"]")
        elif isinstance(wert, pikepdf.Object):
            puffer.append(bytes(wert.unparse()))
        else:
            raise TypeError(f"Unerwarteter PDF-Wert {type(wert).__name__}")


def _geerbt(seite: pikepdf.Object, schluessel: str) -> pikepdf.Object | None:
    knoten = seite.get("/Parent")
    for _ in range(64):  # a page tree is never that deep; a loop in a damaged file ends here
        if not isinstance(knoten, pikepdf.Dictionary):
            return None
        if schluessel in knoten:
            return knoten[schluessel]
        knoten = knoten.get("/Parent")
    return None

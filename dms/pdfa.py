"""What can be checked of a PDF/A claim without veraPDF (which does not install from the registries reachable
here): structural rules of ISO 19005-1/-2 read with pikepdf. `pdfa_pruefen` returns the findings (German); an
empty list means "none of THESE checks failed", not "conforming". What is not covered: docs/gericht.md (PDF/A).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pikepdf

_ICC_KOMPONENTEN = {1, 3, 4}
_PART_HOECHSTVERSION = {"1": "1.4", "2": "1.7", "3": "1.7"}
_ERLAUBT = {"1": {"A", "B"}, "2": {"A", "B", "U"}, "3": {"A", "B", "U"}}
_INFO_XMP = {"/Title": "dc:title", "/Producer": "pdf:Producer", "/Creator": "xmp:CreatorTool"}


def _objekte(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary and stream: the indirect objects and the direct ones nested in them (an /OpenAction or an
    annotation's action is often written inline)."""
    stapel: list[pikepdf.Object] = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream)]
    stapel.append(pdf.trailer)
    while stapel:
        obj = stapel.pop()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj
            kinder = obj.values()
        elif isinstance(obj, pikepdf.Array):
            kinder = list(obj)
        else:
            continue
        stapel.extend(k for k in kinder if isinstance(k, pikepdf.Dictionary | pikepdf.Array) and not k.is_indirect)


def _schrift_eingebettet(schrift: pikepdf.Object) -> bool:
    if schrift.get("/Subtype") == "/Type3":
        return True
    if schrift.get("/Subtype") == "/Type0":
        nachfahren = schrift.get("/DescendantFonts")
        if not nachfahren:
            return False
        schrift = nachfahren[0]
    beschreibung = schrift.get("/FontDescriptor")
    return beschreibung is not None and any(k in beschreibung for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _metadaten(pdf: pikepdf.Pdf, befunde: list[str]) -> str:
    if "/Metadata" not in pdf.Root:
        befunde.append("Keine XMP-Metadaten im Katalog.")
        return ""
    meta = pdf.open_metadata()
    teil, konformitaet = str(meta.get("pdfaid:part", "")), str(meta.get("pdfaid:conformance", ""))
    if not teil or not konformitaet:
        befunde.append("XMP ohne pdfaid:part/pdfaid:conformance.")
        return ""
    if konformitaet not in _ERLAUBT.get(teil, set()):
        befunde.append(f"pdfaid:part {teil} mit conformance {konformitaet} gibt es nicht.")
    if teil in _PART_HOECHSTVERSION and pdf.pdf_version > _PART_HOECHSTVERSION[teil]:
        befunde.append(f"PDF {pdf.pdf_version} ist für PDF/A-{teil} zu neu.")
    for info, xmp in _INFO_XMP.items():
        if info in pdf.docinfo and str(pdf.docinfo[info]) != str(meta.get(xmp, "")):
            befunde.append(f"Dokumentinfo {info} stimmt nicht mit XMP {xmp} überein.")
    return teil


def _ausgabebedingung(pdf: pikepdf.Pdf, befunde: list[str]) -> None:
    absichten = [a for a in pdf.Root.get("/OutputIntents", []) if a.get("/S") == "/GTS_PDFA1"]
    if not absichten:
        befunde.append("Keine OutputIntent GTS_PDFA1.")
        return
    profile = [a.get("/DestOutputProfile") for a in absichten]
    if any(p is None for p in profile) or len({p.objgen for p in profile if p is not None}) != 1:
        befunde.append("OutputIntent ohne (ein einheitliches) ICC-Profil.")
        return
    icc = absichten[0].DestOutputProfile
    if int(icc.get("/N", 0)) not in _ICC_KOMPONENTEN or icc.read_bytes()[36:40] != b"acsp":
        befunde.append("Das ICC-Profil der OutputIntent ist unbrauchbar.")


def pdfa_pruefen(quelle: bytes | Path) -> list[str]:
    """Findings against the PDF/A rules checked here (empty: none found)."""
    befunde: list[str] = []
    try:
        pdf = pikepdf.open(io.BytesIO(quelle) if isinstance(quelle, bytes) else quelle)
    except pikepdf.PasswordError:
        return ["Verschlüsselt (PDF/A verbietet Verschlüsselung)."]
    with pdf:
        if pdf.is_encrypted:
            befunde.append("Verschlüsselt (PDF/A verbietet Verschlüsselung).")
        if "/ID" not in pdf.trailer:
            befunde.append("Trailer ohne /ID.")
        teil = _metadaten(pdf, befunde)
        _ausgabebedingung(pdf, befunde)
        if "/JavaScript" in pdf.Root.get("/Names", {}) or "/AA" in pdf.Root:
            befunde.append("JavaScript oder Zusatzaktionen im Katalog.")
        if "/EmbeddedFiles" in pdf.Root.get("/Names", {}) and teil in ("1", "2"):
            befunde.append(f"Eingebettete Dateien (in PDF/A-{teil} nicht geprüft/nicht erlaubt).")
        for obj in _objekte(pdf):
            _objekt_pruefen(obj, teil, befunde)
    return sorted(set(befunde))


def _objekt_pruefen(obj: pikepdf.Object, teil: str, befunde: list[str]) -> None:
    typ, art = obj.get("/Type"), obj.get("/Subtype")
    if obj.get("/S") == "/JavaScript" or "/JS" in obj:
        befunde.append("JavaScript-Aktion.")
    if obj.get("/S") in ("/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData"):
        befunde.append(f"Verbotene Aktion {obj.get('/S')}.")
    filter_ = obj.get("/Filter")
    filter_liste = list(filter_) if isinstance(filter_, pikepdf.Array) else [filter_] if filter_ else []
    if "/LZWDecode" in filter_liste:
        befunde.append("LZW-komprimierter Stream.")
    schrift = typ == "/Font" and art in ("/Type1", "/TrueType", "/Type0", "/MMType1", "/Type3")
    if schrift and not _schrift_eingebettet(obj):
        befunde.append(f"Schrift nicht eingebettet: {obj.get('/BaseFont', '?')}.")
    if art == "/Image" and obj.get("/Interpolate") is True:
        befunde.append("Bild mit /Interpolate true.")
    if art == "/Image" and "/Alternates" in obj:
        befunde.append("Bild mit /Alternates.")
    if teil == "1" and (
        (art == "/Image" and "/SMask" in obj) or (obj.get("/S") == "/Transparency" and typ == "/Group")
    ):
        befunde.append("Transparenz (in PDF/A-1 verboten).")
    if typ == "/Annot" or (art in ("/Widget", "/Link", "/Text", "/Popup") and "/Rect" in obj):
        _anmerkung_pruefen(obj, befunde)


def _anmerkung_pruefen(obj: pikepdf.Object, befunde: list[str]) -> None:
    art = obj.get("/Subtype")
    if art == "/Popup":
        return
    flags = int(obj.get("/F", 0))
    rechteck = [float(x) for x in obj.get("/Rect", [0, 0, 0, 0])]
    flaeche = abs(rechteck[2] - rechteck[0]) * abs(rechteck[3] - rechteck[1])
    if flaeche and not flags & 4:
        befunde.append(f"Anmerkung {art} ohne Druck-Kennzeichen.")
    if flags & (1 | 2 | 32):
        befunde.append(f"Anmerkung {art} versteckt/unsichtbar.")
    if flaeche and art != "/Link" and "/AP" not in obj:
        befunde.append(f"Anmerkung {art} ohne Erscheinungsbild (/AP).")

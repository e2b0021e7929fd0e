"""The page loop for one file: rasterise -> blank? -> OCR (or text layer) -> orientation -> thumbnail, then merge.

Each finished page is written to the item's working directory, so a step re-run after a crash (kill -9) resumes
at the first unfinished page. Only one page image is in memory at a time.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from django.conf import settings
from pdf2image import convert_from_path

from dms.dateien import PDF, datei_sha256

from ..betrieb import seite_erkannt
from ..klassifikation.bildmerkmale import bildmerkmale
from . import ausrichtung, leerseiten, ocr, textebene, vorschau, zaehlen
from .arbeitsbereich import Arbeitsbereich
from .raster import bild_dpi, seite_rastern
from .zusammenfuehren import SeitenTeil, zusammenfuehren

logger = logging.getLogger("scanning.pipeline")

VORSCHAU_DPI = 30
VORSCHAU_BLOCK = 25


@dataclass
class Erkennungsergebnis:
    seiten: int
    leere_seiten: int
    blatt: int
    seitentexte: list[str]
    textquelle: str  # "ocr", "textebene" or "gemischt"
    pdf_pfad: Path
    vorschau_pfade: list[Path] = field(default_factory=list)
    drehungen: dict[int, int] = field(default_factory=dict)
    # Image features per page (klassifikation.bildmerkmale) from the rasterised page; empty when not computed.
    bildmerkmale: list[list[float]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\f\n".join(self.seitentexte).strip()

    def pdf_sha256(self) -> str:
        return datei_sha256(self.pdf_pfad)


def _seiten_gedreht(pfad: Path) -> set[int]:
    with pikepdf.open(pfad) as pdf:
        return {i + 1 for i, p in enumerate(pdf.pages) if int(p.obj.get("/Rotate", 0)) % 360}


def _textebene_verwenden(pfad: Path, seiten: int, texte: list[str], ab: Arbeitsbereich) -> Erkennungsergebnis:
    """Every page has a text layer: no OCR; the original serves as the searchable copy; thumbnails in blocks."""
    vorschauen: list[Path] = []
    merkmale: list[list[float]] = []
    for start in range(1, seiten + 1, VORSCHAU_BLOCK):
        ende = min(seiten, start + VORSCHAU_BLOCK - 1)
        fehlend = [s for s in range(start, ende + 1) if not ab.datei(f"vorschau-{s:05d}.png").exists()]
        if fehlend:
            bilder = convert_from_path(
                str(pfad), dpi=VORSCHAU_DPI, first_page=start, last_page=ende, grayscale=True, use_cropbox=True
            )
            for s, bild in zip(range(start, ende + 1), bilder, strict=False):
                ab.schreiben_bytes(f"vorschau-{s:05d}.png", vorschau.vorschaubild(bild))
                ab.schreiben_json(f"bild-{s:05d}.json", {"bild": bildmerkmale(bild)})
                bild.close()
        vorschauen += [ab.datei(f"vorschau-{s:05d}.png") for s in range(start, ende + 1)]
        merkmale += [(ab.lesen_json(f"bild-{s:05d}.json") or {}).get("bild", []) for s in range(start, ende + 1)]
    ziel = ab.datei("durchsuchbar.pdf")
    ziel.write_bytes(pfad.read_bytes())
    return Erkennungsergebnis(
        seiten=seiten,
        leere_seiten=0,
        blatt=zaehlen.blatt_zaehlen(seiten),
        seitentexte=texte,
        textquelle="textebene",
        pdf_pfad=ziel,
        vorschau_pfade=vorschauen,
        bildmerkmale=merkmale if all(merkmale) else [],
    )


def datei_erkennen(
    pfad: Path,
    mime: str,
    seiten: int,
    ab: Arbeitsbereich,
    *,
    titel: str = "Scan",
    fortschritt: Callable[[int], None] | None = None,
) -> Erkennungsergebnis:
    texte_ebene = textebene.seitentexte(pfad, seiten) if mime == PDF else [""] * seiten
    if mime == PDF and all(textebene.hat_textebene(t) for t in texte_ebene):
        return _textebene_verwenden(pfad, seiten, texte_ebene, ab)
    infos = seiten_erkennen(pfad, mime, 1, seiten, ab, texte_ebene=texte_ebene, fortschritt=fortschritt)
    return ergebnis_bilden(pfad, mime, infos, ab, titel=titel)


def nur_textebene(pfad: Path, mime: str, seiten: int) -> bool:
    """Does every page carry a text layer (born-digital PDF: no OCR at all)?"""
    return mime == PDF and all(textebene.hat_textebene(t) for t in textebene.seitentexte(pfad, seiten))


def seiten_erkennen(
    pfad: Path,
    mime: str,
    von: int,
    bis: int,
    ab: Arbeitsbereich,
    *,
    texte_ebene: list[str] | None = None,
    fortschritt: Callable[[int], None] | None = None,
) -> list[dict]:
    """Pages `von`..`bis` (1-based, inclusive) through the page loop; one info dict per page, in page order.

    Each page's result lands in the working directory (`seite-NNNNN.json`, `.pdf`, `vorschau-NNNNN.png`) before
    the next page starts, so a re-run resumes at the first unfinished page. `texte_ebene` are the text layers of
    the whole file (index 0 = page 1); without them only this range is read.
    """
    if texte_ebene is None:
        anzahl = bis - von + 1
        bereich = textebene.seitentexte(pfad, anzahl, ab_seite=von) if mime == PDF else [""] * anzahl
        texte_ebene = [""] * (von - 1) + bereich
    gedreht_im_pdf = _seiten_gedreht(pfad) if mime == PDF else set()
    infos: list[dict] = []
    quelle_pdf = pikepdf.open(pfad) if mime == PDF else None
    try:
        for s in range(von, bis + 1):
            info = ab.lesen_json(f"seite-{s:05d}.json")
            if info is None:
                start = time.perf_counter()
                info = _seite_verarbeiten(
                    pfad, mime, s, texte_ebene[s - 1], settings.OCR_DPI, s in gedreht_im_pdf, ab, quelle_pdf
                )
                seite_erkannt(sekunden=time.perf_counter() - start, quelle=str(info["quelle"]))
                ab.schreiben_json(f"seite-{s:05d}.json", info)
                if fortschritt:
                    fortschritt(s)
            infos.append(info)
    finally:
        if quelle_pdf is not None:
            quelle_pdf.close()
    return infos


def ergebnis_bilden(
    pfad: Path, mime: str, infos: list[dict], ab: Arbeitsbereich, *, titel: str = "Scan"
) -> Erkennungsergebnis:
    """Merge the pages' results (page 1 first; page PDFs in the working directory) into the searchable PDF."""
    teile: list[SeitenTeil] = []
    texte: list[str] = []
    drehungen: dict[int, int] = {}
    quellen: set[str] = set()
    for s, info in enumerate(infos, 1):
        _sammeln(ab, s, info, teile, texte, drehungen, quellen)
    ziel = ab.datei("durchsuchbar.pdf")
    zusammenfuehren(pfad if mime == PDF else None, teile, ziel, titel=titel)
    textquelle = "gemischt" if len(quellen) > 1 else (quellen.pop() if quellen else "ocr")
    seiten = len(infos)
    return Erkennungsergebnis(
        seiten=seiten,
        leere_seiten=sum(1 for i in infos if i["leer"]),
        blatt=zaehlen.blatt_zaehlen(seiten),
        seitentexte=texte,
        textquelle=textquelle,
        pdf_pfad=ziel,
        vorschau_pfade=[ab.datei(f"vorschau-{s:05d}.png") for s in range(1, seiten + 1)],
        drehungen=drehungen,
        bildmerkmale=[list(i["bild"]) for i in infos] if all(i.get("bild") for i in infos) else [],
    )


def _sammeln(
    ab: Arbeitsbereich,
    s: int,
    info: dict,
    teile: list[SeitenTeil],
    texte: list[str],
    drehungen: dict[int, int],
    quellen: set[str],
) -> None:
    pdf_datei = ab.datei(f"seite-{s:05d}.pdf")
    teile.append(SeitenTeil(info["modus"], pdf_datei.read_bytes() if pdf_datei.exists() else None))
    texte.append(info["text"])
    if info.get("drehung"):
        drehungen[s] = info["drehung"]
    if not info["leer"]:
        quellen.add(info["quelle"])


def _seite_verarbeiten(
    pfad: Path,
    mime: str,
    s: int,
    text_ebene: str,
    dpi_standard: int,
    pdf_gedreht: bool,
    ab: Arbeitsbereich,
    quelle_pdf: pikepdf.Pdf | None = None,
) -> dict[str, object]:
    ist_pdf = mime == PDF
    if ist_pdf and textebene.hat_textebene(text_ebene):
        bild = seite_rastern(pfad, mime, s, VORSCHAU_DPI)
        ab.schreiben_bytes(f"vorschau-{s:05d}.png", vorschau.vorschaubild(bild))
        merkmale = bildmerkmale(bild)
        return {
            "modus": "original",
            "text": text_ebene,
            "leer": False,
            "quelle": "textebene",
            "drehung": 0,
            "bild": merkmale,
        }
    # A page rebuilt from pixels (image inputs, turned PDF pages) keeps its colour: the searchable copy of a colour
    # scan must stay colour (VG Wiesbaden 6 K 152/14.WI.A); OCR, blank-page and rotation checks convert for themselves.
    farbe = not ist_pdf or pdf_gedreht
    bild = seite_rastern(pfad, mime, s, dpi_standard, pdf=quelle_pdf, graustufen=not farbe)
    dpi = bild_dpi(bild, dpi_standard)
    try:
        merkmale = bildmerkmale(bild)  # the page image as scanned (before any turn), for the classifier
        if leerseiten.ist_leer(bild):
            ab.schreiben_bytes(f"vorschau-{s:05d}.png", vorschau.vorschaubild(bild))
            if not ist_pdf:
                puffer = io.BytesIO()
                bild.convert("1").save(puffer, format="PDF", resolution=dpi)
                ab.schreiben_bytes(f"seite-{s:05d}.pdf", puffer.getvalue())
            return {
                "modus": "original" if ist_pdf else "voll",
                "text": "",
                "leer": True,
                "quelle": "ocr",
                "drehung": 0,
                "bild": merkmale,
            }
        nur_text = ist_pdf and not pdf_gedreht
        ergebnis = ocr.seite_erkennen(bild, dpi=dpi, nur_text=nur_text)
        drehung = 0
        if not ausrichtung.text_plausibel(ergebnis.text):
            grad = ausrichtung.drehung_erkennen(bild)
            if grad:
                gedreht = ausrichtung.drehen(bild, grad)
                zweiter = ocr.seite_erkennen(gedreht, dpi=dpi, nur_text=False)
                if ausrichtung.text_plausibel(zweiter.text):
                    bild.close()
                    bild, ergebnis, drehung, nur_text = gedreht, zweiter, grad, False
                    logger.info("Seite %s um %s Grad gedreht erkannt", s, grad)
        ab.schreiben_bytes(f"seite-{s:05d}.pdf", ergebnis.pdf)
        ab.schreiben_bytes(f"vorschau-{s:05d}.png", vorschau.vorschaubild(bild))
        return {
            "modus": "overlay" if nur_text else "voll",
            "text": ergebnis.text,
            "leer": False,
            "quelle": "ocr",
            "drehung": drehung,
            "bild": merkmale,
        }
    finally:
        bild.close()

"""Building a version's pages from pages of earlier versions (pikepdf), without OCR.

A page keeps its content stream and its invisible text layer; a rotation only changes the page's /Rotate, so the
text layer stays valid. The per-page text and the thumbnails of the source versions follow their pages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from dms.models import DokumentVersion

# Page texts are stored joined by form feeds (the OCR pipeline's format), one part per page.
SEITENTRENNER = "\n\f\n"
VORSCHAU_HOEHE = 200
_DREHUNG = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class Seite:
    """One page of a new version: page `nummer` (1-based) of source `quelle`, turned clockwise by `drehung`."""

    quelle: int
    nummer: int
    drehung: int = 0


@dataclass
class Quelle:
    """The current version of a document as the material of a page edit."""

    version: DokumentVersion
    pdf: bytes
    texte: list[str]
    blaetter: list[int]


def pdf_lesen(version: DokumentVersion) -> bytes:
    """The searchable PDF of the version (the original when it is itself a PDF and nothing was derived)."""
    datei = version.pdf if version.pdf else version.original
    with datei.open("rb") as fh:
        return fh.read()


def seitentexte(version: DokumentVersion, pdf: bytes) -> list[str]:
    """The recognised text of each page. The stored text loses the separators of blank pages at its ends (it is
    stripped), so when the parts do not match the page count the PDF's text layer is read instead."""
    teile = [t.strip() for t in version.text.split("\f")]
    if len(teile) == version.seiten:
        return teile
    from pypdf import PdfReader

    leser = PdfReader(io.BytesIO(pdf))
    return [(seite.extract_text() or "").strip() for seite in leser.pages]


def pdf_bauen(quellen: list[bytes], seiten: list[Seite]) -> bytes:
    """A new PDF of `seiten` taken from the `quellen` PDFs; PDF/A identification and output intent of the first
    source are carried over, page content is copied, never re-rendered."""
    offen = [pikepdf.open(io.BytesIO(q)) for q in quellen]
    try:
        with pikepdf.new() as aus:
            for s in seiten:
                aus.pages.append(offen[s.quelle].pages[s.nummer - 1])
                if s.drehung:
                    neu = aus.pages[-1]
                    neu.obj.Rotate = (int(neu.obj.get("/Rotate", 0)) + s.drehung) % 360
            erste = offen[0].Root
            for schluessel in ("/Metadata", "/OutputIntents"):
                if schluessel in erste:
                    wert = erste[schluessel]
                    # The pipeline writes /OutputIntents as a direct array; only indirect objects copy across files.
                    if not wert.is_indirect:
                        wert = offen[0].make_indirect(wert)
                    aus.Root[schluessel] = aus.copy_foreign(wert)
            puffer = io.BytesIO()
            aus.save(puffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            return puffer.getvalue()
    finally:
        for pdf in offen:
            pdf.close()


def _vorschau_rendern(pdf: bytes, seite: int) -> bytes:
    from pdf2image import convert_from_bytes

    bild = convert_from_bytes(
        pdf, first_page=seite, last_page=seite, size=(None, VORSCHAU_HOEHE), grayscale=True, use_cropbox=True
    )[0]
    puffer = io.BytesIO()
    bild.save(puffer, format="PNG")
    return puffer.getvalue()


def vorschau_uebernehmen(*, quellen: list[Quelle], seiten: list[Seite], ziel: DokumentVersion, pdf: bytes) -> list[str]:
    """Thumbnails of the new version: each page's thumbnail of its source version, turned like the page; a page whose
    source has none is rendered from the new PDF. Written under the new version's own path."""
    pfade: list[str] = []
    for i, s in enumerate(seiten, 1):
        alte = quellen[s.quelle].version.vorschaubilder
        pfad = alte[s.nummer - 1] if s.nummer <= len(alte) else ""
        if pfad and default_storage.exists(pfad):
            with default_storage.open(pfad, "rb") as fh:
                png = fh.read()
            if s.drehung:
                bild = Image.open(io.BytesIO(png)).transpose(_DREHUNG[s.drehung])
                puffer = io.BytesIO()
                bild.save(puffer, format="PNG")
                png = puffer.getvalue()
        else:
            png = _vorschau_rendern(pdf, i)
        ziel_pfad = f"dokumente/{ziel.dokument.uuid}/{ziel.nummer}/vorschau/{i:05d}.png"
        if default_storage.exists(ziel_pfad):
            default_storage.delete(ziel_pfad)
        pfade.append(default_storage.save(ziel_pfad, ContentFile(png)))
    return pfade

"""Merging the per-page results into ONE searchable PDF (pikepdf); the original file stays unchanged elsewhere.

PDF pages keep their original content with Tesseract's invisible text layer laid over them; pages that had to be
rotated and pages of image inputs become the page image plus text layer. PDF/A: the copy carries PDF/A-2B
identification (XMP) and an sRGB output intent; conformance is not validated here (see docs/scanning.md).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import ImageCms

from dms.seitenlage import sichtbar


@dataclass(frozen=True)
class SeitenTeil:
    modus: str  # "original" (keep PDF page), "overlay" (original + text layer), "voll" (page PDF from OCR/image)
    pdf: bytes | None = None


def _srgb_profil() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def pdfa_kennzeichnen(pdf: pikepdf.Pdf, titel: str) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = titel[:200]
        meta["xmp:CreatorTool"] = "Elektronische Ausländerakte (Tesseract OCR)"
    profil = pdf.make_stream(_srgb_profil())
    profil.N = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier="sRGB IEC61966-2.1",
        DestOutputProfile=profil,
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])


def zusammenfuehren(original: Path | None, teile: list[SeitenTeil], ziel: Path, titel: str = "Scan") -> None:
    """Write the searchable PDF to `ziel`. `original` is the source PDF (None for image inputs)."""
    offen: list[pikepdf.Pdf] = []
    quelle = pikepdf.open(original) if original is not None else None
    try:
        with pikepdf.new() as aus:
            for i, teil in enumerate(teile):
                if teil.modus in ("original", "overlay"):
                    assert quelle is not None
                    aus.pages.append(quelle.pages[i])
                    if teil.modus == "overlay" and teil.pdf:
                        schicht = pikepdf.open(io.BytesIO(teil.pdf))
                        offen.append(schicht)
                        ziel_seite = aus.pages[-1]
                        # over the visible area: the raster the text layer comes from is the crop box
                        ziel_seite.add_overlay(schicht.pages[0], pikepdf.Rectangle(*sichtbar(ziel_seite)))
                else:
                    assert teil.pdf is not None
                    seite = pikepdf.open(io.BytesIO(teil.pdf))
                    offen.append(seite)
                    aus.pages.append(seite.pages[0])
            pdfa_kennzeichnen(aus, titel)
            tmp = ziel.with_suffix(".tmp")
            aus.save(tmp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            tmp.replace(ziel)
    finally:
        for p in offen:
            p.close()
        if quelle is not None:
            quelle.close()

"""Real PDFs with a text layer per page, filed through the services the pipeline uses."""

from __future__ import annotations

import hashlib
import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dms.models import Akte, Dokument, Register
from dms.services.dokumente import ableitungen_speichern, dokument_anlegen, dokument_version_hinzufuegen
from tests import factories as f


def pdf_erzeugen(texte: list[str]) -> bytes:
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4)
    for text in texte:
        c.setFont("Helvetica", 14)
        c.drawString(72, 700, text)
        c.drawString(72, 400, f"{text} unten")
        c.showPage()
    c.save()
    return puffer.getvalue()


def ableiten(version, texte: list[str]) -> None:  # type: ignore[no-untyped-def]
    inhalt = pdf_erzeugen(texte)
    ableitungen_speichern(
        version=version,
        text="\n".join(texte),
        seiten=len(texte),
        blatt=len(texte),
        pdf=io.BytesIO(inhalt),
        pdf_sha256=hashlib.sha256(inhalt).hexdigest(),
    )


def dokument_ablegen(
    akte: Akte,
    titel: str,
    seiten: int,
    *,
    user=None,
    register: Register | None = None,
    **kw,  # type: ignore[no-untyped-def]
) -> Dokument:
    texte = [f"{titel} Seite {i}" for i in range(1, seiten + 1)]
    dokument = dokument_anlegen(
        akte=akte,
        register=register or f.register("03"),
        datei=io.BytesIO(pdf_erzeugen(texte)),
        dateiname=f"{titel}.pdf",
        titel=titel,
        user=user,
        verarbeiten=False,
        **kw,
    )
    ableiten(dokument.versionen.get(), texte)
    return dokument


def scan_ablegen(
    akte: Akte,
    *,
    vermerk: dict,
    titel: str = "Antrag auf Verlängerung",
    quelle: str = Dokument.Quelle.POSTEINGANG,
    seiten: list[str] | None = None,
) -> Dokument:
    """A scanned document with its transfer note, filed as the Poststelle or a legacy delivery does (sealed)."""
    return dokument_anlegen(
        akte=akte,
        register=f.register("03"),
        datei=io.BytesIO(pdf_erzeugen(seiten or [titel])),
        dateiname="scan.pdf",
        titel=titel,
        user=None,
        quelle=quelle,
        transfervermerk=vermerk,
        verarbeiten=False,
    )


def neue_version(dokument: Dokument, texte: list[str], zuordnung: list[int | None] | None = None) -> None:
    version = dokument_version_hinzufuegen(
        dokument=dokument,
        datei=io.BytesIO(pdf_erzeugen(texte)),
        dateiname="neu.pdf",
        user=None,
        verarbeiten=False,
        seitenzuordnung=zuordnung,
    )
    ableiten(version, texte)


def gedrehtes_pdf(
    drehungen: list[int],
    texte: dict[str, tuple[float, float]] | None = None,
    *,
    groessen: dict[str, int] | None = None,
    seite: tuple[float, float] = A4,
    cropbox: list[float] | None = None,
) -> bytes:
    """Pages of size `seite` (A4 portrait), page i carrying `/Rotate drehungen[i]` (and `cropbox` when given), each
    with the texts at their user-space positions (Helvetica, 14 pt unless `groessen` names another size)."""
    import pikepdf

    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=seite)
    for i in range(len(drehungen)):
        for text, (x, y) in (texte if texte is not None else {f"Seite {i + 1}": (72, 400)}).items():
            c.setFont("Helvetica", (groessen or {}).get(text, 14))
            c.drawString(x, y, text)
        c.showPage()
    c.save()
    puffer.seek(0)
    with pikepdf.open(puffer) as pdf:
        for page, drehung in zip(pdf.pages, drehungen, strict=True):
            page.obj.Rotate = drehung
            if cropbox is not None:
                page.obj.CropBox = cropbox
        ziel = io.BytesIO()
        pdf.save(ziel)
    return ziel.getvalue()


def dokument_mit_pdf(akte: Akte, titel: str, inhalt: bytes, *, user=None) -> Dokument:  # type: ignore[no-untyped-def]
    """A document whose original and searchable PDF are `inhalt` (sheet numbers given as the pipeline does)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(inhalt)) as pdf:
        seiten = len(pdf.pages)
    dokument = dokument_anlegen(
        akte=akte,
        register=f.register("03"),
        datei=io.BytesIO(inhalt),
        dateiname=f"{titel}.pdf",
        titel=titel,
        user=user,
        verarbeiten=False,
    )
    ableitungen_speichern(
        version=dokument.versionen.get(),
        text=titel,
        seiten=seiten,
        blatt=seiten,
        pdf=io.BytesIO(inhalt),
        pdf_sha256=hashlib.sha256(inhalt).hexdigest(),
    )
    return dokument

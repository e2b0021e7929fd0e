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

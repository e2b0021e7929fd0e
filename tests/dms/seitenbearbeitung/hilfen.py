"""Scanned-like documents for page editing: a real PDF with a text layer per page, text stored per page (form-feed
separated, as the OCR pipeline stores it), a portrait thumbnail per page, sheet numbers given."""

from __future__ import annotations

import hashlib
import io

import pikepdf
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from dms.models import Akte, Dokument, DokumentVersion
from dms.services.dokumente import ableitungen_speichern, dokument_anlegen
from scanning.pipeline.zusammenfuehren import pdfa_kennzeichnen
from tests import factories as f
from tests.dms.gericht.hilfen import pdf_erzeugen


def seitentexte(titel: str, seiten: int) -> list[str]:
    return [f"{titel} Seite{i} Wort{titel}{i}" for i in range(1, seiten + 1)]


def ablegen(akte: Akte, titel: str, seiten: int, *, user=None, **kw) -> Dokument:  # type: ignore[no-untyped-def]
    texte = seitentexte(titel, seiten)
    inhalt = pdfa(pdf_erzeugen(texte), titel)
    dokument = dokument_anlegen(
        akte=akte,
        register=kw.pop("register", None) or f.register("03"),
        datei=io.BytesIO(inhalt),
        dateiname=f"{titel}.pdf",
        titel=titel,
        user=user,
        verarbeiten=False,
        **kw,
    )
    version = dokument.versionen.get()
    vorschau = []
    for i in range(1, seiten + 1):
        puffer = io.BytesIO()
        Image.new("L", (70, 100), color=20 * i % 255).save(puffer, format="PNG")
        vorschau.append(
            default_storage.save(f"dokumente/{dokument.uuid}/1/vorschau/{i:05d}.png", ContentFile(puffer.getvalue()))
        )
    ableitungen_speichern(
        version=version,
        text="\n\f\n".join(texte),
        seiten=seiten,
        blatt=seiten,
        pdf=io.BytesIO(inhalt),
        pdf_sha256=hashlib.sha256(inhalt).hexdigest(),
        vorschaubilder=vorschau,
    )
    dokument.refresh_from_db()
    return dokument


def seiten_aendern(api, dok, **daten):  # type: ignore[no-untyped-def]
    """POST /api/v1/dokumente/{id}/seiten/ with `daten` as JSON."""
    return api.post(f"/api/v1/dokumente/{dok.pk}/seiten/", daten, format="json")


def pdfa(inhalt: bytes, titel: str) -> bytes:
    """Marked as the pipeline marks its searchable copies (XMP, a direct /OutputIntents array)."""
    with pikepdf.open(io.BytesIO(inhalt)) as pdf:
        pdfa_kennzeichnen(pdf, titel)
        puffer = io.BytesIO()
        pdf.save(puffer)
        return puffer.getvalue()


def lesen(datei) -> bytes:  # type: ignore[no-untyped-def]
    with datei.open("rb") as fh:
        return fh.read()


def drehungen(version: DokumentVersion) -> list[int]:
    with pikepdf.open(io.BytesIO(lesen(version.pdf))) as pdf:
        return [int(p.obj.get("/Rotate", 0)) for p in pdf.pages]


def vorschau_groessen(version: DokumentVersion) -> list[tuple[int, int]]:
    groessen = []
    for pfad in version.vorschaubilder:
        with default_storage.open(pfad, "rb") as fh:
            groessen.append(Image.open(io.BytesIO(fh.read())).size)
    return groessen

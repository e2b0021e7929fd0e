"""Deriving searchable PDF, text, counts and thumbnails for a dms DokumentVersion (every document upload).

Idempotent: `ableitungen_speichern` overwrites the derived fields; the original is only read.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError

from dms import services as dms_services
from dms.dateien import SCAN_TYPEN
from dms.models import Dokument, DokumentVersion

from ..betrieb import fehler_gezaehlt
from ..klassifikation.models import Seitenmerkmale
from . import konvertieren, preflight, texterkennung, verteilung
from .arbeitsbereich import Arbeitsbereich
from .fehler import EingabeFehler

logger = logging.getLogger("scanning.pipeline")


def verarbeiten(version_id: int, *, queue: str | None = None) -> None:
    """The whole derivation in this task, or for a long scan its fan-out to page blocks on `queue`
    (`pipeline/verteilung.py`; the join stores the result)."""
    version = DokumentVersion.objects.select_related("dokument").filter(pk=version_id).first()
    if version is None:
        logger.warning("Dokumentversion %s nicht gefunden (geloescht?); nichts zu tun", version_id)
        return
    dokument = version.dokument
    if version.mime_type not in SCAN_TYPEN and not konvertieren.ist_umwandelbar(version.mime_type):
        text = ""
        if version.mime_type.startswith("text/") or version.mime_type.endswith("xml"):
            with version.original.open("rb") as f:
                text = f.read(5 * 1024 * 1024).decode("utf-8", errors="replace")
        dms_services.ableitungen_speichern(
            version=version, text=text, seiten=0, blatt=0, ocr_status=Dokument.OcrStatus.NICHT_NOETIG
        )
        return
    dms_services.ocr_status_setzen(dokument_id=dokument.pk, status=Dokument.OcrStatus.IN_ARBEIT)
    ab = Arbeitsbereich(f"version-{version.uuid}")
    pfad = ab.original_holen(version.original)
    try:
        pruef = preflight.pruefen(pfad)
        if verteilung.lohnt_sich(pruef.mime_type, pruef.seiten) and not texterkennung.nur_textebene(
            pfad, pruef.mime_type, pruef.seiten
        ):
            verteilung.verteilen(version, pruef.seiten, queue)
            return
        if konvertieren.ist_umwandelbar(pruef.mime_type):
            # DOCX/ODT/RTF/e-mail: the pages come from the PDF/A reading copy; the original stays as it is.
            pfad = konvertieren.umwandeln(pfad, pruef.mime_type, ab.datei("lesefassung.pdf"), titel=dokument.titel)
            pruef = preflight.pruefen(pfad)
        e = texterkennung.datei_erkennen(pfad, pruef.mime_type, pruef.seiten, ab, titel=dokument.titel)
    except EingabeFehler as exc:
        logger.warning("Dokumentversion %s: Texterkennung nicht moeglich: %s", version_id, exc.code)
        fehler_gezaehlt(art="dokument", code=exc.code)
        dms_services.ocr_status_setzen(dokument_id=dokument.pk, status=Dokument.OcrStatus.FEHLER)
        ab.entfernen()
        return
    except (OperationalError, InterfaceError):
        raise  # retried by the task
    except Exception:
        logger.exception("Dokumentversion %s: Texterkennung abgebrochen", version_id)
        fehler_gezaehlt(art="dokument", code="intern")
        dms_services.ocr_status_setzen(dokument_id=dokument.pk, status=Dokument.OcrStatus.FEHLER)
        return
    vorschau = [vorschau_speichern(version, i, v.read_bytes()) for i, v in enumerate(e.vorschau_pfade, 1)]
    ergebnis_speichern(version, e, vorschau)
    ab.entfernen()


def vorschau_speichern(version: DokumentVersion, seite: int, png: bytes) -> str:
    """The thumbnail of one page at its final storage path (written again on a re-run)."""
    ziel = f"dokumente/{version.dokument.uuid}/{version.nummer}/vorschau/{seite:05d}.png"
    if default_storage.exists(ziel):
        default_storage.delete(ziel)
    return default_storage.save(ziel, ContentFile(png))


def ergebnis_speichern(version: DokumentVersion, e: texterkennung.Erkennungsergebnis, vorschau: list[str]) -> None:
    with e.pdf_pfad.open("rb") as pdf:
        dms_services.ableitungen_speichern(
            version=version,
            text=e.text,
            seiten=e.seiten,
            # A provider's delivery states its sheet count (simplex or duplex); the duplex rule is only the fallback.
            blatt=int(version.transfervermerk.get("blatt") or e.blatt),
            leere_seiten=e.leere_seiten,
            pdf=pdf,
            pdf_sha256=e.pdf_sha256(),
            vorschaubilder=vorschau,
            ocr_status=Dokument.OcrStatus.NICHT_NOETIG if e.textquelle == "textebene" else Dokument.OcrStatus.FERTIG,
        )
    if e.bildmerkmale:
        Seitenmerkmale.objects.update_or_create(version=version, defaults={"bilder": e.bildmerkmale})

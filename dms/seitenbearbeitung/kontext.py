"""The page editor's part of the document page (shown only to those who may change the file)."""

from __future__ import annotations

from typing import Any

from dms.models import Dokument, DokumentVersion

from .services import FERTIG


def bearbeitung_kontext(dokument: Dokument, version: DokumentVersion | None) -> dict[str, Any]:
    """What the page editor on the document page needs (only shown to those who may change the file)."""
    bereit = version is not None and dokument.ocr_status in FERTIG and bool(version.seiten)
    andere = (
        Dokument.objects.bestehend()
        .filter(akte_id=dokument.akte_id, ocr_status__in=FERTIG)
        .exclude(pk=dokument.pk)
        .order_by("-eingangsdatum", "-id")
        .values("pk", "titel", "eingangsdatum", "seiten")[:200]
        if bereit
        else []
    )
    return {"seiten_bereit": bereit, "andere_dokumente": list(andere)}

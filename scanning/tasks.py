"""Celery tasks of the OCR pipeline (queue `ocr`). Tasks take ids, load, call a step or service, and are idempotent.

A mail item runs as a chain of small steps: vorpruefen -> aufteilen -> erkennen -> zuordnen. Late acks and
reject-on-worker-lost mean a step whose worker is killed (kill -9, OOM) is delivered again; the step then skips
what is already done. Database outages (OperationalError) are retried with exponential backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from celery import Task, chain, shared_task
from celery.canvas import Signature
from django.db import InterfaceError, OperationalError

logger = logging.getLogger("scanning.tasks")

SCHRITT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 12,
}

INTERNER_FEHLER = (
    "Bei der Verarbeitung ist ein interner Fehler aufgetreten. Die Datei ist unverändert gespeichert; bitte wenden "
    "Sie sich mit der Posteingangsnummer {id} an den IT-Betrieb."
)


def _abgesichert(schritt: Callable[[int], None]) -> Callable[[int], None]:
    """Unexpected errors end the item in `fehler` (original kept) so the worker keeps going; database errors
    propagate to Celery's autoretry."""

    @wraps(schritt)
    def ausfuehren(posteingang_id: int) -> None:
        try:
            schritt(posteingang_id)
        except (OperationalError, InterfaceError):
            raise
        except Exception as exc:
            logger.exception("Posteingang %s: Schritt %s fehlgeschlagen", posteingang_id, schritt.__name__)
            from . import services

            try:
                services.posteingang_fehler(
                    posteingang_id=posteingang_id,
                    code=f"intern:{type(exc).__name__}",
                    meldung=INTERNER_FEHLER.format(id=posteingang_id),
                )
            except (OperationalError, InterfaceError):
                raise

    return ausfuehren


@shared_task(name="scanning.tasks.posteingang_pruefen", **SCHRITT)
def posteingang_pruefen(posteingang_id: int) -> None:
    from .pipeline import posteingang

    _abgesichert(posteingang.vorpruefen)(posteingang_id)


@shared_task(name="scanning.tasks.posteingang_aufteilen", **SCHRITT)
def posteingang_aufteilen(posteingang_id: int) -> None:
    from .pipeline import posteingang

    _abgesichert(posteingang.aufteilen)(posteingang_id)


@shared_task(name="scanning.tasks.posteingang_erkennen", **SCHRITT)
def posteingang_erkennen(posteingang_id: int) -> None:
    from .pipeline import posteingang

    _abgesichert(posteingang.erkennen)(posteingang_id)


@shared_task(name="scanning.tasks.posteingang_zuordnen", **SCHRITT)
def posteingang_zuordnen(posteingang_id: int) -> None:
    from .pipeline import posteingang

    _abgesichert(posteingang.zuordnen)(posteingang_id)


def pipeline_signatur(posteingang_id: int) -> Signature:
    """The whole pipeline of one item as a chain of immutable signatures (each step only needs the id)."""
    return chain(
        posteingang_pruefen.si(posteingang_id),
        posteingang_aufteilen.si(posteingang_id),
        posteingang_erkennen.si(posteingang_id),
        posteingang_zuordnen.si(posteingang_id),
    )


@shared_task(name="scanning.tasks.posteingang_sweeper", acks_late=True, ignore_result=True)
def posteingang_sweeper(eingegangen_seit: int | None = None, in_verarbeitung_seit: int | None = None) -> int:
    """Celery beat, every minute: re-queue items that never reached the broker or whose worker died."""
    from . import services

    kwargs: dict[str, Any] = {}
    if eingegangen_seit is not None:
        kwargs["eingegangen_seit"] = eingegangen_seit
    if in_verarbeitung_seit is not None:
        kwargs["in_verarbeitung_seit"] = in_verarbeitung_seit
    return services.haengende_einreihen(**kwargs)


@shared_task(name="scanning.tasks.seitenbloecke_sweeper", acks_late=True, ignore_result=True)
def seitenbloecke_sweeper() -> int:
    """Celery beat: re-queue lost page blocks (or the join) of long scans; give up after OCR_BLOCK_VERSUCHE."""
    from .pipeline import verteilung

    return verteilung.haengende_bloecke_einreihen()


def _queue(aufgabe: Task) -> str | None:
    """The queue this message came in on (`altakten` for legacy files, else `ocr`): a document's page blocks and
    join stay on it."""
    info = aufgabe.request.delivery_info or {}
    return info.get("routing_key") or None


@shared_task(name="scanning.tasks.dokument_verarbeiten", bind=True, **SCHRITT)
def dokument_verarbeiten(self: Task, version_id: int) -> None:
    """Derive the searchable PDF, text, counts and thumbnails of one document version (long scans page-parallel)."""
    from .pipeline.dokument import verarbeiten

    verarbeiten(version_id, queue=_queue(self))


def _dokument_fehler(version_id: int) -> None:
    from dms import services as dms_services
    from dms.models import Dokument, DokumentVersion

    dokument_id = DokumentVersion.objects.filter(pk=version_id).values_list("dokument_id", flat=True).first()
    if dokument_id is not None:
        dms_services.ocr_status_setzen(dokument_id=dokument_id, status=Dokument.OcrStatus.FEHLER)


@shared_task(name="scanning.tasks.dokument_seiten_erkennen", bind=True, **SCHRITT)
def dokument_seiten_erkennen(self: Task, version_id: int, von: int, bis: int, bloecke: int) -> None:
    """One block of pages of a long scan (pipeline/verteilung.py); the last block queues the join."""
    from .pipeline import verteilung

    try:
        verteilung.block_erkennen(version_id, von, bis, bloecke, _queue(self))
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("Dokumentversion %s: Seiten %s-%s fehlgeschlagen", version_id, von, bis)
        _dokument_fehler(version_id)


@shared_task(name="scanning.tasks.dokument_zusammenfuehren", bind=True, **SCHRITT)
def dokument_zusammenfuehren(self: Task, version_id: int, bloecke: int) -> None:
    """The join of a page-parallel scan: searchable PDF, text, counts (idempotent)."""
    from .pipeline import verteilung

    try:
        verteilung.bloecke_zusammenfuehren(version_id, bloecke)
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("Dokumentversion %s: Zusammenfuehren fehlgeschlagen", version_id)
        _dokument_fehler(version_id)


@shared_task(name="scanning.tasks.vorschauen_erneuern", **SCHRITT)
def vorschauen_erneuern(nach: int, anzahl: int, lauf: str, queue: str = "", user_id: int | None = None) -> None:
    """One batch of the thumbnail renewal (scanning/vorschauen.py), then the next batch on the same queue until every
    version is checked. Idempotent: a batch delivered twice finds its thumbnails right and writes nothing."""
    from django.contrib.auth import get_user_model

    from . import vorschauen

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    ergebnis = vorschauen.stapel(nach=nach, anzahl=anzahl, user=user, lauf=lauf)
    if ergebnis.geprueft == anzahl:
        vorschauen.einreihen(nach=ergebnis.bis_id, anzahl=anzahl, lauf_id=lauf, queue=queue or None, user_id=user_id)

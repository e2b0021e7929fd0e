"""Celery tasks of the legacy-file digitisation (queue `altakten`). Task names are stable: messages may be queued."""

from __future__ import annotations

from celery import shared_task

from .services import LIEFERUNG_IMPORTIEREN, lieferung_ausfuehren


@shared_task(name=LIEFERUNG_IMPORTIEREN, acks_late=True, reject_on_worker_lost=True)
def lieferung_importieren(lieferung_id: int) -> None:
    """Runs on queue `altakten`; idempotent (a redelivered task skips what is already imported)."""
    lieferung_ausfuehren(lieferung_id=lieferung_id)

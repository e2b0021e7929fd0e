"""Celery tasks of the OCR pipeline (queue `ocr`). Tasks take ids, load, call a service, and are idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="scanning.tasks.dokument_verarbeiten", acks_late=True, reject_on_worker_lost=True)
def dokument_verarbeiten(version_id: int) -> None:
    """Derive the searchable PDF, text, counts and thumbnails of one document version."""
    from scanning.pipeline.dokument import verarbeiten

    verarbeiten(version_id)

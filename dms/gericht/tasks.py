"""Celery task of the court capability (queue `default`): build a court submission. Takes an id, idempotent."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name=services.AUFGABE_AKTENVORLAGE, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def aktenvorlage_erstellen(vorlage_id: int) -> None:
    services.aktenvorlage_erstellen(vorlage_id=vorlage_id)

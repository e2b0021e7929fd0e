"""Celery tasks of the Postausgang (queue `default`). Tasks take ids and are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import anbieter, services

logger = logging.getLogger("dms.postausgang")


@shared_task(
    name="dms.postausgang.einliefern",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, anbieter.AnbieterFehler),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=20,
)
def einliefern(self, schreiben_id: int) -> None:
    """Transient provider errors are retried with backoff; the sweeper picks up what the retries did not."""
    services.schreiben_einliefern(schreiben_id=schreiben_id)


@shared_task(name="dms.postausgang.sweeper", acks_late=True, ignore_result=True)
def sweeper() -> int:
    return services.haengende_einliefern()

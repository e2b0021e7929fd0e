"""Celery tasks of the Postausgang (queue `default`). Tasks take ids and are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import anbieter, services, umwandlung

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


@shared_task(
    name="dms.postausgang.umwandeln",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=5,
    # LibreOffice has its own limit (SOFFICE_ZEITLIMIT); this one only catches a task stuck elsewhere.
    time_limit=settings.SOFFICE_ZEITLIMIT + 60,
)
def umwandeln(schreiben_id: int) -> None:
    """DOCX -> PDF/A of an approved letter and its filing, off the request (docs/postausgang.md)."""
    umwandlung.schreiben_umwandeln(schreiben_id=schreiben_id)


@shared_task(name="dms.postausgang.sweeper", acks_late=True, ignore_result=True)
def sweeper() -> int:
    return services.haengende_einliefern() + umwandlung.haengende_umwandlungen()

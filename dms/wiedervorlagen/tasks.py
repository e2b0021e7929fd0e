"""Beat task: once a day, mark resubmissions that became due and log how many (ids and counts only)."""

from __future__ import annotations

import logging

from celery import shared_task

from .services import faellige_wiedervorlagen_melden

logger = logging.getLogger("dms.wiedervorlagen")


@shared_task(name="dms.wiedervorlagen.faellige_melden")
def faellige_melden() -> int:
    anzahl = faellige_wiedervorlagen_melden()
    logger.info("Wiedervorlagen fällig gemeldet: %d", anzahl)
    return anzahl

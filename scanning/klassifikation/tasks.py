"""Retraining the classifier with the caseworkers' corrections (Celery, queue `altakten`; also a command)."""

from __future__ import annotations

import logging

from celery import shared_task

from .korrekturen import korrekturen_laden
from .training import modell_trainieren

logger = logging.getLogger("scanning.klassifikation")

NEU_TRAINIEREN = "scanning.klassifikation.neu_trainieren"  # stable: messages may be queued


def neu_trainieren() -> int:
    """Train on the repository's set plus every correction; returns the number of examples."""
    dokumente, dateien = korrekturen_laden()
    k = modell_trainieren(dokumente, dateien)
    return k.anzahl_beispiele


@shared_task(name=NEU_TRAINIEREN, acks_late=True, reject_on_worker_lost=True)
def neu_trainieren_task() -> int:
    return neu_trainieren()

"""Celery tasks of the legacy-file digitisation (queue `altakten`). Task names are stable: messages may be queued."""

from __future__ import annotations

from celery import shared_task

from .gliederung import gliederungen_vorschlagen, los_ids_mit_offenen_vorschlaegen
from .services import LIEFERUNG_IMPORTIEREN, lieferung_ausfuehren

GLIEDERUNGEN_VORSCHLAGEN = "scanning.altakten.gliederungen_vorschlagen"
GLIEDERUNGEN_SWEEPER = "scanning.altakten.gliederungen_sweeper"


@shared_task(name=LIEFERUNG_IMPORTIEREN, acks_late=True, reject_on_worker_lost=True)
def lieferung_importieren(lieferung_id: int) -> None:
    """Runs on queue `altakten`; idempotent (a redelivered task skips what is already imported)."""
    lieferung_ausfuehren(lieferung_id=lieferung_id)


@shared_task(name=GLIEDERUNGEN_VORSCHLAGEN, acks_late=True, reject_on_worker_lost=True)
def gliederungen_vorschlagen_task(los_id: int) -> int:
    """Propose (and, where certain, apply) the structure of the lot's recognised legacy files; idempotent."""
    return gliederungen_vorschlagen(los_id=los_id)


@shared_task(name=GLIEDERUNGEN_SWEEPER, acks_late=True, reject_on_worker_lost=True)
def gliederungen_sweeper(je_lauf: int = 200) -> int:
    """Beat (every 10 minutes): propose structures for recognised legacy files that have none, a bounded number per
    run so the task stays short."""
    anzahl = 0
    for los_id in los_ids_mit_offenen_vorschlaegen():
        anzahl += gliederungen_vorschlagen(los_id=los_id, limit=je_lauf - anzahl)
        if anzahl >= je_lauf:
            break
    return anzahl

"""Beat tasks: a checkpoint every AUDIT_ANCHOR_INTERVAL seconds, the quick check (entries since the checkpoint
before the latest) every AUDIT_CHECK_RECENT_INTERVAL seconds, the full check every AUDIT_CHECK_INTERVAL seconds.

Failures are logged at ERROR (and the check's result is stored in `ProtokollPruefung` for /metrics).
"""

from __future__ import annotations

import logging

from celery import shared_task

from .anker import AnkerFehler, verankern
from .pruefung import pruefung_ausfuehren

logger = logging.getLogger("dms.protokoll")


@shared_task(name="dms.protokoll.verankern")
def protokoll_verankern() -> int | None:
    try:
        anker = verankern()
    except AnkerFehler as exc:
        logger.error("Protokoll-Ankerpunkt nicht geschrieben: %s", exc)
        return None
    return anker.nummer


@shared_task(name="dms.protokoll.pruefen")
def protokoll_pruefen() -> bool:
    return pruefung_ausfuehren().in_ordnung


@shared_task(name="dms.protokoll.pruefen_neue")
def protokoll_neue_pruefen() -> bool:
    return pruefung_ausfuehren(nur_neue=True).in_ordnung

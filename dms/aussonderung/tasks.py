"""Beat task of the Aussonderung (queue `default`): archive deadlines, the archive's answers, expired Datei-B entries.
Idempotent: a second run in the same hour finds nothing left to do."""

from __future__ import annotations

import logging

from celery import shared_task

from . import anbietung, archiv, ausgang, loeschung

logger = logging.getLogger("dms.aussonderung")


@shared_task(name="dms.aussonderung.fristen", acks_late=True, reject_on_worker_lost=True)
def fristen() -> dict[str, int]:
    ergebnis = anbietung.fristen_pruefen()
    try:
        ergebnis["antworten"] = anbietung.antworten_abholen()
    except archiv.ArchivFehler as exc:
        logger.warning("Aussonderung: %s", exc.meldung)
        ergebnis["antworten"] = 0
    ergebnis["datei_b_geloescht"] = loeschung.datei_b_bereinigen()
    logger.info("Aussonderung: %s", ergebnis)
    return ergebnis


@shared_task(name="dms.aussonderung.ausgang_senden", acks_late=True, reject_on_worker_lost=True)
def ausgang_senden() -> dict[str, int]:
    """Messages to the archive whose next attempt has come (0505, 0503). Two runs at once never send one twice."""
    ergebnis = ausgang.faellige_zustellen()
    if any(ergebnis.values()):
        logger.info("Aussonderung, Nachrichten an das Staatsarchiv: %s", ergebnis)
    return ergebnis

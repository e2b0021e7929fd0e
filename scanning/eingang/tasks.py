"""Celery tasks of the electronic intake (queue `default`): mailbox polling and returned letters."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger("scanning.eingang")


@shared_task(name="scanning.eingang.ruecklaeufer", acks_late=True, ignore_result=True)
def ruecklaeufer(schreiben_id: int) -> None:
    """An undeliverable letter goes back into the in-tray of the caseworker who wrote it."""
    from . import services

    services.ruecklaeufer_einstellen(schreiben_id=schreiben_id)


@shared_task(name="scanning.eingang.postfaecher_abrufen", acks_late=True, ignore_result=True)
def postfaecher_abrufen() -> int:
    """Celery beat: poll every active functional mailbox (IMAP_INTERVALL seconds)."""
    from .imap import alle_abrufen

    return sum(a.neu for a in alle_abrufen().values())

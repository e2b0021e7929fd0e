"""Scheduled operations tasks (celery beat, see CELERY_BEAT_SCHEDULE): the storage integrity check."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import integritaet
from .models import Integritaetslauf


@shared_task(name="dms.betrieb.integritaet_pruefen", acks_late=True, ignore_result=True)
def integritaet_pruefen() -> int | None:
    """Beat calls this every few minutes. It starts a run when the last one finished more than
    INTEGRITAET_INTERVALL_STUNDEN ago, works on the running one for a bounded time, and queues itself again until
    the run is done (beat restarts a chain that broke, e.g. when its worker was killed)."""
    laufend = Integritaetslauf.objects.filter(status=Integritaetslauf.Status.LAEUFT).exists()
    if not laufend:
        letzter = integritaet.letzter_fertiger_lauf()
        faellig = timezone.now() - timedelta(hours=settings.INTEGRITAET_INTERVALL_STUNDEN)
        if letzter is not None and letzter.gestartet_am > faellig:
            return None
        integritaet.lauf_starten()
    ergebnis = integritaet.schritt(max_sekunden=settings.INTEGRITAET_SCHRITT_SEKUNDEN)
    if ergebnis.lauf is not None and ergebnis.lauf.status == Integritaetslauf.Status.LAEUFT:
        integritaet_pruefen.apply_async(countdown=1)
    return ergebnis.lauf.pk if ergebnis.lauf is not None else None

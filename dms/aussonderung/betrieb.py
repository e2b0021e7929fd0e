"""What the Aussonderung reports to operations (`/metrics`, docs/operations.md): messages to the state archive that
wait to be sent (the outbox, `ausgang.py`), per message type, and how long the oldest has waited. Failed attempts
are counted as events (`akte_archivausgang_fehler_total`, in `ausgang.py`) and each is a log line."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from dms.betrieb import metriken

from .models import Archivausgang


def _ausgang_sammeln() -> Iterator[Metric]:
    zeilen = (
        Archivausgang.objects.filter(status=Archivausgang.Status.WARTET)
        .order_by()
        .values("art")
        .annotate(n=Count("id"), aeltester=Min("angelegt_am"))
    )
    zahlen = {z["art"]: z for z in zeilen}
    wartend = GaugeMetricFamily(
        "akte_archivausgang_wartend",
        "Nachrichten an das Staatsarchiv, die noch nicht zugestellt sind (0503 Aussonderung, "
        "0505 Empfangsbestätigung).",
        labels=["nachricht"],
    )
    alter = GaugeMetricFamily(
        "akte_archivausgang_aelteste_sekunden",
        "Wie lange die älteste noch nicht zugestellte Nachricht an das Staatsarchiv schon wartet (0 wenn keine).",
        labels=["nachricht"],
    )
    jetzt = timezone.now()
    for art in Archivausgang.Art.values:
        zeile = zahlen.get(art)
        wartend.add_metric([art], zeile["n"] if zeile else 0)
        alter.add_metric([art], (jetzt - zeile["aeltester"]).total_seconds() if zeile else 0)
    yield wartend
    yield alter


def registrieren() -> None:
    metriken.sammler_registrieren("archivausgang", _ausgang_sammeln)

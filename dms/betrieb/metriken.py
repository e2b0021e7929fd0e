"""Prometheus metrics at `/metrics`, and the small registry the other apps fill in.

Three kinds of value, each read where it is correct with gunicorn's several workers and OCR workers elsewhere:
- per request (latency by view): a prometheus_client histogram in each web process; with PROMETHEUS_MULTIPROC_DIR
  set (scripts/run.sh, docker-compose.yml) the processes write to shared files and a scrape sums them;
- events in workers on other machines (OCR seconds per page, pages, failures, storage errors): `ereignisse`
  (Redis), read at scrape time;
- states (queue depth, items by status, the last integrity and audit-chain check): computed at scrape time from
  Redis and the database, so every process answers the same.

`dms` imports no other app: `scanning` registers its collectors and queues in its AppConfig.ready().
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator

import redis
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from . import ereignisse

logger = logging.getLogger("dms.betrieb")

Sammler = Callable[[], Iterable[Metric]]
_SAMMLER: dict[str, Sammler] = {}
_WARTESCHLANGEN: set[str] = set()
# kombu's Redis transport keeps a message of priority p>0 in `<queue>\x06\x16<p>` (kombu.transport.redis).
_PRIORITAETEN = (0, 3, 6, 9)
_PRIORITAET_TRENNER = "\x06\x16"
# The classic text format every Prometheus version reads (our names need none of 1.0.0's escaping).
INHALTSTYP = "text/plain; version=0.0.4; charset=utf-8"

ANFRAGEDAUER = Histogram(
    "akte_http_anfrage_sekunden",
    "Dauer einer HTTP-Anfrage bis zur Antwort, nach View (URL-Name), Methode und Statusklasse.",
    ["view", "methode", "status"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=None,
)
SPEICHERFEHLER = ereignisse.zaehler(
    "akte_speicher_fehler", "Fehler beim Lesen, Schreiben oder Löschen im Dateispeicher.", ("vorgang", "art")
)


def sammler_registrieren(name: str, sammler: Sammler) -> None:
    """An app adds metric families computed at scrape time (called from its AppConfig.ready())."""
    _SAMMLER[name] = sammler


def warteschlangen_registrieren(*namen: str) -> None:
    """Celery queues whose depth `/metrics` reports (besides the default queue and every routed queue)."""
    _WARTESCHLANGEN.update(namen)


def anfrage_beobachten(view: str, methode: str, status: int, sekunden: float) -> None:
    ANFRAGEDAUER.labels(view=view, methode=methode, status=f"{status // 100}xx").observe(sekunden)


def warteschlangen() -> list[str]:
    gerouted = {str(r.get("queue")) for r in getattr(settings, "CELERY_TASK_ROUTES", {}).values() if r.get("queue")}
    return sorted(_WARTESCHLANGEN | gerouted | {settings.CELERY_TASK_DEFAULT_QUEUE})


def _warteschlangen_sammeln() -> Iterator[Metric]:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return
    praefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    namen = warteschlangen()
    with client.pipeline(transaction=False) as pipe:
        for name in namen:
            for p in _PRIORITAETEN:
                pipe.llen(f"{praefix}{name}{_PRIORITAET_TRENNER}{p}" if p else f"{praefix}{name}")
        laengen = pipe.execute()
    g = GaugeMetricFamily(
        "akte_warteschlange_laenge", "Wartende Aufgaben je Celery-Warteschlange.", labels=["warteschlange"]
    )
    for i, name in enumerate(namen):
        g.add_metric([name], sum(laengen[i * len(_PRIORITAETEN) : (i + 1) * len(_PRIORITAETEN)]))
    yield g
    yield GaugeMetricFamily(
        "akte_aufgaben_unbestaetigt",
        "Von Workern übernommene, noch nicht abgeschlossene Aufgaben (alle Warteschlangen).",
        value=client.hlen(f"{praefix}unacked"),
    )


class _Sammlung(Collector):
    """The registered collectors; one failing collector (database down) never hides the others."""

    def collect(self) -> Iterator[Metric]:
        fehler = GaugeMetricFamily(
            "akte_metriken_sammler_fehler", "1, wenn ein Sammler beim Abruf scheiterte.", labels=["sammler"]
        )
        dauer = GaugeMetricFamily("akte_metriken_sammler_sekunden", "Dauer je Sammler.", labels=["sammler"])
        alle: dict[str, Sammler] = {"warteschlangen": _warteschlangen_sammeln, "ereignisse": ereignisse.sammeln}
        alle.update(_SAMMLER)
        for name, sammler in alle.items():
            start = time.perf_counter()
            try:
                familien = list(sammler())
            except Exception as exc:
                logger.warning("Metriken: Sammler %s gescheitert (%s)", name, type(exc).__name__)
                fehler.add_metric([name], 1)
                familien = []
            else:
                fehler.add_metric([name], 0)
            dauer.add_metric([name], time.perf_counter() - start)
            yield from familien
        yield fehler
        yield dauer


def registry_bauen() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(ANFRAGEDAUER)
    registry.register(_Sammlung())
    return registry


def _darf_metriken_sehen(request: HttpRequest) -> bool | None:
    """True: operator; False: logged in but no operator; None: neither (no or wrong credentials)."""
    kopf = request.headers.get("Authorization", "")
    token = getattr(settings, "METRICS_TOKEN", "")
    if kopf.startswith("Bearer "):
        gegeben = kopf.removeprefix("Bearer ").strip()
        return True if token and hmac.compare_digest(gegeben.encode(), token.encode()) else None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return bool(user.is_superuser or user.has_perm("dms.betrieb_ueberwachen"))


def metriken(request: HttpRequest) -> HttpResponse:
    """Prometheus text format. No or wrong credentials: 401 (a scraper sees its token is wrong); a logged-in user
    who is not an operator: 404, as for anything a user may not see."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    erlaubt = _darf_metriken_sehen(request)
    if erlaubt is None:
        return HttpResponse(
            "Anmeldung oder Betreiber-Token erforderlich.\n",
            status=401,
            content_type="text/plain; charset=utf-8",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    if not erlaubt:
        raise Http404
    return HttpResponse(generate_latest(registry_bauen()), content_type=INHALTSTYP)

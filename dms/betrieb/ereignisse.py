"""Counters and histograms that many processes on many machines add to: OCR workers, web workers, beat.

A Celery worker has no HTTP endpoint and may run on another machine, so per-process Prometheus metrics would never
be scraped. Events are added in Redis instead (one pipelined round trip, keys under the installation's cache
prefix) and read at scrape time by `/metrics`. Redis keeps nothing on disk: after a restart the counters start at 0,
which Prometheus' `rate()`/`increase()` treat as a counter reset. Recording never raises: a metric must not stop
a pipeline.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import redis
from django.conf import settings
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

logger = logging.getLogger("dms.betrieb")

MINUTEN_FENSTER = 60


@dataclass(frozen=True)
class Zaehler:
    name: str
    hilfe: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verteilung:
    name: str
    hilfe: str
    labels: tuple[str, ...] = ()
    grenzen: tuple[float, ...] = (0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60)


@dataclass(frozen=True)
class Minutenrate:
    """Sum over the last hour, from per-minute buckets (e.g. pages per hour)."""

    name: str
    hilfe: str
    labels: tuple[str, ...] = ()


@dataclass
class _Register:
    zaehler: dict[str, Zaehler] = field(default_factory=dict)
    verteilungen: dict[str, Verteilung] = field(default_factory=dict)
    raten: dict[str, Minutenrate] = field(default_factory=dict)


_REGISTER = _Register()
_CLIENT: tuple[int, redis.Redis] | None = None


def zaehler(name: str, hilfe: str, labels: tuple[str, ...] = ()) -> Zaehler:
    z = Zaehler(name, hilfe, labels)
    _REGISTER.zaehler[name] = z
    return z


def verteilung(
    name: str, hilfe: str, labels: tuple[str, ...] = (), grenzen: tuple[float, ...] | None = None
) -> Verteilung:
    v = Verteilung(name, hilfe, labels, grenzen) if grenzen else Verteilung(name, hilfe, labels)
    _REGISTER.verteilungen[name] = v
    return v


def minutenrate(name: str, hilfe: str, labels: tuple[str, ...] = ()) -> Minutenrate:
    r = Minutenrate(name, hilfe, labels)
    _REGISTER.raten[name] = r
    return r


def _client() -> redis.Redis:
    """One client per process (a forked worker child builds its own)."""
    global _CLIENT
    if _CLIENT is None or _CLIENT[0] != os.getpid():
        cache = settings.CACHES["default"]
        url = cache.get("LOCATION") or settings.REDIS_URL
        _CLIENT = (os.getpid(), redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1))
    return _CLIENT[1]


def _schluessel(name: str) -> str:
    praefix = settings.CACHES["default"].get("KEY_PREFIX") or "akte"
    return f"{praefix}:betrieb:{name}"


def _labelschluessel(labels: tuple[str, ...], werte: dict[str, str]) -> str:
    return json.dumps([str(werte.get(n, "")) for n in labels], ensure_ascii=False, separators=(",", ":"))


def zaehlen(z: Zaehler, wert: float = 1.0, **labels: str) -> None:
    try:
        _client().hincrbyfloat(_schluessel(z.name), _labelschluessel(z.labels, labels), wert)
    except redis.RedisError as exc:
        logger.warning("Metrik %s nicht gezählt: %s", z.name, type(exc).__name__)


def beobachten(v: Verteilung, wert: float, **labels: str) -> None:
    lab = _labelschluessel(v.labels, labels)
    try:
        with _client().pipeline(transaction=False) as pipe:
            for grenze in v.grenzen:
                if wert <= grenze:
                    pipe.hincrbyfloat(_schluessel(f"{v.name}:le:{grenze}"), lab, 1)
            pipe.hincrbyfloat(_schluessel(f"{v.name}:count"), lab, 1)
            pipe.hincrbyfloat(_schluessel(f"{v.name}:sum"), lab, wert)
            pipe.execute()
    except redis.RedisError as exc:
        logger.warning("Metrik %s nicht beobachtet: %s", v.name, type(exc).__name__)


def minute_zaehlen(r: Minutenrate, wert: float = 1.0, **labels: str) -> None:
    minute = int(time.time() // 60)
    schluessel = _schluessel(f"{r.name}:min:{minute}")
    try:
        with _client().pipeline(transaction=False) as pipe:
            pipe.hincrbyfloat(schluessel, _labelschluessel(r.labels, labels), wert)
            pipe.expire(schluessel, (MINUTEN_FENSTER + 5) * 60)
            pipe.execute()
    except redis.RedisError as exc:
        logger.warning("Metrik %s nicht gezählt: %s", r.name, type(exc).__name__)


def _lesen(client: redis.Redis, schluessel: str) -> dict[tuple[str, ...], float]:
    return {tuple(json.loads(k)): float(v) for k, v in client.hgetall(_schluessel(schluessel)).items()}


def sammeln() -> Iterator[Metric]:
    """All registered events as metric families (read at scrape time)."""
    client = _client()
    for z in _REGISTER.zaehler.values():
        c = CounterMetricFamily(z.name, z.hilfe, labels=list(z.labels))
        for labels, wert in sorted(_lesen(client, z.name).items()):
            c.add_metric(list(labels), wert)
        yield c
    for v in _REGISTER.verteilungen.values():
        h = HistogramMetricFamily(v.name, v.hilfe, labels=list(v.labels))
        anzahl = _lesen(client, f"{v.name}:count")
        summe = _lesen(client, f"{v.name}:sum")
        eimer = {g: _lesen(client, f"{v.name}:le:{g}") for g in v.grenzen}
        for labels in sorted(anzahl):
            buckets = [(_le(g), eimer[g].get(labels, 0.0)) for g in v.grenzen]
            buckets.append(("+Inf", anzahl[labels]))
            h.add_metric(list(labels), buckets, summe.get(labels, 0.0))
        yield h
    jetzt = int(time.time() // 60)
    for r in _REGISTER.raten.values():
        g = GaugeMetricFamily(r.name, r.hilfe, labels=list(r.labels))
        summen: dict[tuple[str, ...], float] = {}
        with client.pipeline(transaction=False) as pipe:
            for minute in range(jetzt - MINUTEN_FENSTER + 1, jetzt + 1):
                pipe.hgetall(_schluessel(f"{r.name}:min:{minute}"))
            for eintrag in pipe.execute():
                for k, wert in eintrag.items():
                    labels = tuple(json.loads(k))
                    summen[labels] = summen.get(labels, 0.0) + float(wert)
        for labels, wert in sorted(summen.items()):
            g.add_metric(list(labels), wert)
        yield g


def _le(grenze: float) -> str:
    return "+Inf" if math.isinf(grenze) else repr(float(grenze))

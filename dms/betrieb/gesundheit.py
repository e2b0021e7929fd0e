"""Liveness (`/healthz`: the process answers, nothing else is asked) and readiness (`/readyz`: database, Redis and
storage reachable). Load balancers and orchestrators poll these without login; the answers name components, never
data. Each check is bounded by a short timeout so a hanging dependency makes the probe fail, not hang."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse

logger = logging.getLogger("dms.betrieb")

ZEITLIMIT = 3.0


@dataclass(frozen=True)
class Pruefung:
    ok: bool
    ms: float
    fehler: str = ""


def _datenbank() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis() -> None:
    urls = {settings.CELERY_BROKER_URL, settings.CACHES["default"].get("LOCATION") or settings.REDIS_URL}
    for url in sorted(u for u in urls if u.startswith(("redis://", "rediss://"))):
        client = redis.Redis.from_url(url, socket_timeout=ZEITLIMIT, socket_connect_timeout=ZEITLIMIT)
        try:
            client.ping()
        finally:
            client.close()


def _speicher() -> None:
    """Local files: MEDIA_ROOT exists and is writable. S3: the bucket answers (HEAD, no object read)."""
    if hasattr(default_storage, "bucket"):
        default_storage.connection.meta.client.head_bucket(Bucket=default_storage.bucket_name)  # type: ignore[attr-defined]
        return
    wurzel = str(settings.MEDIA_ROOT)
    # FileSystemStorage creates the folder on the first write anyway; a read-only or missing mount fails here.
    os.makedirs(wurzel, exist_ok=True)
    if not os.access(wurzel, os.W_OK | os.X_OK):
        raise PermissionError("MEDIA_ROOT nicht beschreibbar")


PRUEFUNGEN: dict[str, Callable[[], None]] = {"datenbank": _datenbank, "redis": _redis, "speicher": _speicher}


def _messen(pruefung: Callable[[], None]) -> Pruefung:
    start = time.perf_counter()
    try:
        pruefung()
    except Exception as exc:
        # The type only: messages may carry host names or credentials of the connection string.
        return Pruefung(False, round((time.perf_counter() - start) * 1000, 1), type(exc).__name__)
    return Pruefung(True, round((time.perf_counter() - start) * 1000, 1))


def bereitschaft() -> dict[str, Pruefung]:
    ergebnis = {name: _messen(p) for name, p in PRUEFUNGEN.items()}
    if not ergebnis["datenbank"].ok:
        # A broken connection must not be reused by the next request of this process.
        connections["default"].close_if_unusable_or_obsolete()
    return ergebnis


def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz() -> JsonResponse:
    ergebnis = bereitschaft()
    fehlgeschlagen = sorted(name for name, p in ergebnis.items() if not p.ok)
    if fehlgeschlagen:
        logger.warning("Bereitschaft: nicht erreichbar: %s", ", ".join(fehlgeschlagen))
    body = {
        "status": "fehler" if fehlgeschlagen else "ok",
        "fehlgeschlagen": fehlgeschlagen,
        "pruefungen": {
            name: {"ok": p.ok, "ms": p.ms, **({"fehler": p.fehler} if p.fehler else {})} for name, p in ergebnis.items()
        },
    }
    response = JsonResponse(body, status=503 if fehlgeschlagen else 200)
    response["Cache-Control"] = "no-store"
    return response

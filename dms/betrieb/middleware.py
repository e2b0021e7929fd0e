"""First middleware: answers the probes before anything else runs, gives every request an id, logs one line per
request and observes its latency by view."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from structlog.contextvars import bind_contextvars, clear_contextvars

from . import gesundheit, metriken
from .protokollierung import ANFRAGE_ID, anfrage_id_aus_kopf

logger = logging.getLogger("dms.betrieb.anfrage")

# Answered here, before host validation, sessions and the HTTPS redirect: an orchestrator probes the pod's own
# address over plain HTTP, and a probe must not depend on the session store.
SONDEN: dict[str, Callable[[], HttpResponse]] = {"/healthz": gesundheit.healthz, "/readyz": gesundheit.readyz}


def _view(request: HttpRequest) -> str:
    treffer = getattr(request, "resolver_match", None)
    if treffer is None:
        return "static" if request.path.startswith("/static/") else "<unbekannt>"
    return treffer.view_name or treffer._func_path


class BetriebMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sonde = SONDEN.get(request.path)
        if sonde is not None and request.method in ("GET", "HEAD"):
            return sonde()
        anfrage_id = anfrage_id_aus_kopf(request.headers.get("X-Request-ID"))
        clear_contextvars()
        bind_contextvars(**{ANFRAGE_ID: anfrage_id})
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            dauer = time.perf_counter() - start
            view = _view(request)
            metriken.anfrage_beobachten(view, request.method or "", response.status_code, dauer)
            user = getattr(request, "user", None)
            # The route pattern, never the path or query string: they can carry names and search terms.
            treffer = getattr(request, "resolver_match", None)
            logger.info(
                "Anfrage",
                extra={
                    "methode": request.method,
                    "route": treffer.route if treffer is not None else "",
                    "view": view,
                    "status": response.status_code,
                    "dauer_ms": round(dauer * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            response["X-Request-ID"] = anfrage_id
            return response
        finally:
            clear_contextvars()

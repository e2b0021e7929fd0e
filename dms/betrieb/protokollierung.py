"""Structured JSON logs with a request id that follows a mail item from the upload request through its Celery steps.

Every stdlib log record is rendered by structlog's ProcessorFormatter: the request id and the other values bound in
`structlog.contextvars` (per request by `BetriebMiddleware`, per task by the Celery signals below) land in each line.
Log values are ids, never names, Aktenzeichen, file names or search terms (docs/operations.md, "Logs").
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, bound_contextvars, clear_contextvars, get_contextvars

logger = logging.getLogger("dms.betrieb")

ANFRAGE_ID = "request_id"
# Message header carrying the request id from the publishing process to the worker.
KOPF = "request_id"
# An id handed in by the proxy (X-Request-ID) is taken only in a harmless shape: no log injection, bounded length.
_GUELTIGE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _anfrage_kuerzen(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Django's own records carry the request object, whose repr includes the query string (search terms, names):
    keep method and path only."""
    anfrage = event_dict.get("request")
    if anfrage is not None and not isinstance(anfrage, str | int | float):
        event_dict["request"] = f"{getattr(anfrage, 'method', '')} {getattr(anfrage, 'path', '')}".strip()
    return event_dict


_VORVERARBEITUNG: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="zeit"),
    structlog.stdlib.ExtraAdder(),
    _anfrage_kuerzen,
]


def json_formatter() -> logging.Formatter:
    """`LOGGING` formatter factory: one JSON object per line (LOG_FORMAT=json, the default)."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_VORVERARBEITUNG,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )


def text_formatter() -> logging.Formatter:
    """`LOGGING` formatter factory for a developer's terminal (LOG_FORMAT=text): same fields, one readable line."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_VORVERARBEITUNG,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.dev.ConsoleRenderer(colors=False),
        ],
    )


_ZITATE = re.compile(r"„[^“]*“|'[^']*'|\"[^\"]*\"")


def ohne_werte(text: str) -> str:
    """A user-facing sentence made fit for the log: quoted values (file names, element content) become `…` and the
    detail after the first colon goes. What kind of problem it was stays readable.

    >>> ohne_werte("Die Primärdatei „a.pdf“ („Bescheid Müller.pdf“) fehlt im Paket.")
    'Die Primärdatei „…“ („…“) fehlt im Paket.'
    """
    gekuerzt = _ZITATE.sub(lambda m: m[0][0] + "…" + m[0][-1], text)
    kopf, doppelpunkt, _ = gekuerzt.partition(": ")
    return kopf + (": …" if doppelpunkt else "")


def neue_anfrage_id() -> str:
    return uuid.uuid4().hex


def anfrage_id_aus_kopf(wert: str | None) -> str:
    return wert if wert and _GUELTIGE_ID.match(wert) else neue_anfrage_id()


def aktuelle_anfrage_id() -> str | None:
    wert = get_contextvars().get(ANFRAGE_ID)
    return str(wert) if wert else None


@contextmanager
def anfrage_kontext(anfrage_id: str | None = None, **werte: Any) -> Iterator[str]:
    """Bind a request id (new unless given) for work that starts outside a web request (hot folder, commands)."""
    anfrage_id = anfrage_id or aktuelle_anfrage_id() or neue_anfrage_id()
    with bound_contextvars(**{ANFRAGE_ID: anfrage_id}, **werte):
        yield anfrage_id


# --- Celery: carry the id in a message header, bind it in the worker -------------------------------------------


def kopf_setzen(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """before_task_publish: the publishing process's request id goes into the message (a chain's next step is
    published by the worker while the previous step's id is still bound, so the id follows the whole chain)."""
    anfrage_id = aktuelle_anfrage_id()
    if anfrage_id and headers is not None and KOPF not in headers:
        headers[KOPF] = anfrage_id


def aufgabe_beginnt(task_id: str = "", task: Any = None, args: Any = None, **_: Any) -> None:
    """task_prerun: bind the message's request id (or a new one) and the task for every line the task logs."""
    if task is None:
        return
    anfrage = task.request
    anfrage_id = getattr(anfrage, KOPF, None) or (getattr(anfrage, "headers", None) or {}).get(KOPF)
    # Eager tasks run inside the caller (tests, demos): restore the caller's context afterwards.
    anfrage.betrieb_vorher = dict(get_contextvars())
    anfrage.betrieb_start = time.monotonic()
    if not anfrage.is_eager:
        clear_contextvars()
    werte: dict[str, Any] = {ANFRAGE_ID: anfrage_id_aus_kopf(anfrage_id), "task": task.name, "task_id": task_id}
    if args and all(isinstance(a, int) for a in args):
        werte["task_args"] = list(args)  # tasks take ids only (docs/architecture.md)
    bind_contextvars(**werte)
    logger.info("Aufgabe gestartet")


def aufgabe_endet(task: Any = None, state: str | None = None, **_: Any) -> None:
    """task_postrun: one line with duration and outcome, then the context is dropped."""
    if task is None:
        return
    anfrage = task.request
    start = getattr(anfrage, "betrieb_start", None)
    dauer_ms = round((time.monotonic() - start) * 1000, 1) if start is not None else None
    logger.info("Aufgabe beendet", extra={"status": state, "dauer_ms": dauer_ms})
    clear_contextvars()
    vorher = getattr(anfrage, "betrieb_vorher", None)
    if vorher:
        bind_contextvars(**vorher)


def celery_verbinden() -> None:
    from celery import signals

    signals.before_task_publish.connect(kopf_setzen, weak=False, dispatch_uid="betrieb-kopf")
    signals.task_prerun.connect(aufgabe_beginnt, weak=False, dispatch_uid="betrieb-prerun")
    signals.task_postrun.connect(aufgabe_endet, weak=False, dispatch_uid="betrieb-postrun")

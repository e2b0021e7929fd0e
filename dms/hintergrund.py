"""Background work dms queues for the layers above it, by Celery task NAME (dms imports neither scanning nor
foerderung; the import-linter contract in `make lint` keeps it so).

A registered task is called through its own `apply_async` (routes, eager mode); an unknown name still reaches the
broker via `send_task`, so a web process without the worker code can queue work too.
"""

from __future__ import annotations

from typing import Any

from celery import current_app

# Derives searchable PDF, text, counts and thumbnails of one DokumentVersion (scanning/pipeline/dokument.py).
DOKUMENT_VERARBEITEN = "scanning.tasks.dokument_verarbeiten"


def aufgabe_senden(name: str, *, args: list[Any], queue: str | None = None) -> None:
    """Queue the task `name` with `args` (JSON only); `queue` overrides the route in settings."""
    optionen: dict[str, Any] = {"queue": queue} if queue else {}
    aufgabe = current_app.tasks.get(name)
    if aufgabe is not None:
        aufgabe.apply_async(args=args, **optionen)
    else:
        current_app.send_task(name, args=args, **optionen)


def verarbeitung_einreihen(version_id: int) -> None:
    """Queue the derivation of one document version (call it from `transaction.on_commit`)."""
    aufgabe_senden(DOKUMENT_VERARBEITEN, args=[version_id])

"""gunicorn settings (`gunicorn -c python:dms.betrieb.gunicorn_konfig`): the per-request metrics of several worker
processes are summed through PROMETHEUS_MULTIPROC_DIR, which is emptied at start and told when a worker exits.
No access log: BetriebMiddleware writes one JSON line per request without the query string (search terms)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

accesslog = None
timeout = 120


def on_starting(server: Any) -> None:
    verzeichnis = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if verzeichnis:
        pfad = Path(verzeichnis)
        if pfad.exists():
            shutil.rmtree(pfad)  # values of an earlier run would be summed in
        pfad.mkdir(parents=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

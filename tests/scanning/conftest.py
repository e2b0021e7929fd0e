"""Fixtures for the Poststelle tests: a REAL Celery worker subprocess on the test database, real Redis.

The e2e tests commit their rows (the worker must see them) without pytest-django's flush: the audit table refuses
TRUNCATE by design (dms migration 0002), so `transaction=True` cannot be used. Each test uses its own unique
persons, numbers and scan content, so the tests do not see each other's rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """`celery -A auslaenderakte worker -Q ocr,default -c 1 -P prefork` against the test database."""

    def __init__(self, env: dict[str, str], log: Path, name: str = "e2e", queues: str = "ocr,default") -> None:
        self.env = env
        self.log = log
        self.name = name
        self.queues = queues
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        start_pos = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(ROOT / ".venv/bin/celery"), "-A", "auslaenderakte", "worker", "-Q", self.queues, "-c", "1",
                 "-P", "prefork", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "-n", f"{self.name}-{os.getpid()}@%h"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        frist = time.monotonic() + 60
        while time.monotonic() < frist:
            with self.log.open("rb") as f:
                f.seek(start_pos)
                if b"ready." in f.read():
                    return
            if self.proc.poll() is not None:
                raise RuntimeError(f"Celery-Worker beendet: {self.log.read_text()[-3000:]}")
            time.sleep(0.3)
        raise RuntimeError("Celery-Worker nicht bereit")

    def kindprozesse(self) -> list[int]:
        assert self.proc is not None
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def kill9_kind(self) -> int:
        """kill -9 the pool process running the task (what the OOM killer does)."""
        kinder = self.kindprozesse()
        assert kinder, "kein Pool-Prozess"
        os.kill(kinder[0], signal.SIGKILL)
        return kinder[0]

    def kill9_alles(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def e2e_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-media")


@pytest.fixture(scope="session")
def e2e_testdatenbank(django_db_setup, django_db_blocker) -> Iterator[None]:
    """pytest-django creates test_<name> only when some collected test is marked django_db; a run of only the
    e2e tests (no mark, see module docstring) would otherwise work on the development database."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.settings_dict["NAME"].startswith("test_"):
        yield
        return
    with django_db_blocker.unblock():
        konfig = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(konfig, verbosity=0)


@pytest.fixture(scope="session")
def celery_worker_prozess(e2e_testdatenbank, django_db_blocker, e2e_media, tmp_path_factory) -> Iterator[Worker]:
    from django.db import connection

    db = django_settings.DATABASES["default"]
    assert connection.settings_dict["NAME"].startswith("test_"), "e2e-Tests nie gegen die Entwicklungsdatenbank"
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",  # pytest-django's test_<name> database
            "MEDIA_ROOT": str(e2e_media),
            "OCR_WORK_DIR": str(tmp_path_factory.mktemp("ocr-arbeit")),
            "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,  # this run's own keys: tests/testlauf.py
            "OMP_THREAD_LIMIT": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.setdefault("ALLOW_EXAMPLE_SECRET_KEY", "1")
    # Messages left over from an aborted earlier run must not reach this worker.
    subprocess.run([str(ROOT / ".venv/bin/celery"), "-A", "auslaenderakte", "purge", "-f", "-Q", "ocr,default"],
                   cwd=ROOT, env=env, capture_output=True, timeout=60, check=False)  # fmt: skip
    worker = Worker(env, tmp_path_factory.mktemp("worker-log") / "worker.log")
    worker.start()
    yield worker
    worker.stop()
    print(f"Worker-Log: {worker.log}", file=sys.stderr)


@pytest.fixture
def e2e(celery_worker_prozess, django_db_blocker, settings, e2e_media) -> Iterator[Worker]:
    """Committed rows visible to the worker, and the worker's storage."""
    settings.MEDIA_ROOT = e2e_media
    with django_db_blocker.unblock():
        # Land-wide data comes from the migration and is never flushed here (no TRUNCATE, see module docstring).
        yield celery_worker_prozess

"""Helpers for the operations tests: the app in a separate process with its own environment (a setting pointed at
a closed port is then REALLY unreachable, nothing is mocked), free ports, scratch databases."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import uuid
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
PY = str(ROOT / ".venv/bin/python")


def geschlossener_port() -> int:
    """A port nothing listens on (bound and released: connection refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def db_url(name: str | None = None) -> str:
    db = settings.DATABASES["default"]
    passwort = db.get("PASSWORD") or ""
    return f"postgres://{db['USER']}:{passwort}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name or db['NAME']}"


def umgebung(**werte: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("ALLOW_EXAMPLE_SECRET_KEY", "1")
    env["DATABASE_URL"] = db_url()
    env["PYTHONUNBUFFERED"] = "1"
    env.update(werte)
    return env


def django_ausfuehren(code: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run Python with Django set up in a fresh process."""
    kopf = (
        "import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'auslaenderakte.settings')\n"
        "django.setup()\n"
    )
    return subprocess.run([PY, "-c", kopf + code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip


def sonde(pfad: str, env: dict[str, str]) -> tuple[int, dict]:
    """GET a probe through the full middleware stack of a separate process."""
    r = django_ausfuehren(
        "from django.test import Client\nimport json\n"
        f"r = Client().get({pfad!r})\nprint('ERGEBNIS', r.status_code, r.content.decode())\n",
        env,
    )
    zeile = next((z for z in r.stdout.splitlines() if z.startswith("ERGEBNIS ")), None)
    assert zeile is not None, r.stdout[-2000:] + r.stderr[-3000:]
    _, status, body = zeile.split(" ", 2)
    return int(status), json.loads(body)


def manage(*argumente: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PY, "manage.py", *argumente], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip


class Datenbanken:
    """Scratch databases of this test (dropped at the end, also when the test fails)."""

    def __init__(self) -> None:
        self.namen: list[str] = []

    def neu(self, zweck: str) -> str:
        name = f"test_betrieb_{zweck}_{uuid.uuid4().hex[:8]}"
        self._psql(f'CREATE DATABASE "{name}"')
        self.namen.append(name)
        return name

    def _psql(self, sql: str) -> None:
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = str(db["PASSWORD"])
        subprocess.run(
            ["psql", "-h", str(db["HOST"] or "127.0.0.1"), "-p", str(db["PORT"] or 5432), "-U", str(db["USER"]),
             "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
            env=env, check=True, capture_output=True,
        )  # fmt: skip

    def aufraeumen(self) -> None:
        for name in self.namen:
            self._psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

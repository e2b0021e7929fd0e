"""Helpers shared by the benchmark scripts in bench/: environment, machine facts, report section, statistics, timing.

The scripts are run as `.venv/bin/python bench/bench_X.py`, so this directory is on `sys.path` and they import this
module as `gemeinsam`. Importing it also puts the project root on `sys.path` (for `auslaenderakte`, `dms`, ...).
Nothing here imports Django at module level: `umgebung` must run before `django.setup()`.
"""

from __future__ import annotations

import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
"""The project root (the directory holding manage.py)."""
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
"""The report every benchmark writes its own section of."""

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- environment -----------------------------------------------------------------------------------------------------


def datenbank_anlegen(url: str) -> None:
    """Create the database named in `url` on its server if it does not exist yet (connects to `postgres`)."""
    import psycopg

    teile = urlsplit(url)
    name = teile.path.lstrip("/")
    with psycopg.connect(urlunsplit(teile._replace(path="/postgres")), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def umgebung(name: str, env_variable: str | None = None, *, media_praefix: str | None = None) -> str:
    """Point Django at a dedicated benchmark database and a temporary MEDIA_ROOT; return the database URL.

    The URL is the environment variable `env_variable` if set, else DATABASE_URL (default: local PostgreSQL) with its
    database replaced by `name`. The database is created if missing. Also sets DEBUG=0 (no query log growing with the
    run), AXES_ENABLED=0, a random SECRET_KEY unless one is set, MEDIA_ROOT to a fresh temporary directory (prefix
    `media_praefix`, default `<name>-media-`) and DJANGO_SETTINGS_MODULE unless set. Call before `django.setup()`.
    """
    basis = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/auslaenderakte")
    url = (env_variable and os.environ.get(env_variable)) or urlunsplit(urlsplit(basis)._replace(path=f"/{name}"))
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ["AXES_ENABLED"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix=media_praefix or f"{name}-media-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auslaenderakte.settings")
    datenbank_anlegen(url)
    return url


# --- machine facts ---------------------------------------------------------------------------------------------------


def kerne() -> str:
    """Number of cores as `nproc` reports it without the OMP_* variables.

    nproc honours OMP_THREAD_LIMIT, which the Celery app sets to 1 for Tesseract; ask without it.
    """
    ohne_omp = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    return subprocess.run(["nproc"], capture_output=True, text=True, check=False, env=ohne_omp).stdout.strip()


def ram_mib() -> str:
    """Total memory in MiB as `free -m` reports it ("?" if it cannot be read)."""
    speicher = subprocess.run(["free", "-m"], capture_output=True, text=True, check=False).stdout.splitlines()
    return next((z.split()[1] for z in speicher if z.startswith(("Mem:", "Speicher:"))), "?")


def last() -> str:
    """The load averages (1, 5, 15 min) as in `uptime`, e.g. "1.2, 0.9, 0.7"."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def postgres_version() -> str:
    """`SHOW server_version` of Django's default database (needs `django.setup()`)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def maschine(last_bezeichnung: str | None = "Last beim Schreiben") -> str:
    """One line of machine facts for a report: cores, load, RAM, Python and PostgreSQL version.

    The load average is given as "<last_bezeichnung> laut `uptime`: …" inside the parentheses after the cores;
    pass None to leave it out. Needs `django.setup()` (for the PostgreSQL version).
    """
    zusatz = f"; {last_bezeichnung} laut `uptime`: {last()}" if last_bezeichnung else ""
    return (
        f"{kerne()} Kerne laut `nproc` (geteilt mit anderen Prozessen{zusatz}), "
        f"RAM {ram_mib()} MiB laut `free -m`; Python {platform.python_version()}, PostgreSQL {postgres_version()}"
    )


def rss_spitze_mb() -> float:
    """Peak resident memory of THIS process in MB (VmHWM: reset by exec, unlike ru_maxrss); nan if unknown."""
    for zeile in Path("/proc/self/status").read_text().splitlines():
        if zeile.startswith("VmHWM:"):
            return int(zeile.split()[1]) / 1024
    return float("nan")


# --- report ----------------------------------------------------------------------------------------------------------


def marken(marke: str) -> tuple[str, str]:
    """Start and end marker of a benchmark's section: "akte" -> `<!-- bench:akte -->`, `<!-- /bench:akte -->`."""
    return f"<!-- bench:{marke} -->", f"<!-- /bench:{marke} -->"


def abschnitt_schreiben(marke: str, abschnitt: str) -> Path:
    """Replace the section `marke` of docs/benchmarks.md by `abschnitt`, leaving the others alone; return the path.

    The section is everything between `<!-- bench:<marke> -->` and `<!-- /bench:<marke> -->`; it is written as
    "<start>\\n<abschnitt>\\n<end>" (`abschnitt` verbatim, strip it first if wanted). Without the markers in the
    file the section is appended; without the file it is created with a "# Benchmarks" heading.
    """
    anfang, ende = marken(marke)
    BENCHMARKS_MD.parent.mkdir(exist_ok=True)
    text = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    block = f"{anfang}\n{abschnitt}\n{ende}"
    if anfang in text and ende in text:
        vorher, rest = text.split(anfang, 1)
        text = vorher + block + rest.split(ende, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text, encoding="utf-8")
    return BENCHMARKS_MD


def erreicht(bedingung: bool) -> str:
    """The last column of a target row: "erreicht" or "**nicht erreicht**"."""
    return "erreicht" if bedingung else "**nicht erreicht**"


# --- statistics and timing -------------------------------------------------------------------------------------------


def perzentil(werte: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: the value at rank round(p * (n - 1)) of the sorted values (p in 0..1)."""
    geordnet = sorted(werte)
    return geordnet[min(len(geordnet) - 1, round(p * (len(geordnet) - 1)))]


def p95(werte: Sequence[float]) -> float:
    """Nearest-rank 95th percentile (see `perzentil`)."""
    return perzentil(werte, 0.95)


def median_p95(werte: Sequence[float]) -> tuple[float, float]:
    """(median, nearest-rank 95th percentile)."""
    return statistics.median(werte), p95(werte)


def p95_quantil(werte: Sequence[float]) -> float:
    """95th percentile by `statistics.quantiles` (n=20, exclusive method); the maximum for fewer than 20 values."""
    return statistics.quantiles(werte, n=20)[-1] if len(werte) >= 20 else max(werte)


def zeiten_ms(
    funktion: Callable[[], Any], n: int, aufwaermen: int = 0, uhr: Callable[[], float] = time.perf_counter
) -> list[float]:
    """Call `funktion` `aufwaermen` times untimed, then `n` times timed; return the n durations in milliseconds.
    `uhr=time.process_time` measures this process's CPU time instead of the wall time."""
    for _ in range(aufwaermen):
        funktion()
    werte = []
    for _ in range(n):
        start = uhr()
        funktion()
        werte.append((uhr() - start) * 1000)
    return werte


def kleines_pdf(text: str) -> bytes:
    """A valid one-page PDF with `text` (the upload checks refuse a hand-written stub)."""
    import io

    from reportlab.pdfgen import canvas

    puffer = io.BytesIO()
    c = canvas.Canvas(puffer)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return puffer.getvalue()


def seite(client: Any, url: str, **kopf: str) -> Callable[[], Any]:
    """A call of GET `url` with the Django test client that asserts status 200 and returns the response."""

    def aufruf() -> Any:
        r = client.get(url, **kopf)
        assert r.status_code == 200, (url, r.status_code)
        return r

    return aufruf


def anfrage_messen(client: Any, url: str, anfragen: int) -> tuple[list[float], int]:
    """GET `url` once counting its SQL queries, then `anfragen` times timed; return (milliseconds, query count).

    The first request doubles as the warm-up. Every response must have status 200.
    """
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    aufruf = seite(client, url)
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        aufruf()
    abfragen = len(ctx.captured_queries)  # now: the log is reset by the next request
    return zeiten_ms(aufruf, anfragen), abfragen

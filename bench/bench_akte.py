"""Benchmark: the detail of one Akte with 1,000 documents (page and API): median/p95 server time and query count.

Runs on its own database (default `akte_bench_akte` on the server of DATABASE_URL; override with
BENCH_AKTE_DATABASE_URL) and writes the section `<!-- bench:akte -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_akte.py [--dokumente 1000] [--anfragen 50] [--kein-schreiben]
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "akte_bench_akte"
ANFANG, ENDE = "<!-- bench:akte -->", "<!-- /bench:akte -->"


def umgebung(variable: str, name: str) -> str:
    """Point Django at a dedicated benchmark database (created if missing) and a temporary MEDIA_ROOT."""
    import psycopg

    basis = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/auslaenderakte")
    url = os.environ.get(variable) or urlunsplit(urlsplit(basis)._replace(path=f"/{name}"))
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ["AXES_ENABLED"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix=f"{name}-media-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auslaenderakte.settings")
    teile = urlsplit(url)
    with psycopg.connect(urlunsplit(teile._replace(path="/postgres")), autocommit=True) as conn:
        db = teile.path.lstrip("/")
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{db}"')
    return url


def maschine() -> str:
    from django.db import connection

    # nproc honours OMP_THREAD_LIMIT, which the Celery app sets to 1 for Tesseract; ask without it.
    ohne_omp = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    kerne = subprocess.run(["nproc"], capture_output=True, text=True, check=False, env=ohne_omp).stdout.strip()
    speicher = subprocess.run(["free", "-m"], capture_output=True, text=True, check=False).stdout.splitlines()
    ram = next((z.split()[1] for z in speicher if z.startswith(("Mem:", "Speicher:"))), "?")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    last = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{kerne} Kerne laut `nproc` (geteilt mit anderen Prozessen; Last beim Schreiben laut `uptime`: {last}), "
        f"RAM {ram} MiB laut `free -m`; Python {platform.python_version()}, PostgreSQL {pg}"
    )


def abschnitt_schreiben(anfang: str, ende: str, abschnitt: str) -> Path:
    """Replace this benchmark's own section of docs/benchmarks.md (or append it), leaving the others alone."""
    pfad = ROOT / "docs" / "benchmarks.md"
    text = pfad.read_text(encoding="utf-8") if pfad.exists() else "# Benchmarks\n"
    block = f"{anfang}\n{abschnitt.strip()}\n{ende}"
    if anfang in text and ende in text:
        vorher, rest = text.split(anfang, 1)
        text = vorher + block + rest.split(ende, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    pfad.write_text(text, encoding="utf-8")
    return pfad


def _perzentil(werte: list[float], p: float) -> float:
    geordnet = sorted(werte)
    return geordnet[min(len(geordnet) - 1, round(p * (len(geordnet) - 1)))]


def _messen(client: Any, url: str, anfragen: int) -> dict[str, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    abfragen = len(ctx.captured_queries)  # now: the log is reset by the next request
    zeiten = []
    for _ in range(anfragen):
        start = time.perf_counter()
        r = client.get(url)
        zeiten.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200
    return {
        "median": statistics.median(zeiten),
        "p95": _perzentil(zeiten, 0.95),
        "abfragen": abfragen,
    }


def _akte_mit_dokumenten(anzahl: int) -> Any:
    """One file of OF with `anzahl` documents, created by the bulk generator (text, search vector, versions)."""
    import io

    from django.core.management import call_command

    from dms.models import Akte

    call_command("testbestand_erzeugen", akten=1, dokumente=anzahl, behoerde="OF", stdout=io.StringIO())
    return Akte.objects.filter(behoerde__kuerzel="OF").order_by("-id").first()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dokumente", type=int, default=1000)
    parser.add_argument("--anfragen", type=int, default=50)
    parser.add_argument("--kein-schreiben", action="store_true", help="nur ausgeben, docs/benchmarks.md nicht ändern")
    args = parser.parse_args()

    umgebung("BENCH_AKTE_DATABASE_URL", BENCH_DB)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import Resolver404, resolve

    from dms.management.commands.benutzer_anlegen import benutzer_anlegen
    from dms.models import Rolle

    call_command("migrate", verbosity=0)
    user, _ = benutzer_anlegen(
        behoerde="OF", rolle=Rolle.SACHBEARBEITUNG, username="bench.sb", password=secrets.token_urlsafe(16)
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    zeilen = []
    for anzahl in sorted({10, args.dokumente}):
        akte = _akte_mit_dokumenten(anzahl)
        api = _messen(client, f"/api/v1/akten/{akte.pk}/", args.anfragen)
        seite_url = f"/akten/{akte.pk}/"
        try:
            resolve(seite_url)
            seite: dict[str, float] | None = _messen(client, seite_url, args.anfragen)
        except Resolver404:
            seite = None
        zeilen.append((anzahl, api, seite))
        print(f"{anzahl} Dokumente: API {api}, Seite {seite or 'nicht vorhanden'}")

    def zelle(m: dict[str, float] | None, feld: str) -> str:
        if m is None:
            return "–"
        return f"{m[feld]:.0f}" if feld == "abfragen" else f"{m[feld]:.1f}"

    tabelle = "\n".join(
        f"| {n} | {zelle(a, 'median')} | {zelle(a, 'p95')} | {zelle(a, 'abfragen')} "
        f"| {zelle(s, 'median')} | {zelle(s, 'p95')} | {zelle(s, 'abfragen')} |"
        for n, a, s in zeilen
    )
    hinweis_seite = (
        "Die Seite `/akten/<id>/` gibt es noch nicht; sobald sie existiert, misst dieses Skript sie mit."
        if all(s is None for _, _, s in zeilen)
        else "Seite = die HTML-Seite `/akten/<id>/`."
    )
    abschnitt = f"""
## Akte mit {args.dokumente} Dokumenten: Detail in API und Seite

Gemessen am {datetime.now(UTC):%Y-%m-%d %H:%M} UTC mit `.venv/bin/python bench/bench_akte.py` auf: {maschine()}.

{args.anfragen} Anfragen je Zeile nacheinander im Prozess (Django-Test-Client, angemeldete Sachbearbeitung, also
mit Middleware, Zugriffsprüfung und dem Protokolleintrag jedes Lesens), Zeit in Millisekunden; Abfragen = Zahl der
SQL-Abfragen einer Anfrage. Die Dokumente stammen aus `testbestand_erzeugen` (Text, Suchindex, Version je Dokument).
{hinweis_seite}

| Dokumente | API Median (ms) | API p95 (ms) | API Abfragen | Seite Median (ms) | Seite p95 (ms) | Seite Abfragen |
|---:|---:|---:|---:|---:|---:|---:|
{tabelle}

Die Zahl der Abfragen hängt nicht von der Zahl der Dokumente ab (festgeschrieben in `tests/dms/test_query_counts.py`);
die Zeit wächst nur mit der Größe der Antwort (die Register-Übersicht listet jede Dokument-ID).
"""
    if args.kein_schreiben:
        print(abschnitt)
    else:
        print(f"geschrieben: {abschnitt_schreiben(ANFANG, ENDE, abschnitt)}")


if __name__ == "__main__":
    main()

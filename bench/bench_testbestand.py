"""Benchmark: `testbestand_erzeugen` throughput (files per second), a full 100,000-file run, and the admin on it.

Runs on its own database, dropped and created afresh (default `akte_bench_testbestand` on the server of
DATABASE_URL; override with BENCH_TESTBESTAND_DATABASE_URL), and writes `<!-- bench:testbestand -->` of
docs/benchmarks.md.

    .venv/bin/python bench/bench_testbestand.py [--probe 20000] [--voll 100000] [--kein-schreiben]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, anfrage_messen, last, maschine, umgebung

BENCH_DB = "akte_bench_testbestand"
ZIEL_SEKUNDEN = 120
AZ_RE = re.compile(r"=[A-Z]+-\d{4}-\d+")


def _zahl(wert: float) -> str:
    return f"{wert:,.0f}".replace(",", ".")


def _frische_datenbank() -> None:
    import psycopg

    teile = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(teile._replace(path="/postgres")), autocommit=True) as conn:
        db = teile.path.lstrip("/")
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def _erzeugen(akten: int, dokumente: int, behoerde: str) -> float:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("testbestand_erzeugen", akten=akten, dokumente=dokumente, behoerde=behoerde, stdout=io.StringIO())
    return time.perf_counter() - start


def _admin_zeiten(urls: list[str], anfragen: int = 10) -> list[tuple[str, float, int]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_superuser("bench.root", "bench@example.org", "x" * 20)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    ergebnisse = []
    for url in urls:
        zeiten, abfragen = anfrage_messen(client, url, anfragen)
        ergebnisse.append((url, statistics.median(zeiten), abfragen))
    return ergebnisse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probe", type=int, default=20_000, help="Akten je Probelauf")
    parser.add_argument("--voll", type=int, default=100_000, help="Akten des vollen Laufs (0: auslassen)")
    parser.add_argument("--kein-schreiben", action="store_true")
    args = parser.parse_args()

    umgebung(BENCH_DB, "BENCH_TESTBESTAND_DATABASE_URL")
    _frische_datenbank()
    import django

    django.setup()
    from django.core.management import call_command

    from dms.models import Akte, Dokument

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s")

    last_vorher = last()
    proben = []
    for dokumente, behoerde in ((1, "HP"), (2, "DA")):
        dauer = _erzeugen(args.probe, dokumente, behoerde)
        rate = args.probe / dauer
        proben.append((dokumente, dauer, rate, 100_000 / rate))
        print(f"{args.probe} Akten x {dokumente} Dok.: {dauer:.1f} s = {rate:.0f} Akten/s")

    voll = None
    if args.voll:
        # Run the full size once with one document per file, unless the probe says it would take far too long.
        geschaetzt = args.voll / proben[0][2]
        if geschaetzt <= 3 * ZIEL_SEKUNDEN:
            dauer = _erzeugen(args.voll, 1, "OF")
            voll = (args.voll, dauer, args.voll / dauer)
            print(f"voll: {args.voll} Akten in {dauer:.1f} s")
        else:
            print(f"voller Lauf ausgelassen (geschätzt {geschaetzt:.0f} s)")

    akten, dokumente_gesamt = Akte.objects.count(), Dokument.objects.count()
    admin = _admin_zeiten(
        [
            "/admin/dms/akte/",
            "/admin/dms/akte/?q=OF-",
            "/admin/dms/person/?q=%C3%96zt%C3%BCrk",
            "/admin/dms/dokument/",
            f"/api/v1/akten/?aktenzeichen={Akte.objects.order_by('-id').values_list('aktenzeichen', flat=True)[0]}",
        ]
    )

    zeilen = "\n".join(
        f"| {_zahl(args.probe)} | {d} | {dauer:.1f} | {_zahl(rate)} | {ex:.0f} |" for d, dauer, rate, ex in proben
    )
    if voll:
        erreicht = "erreicht" if voll[1] < ZIEL_SEKUNDEN else "NICHT erreicht"
        ergebnis_voll = (
            f"Voller Lauf: **{_zahl(voll[0])} Akten mit je 1 Dokument in {voll[1]:.1f} s** ({_zahl(voll[2])} Akten/s); "
            f"Ziel unter {ZIEL_SEKUNDEN} s: {erreicht}."
        )
    else:
        ergebnis_voll = "Voller Lauf ausgelassen."
    admin_zeilen = "\n".join(f"| `{AZ_RE.sub('=…', u)}` | {t:.0f} | {q} |" for u, t, q in admin)
    abschnitt = f"""
## Testbestand erzeugen (`testbestand_erzeugen`) und Verwaltung mit großem Bestand

Gemessen am {datetime.now(UTC):%Y-%m-%d %H:%M} UTC mit `.venv/bin/python bench/bench_testbestand.py` auf: {maschine()}.

Frische Datenbank; je Akte eine neue Person (realistische Namen mit Schreibvarianten, AZR-Nummer), je Dokument
~2 KB deutscher Text mit Suchindex (`to_tsvector('german', …)` in SQL) und eine Version, die auf eine gemeinsame
kleine Musterdatei zeigt. Geschrieben per COPY in Stapeln zu 5.000 Akten über 2 Verbindungen, ohne
Protokolleinträge und ohne OCR. Last (`uptime`) zu Beginn: {last_vorher}. Die Maschine wird mit anderen geteilt;
bei hoher Last (über 2 auf 2 Kernen) sind die Zeiten entsprechend länger.

| Akten | Dokumente je Akte | Dauer (s) | Akten/s | hochgerechnet auf 100.000 Akten (s) |
|---:|---:|---:|---:|---:|
{zeilen}

{ergebnis_voll}

Danach ({_zahl(akten)} Akten, {_zahl(dokumente_gesamt)} Dokumente in der Datenbank): Median von 10 Aufrufen als
Superuser, in Millisekunden, und die Zahl der SQL-Abfragen. Die Verwaltung zählt große Tabellen nicht (Schätzung aus
`pg_class.reltuples`, gefilterte Listen höchstens bis 100.000).

| Seite | Median (ms) | Abfragen |
|---|---:|---:|
{admin_zeilen}
"""
    if args.kein_schreiben:
        print(abschnitt)
    else:
        print(f"geschrieben: {abschnitt_schreiben('testbestand', abschnitt.strip())}")


if __name__ == "__main__":
    main()

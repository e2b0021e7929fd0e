"""Benchmark: the detail of one Akte with 1,000 documents (page and API): median/p95 server time and query count.

Runs on its own database (default `akte_bench_akte` on the server of DATABASE_URL; override with
BENCH_AKTE_DATABASE_URL) and writes the section `<!-- bench:akte -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_akte.py [--dokumente 1000] [--anfragen 50] [--kein-schreiben]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, anfrage_messen, maschine, p95, umgebung

BENCH_DB = "akte_bench_akte"


def _messen(client: Any, url: str, anfragen: int) -> dict[str, float]:
    zeiten, abfragen = anfrage_messen(client, url, anfragen)
    return {"median": statistics.median(zeiten), "p95": p95(zeiten), "abfragen": abfragen}


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

    umgebung(BENCH_DB, "BENCH_AKTE_DATABASE_URL")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import Resolver404, resolve

    from dms.models import Rolle
    from dms.services.benutzer import benutzer_anlegen

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
        print(f"geschrieben: {abschnitt_schreiben('akte', abschnitt.strip())}")


if __name__ == "__main__":
    main()

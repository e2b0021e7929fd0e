"""CPU per page view through gunicorn, this checkout against another version of the code in the same run.

Serves the code under `--quelle` (default: this checkout) and, with `--vergleich DIR`, the other version alternately
(round 1: the other first, round 2: this one first, ...), each by gunicorn as `scripts/run.sh` serves it (with
this checkout's virtual environment, bench_last.py's database `akte_bench_last` or BENCH_LAST_DATABASE_URL, filled
by `testbestand_erzeugen` if empty). One logged-in caseworker, no concurrency: per page the CPU of the gunicorn
processes and of this database's PostgreSQL backends (read from /proc, so other users of a shared machine do not
count), and the median wall time. Pages: desk, file, document, search, upload, login. Writes
`<!-- bench:seitenkosten -->` of docs/benchmarks.md:

    git archive main | tar -x -C /tmp/alt
    .venv/bin/python bench/seitenkosten.py --vergleich /tmp/alt [--runden 2] [-n 30] [--worker 3] [--kein-schreiben]

Every page is requested 4 times per worker before its measurement, so no worker's first-use costs (templates
compiled, modules imported lazily) count as a page's cost.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_last import BENCH_DB, CpuMessung, Server, anmelden, bestand, gunicorn_starten, tausend
from gemeinsam import ROOT, abschnitt_schreiben, last, maschine, umgebung

SEITEN = ("arbeitsplatz", "akte", "dokument", "suche", "hochladen", "anmelden")
EINZELN = {"hochladen": 10, "anmelden": 10}
"""Pages measured fewer times than `-n` (each upload stores a document, each login hashes a password)."""


def _aufrufe(server: Server, daten: dict[str, Any]) -> dict[str, Callable[[], float]]:
    """Per page a call that requests it once (as the logged-in caseworker) and returns the milliseconds."""
    s, _ = anmelden(server, daten["konten"][0], daten["passwort"])
    rnd = random.Random(7)  # the same files and documents for every version
    pdf = bytes.fromhex(daten["pdf_hex"])

    def holen(pfad: Callable[[], str]) -> Callable[[], float]:
        def aufruf() -> float:
            start = time.perf_counter()
            antwort = s.get(server.url + pfad())
            dauer = (time.perf_counter() - start) * 1000
            assert antwort.status_code == 200, (pfad, antwort.status_code)
            return dauer

        return aufruf

    def hochladen() -> float:
        akte = rnd.choice(daten["akten"])
        start = time.perf_counter()
        antwort = s.post(
            f"{server.url}/akten/{akte}/hochladen/",
            data={
                "titel": "Seitenkosten",
                "register": daten["register"],
                "richtung": "eingang",
                "csrfmiddlewaretoken": s.cookies.get("csrftoken", ""),
            },
            files={"datei": ("seitenkosten.pdf", pdf, "application/pdf")},
            headers={"Referer": f"{server.url}/akten/{akte}/"},
            allow_redirects=False,
        )
        dauer = (time.perf_counter() - start) * 1000
        assert antwort.status_code == 302 and "/akten/" in antwort.headers["Location"], antwort.status_code
        return dauer

    konto = iter(range(10**6))

    def neu_anmelden() -> float:
        return anmelden(server, daten["konten"][next(konto) % len(daten["konten"])], daten["passwort"])[1]

    return {
        "arbeitsplatz": holen(lambda: "/"),
        "akte": holen(lambda: f"/akten/{rnd.choice(daten['akten'])}/"),
        "dokument": holen(lambda: f"/dokumente/{rnd.choice(daten['dokumente'])}/"),
        "suche": holen(lambda: f"/suche/?q={rnd.choice(daten['suchbegriffe'])}"),
        "hochladen": hochladen,
        "anmelden": neu_anmelden,
    }


def messen(quelle: Path, daten: dict[str, Any], n: int, worker: int) -> dict[str, dict[str, float]]:
    """Start gunicorn on `quelle`, warm every worker, measure each page; {page: {web_ms, db_ms, median_ms}}."""
    server = gunicorn_starten(worker, quelle)
    try:
        aufrufe = _aufrufe(server, daten)
        ergebnis: dict[str, dict[str, float]] = {}
        for name in SEITEN:
            aufruf = aufrufe[name]
            for _ in range(min(4 * worker, EINZELN.get(name, 4 * worker))):
                aufruf()
            anzahl = EINZELN.get(name, n)
            messung = CpuMessung(server)
            zeiten = [aufruf() for _ in range(anzahl)]
            web, db = messung.ende()
            ergebnis[name] = {
                "web_ms": web * 1000 / anzahl,
                "db_ms": db * 1000 / anzahl,
                "median_ms": statistics.median(zeiten),
            }
        return ergebnis
    finally:
        server.prozess.terminate()
        server.prozess.wait(timeout=30)


def _median(laeufe: list[dict[str, dict[str, float]]], seite: str, wert: str) -> float:
    return statistics.median(lauf[seite][wert] for lauf in laeufe)


def _bericht(args: argparse.Namespace, daten: dict[str, Any], laeufe: dict[str, list[Any]], lasten: list[str]) -> str:
    jetzt = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    neu, alt = laeufe["neu"], laeufe.get("alt")
    befehl = f".venv/bin/python bench/seitenkosten.py --runden {args.runden} -n {args.n} --worker {args.worker}"
    if alt:
        befehl += f" --vergleich {args.vergleich}"
    zeilen = [
        "## CPU je Seitenaufruf durch gunicorn (vorher und nachher im selben Lauf)",
        "",
        f"Gemessen am {jetzt} mit `{befehl}` auf: {maschine()}. Last laut `uptime` zu Beginn jedes Laufs: "
        f"{'; '.join(lasten)}.",
        "",
        f"Bestand: {tausend(daten['akten_gesamt'])} Akten, {tausend(daten['dokumente_gesamt'])} Dokumente "
        "(Datenbank von `bench_last.py`). gunicorn wie `scripts/run.sh` "
        f"({args.worker} Sync-Worker, django-axes an, JSON-Protokoll, Metriken); eine angemeldete Sachbearbeiterin, "
        f"ohne Konkurrenz; je Seite {args.n} Aufrufe (Hochladen und Anmelden je 10), vorher jede Seite 4-mal je "
        "Worker zum Aufwärmen. CPU aus /proc je Prozess (gunicorn-Master und -Worker; PostgreSQL-Backends dieser "
        f"Datenbank), Median über {args.runden} Läufe je Stand"
        + (f", die Stände abwechselnd. „vorher“: `{args.vergleich}`, „nachher“: dieser Stand." if alt else "."),
        "",
    ]
    if alt:
        zeilen += [
            "| Seite | CPU gunicorn vorher (ms) | nachher (ms) | Änderung | CPU PostgreSQL vorher (ms) | nachher (ms) "
            "| Antwortzeit Median vorher (ms) | nachher (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for seite in SEITEN:
            w_alt, w_neu = _median(alt, seite, "web_ms"), _median(neu, seite, "web_ms")
            zeilen.append(
                f"| {seite} | {w_alt:.1f} | {w_neu:.1f} | {(w_neu - w_alt) / w_alt * 100:+.0f} % "
                f"| {_median(alt, seite, 'db_ms'):.1f} | {_median(neu, seite, 'db_ms'):.1f} "
                f"| {_median(alt, seite, 'median_ms'):.1f} | {_median(neu, seite, 'median_ms'):.1f} |"
            )
    else:
        zeilen += [
            "| Seite | CPU gunicorn (ms) | CPU PostgreSQL (ms) | Antwortzeit Median (ms) |",
            "|---|---:|---:|---:|",
        ]
        for seite in SEITEN:
            zeilen.append(
                f"| {seite} | {_median(neu, seite, 'web_ms'):.1f} | {_median(neu, seite, 'db_ms'):.1f} "
                f"| {_median(neu, seite, 'median_ms'):.1f} |"
            )
    return "\n".join(zeilen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quelle", default=str(ROOT), help="Verzeichnis mit dem zu messenden Code")
    parser.add_argument("--vergleich", default="", help="Verzeichnis mit dem Vergleichsstand (vorher)")
    parser.add_argument("--runden", type=int, default=2)
    parser.add_argument("-n", type=int, default=30, help="Aufrufe je Seite")
    parser.add_argument("--worker", type=int, default=3)
    parser.add_argument("--akten", type=int, default=20_000, help="so viele Akten mindestens im Bestand")
    parser.add_argument("--kein-schreiben", action="store_true")
    args = parser.parse_args()
    quellen = {"neu": Path(args.quelle).resolve()}
    if args.vergleich:
        quellen["alt"] = Path(args.vergleich).resolve()
    for pfad in quellen.values():
        if not (pfad / "dms" / "__init__.py").exists():
            parser.error(f"kein Code unter {pfad}")

    umgebung(BENCH_DB, "BENCH_LAST_DATABASE_URL")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    daten = bestand(args.akten)
    laeufe: dict[str, list[Any]] = {name: [] for name in quellen}
    lasten = []
    for runde in range(args.runden):
        reihenfolge = sorted(quellen, reverse=runde % 2 == 1)  # round 1: "alt" first, round 2: "neu" first, ...
        for name in reihenfolge:
            lasten.append(last())
            ergebnis = messen(quellen[name], daten, args.n, args.worker)
            laeufe[name].append(ergebnis)
            print(json.dumps({"stand": name, "runde": runde + 1, "last": lasten[-1], **ergebnis}), flush=True)
    bericht = _bericht(args, daten, laeufe, lasten)
    print(bericht)
    if not args.kein_schreiben:
        print(f"Geschrieben: {abschnitt_schreiben('seitenkosten', bericht)}")


if __name__ == "__main__":
    main()

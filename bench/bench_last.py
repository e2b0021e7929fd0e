"""Benchmark: caseworkers under load. Locust against gunicorn (served as `scripts/run.sh` serves it), session login,
desk / file / document / search pages and uploads with 1-3 s think time, at 50 and 100 simulated users; and the CPU
milliseconds one page view costs (gunicorn workers plus this database's PostgreSQL backends), page by page.

Runs on its own database (default `akte_bench_last` on the server of DATABASE_URL; override with
BENCH_LAST_DATABASE_URL), filled once by `testbestand_erzeugen` (reused by a second run) and writes
`<!-- bench:last -->` of docs/benchmarks.md. Every size is a parameter so `make bench` stays bounded:

    .venv/bin/python bench/bench_last.py [--akten 20000] [--dauer 60] [--nutzer 50,100] [--worker 3] [--kein-schreiben]

Environment instead of options (for `make bench`): BENCH_LAST_AKTEN, BENCH_LAST_DAUER, BENCH_LAST_NUTZER.
CPU time is read from /proc (psutil) for the gunicorn processes and for the PostgreSQL backends connected to the
benchmark database, so the other users of a shared machine do not count; locust's own CPU is reported beside it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import ROOT, abschnitt_schreiben, erreicht, kleines_pdf, last, maschine, p95_quantil, umgebung

BENCH_DB = "akte_bench_last"
KONTEN = 20
PASSWORT = "Lasttest-Passwort-2026!"
SEITEN = ("arbeitsplatz", "akte", "dokument", "suche")
SUCHBEGRIFFE = [
    "Fiktionsbescheinigung",
    "Verwaltungsgericht",
    "Integrationskurs Zertifikat",
    "Passbeschaffung Botschaft",
    "Meldebescheinigung",
    "Lebensunterhalt Beschäftigung",
    "Nowak",
    "Haddad",
    "Kaya",
    "Aufenthalt*",
]
ZIEL_RPS = 25
ZIEL_P95_MS = 500


def _zahl(text: str, standard: int) -> int:
    return int(text) if text else standard


def tausend(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bestand(akten: int) -> dict[str, Any]:
    """Fill the database once (files, documents, caseworkers); return what the locust users pick from."""
    from django.core.management import call_command

    from dms.models import Akte, Behoerde, Dokument, Register
    from dms.services.benutzer import benutzer_anlegen

    behoerde = Behoerde.objects.get(kuerzel="OF")
    vorhanden = Akte.objects.filter(behoerde=behoerde).count()
    erzeugung_s = None
    if vorhanden < akten:
        start = time.perf_counter()
        call_command("testbestand_erzeugen", akten=akten - vorhanden, dokumente=2, behoerde="OF", stdout=io.StringIO())
        erzeugung_s = time.perf_counter() - start
    from django.contrib.auth import get_user_model

    konten = [f"last.sb{i:02d}" for i in range(KONTEN)]
    from django.contrib.auth.hashers import get_hasher, identify_hasher

    hasher = get_hasher()
    vorhandene = dict(get_user_model().objects.filter(username__in=konten).values_list("username", "password"))
    for name in konten:
        # Re-set when missing or hashed by another method (a run before a change of PASSWORD_HASHERS): every
        # run measures the login with the configured hash, not a one-off upgrade.
        if (
            name not in vorhandene
            or identify_hasher(vorhandene[name]).algorithm != hasher.algorithm
            or hasher.must_update(vorhandene[name])
        ):
            benutzer_anlegen(behoerde="OF", rolle="sachbearbeitung", username=name, password=PASSWORT)
    sichtbar = Akte.objects.filter(behoerde=behoerde, gesperrt=False, status=Akte.Status.AKTIV)
    akte_ids = list(sichtbar.order_by("?").values_list("pk", flat=True)[:2000])
    dokument_ids = list(Dokument.objects.filter(akte_id__in=akte_ids).values_list("pk", flat=True)[:4000])
    return {
        "konten": konten,
        "passwort": PASSWORT,
        "akten": akte_ids,
        "dokumente": dokument_ids,
        "suchbegriffe": SUCHBEGRIFFE,
        "register": Register.objects.aktiv().order_by("nummer").values_list("pk", flat=True).first(),
        "pdf_hex": kleines_pdf("Lasttest: Antrag auf Verlaengerung der Aufenthaltserlaubnis").hex(),
        "akten_gesamt": Akte.objects.filter(behoerde=behoerde).count(),
        "dokumente_gesamt": Dokument.objects.filter(akte__behoerde=behoerde).count(),
        "erzeugung_s": erzeugung_s,
    }


# --- CPU accounting --------------------------------------------------------------------------------------------------


def _backend_pids() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [r[0] for r in cursor.fetchall()]


def _cpu(pids: list[int]) -> dict[int, float]:
    import psutil

    werte: dict[int, float] = {}
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        werte[pid] = t.user + t.system
    return werte


@dataclass
class Server:
    prozess: subprocess.Popen[bytes]
    url: str

    def pids(self) -> list[int]:
        import psutil

        kinder = psutil.Process(self.prozess.pid).children(recursive=True)
        return [self.prozess.pid, *(k.pid for k in kinder)]


class CpuMessung:
    """CPU seconds of gunicorn and of this database's backends between `__init__` and `ende()`."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.web = _cpu(server.pids())
        self.db = _cpu(_backend_pids())

    def ende(self) -> tuple[float, float]:
        web = _cpu(self.server.pids())
        db = _cpu(_backend_pids())
        return (
            sum(v - self.web.get(p, 0.0) for p, v in web.items()),
            sum(v - self.db.get(p, 0.0) for p, v in db.items()),
        )


def gunicorn_starten(worker: int, quelle: Path = ROOT) -> Server:
    """gunicorn as `scripts/run.sh` starts it, serving the code under `quelle` (another version for a comparison:
    bench/seitenkosten.py), with this checkout's virtual environment."""
    port = _freier_port()
    env = dict(os.environ)
    env.update(
        AXES_ENABLED="1",  # as in production: the login goes through django-axes
        DB_CONN_MAX_AGE="600",  # connections (and their CPU counters) live through a phase
        PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix="akte-last-metriken-"),
    )
    befehl = [
        str(ROOT / ".venv/bin/gunicorn"),
        "auslaenderakte.wsgi:application",
        "-c",
        "python:dms.betrieb.gunicorn_konfig",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(worker),
    ]
    protokoll = Path(tempfile.gettempdir()) / "akte-last-gunicorn.log"
    with protokoll.open("ab") as log:
        prozess = subprocess.Popen(befehl, cwd=quelle, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as antwort:  # noqa: S310 - our own server
                if antwort.status == 200:
                    return Server(prozess, url)
        except OSError:
            time.sleep(0.2)
    prozess.kill()
    raise RuntimeError("gunicorn antwortet nicht")


# --- CPU per page view -----------------------------------------------------------------------------------------------


def anmelden(server: Server, konto: str, passwort: str) -> tuple[Any, float]:
    """A new session logged in through the login form; returns it and the milliseconds the POST took."""
    import requests

    s = requests.Session()
    formular = s.get(f"{server.url}/anmelden/")
    token = formular.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    start = time.perf_counter()
    r = s.post(
        f"{server.url}/anmelden/",
        data={"username": konto, "password": passwort, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    dauer = (time.perf_counter() - start) * 1000
    assert r.status_code == 302, r.status_code
    return s, dauer


def _cpu_je_seite(server: Server, daten: dict[str, Any], n: int) -> dict[str, tuple[float, float, float]]:
    """One logged-in caseworker, no concurrency: per page (CPU ms web, CPU ms database, wall ms median)."""
    import statistics

    s, _ = anmelden(server, daten["konten"][0], daten["passwort"])
    rnd = random.Random(7)
    urls = {
        "arbeitsplatz": lambda: "/",
        "akte": lambda: f"/akten/{rnd.choice(daten['akten'])}/",
        "dokument": lambda: f"/dokumente/{rnd.choice(daten['dokumente'])}/",
        "suche": lambda: f"/suche/?q={rnd.choice(daten['suchbegriffe'])}",
    }
    ergebnis = {}
    for name, url in urls.items():
        for _ in range(3):  # warm the workers and the caches
            s.get(server.url + url())
        messung = CpuMessung(server)
        zeiten = []
        for _ in range(n):
            start = time.perf_counter()
            antwort = s.get(server.url + url())
            zeiten.append((time.perf_counter() - start) * 1000)
            assert antwort.status_code == 200, (name, antwort.status_code)
        web, db = messung.ende()
        ergebnis[name] = (web * 1000 / n, db * 1000 / n, statistics.median(zeiten))
    # Login: the password hash dominates.
    messung = CpuMessung(server)
    zeiten = []
    for i in range(min(n, 10)):
        zeiten.append(anmelden(server, daten["konten"][i % KONTEN], daten["passwort"])[1])
    web, db = messung.ende()
    ergebnis["anmelden"] = (web * 1000 / min(n, 10), db * 1000 / min(n, 10), statistics.median(zeiten))
    return ergebnis


# --- locust phases ---------------------------------------------------------------------------------------------------


@dataclass
class Phase:
    nutzer: int
    dauer: float
    anfragen: int
    fehler: int
    p95: dict[str, float]
    p50: dict[str, float]
    anzahl: dict[str, int]
    cpu_web_s: float
    cpu_db_s: float
    cpu_locust_s: float
    last: str
    hochgeladen: int
    anmeldung_s: float

    @property
    def rps(self) -> float:
        return self.anfragen / self.dauer

    @property
    def p95_seiten(self) -> float:
        return max(self.p95.get(s, 0.0) for s in SEITEN)


def _phase(server: Server, datei: Path, nutzer: int, dauer: int) -> Phase:
    import signal
    import statistics

    from dms.models import Dokument

    rate = 10
    ausgabe = Path(tempfile.mkstemp(prefix="akte-last-", suffix=".jsonl")[1])
    bereit = Path(f"{ausgabe}.bereit")
    env = dict(os.environ, BENCH_LAST_DATEN=str(datei), BENCH_LAST_AUSGABE=str(ausgabe), BENCH_LAST_NUTZER=str(nutzer))
    befehl = [
        str(ROOT / ".venv/bin/locust"),
        "-f",
        str(ROOT / "bench/locust_sachbearbeitung.py"),
        "--headless",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "-u",
        str(nutzer),
        "-r",
        str(rate),
        "-t",
        f"{dauer + 900}s",  # a bound only: the bench stops locust after its window
        "--stop-timeout",
        "10",
        "--host",
        server.url,
    ]
    dokumente_vorher = Dokument.objects.count()
    locust = subprocess.Popen(befehl, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    anmeldung_start = time.monotonic()
    while not bereit.exists() and time.monotonic() - anmeldung_start < 600 and locust.poll() is None:
        time.sleep(0.5)
    anmeldung_s = time.monotonic() - anmeldung_start
    time.sleep(5)  # the last logins' first pages
    messung = CpuMessung(server)
    locust_cpu = _cpu([locust.pid])
    anfang = time.time()
    last_anfang = last()
    time.sleep(dauer)
    web, db = messung.ende()
    locust_s = sum(v - locust_cpu.get(p, 0) for p, v in _cpu([locust.pid]).items())
    ende = time.time()
    locust.send_signal(signal.SIGTERM)
    locust.wait(timeout=120)
    bereit.unlink(missing_ok=True)
    zeilen = [json.loads(z) for z in ausgabe.read_text().splitlines() if z.strip()]
    ausgabe.unlink()
    im_fenster = [z for z in zeilen if z["t"] is not None and anfang <= z["t"] < ende]
    je_seite: dict[str, list[float]] = {}
    for z in im_fenster:
        je_seite.setdefault(z["n"], []).append(z["ms"])
    return Phase(
        nutzer=nutzer,
        dauer=ende - anfang,
        anfragen=len(im_fenster),
        fehler=sum(1 for z in zeilen if not z["ok"]),
        p95={n: p95_quantil(w) for n, w in je_seite.items()},
        p50={n: statistics.median(w) for n, w in je_seite.items()},
        anzahl={n: len(w) for n, w in je_seite.items()},
        cpu_web_s=web,
        cpu_db_s=db,
        cpu_locust_s=locust_s,
        last=last_anfang,
        hochgeladen=Dokument.objects.count() - dokumente_vorher,
        anmeldung_s=anmeldung_s,
    )


# --- report ----------------------------------------------------------------------------------------------------------


def _bericht(args: argparse.Namespace, daten: dict[str, Any], seiten: dict[str, Any], phasen: list[Phase]) -> str:
    jetzt = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    erzeugt = (
        f"erzeugt in {daten['erzeugung_s']:.0f} s" if daten["erzeugung_s"] is not None else "aus einem früheren Lauf"
    )
    zeilen = [
        "## Last: Sachbearbeitung mit locust gegen gunicorn",
        "",
        f"Gemessen am {jetzt} mit `.venv/bin/python bench/bench_last.py --akten {args.akten} --dauer {args.dauer} "
        f"--nutzer {args.nutzer} --worker {args.worker}` auf: {maschine()}.",
        "",
        f"Bestand: {tausend(daten['akten_gesamt'])} Akten, {tausend(daten['dokumente_gesamt'])} Dokumente in einer "
        f"Behörde (`testbestand_erzeugen`, {erzeugt}). gunicorn wie `scripts/run.sh` ({args.worker} Sync-Worker, "
        "django-axes an); locust auf derselben Maschine (seine CPU steht unten). Je simulierter Person: "
        "Anmeldung mit Sitzung, dann Arbeitsplatz 3, Akte 3, Dokument 3, Suche 2, Hochladen 1 (Gewichte), "
        "Denkzeit 1–3 s. Gezählt wird nur das Messfenster nach dem Hochlaufen (alle angemeldet).",
        "",
        "### CPU je Seitenaufruf (eine Person nacheinander, ohne Konkurrenz)",
        "",
        "| Seite | CPU gunicorn (ms) | CPU PostgreSQL (ms) | CPU gesamt (ms) | Antwortzeit Median (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (web, db, wand) in seiten.items():
        zeilen.append(f"| {name} | {web:.1f} | {db:.1f} | {web + db:.1f} | {wand:.1f} |")
    zeilen += [
        "",
        "### Unter Last",
        "",
        "| Personen | Anfragen/s | p95 Arbeitsplatz | p95 Akte | p95 Dokument | p95 Suche | p95 Hochladen "
        "| Fehler | CPU je Anfrage gunicorn+PG (ms) | CPU locust (s) | Last (`uptime`) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in phasen:
        cpu_je = (p.cpu_web_s + p.cpu_db_s) * 1000 / max(p.anfragen, 1)
        werte = " | ".join(f"{p.p95.get(n, float('nan')):.0f}" for n in (*SEITEN, "hochladen"))
        zeilen.append(
            f"| {p.nutzer} | {p.rps:.1f} | {werte} | {p.fehler} | {cpu_je:.0f} | {p.cpu_locust_s:.0f} | {p.last} |"
        )
    zeilen += [
        "",
        "p95 in Millisekunden. Anmeldung aller Personen (Hochlaufen, 10 je Sekunde gestartet) dauerte: "
        + ", ".join(f"{p.nutzer} Personen {p.anmeldung_s:.0f} s" for p in phasen)
        + ". Hochgeladene Dokumente je Phase (ganze Phase, einschließlich Hochlaufen): "
        + ", ".join(f"{p.nutzer} Personen {p.hochgeladen}" for p in phasen)
        + ".",
    ]
    fuenfzig = next((p for p in phasen if p.nutzer == 50), None)
    if fuenfzig is not None:
        # Throughput at saturation is the highest phase's: 50 people with 1-3 s think time ask for at most about
        # 50 / 2.2 s = 23 requests/s, so the 50-person phase measures demand, not capacity.
        saettigung = max(phasen, key=lambda p: p.rps)
        fehler = sum(p.fehler for p in phasen)
        zeilen += [
            "",
            "| Ziel | gemessen | |",
            "|---|---:|---|",
            f"| Durchsatz bei Sättigung ≥ {ZIEL_RPS} Anfragen/s (höchster Wert, bei {saettigung.nutzer} Personen; "
            f"50 Personen mit 1–3 s Denkzeit fragen höchstens etwa 23/s an) | {saettigung.rps:.1f} | "
            f"{erreicht(saettigung.rps >= ZIEL_RPS)} |",
            f"| p95 der Seiten < {ZIEL_P95_MS} ms bei 50 Personen (schlechteste Seite) | {fuenfzig.p95_seiten:.0f} | "
            f"{erreicht(fuenfzig.p95_seiten < ZIEL_P95_MS)} |",
            f"| keine Fehler (alle Phasen) | {fehler} | {erreicht(fehler == 0)} |",
        ]
    return "\n".join(zeilen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--akten", type=int, default=_zahl(os.environ.get("BENCH_LAST_AKTEN", ""), 20_000))
    parser.add_argument("--dauer", type=int, default=_zahl(os.environ.get("BENCH_LAST_DAUER", ""), 60))
    parser.add_argument("--nutzer", default=os.environ.get("BENCH_LAST_NUTZER", "50,100"))
    parser.add_argument("--worker", type=int, default=3)
    parser.add_argument("--seiten-n", type=int, default=30, help="Aufrufe je Seite für die CPU-Messung")
    parser.add_argument("--kein-schreiben", action="store_true")
    args = parser.parse_args()

    umgebung(BENCH_DB, "BENCH_LAST_DATABASE_URL")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    daten = bestand(args.akten)
    datei = Path(tempfile.mkstemp(prefix="akte-last-daten-", suffix=".json")[1])
    datei.write_text(json.dumps(daten))
    server = gunicorn_starten(args.worker)
    try:
        seiten = _cpu_je_seite(server, daten, args.seiten_n)
        for name, (web, db, wand) in seiten.items():
            print(f"{name}: CPU {web:.1f} + {db:.1f} ms, Median {wand:.0f} ms", flush=True)
        phasen = []
        for nutzer in [int(n) for n in args.nutzer.split(",") if n.strip()]:
            phase = _phase(server, datei, nutzer, args.dauer)
            print(
                f"{nutzer} Personen: {phase.rps:.1f}/s, p95 {json.dumps({k: round(v) for k, v in phase.p95.items()})}, "
                f"Fehler {phase.fehler}, CPU {phase.cpu_web_s:.0f}+{phase.cpu_db_s:.0f} s, Last {phase.last}",
                flush=True,
            )
            phasen.append(phase)
    finally:
        server.prozess.terminate()
        server.prozess.wait(timeout=30)
        datei.unlink()
    bericht = _bericht(args, daten, seiten, phasen)
    print(bericht)
    if not args.kein_schreiben:
        print(f"Geschrieben: {abschnitt_schreiben('last', bericht)}")


if __name__ == "__main__":
    main()

"""Benchmark: the cost of one audit entry, and what per-authority chains buy under concurrency.

Inserts per second with `dms.audit.protokollieren` (each entry in its own transaction, as a read or a login writes
it): single-threaded, then 8 threads whose users all belong to ONE authority, then 8 threads spread over TWO
authorities (4 + 4). With one Land-wide lock both concurrent figures are the same; with a chain (and a lock) per
authority the second can use two chains at once. Also the verification speed (`kette_pruefen`, entries per second).

The machine is shared and noisy, so the code before the change (commit VORHER_COMMIT, one Land-wide unkeyed chain) is
measured in the same run, interleaved: it is unpacked with `git archive` into a temporary folder and this script runs
on it in a subprocess (own database `akte_bench_protokoll_vorher`). Without git history the recorded figures are used.

Runs on its own database (default `akte_bench_protokoll` on the server of DATABASE_URL; override with
BENCH_PROTOKOLL_DATABASE_URL) and writes the section `<!-- bench:protokoll -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_protokoll.py [--eintraege 1500] [--laeufe 3] [--kein-schreiben]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import ROOT, abschnitt_schreiben, maschine, umgebung

# Run against another code tree (the code before the change): put it first on the path.
if os.environ.get("BENCH_PROTOKOLL_CODE"):
    sys.path.insert(0, os.environ["BENCH_PROTOKOLL_CODE"])

BENCH_DB = "akte_bench_protokoll"
THREADS = 8
VORHER_COMMIT = "bc54ccb"

# Figures of the code before this change (one Land-wide chain under one advisory lock, unkeyed SHA-256), measured
# with this script on the same machine; used only when the old code cannot be unpacked (no git history).
VORHER = {
    "datum": "2026-12-01 (load average 4.7 on 2 cores)",
    "einzeln": 229.0,
    "eine_behoerde": 173.0,
    "zwei_behoerden": 180.0,
}


def benutzer_anlegen() -> dict[str, list[Any]]:
    from django.contrib.auth import get_user_model

    from dms.models import Behoerde, Mitgliedschaft, Rolle

    user_model = get_user_model()
    ergebnis: dict[str, list[Any]] = {}
    for kuerzel in ("OF", "HP"):
        behoerde = Behoerde.objects.get(kuerzel=kuerzel)
        ergebnis[kuerzel] = []
        for i in range(THREADS):
            user, neu = user_model.objects.get_or_create(username=f"bench-protokoll-{kuerzel}-{i}")
            if neu:
                user.set_unusable_password()
                user.save()
                Mitgliedschaft.objects.create(user=user, behoerde=behoerde, rolle=Rolle.SACHBEARBEITUNG)
            ergebnis[kuerzel].append(user)
    return ergebnis


def einfuegen(user: Any, anzahl: int) -> None:
    from django.db import connection

    from dms.audit import Aktion, protokollieren

    try:
        for i in range(anzahl):
            protokollieren(aktion=Aktion.LESEN, user=user, details={"bench": i})
    finally:
        connection.close()


def je_sekunde(users: list[Any], gesamt: int) -> float:
    """Entries per second with one thread per user, `gesamt` entries in total, all released at the same moment."""
    je_thread = gesamt // len(users)
    start_signal = threading.Barrier(len(users) + 1)

    def arbeit(user: Any) -> None:
        start_signal.wait()
        einfuegen(user, je_thread)

    threads = [threading.Thread(target=arbeit, args=(u,)) for u in users]
    for t in threads:
        t.start()
    start_signal.wait()
    beginn = time.perf_counter()
    for t in threads:
        t.join()
    return je_thread * len(users) / (time.perf_counter() - beginn)


def einzeln(user: Any, anzahl: int) -> float:
    from dms.audit import Aktion, protokollieren

    beginn = time.perf_counter()
    for i in range(anzahl):
        protokollieren(aktion=Aktion.LESEN, user=user, details={"bench": i})
    return anzahl / (time.perf_counter() - beginn)


def pruefen_je_sekunde() -> tuple[float, int]:
    from dms.audit import kette_pruefen
    from dms.models import Protokolleintrag

    anzahl = Protokolleintrag.objects.count()
    beginn = time.perf_counter()
    befunde = sum(1 for _ in kette_pruefen())
    dauer = time.perf_counter() - beginn
    assert befunde == 0, f"{befunde} Befunde in der Bench-Datenbank"
    return anzahl / dauer, anzahl


def messen(eintraege: int) -> dict[str, float]:
    """One run of the three measurements on the current code (Django set up, database migrated)."""
    users = benutzer_anlegen()
    einzeln(users["OF"][0], 20)  # warm-up: connection, caches
    return {
        "einzeln": einzeln(users["OF"][0], eintraege // 2),
        "eine_behoerde": je_sekunde(users["OF"], eintraege),
        "zwei_behoerden": je_sekunde(users["OF"][: THREADS // 2] + users["HP"][: THREADS // 2], eintraege),
    }


def vorher_entpacken() -> str | None:
    """The code before the change, unpacked into a temporary folder; None without git history."""
    ziel = tempfile.mkdtemp(prefix="bench-protokoll-vorher-")
    archiv = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", VORHER_COMMIT], capture_output=True, check=False
    )
    if archiv.returncode != 0:
        return None
    archiv_pfad = Path(ziel) / "code.tar"
    archiv_pfad.write_bytes(archiv.stdout)
    with tarfile.open(archiv_pfad) as tar:
        tar.extractall(ziel, filter="data")
    return ziel


def vorher_messen(code: str, eintraege: int) -> dict[str, float]:
    env = {**os.environ, "BENCH_PROTOKOLL_CODE": code}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{BENCH_DB}_vorher"
    lauf = subprocess.run(
        [sys.executable, __file__, "--ein-lauf", "--eintraege", str(eintraege)],
        capture_output=True, text=True, env=env, check=True, cwd=code, timeout=900,
    )  # fmt: skip
    return json.loads(lauf.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eintraege", type=int, default=1600, help="Einträge je Messung")
    parser.add_argument("--laeufe", type=int, default=3)
    parser.add_argument("--kein-schreiben", action="store_true")
    parser.add_argument("--ohne-vorher", action="store_true", help="den alten Stand nicht mitmessen")
    parser.add_argument("--ein-lauf", action="store_true", help=argparse.SUPPRESS)  # one run, JSON (old code)
    args = parser.parse_args()
    umgebung(
        BENCH_DB if not args.ein_lauf else os.environ["DATABASE_URL"].rsplit("/", 1)[1], "BENCH_PROTOKOLL_DATABASE_URL"
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.ein_lauf:
        print(json.dumps(messen(args.eintraege)))
        return
    code = None if args.ohne_vorher else vorher_entpacken()
    werte: dict[str, list[float]] = {"einzeln": [], "eine_behoerde": [], "zwei_behoerden": []}
    vorher_werte: dict[str, list[float]] = {k: [] for k in werte}
    for lauf in range(args.laeufe):
        if code:
            for k, v in vorher_messen(code, args.eintraege).items():
                vorher_werte[k].append(v)
        for k, v in messen(args.eintraege).items():
            werte[k].append(v)
        print(
            f"Lauf {lauf + 1}: jetzt "
            + ", ".join(f"{k} {v[-1]:.0f}/s" for k, v in werte.items())
            + ("; vorher " + ", ".join(f"{k} {v[-1]:.0f}/s" for k, v in vorher_werte.items()) if code else ""),
            flush=True,
        )
    median = {k: statistics.median(v) for k, v in werte.items()}
    if code:
        vorher = {k: statistics.median(v) for k, v in vorher_werte.items()}
        vorher_text = f"measured in the same run, interleaved with the new code, from commit {VORHER_COMMIT}"
    else:
        vorher = {k: float(VORHER[k]) for k in werte}  # type: ignore[arg-type]
        vorher_text = f"recorded {VORHER['datum']} (no git history to measure it again)"
    pruef_rate, pruef_anzahl = pruefen_je_sekunde()
    print(f"Median jetzt {median}; vorher {vorher}; Prüfung {pruef_rate:.0f} Einträge/s über {pruef_anzahl}")
    if args.kein_schreiben:
        return

    def verhaeltnis(w: dict[str, float]) -> float:
        return w["zwei_behoerden"] / w["eine_behoerde"] if w["eine_behoerde"] else 0.0

    zeilen = [
        "## Audit trail: inserts per second (`bench/bench_protokoll.py`)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {maschine()}.",
        f"Each figure is the median of {args.laeufe} runs of {args.eintraege} entries (single-threaded: half as many),",
        "every entry in its own transaction with synchronous commit (a read or a login writes it that way).",
        f"Before: {vorher_text}.",
        "",
        "| measurement | before (one Land-wide chain, SHA-256) | now (HMAC chain per authority) | now / before |",
        "|---|---|---|---|",
    ]
    for k, text in (
        ("einzeln", "single-threaded"),
        ("eine_behoerde", "8 threads, 1 authority"),
        ("zwei_behoerden", "8 threads, 2 authorities (4 + 4)"),
    ):
        zeilen.append(f"| {text}, entries/s | {vorher[k]:.0f} | {median[k]:.0f} | {median[k] / vorher[k]:.2f} |")
    zeilen += [
        f"| ratio 2 authorities / 1 authority | {verhaeltnis(vorher):.2f} | {verhaeltnis(median):.2f} | |",
        "",
        f"Verification (`kette_pruefen`: every entry's HMAC, digest and link): {pruef_rate:.0f} entries/s over "
        f"{pruef_anzahl} entries, i.e. about {1_000_000 / pruef_rate / 60:.1f} min per million entries.",
    ]
    pfad = abschnitt_schreiben("protokoll", "\n".join(zeilen))
    print(f"geschrieben: {pfad}")


if __name__ == "__main__":
    main()

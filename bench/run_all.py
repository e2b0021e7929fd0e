"""Run every `bench/bench_*.py` in order, each in its own process; exit non-zero if any of them fails.

.venv/bin/python bench/run_all.py [--nur akte,testbestand]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def skripte(nur: set[str] | None = None) -> list[Path]:
    alle = sorted(BENCH.glob("bench_*.py"))
    if nur:
        alle = [p for p in alle if p.stem.removeprefix("bench_") in nur]
    return alle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nur", default="", help="Komma-Liste, z. B. akte,testbestand")
    args = parser.parse_args()
    nur = {n.strip() for n in args.nur.split(",") if n.strip()} or None
    fehlgeschlagen = []
    for skript in skripte(nur):
        print(f"==> {skript.name}", flush=True)
        start = time.monotonic()
        ergebnis = subprocess.run([sys.executable, str(skript)], check=False)
        dauer = time.monotonic() - start
        status = "ok" if ergebnis.returncode == 0 else f"FEHLER (Exit-Code {ergebnis.returncode})"
        print(f"<== {skript.name}: {status} nach {dauer:.0f} s", flush=True)
        if ergebnis.returncode != 0:
            fehlgeschlagen.append(skript.name)
    if fehlgeschlagen:
        print(f"Fehlgeschlagen: {', '.join(fehlgeschlagen)}", file=sys.stderr)
        return 1
    print("Alle Benchmarks gelaufen; Zahlen in docs/benchmarks.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: backup and restore (`sicherung_erstellen`, `sicherung_wiederherstellen`, then `integritaet_pruefen`)
of a database with many files' rows plus ~1 GiB of referenced files, extrapolated per 10 GB.

Own databases `akte_bench_sicherung` (source) and `akte_bench_sicherung_ziel` (restore target), both created afresh;
writes `<!-- bench:sicherung -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_sicherung.py [--akten 20000] [--dateien 1000] [--mib 1] [--kein-schreiben]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import ROOT, abschnitt_schreiben, maschine, umgebung

QUELLE = "akte_bench_sicherung"
ZIEL = "akte_bench_sicherung_ziel"


def _frisch(url: str) -> None:
    import psycopg

    teile = urlsplit(url)
    with psycopg.connect(urlunsplit(teile._replace(path="/postgres")), autocommit=True) as conn:
        name = teile.path.lstrip("/")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _bestand(akten: int, dateien: int, mib: int) -> int:
    """Files via testbestand_erzeugen, then `dateien` versions get their own random original of `mib` MiB."""
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from dms.models import DokumentVersion

    call_command("testbestand_erzeugen", akten=akten, dokumente=1, stdout=io.StringIO())
    versionen = list(DokumentVersion.objects.order_by("pk")[:dateien])
    wurzel = Path(default_storage.location)  # type: ignore[attr-defined]
    groesse = 0
    for v in versionen:
        daten = os.urandom(mib * 1024 * 1024)  # incompressible, like scans
        pfad = f"dokumente/{v.dokument.uuid}/{v.nummer}/original"
        (wurzel / pfad).parent.mkdir(parents=True, exist_ok=True)
        (wurzel / pfad).write_bytes(daten)
        v.original.name, v.sha256, v.groesse = pfad, hashlib.sha256(daten).hexdigest(), len(daten)
        groesse += len(daten)
    DokumentVersion.objects.bulk_update(versionen, ["original", "sha256", "groesse"], batch_size=500)
    return groesse


def _manage(*argumente: str, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "manage.py", *argumente], cwd=ROOT, env=env, capture_output=True, text=True,
                       check=False)  # fmt: skip
    if r.returncode != 0:
        raise SystemExit(f"{argumente[0]} gescheitert: {r.stdout[-2000:]}{r.stderr[-3000:]}")
    return time.perf_counter() - start, r.stdout + r.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--akten", type=int, default=20_000)
    parser.add_argument("--dateien", type=int, default=1000)
    parser.add_argument("--mib", type=int, default=1)
    parser.add_argument("--kein-schreiben", action="store_true")
    args = parser.parse_args()

    url = umgebung(QUELLE, "BENCH_SICHERUNG_DATABASE_URL")
    _frisch(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    dateibytes = _bestand(args.akten, args.dateien, args.mib)
    with connection.cursor() as c:
        c.execute("SELECT pg_database_size(current_database())")
        db_bytes = c.fetchone()[0]
    connection.close()

    ablage = Path(tempfile.mkdtemp(prefix="bench-sicherungen-"))
    env = dict(os.environ)
    sek_sicherung, ausgabe = _manage("sicherung_erstellen", "--ziel", str(ablage), env=env)
    ordner = Path(ausgabe.strip().splitlines()[0]) if ausgabe.strip().startswith("/") else next(ablage.iterdir())
    m = re.search(r"Datenbank ([\d.]+) s, Dateien ([\d.]+) s", ausgabe)
    sek_dump, sek_kopie = (float(m[1]), float(m[2])) if m else (float("nan"), float("nan"))
    dump_bytes = (ordner / "datenbank.dump").stat().st_size

    ziel_url = urlunsplit(urlsplit(url)._replace(path=f"/{ZIEL}"))
    _frisch(ziel_url)
    ziel_media = tempfile.mkdtemp(prefix="bench-sicherung-ziel-")
    shutil.rmtree(ziel_media)
    ziel_env = {**env, "DATABASE_URL": ziel_url, "MEDIA_ROOT": ziel_media}
    sek_wieder, ausgabe = _manage("sicherung_wiederherstellen", str(ordner), "--ohne-pruefung", env=ziel_env)
    m = re.search(r"Datenbank in ([\d.]+) s, \d+ Dateien \(.*?\) in ([\d.]+) s", ausgabe)
    sek_restore_db, sek_restore_dateien = (float(m[1]), float(m[2])) if m else (float("nan"), float("nan"))
    sek_pruefung, _ = _manage("integritaet_pruefen", env=ziel_env)
    shutil.rmtree(ablage)
    shutil.rmtree(ziel_media)
    _frisch(ziel_url)

    gb = 1e9
    pro10 = lambda sekunden, menge: sekunden / (menge / gb) * 10 / 60  # noqa: E731 - minutes per 10 GB
    zeilen = [
        "## Sicherung und Wiederherstellung",
        "",
        f"Gemessen am {datetime.now(UTC):%Y-%m-%d %H:%M} UTC mit `.venv/bin/python bench/bench_sicherung.py "
        f"--akten {args.akten} --dateien {args.dateien} --mib {args.mib}` auf {maschine()}. Lokaler Dateispeicher, "
        "Sicherungsziel auf derselben Platte (ein Lauf; Zufallsdaten, also nicht komprimierbar wie Scans).",
        "",
        "| Schritt | Menge | Zeit | hochgerechnet je 10 GB |",
        "|---|---|---|---|",
        f"| Sicherung: `pg_dump -Fc` im Snapshot + Dateiliste | Datenbank {db_bytes / 1e6:.0f} MB "
        f"(Dump {dump_bytes / 1e6:.0f} MB) | {sek_dump:.1f} s | "
        f"{pro10(sek_dump, db_bytes):.1f} min je 10 GB Datenbank |",
        f"| Sicherung: Dateien kopieren und gegen SHA-256 prüfen | {dateibytes / 1e6:.0f} MB | {sek_kopie:.1f} s | "
        f"{pro10(sek_kopie, dateibytes):.1f} min je 10 GB Dateien |",
        f"| Sicherung gesamt (Befehl) | | {sek_sicherung:.1f} s | |",
        f"| Wiederherstellung: `pg_restore --jobs=2` | | {sek_restore_db:.1f} s | "
        f"{pro10(sek_restore_db, db_bytes):.1f} min je 10 GB Datenbank |",
        f"| Wiederherstellung: Dateien einspielen (mit SHA-256) | {dateibytes / 1e6:.0f} MB | "
        f"{sek_restore_dateien:.1f} s | {pro10(sek_restore_dateien, dateibytes):.1f} min je 10 GB Dateien |",
        f"| Wiederherstellung gesamt (Befehl) | | {sek_wieder:.1f} s | |",
        f"| danach Integritätsprüfung aller Dateien | {dateibytes / 1e6:.0f} MB | {sek_pruefung:.1f} s | "
        f"{pro10(sek_pruefung, dateibytes):.1f} min je 10 GB Dateien |",
        "",
        "Hochrechnung linear (Kopieren und Hashen sind durch die Platte begrenzt, `pg_dump`/`pg_restore` durch "
        "CPU und Platte); ein Objektspeicher (S3) statt lokaler Platte wird durch sein Netz begrenzt.",
    ]
    abschnitt = "\n".join(zeilen)
    print(abschnitt)
    if not args.kein_schreiben:
        abschnitt_schreiben("sicherung", abschnitt)


if __name__ == "__main__":
    main()

"""Benchmark: court submission (Aktenvorlage) of a file with 1,000 and 5,000 pages on one worker (seconds, peak
memory of the process), and an inspection copy with 20 redacted areas on a 50-page document.

The documents are generated PDFs with a text layer, 10 pages each (reportlab), filed through the services the
pipeline uses; scanned pages (one image each) are larger streams but the same number of objects. The sizes run in
one process, smallest first, so the peak memory after the larger one shows whether memory grows with the pages.
Runs on its own database (default `akte_bench_gericht`; override with BENCH_GERICHT_DATABASE_URL) and writes the
section `<!-- bench:gericht -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_gericht.py [--seiten 1000,5000]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gemeinsam import abschnitt_schreiben, erreicht, last, maschine, rss_spitze_mb, umgebung

BENCH_DB = "akte_bench_gericht"


def akte_fuellen(seiten: int):  # type: ignore[no-untyped-def]
    from dms.models import Rolle
    from tests import factories as f
    from tests.dms.gericht.hilfen import dokument_ablegen

    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(sachbearbeitung=sb, aktenzeichen=f"OF-BENCH-{uuid.uuid4().hex[:10]}", person__azr_nummer=None)
    for i in range(seiten // 10):
        dokument_ablegen(akte, f"Schreiben {i}", 10, user=sb)
    return akte, sb


def _status_mb(feld: str) -> float:
    for zeile in Path("/proc/self/status").read_text().splitlines():
        if zeile.startswith(f"{feld}:"):
            return int(zeile.split()[1]) / 1024
    return float("nan")


def _spitze_zuruecksetzen() -> None:
    """Reset VmHWM to the current RSS (Linux: `5` into /proc/self/clear_refs), so the peak is the build's alone and
    not that of filling the file before it."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (none are started by the build; counted anyway)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def vorlage_messen(seiten: int, wiederholungen: int) -> dict[str, Any]:
    """Fill one file, build its submission `wiederholungen` times: median seconds and CPU, highest peak growth."""
    from dms.gericht import services

    akte, sb = akte_fuellen(seiten)
    laeufe: list[tuple[float, float, float, float]] = []
    lasten = []
    for _ in range(wiederholungen):
        vorlage = services.aktenvorlage_anfordern(akte=akte, user=sb, anlass="Bench", empfaenger="VG Darmstadt")
        lasten.append(last().split(",")[0])
        _spitze_zuruecksetzen()
        vorher = _status_mb("VmRSS")
        start, cpu = time.perf_counter(), _cpu()
        vorlage = services.aktenvorlage_erstellen(vorlage_id=vorlage.pk)
        dauer, cpu = time.perf_counter() - start, _cpu() - cpu
        spitze = rss_spitze_mb()
        laeufe.append((dauer, cpu, spitze, spitze - vorher))
    return {
        "seiten": seiten,
        "pdf_seiten": vorlage.seiten,
        "s": statistics.median(lauf[0] for lauf in laeufe),
        "cpu": statistics.median(lauf[1] for lauf in laeufe),
        "rss_mb": max(lauf[2] for lauf in laeufe),
        "zuwachs": statistics.median(lauf[3] for lauf in laeufe),
        "zuwachs_max": max(lauf[3] for lauf in laeufe),
        "last": " / ".join(lasten),
    }


def frisch_messen(seiten: int) -> dict[str, Any]:
    """The build alone in a fresh process without database (`tests/dms/gericht/speicher.py`, parts of 400 pages):
    no memory left over from filling the file or from earlier builds hides growth."""
    wurzel = Path(__file__).resolve().parent.parent
    vorher = last().split(",")[0]
    ausgabe = subprocess.run(
        [sys.executable, "-m", "tests.dms.gericht.speicher", str(seiten), "400"],
        cwd=wurzel,
        env={**os.environ, "PYTHONPATH": str(wurzel)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {"seiten": seiten, "last": vorher, **json.loads(ausgabe.strip().splitlines()[-1])}


def schwaerzung_messen() -> tuple[float, float]:
    from dms.gericht import services
    from tests.dms.gericht.hilfen import dokument_ablegen

    akte, sb = akte_fuellen(0)
    dok = dokument_ablegen(akte, "Lang", 50, user=sb)
    bereiche = [
        {"dokument": dok.pk, "seite": 1 + i * 2, "rechteck": [60, 690, 400, 720], "grund": "Daten Dritter"}
        for i in range(20)
    ]
    start, cpu = time.perf_counter(), _cpu()
    kopie = services.einsichtskopie_anfordern(
        akte=akte, user=sb, dokumente=[dok.pk], empfaenger="RA", schwaerzungen=bereiche
    )
    services.einsichtskopie_erstellen(kopie_id=kopie.pk)  # the Celery task's body, in this process
    return time.perf_counter() - start, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seiten", default="1000,5000")
    parser.add_argument("--wiederholungen", type=int, default=3)
    args = parser.parse_args()
    umgebung(BENCH_DB, "BENCH_GERICHT_DATABASE_URL")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    vorlage_messen(20, 1)  # warm-up: imports, fonts, the allocator's first arenas are not the build's growth
    ergebnisse = [vorlage_messen(int(s), args.wiederholungen) for s in args.seiten.split(",")]
    schwaerzung, schwaerzung_cpu = schwaerzung_messen()
    frisch = [frisch_messen(int(s)) for s in args.seiten.split(",")]
    zahl = lambda x, n=1: f"{x:,.{n}f}".replace(",", "X").replace(".", ",").replace("X", ".")  # noqa: E731
    zeilen = "\n".join(
        f"| Aktenvorlage, {e['seiten']:.0f} Seiten ({e['pdf_seiten']:.0f} PDF-Seiten mit Deckblatt, Verzeichnis, "
        f"Anhang) | {zahl(e['s'])} s (CPU {zahl(e['cpu'])} s), Spitze {zahl(e['rss_mb'], 0)} MB "
        f"(+{zahl(e['zuwachs'])} MB während des Baus, höchster Lauf +{zahl(e['zuwachs_max'])} MB) | {e['last']} |"
        for e in ergebnisse
    )
    differenz = ergebnisse[-1]["zuwachs"] - ergebnisse[0]["zuwachs"]
    zeilen_frisch = "\n".join(
        f"| Nur der Bau, frischer Prozess ohne Datenbank, {f['seiten']:.0f} Seiten ({f['pdf_seiten']:.0f} "
        f"PDF-Seiten) | {zahl(f['s'])} s (CPU {zahl(f['cpu'])} s), +{zahl(f['zuwachs_kb'] / 1024)} MB während des "
        f"Baus (ein Lauf) | {f['last']} |"
        for f in frisch
    )
    differenz_frisch = (frisch[-1]["zuwachs_kb"] - frisch[0]["zuwachs_kb"]) / 1024
    groesste = ergebnisse[-1]
    abschnitt = f"""## Gericht: Aktenvorlage und Schwärzung (`bench/bench_gericht.py`)

Gemessen am {date.today():%d.%m.%Y}; {maschine()}. Ein Prozess (= ein Worker).

| Messung | Ergebnis (Median aus {args.wiederholungen} Läufen; Spitze: höchster Lauf) | \
Last vor den Läufen laut `uptime` (1 min) |
|---|---|---|
{zeilen}
| Ziel: {groesste["seiten"]:.0f} Seiten unter 2 Minuten | {erreicht(groesste["s"] < 120)} | |
{zeilen_frisch}
| Ziel: Speicher flach (Zuwachs {groesste["seiten"]:.0f} minus {ergebnisse[0]["seiten"]:.0f} Seiten) | \
{zahl(differenz)} MB im Worker, {zahl(differenz_frisch)} MB im frischen Prozess | |
| Einsichtskopie: 20 geschwärzte Bereiche auf einem 50-seitigen Dokument | {zahl(schwaerzung)} s \
(CPU {zahl(schwaerzung_cpu)} s) | |

Der Spitzenspeicher ist der des ganzen Prozesses (VmHWM), vor jedem Bau auf den aktuellen Stand zurückgesetzt (das
Befüllen der Akte zählt nicht mit); „während des Baus“ ist die Spitze minus dem Speicher vor dem Bau (Median der Läufe,
nach einem ungemessenen Aufwärmlauf mit 20 Seiten). Wächst der Zuwachs von der kleineren zur größeren Akte kaum, ist
der Speicher flach in der Seitenzahl. Im selben Prozess nach
anderen Läufen unterschätzt der Zuwachs den Bedarf eines Baus (der Allokator gibt freigegebenen Speicher nicht zurück
und verwendet ihn wieder); deshalb misst das Skript den Bau auch allein in je einem frischen Prozess
(`tests/dms/gericht/speicher.py`: dieselben Teile zu 400 Seiten, erzeugte 10-seitige Dokumente, keine Datenbank).
Die Akte wird in Teilen zu etwa 400 Seiten gestempelt und jedes Teil Objekt für Objekt direkt in die Zieldatei
geschrieben (`dms/gericht/strom.py`, docs/gericht.md); es gibt keinen Kindprozess (die CPU-Zeit des Workers zählt
Kindprozesse trotzdem mit). Die Dokumente sind erzeugte PDFs mit Textebene (10 Seiten je Dokument), keine Scans.
"""
    print(abschnitt)
    abschnitt_schreiben("gericht", abschnitt.strip())


if __name__ == "__main__":
    main()

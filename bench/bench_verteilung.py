# ruff: noqa: E501  (the Markdown tables of the report are long lines on purpose)
"""A long scanned legacy file page-parallel on 1, 2 and 4 worker processes (scanning/pipeline/verteilung.py).
Writes `<!-- bench:verteilung -->` in docs/benchmarks.md.

    .venv/bin/python bench/bench_verteilung.py [--seiten 500] [--je-block 10] [--worker 1,2,4] [--kein-schreiben]

Each worker process is one spawned process with its own working folder (as on its own machine) and takes the next
block of pages from a shared queue, exactly the work a `dokument_seiten_erkennen` task does
(`texterkennung.seiten_erkennen`: rasterise, blank check, ONE Tesseract pass, orientation check, thumbnail); the
join (`texterkennung.ergebnis_bilden`: merge into the searchable PDF/A) runs once at the end. Not timed: the broker
and the object store round trips (a few milliseconds per block against ~10 s of OCR per block).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, erreicht, maschine

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auslaenderakte.settings")
os.environ["OMP_THREAD_LIMIT"] = "1"  # one thread per worker process, as the worker runs

VORLAGEN = 12  # distinct letters, repeated: OCR time per page does not depend on having seen a page before


def _django() -> None:
    import django

    django.setup()


def _scan_pdf(pfad: Path, seiten: int) -> None:
    import io

    import pikepdf

    from tests.scanning import scans

    einzeln = []
    for i in range(VORLAGEN):
        brief = scans.Brief(name="Ayşe Öztürk", geburtsdatum="01.02.1990", aktenzeichen="OF-2026-000123",
                            azr_nummer="1234 5678 9012", betreff=f"Akte Blatt {i + 1}")  # fmt: skip
        einzeln.append(pikepdf.open(io.BytesIO(scans.pdf_aus_bildern([scans.brief_bild(brief, seed=500 + i)]))))
    with pikepdf.new() as ziel:
        for s in range(seiten):
            ziel.pages.append(einzeln[s % VORLAGEN].pages[0])
        ziel.save(pfad)
    for p in einzeln:
        p.close()


def _arbeiter(pfad: str, basis: str, bloecke: mp.Queue, ergebnisse: mp.Queue) -> None:
    """One worker: its own working folder; blocks from the queue until it is empty."""
    os.environ["OCR_WORK_DIR"] = basis
    _django()
    from django.conf import settings

    from scanning.pipeline import texterkennung
    from scanning.pipeline.arbeitsbereich import Arbeitsbereich

    settings.OCR_WORK_DIR = basis
    ab = Arbeitsbereich("version")
    while True:
        block = bloecke.get()
        if block is None:
            break
        von, bis = block
        infos = texterkennung.seiten_erkennen(Path(pfad), "application/pdf", von, bis, ab)
        pdfs = {}
        for s in range(von, bis + 1):
            datei = ab.datei(f"seite-{s:05d}.pdf")
            if datei.exists():
                pdfs[s] = base64.b64encode(datei.read_bytes()).decode("ascii")
        ergebnisse.put((von, infos, pdfs))
    nutzung = resource.getrusage(resource.RUSAGE_SELF)
    kinder = resource.getrusage(resource.RUSAGE_CHILDREN)  # tesseract runs as a child process
    ergebnisse.put(("cpu", nutzung.ru_utime + nutzung.ru_stime + kinder.ru_utime + kinder.ru_stime, None))


def lauf(pfad: Path, seiten: int, je_block: int, worker: int, tmp: Path) -> dict[str, float]:
    """Drop-to-searchable time of one file on `worker` processes: blocks in parallel, then the join."""
    _django()
    from scanning.pipeline import texterkennung, verteilung
    from scanning.pipeline.arbeitsbereich import Arbeitsbereich

    ctx = mp.get_context("spawn")
    bloecke: mp.Queue = ctx.Queue()
    ergebnisse: mp.Queue = ctx.Queue()
    liste = verteilung.bloecke_bilden(seiten, je_block)
    ordner = tmp / f"lauf-{worker}"
    start = time.perf_counter()
    for b in liste:
        bloecke.put(b)
    for _ in range(worker):
        bloecke.put(None)
    prozesse = [ctx.Process(target=_arbeiter, args=(str(pfad), str(ordner / f"w{i}"), bloecke, ergebnisse))
                for i in range(worker)]  # fmt: skip
    for p in prozesse:
        p.start()
    infos: dict[int, list[dict]] = {}
    cpu = 0.0
    from django.conf import settings

    settings.OCR_WORK_DIR = str(ordner)
    join = Arbeitsbereich("join")
    offen = len(liste) + worker
    while offen:
        von, daten, pdfs = ergebnisse.get()
        offen -= 1
        if von == "cpu":
            cpu += float(daten)
            continue
        infos[int(von)] = daten
        for s, inhalt in pdfs.items():
            join.schreiben_bytes(f"seite-{int(s):05d}.pdf", base64.b64decode(inhalt))
    for p in prozesse:
        p.join()
    parallel = time.perf_counter() - start
    alle = [i for von in sorted(infos) for i in infos[von]]
    e = texterkennung.ergebnis_bilden(pfad, "application/pdf", alle, join, titel="Altakte")
    gesamt = time.perf_counter() - start
    assert e.seiten == seiten and all(e.seitentexte), "nicht jede Seite erkannt"
    shutil.rmtree(ordner, ignore_errors=True)
    return {"gesamt_s": gesamt, "zusammenfuehren_s": gesamt - parallel, "cpu_s": cpu}


def messen(seiten: int, je_block: int, worker: list[int]) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-verteilung-"))
    try:
        pfad = tmp / "altakte.pdf"
        _scan_pdf(pfad, seiten)
        laeufe = {}
        for n in worker:
            last = os.getloadavg()[0]
            laeufe[n] = {**lauf(pfad, seiten, je_block, n, tmp), "last": last}
            print(f"{n} Worker: {laeufe[n]}", flush=True)
        return {"seiten": seiten, "je_block": je_block, "laeufe": laeufe}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bericht(r: dict) -> str:
    _django()
    laeufe: dict[int, dict[str, float]] = r["laeufe"]
    eins = laeufe[min(laeufe)]
    cpu_je_seite = eins["cpu_s"] / r["seiten"]
    zeilen = []
    for n, w in sorted(laeufe.items()):
        faktor = eins["gesamt_s"] / w["gesamt_s"]
        ziel = {2: 1.8, 4: 3.4}.get(n)
        bewertung = erreicht(faktor >= ziel) + f" (Ziel ≥ {ziel:.1f}x)" if ziel else ""
        zeilen.append(
            f"| {n} | {w['gesamt_s']:.0f} s | {r['seiten'] / w['gesamt_s'] * 3600:.0f} | {faktor:.2f}x {bewertung} | {w['zusammenfuehren_s']:.1f} s | {w['cpu_s']:.0f} s | {w['last']:.1f} |"
        )
    # Extrapolation for machines with one free core per worker: the pages' CPU time divides, the join does not.
    join = eins["zusammenfuehren_s"]
    acht = r["seiten"] * cpu_je_seite / 8 + join
    fuenfhundert_acht = 500 * cpu_je_seite / 8 + join * 500 / r["seiten"]
    kerne = os.cpu_count() or 1
    tabelle = "\n".join(zeilen)
    return f"""## Große Altakte seitenparallel (bench/bench_verteilung.py)

{maschine("Last beim Schreiben")}, geschrieben am {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.
`.venv/bin/python bench/bench_verteilung.py --seiten {r["seiten"]} --je-block {r["je_block"]}`: ein gescanntes PDF mit
{r["seiten"]} 300-dpi-Briefseiten (12 verschiedene Briefe wiederholt), Blöcke zu {r["je_block"]} Seiten; jeder Worker ist ein eigener
Prozess mit eigenem Arbeitsordner und holt sich den nächsten Block (wie `dokument_seiten_erkennen`), danach einmal das
Zusammenführen (wie `dokument_zusammenfuehren`). Zeit = vom Start bis zum fertigen durchsuchbaren PDF.

| Worker-Prozesse | Zeit bis durchsuchbar | Seiten/Stunde | Faktor zu 1 Worker | davon Zusammenführen | CPU-Zeit aller Worker | Last (1 min) beim Start |
|---|---|---|---|---|---|---|
{tabelle}

CPU-Zeit je Seite (Worker + Tesseract, 1 Worker): {cpu_je_seite:.2f} s; die Verteilung selbst kostet kaum CPU (die
Spalte CPU-Zeit wächst mit den Workern nur um deren Start: Django-Setup je Prozess). Diese Maschine hat {kerne} Kerne und wird von anderen
Entwicklern mitbenutzt: mehr Worker als freie Kerne teilen sich die Kerne, der Faktor ab 4 Workern misst die
Konkurrenz, nicht die Verteilung. **Hochrechnung** für 8 Worker mit je einem freien Kern (Seiten-CPU geteilt durch 8,
Zusammenführen seriell): {r["seiten"]} Seiten in {acht:.0f} s; eine 500-Seiten-Akte in etwa {fuenfhundert_acht / 60:.1f} Minuten
(ein Worker: {500 * cpu_je_seite / 60:.0f} Minuten).
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seiten", type=int, default=500)
    parser.add_argument("--je-block", type=int, default=10)
    parser.add_argument("--worker", default="1,2,4")
    parser.add_argument("--kein-schreiben", action="store_true")
    args = parser.parse_args()
    worker = [int(w) for w in args.worker.split(",") if w.strip()]
    r = messen(args.seiten, args.je_block, worker)
    text = bericht(r)
    print(text)
    if not args.kein_schreiben:
        print(f"geschrieben: {abschnitt_schreiben('verteilung', text)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

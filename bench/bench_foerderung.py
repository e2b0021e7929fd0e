"""Benchmark: importing a provider delivery, and the proof of use (Verwendungsnachweis) over many files.

1. A generated delivery of N files (default 1,000) of P pages each (default 100 -> 100,000 pages) whose PDFs already
   carry a text layer: one text PDF is drawn with reportlab, then copied per file with different metadata (pikepdf), so
   every file has its own checksum. Measured: the import (validate all, then store each file, audit, queue its OCR on
   `altakten`), files and pages per minute, peak RSS of the importing process (the delivery is generated in a child
   process so it does not count).
2. Proof of use over 100,000 legacy files of one authority (rows bulk-inserted): the count query and the whole
   `verwendungsnachweis_erstellen` use case. Aim: under 2 s.

Runs on its own database (default `akte_bench_d` on the server of DATABASE_URL; override with
BENCH_FOERDERUNG_DATABASE_URL) and writes the section `<!-- bench:foerderung -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_foerderung.py [--dateien 1000] [--seiten 100] [--nachweis-akten 100000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import secrets
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, maschine, umgebung

BENCH_DB = "akte_bench_d"
BEHOERDE_IMPORT, BEHOERDE_NACHWEIS = "WI", "KS"


def lieferung_erzeugen(ordner: str, aktenzeichen: list[str], seiten: int) -> None:
    """Child process: one text PDF, copied per file with its own metadata, plus manifest.csv."""
    import csv
    import io

    import pikepdf
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from dms.dateien import datei_sha256

    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4)
    for i in range(1, seiten + 1):
        c.setFont("Helvetica", 11)
        for zeile in range(40):
            c.drawString(60, 780 - 18 * zeile, f"Altakte Seite {i} Zeile {zeile}: Antrag auf Aufenthaltserlaubnis")
        c.showPage()
    c.save()
    ziel = Path(ordner)
    with (ziel / "manifest.csv").open("w", encoding="utf-8", newline="") as m:
        w = csv.writer(m, delimiter=";", lineterminator="\n")
        w.writerow(["aktenzeichen", "dateiname", "seiten", "blatt", "sha256", "scandatum", "operator", "scanner",
                    "aufloesung_dpi", "bemerkung"])  # fmt: skip
        with pikepdf.open(io.BytesIO(puffer.getvalue())) as vorlage:
            for az in aktenzeichen:
                vorlage.docinfo["/Title"] = f"Altakte {az}"
                name = f"{az}.pdf"
                vorlage.save(ziel / name)
                sha = datei_sha256(ziel / name)
                w.writerow(
                    [az, name, seiten, (seiten + 1) // 2, sha, "2026-07-22", "Bench", "Fujitsu fi-7900", 300, ""]
                )


def _personen_akten(behoerde: Any, anzahl: int, praefix: str) -> list[Any]:
    from dms.models import Akte, Person

    personen = Person.objects.bulk_create(
        [Person(behoerde=behoerde, familienname=f"Bench{praefix}{i}", vornamen="Test") for i in range(anzahl)],
        batch_size=5000,
    )
    return Akte.objects.bulk_create(
        [
            Akte(behoerde=behoerde, person=p, aktenzeichen=f"{behoerde.kuerzel}-{praefix}-{i:07d}", medium="papier")
            for i, p in enumerate(personen)
        ],
        batch_size=5000,
    )


def bench_import(dateien: int, seiten: int) -> dict[str, Any]:
    import redis
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from dms.models import Behoerde, Mitgliedschaft, Rolle
    from scanning.altakten import services as svc
    from scanning.altakten.models import Lieferung

    behoerde = Behoerde.objects.get(kuerzel=BEHOERDE_IMPORT)
    user = get_user_model().objects.create(username=f"bench-{secrets.token_hex(4)}")
    Mitgliedschaft.objects.create(user=user, behoerde=behoerde, rolle=Rolle.BEHOERDENADMIN)
    praefix = secrets.token_hex(3).upper()
    akten = _personen_akten(behoerde, dateien, praefix)
    los = svc.los_anlegen(behoerde=behoerde, akten=akten, user=user, blatt_geplant=dateien * seiten // 2)
    los = svc.los_status_setzen(los=los, nach="abgeholt", user=user)

    ordner = Path(settings.LIEFERUNGEN_PATH) / f"lieferung-{praefix}"
    ordner.mkdir()
    t0 = time.perf_counter()
    kind = multiprocessing.get_context("spawn").Process(
        target=lieferung_erzeugen, args=(str(ordner), [a.aktenzeichen for a in akten], seiten)
    )
    kind.start()
    kind.join()
    erzeugt = time.perf_counter() - t0
    groesse = sum(p.stat().st_size for p in ordner.iterdir())

    rss_vorher = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    lieferung = svc.lieferung_annehmen(los=los, quelle=ordner.name, user=user, im_hintergrund=False)
    ergebnis = svc.lieferung_ausfuehren(lieferung_id=lieferung.pk)
    dauer = time.perf_counter() - t0
    rss_nachher = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert ergebnis.status == Lieferung.Status.IMPORTIERT, ergebnis.fehler[:5]

    t0 = time.perf_counter()
    zweite = svc.lieferung_ausfuehren(
        lieferung_id=svc.lieferung_annehmen(los=los, quelle=ordner.name, user=user, im_hintergrund=False).pk
    )
    dauer_wiederholung = time.perf_counter() - t0
    assert zweite.importiert == 0 and zweite.uebersprungen == dateien

    # The OCR jobs went to the real broker queue `altakten`; the benchmark does not run them.
    r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    ocr_auftraege = r.llen("altakten")
    r.delete("altakten")
    shutil.rmtree(ordner, ignore_errors=True)
    return {
        "dateien": dateien,
        "seiten": dateien * seiten,
        "mb": groesse / 1e6,
        "erzeugt_s": erzeugt,
        "dauer_s": dauer,
        "dateien_min": dateien / dauer * 60,
        "seiten_min": dateien * seiten / dauer * 60,
        "rss_mb": rss_nachher / 1024,
        "rss_vorher_mb": rss_vorher / 1024,
        "wiederholung_s": dauer_wiederholung,
        "ocr_auftraege": ocr_auftraege,
    }


def bench_nachweis(anzahl: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from dms.models import Behoerde, Dokument, Mitgliedschaft, Register, Rolle
    from foerderung import services
    from foerderung.models import Foerderantrag, Foerderprogramm, Zuwendungsbescheid
    from foerderung.queries import digitalisiert

    behoerde = Behoerde.objects.get(kuerzel=BEHOERDE_NACHWEIS)
    vorhanden = Dokument.objects.filter(akte__behoerde=behoerde, quelle="altakte").count()
    t0 = time.perf_counter()
    if vorhanden < anzahl:
        akten = _personen_akten(behoerde, anzahl - vorhanden, secrets.token_hex(3).upper())
        register = Register.objects.aktiv().get(nummer="14")
        for start in range(0, len(akten), 5000):
            Dokument.objects.bulk_create(
                [
                    Dokument(akte=a, register=register, titel="Altakte", quelle="altakte", blatt=100, seiten=200)
                    for a in akten[start : start + 5000]
                ]
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dms_dokument; ANALYZE dms_akte")
    eingefuegt = time.perf_counter() - t0

    land = get_user_model().objects.create(username=f"bench-land-{secrets.token_hex(4)}")
    Mitgliedschaft.objects.create(user=land, behoerde=behoerde, rolle=Rolle.LAND)
    programm = Foerderprogramm.objects.get(aktiv=True)
    antrag = Foerderantrag.objects.filter(programm=programm, behoerde=behoerde).first()
    if antrag is None:
        antrag = services.antrag_stellen(
            behoerde=behoerde, akten_geplant=anzahl, blatt_geplant=anzahl * 100, user=land,
            eingereicht_am=date(2020, 6, 1),
        )  # fmt: skip
    if not Zuwendungsbescheid.objects.filter(antrag=antrag).exists():
        Zuwendungsbescheid.objects.filter(programm=programm).delete()  # the benchmark database only
        services.bescheid_erteilen(antrag=antrag, betrag=antrag.betrag.min(programm.budget), nummer=f"B-{antrag.pk}",
                                   datum=date(2020, 7, 1), user=land)  # fmt: skip
    zeiten_query, zeiten_gesamt = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        ist = digitalisiert(behoerde.pk)
        zeiten_query.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        nachweis = services.verwendungsnachweis_erstellen(antrag=antrag, user=land)
        zeiten_gesamt.append(time.perf_counter() - t0)
    return {
        "akten": ist.akten,
        "blatt": ist.blatt,
        "betrag": nachweis.nachgewiesen,
        "eingefuegt_s": eingefuegt,
        "query_ms": sorted(zeiten_query)[2] * 1000,
        "gesamt_ms": sorted(zeiten_gesamt)[2] * 1000,
        "gesamt_max_ms": max(zeiten_gesamt) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dateien", type=int, default=1000)
    parser.add_argument("--seiten", type=int, default=100)
    parser.add_argument("--nachweis-akten", type=int, default=100_000)
    parser.add_argument("--kein-schreiben", action="store_true", help="nur ausgeben, docs/benchmarks.md nicht ändern")
    args = parser.parse_args()

    # A dedicated benchmark database (created if missing), a temporary MEDIA_ROOT and delivery inbox.
    umgebung(BENCH_DB, "BENCH_FOERDERUNG_DATABASE_URL")
    os.environ["LIEFERUNGEN_PATH"] = tempfile.mkdtemp(prefix=f"{BENCH_DB}-lieferungen-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    imp = bench_import(args.dateien, args.seiten)
    print(imp)
    nw = bench_nachweis(args.nachweis_akten)
    print(nw)

    def z(n: float) -> str:
        return f"{n:,.0f}".replace(",", ".")

    def d(n: float) -> str:
        return f"{n:.1f}".replace(".", ",")

    stand = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    abschnitt = f"""
## Altaktenimport und Verwendungsnachweis (`bench/bench_foerderung.py`)

Stand {stand}; {maschine(None)}. Aufruf: `.venv/bin/python bench/bench_foerderung.py --dateien {args.dateien} --seiten {args.seiten} --nachweis-akten {args.nachweis_akten}`.

**Import einer Lieferung** ({z(imp["dateien"])} Dateien, {z(imp["seiten"])} Seiten mit Textebene, {imp["mb"]:.0f} MB; Erzeugen der Lieferung {imp["erzeugt_s"]:.0f} s, nicht mitgemessen): alle Zeilen prüfen (SHA-256, Seitenzahl mit pikepdf, Zuordnung zur Akte), dann je Datei Dokument mit Transfervermerk anlegen, Protokolleintrag, OCR-Auftrag in die Queue `altakten` ({z(imp["ocr_auftraege"])} Aufträge; die Texterkennung selbst ist nicht Teil dieser Messung).

| Messgröße | Wert |
|---|---|
| Dauer des Imports | {d(imp["dauer_s"])} s |
| Dateien je Minute | {z(imp["dateien_min"])} |
| Seiten je Minute | {z(imp["seiten_min"])} |
| Spitzen-RSS des importierenden Prozesses | {imp["rss_mb"]:.0f} MiB (vor dem Import {imp["rss_vorher_mb"]:.0f} MiB) |
| dieselbe Lieferung erneut (ändert nichts) | {d(imp["wiederholung_s"])} s |

**Verwendungsnachweis** über {z(nw["akten"])} digitalisierte Akten mit {z(nw["blatt"])} Blatt einer Behörde (Zeilen per Bulk-Insert, {nw["eingefuegt_s"]:.0f} s): Zählabfrage {nw["query_ms"]:.0f} ms (Median aus 5), ganzer Anwendungsfall mit Speichern und Protokoll {nw["gesamt_ms"]:.0f} ms (Median, höchstens {nw["gesamt_max_ms"]:.0f} ms). Ziel < 2 s.
"""  # noqa: E501
    print(abschnitt)
    if not args.kein_schreiben:
        print(f"geschrieben: {abschnitt_schreiben('foerderung', abschnitt.strip())}")


if __name__ == "__main__":
    main()

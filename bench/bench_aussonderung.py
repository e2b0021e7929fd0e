"""Benchmark: the Aussonderung's due list over 100,000 files (p95 target < 300 ms) and deleting one file with 500
documents (seconds, storage really freed).

1. 100,000 files of OF (`testbestand_erzeugen`, once), each closed by SQL with a random date so about half are due;
   the records officer's `GET /api/v1/aussonderung/` (first page, oldest first) N times through Django's test client
   (server time, no network): median and p95, and its query count.
2. One file with 500 documents, each with an original, a searchable PDF and a thumbnail in storage (64 KiB each), released by
   the archive; the four-eyes deletion (`loeschung_genehmigen`: audit pseudonymisation, rows, storage) timed, and the
   bytes under MEDIA_ROOT before and after.

Runs on its own database (default `akte_bench_aussonderung`; override with BENCH_AUSSONDERUNG_DATABASE_URL) and
writes the section `<!-- bench:aussonderung -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_aussonderung.py [--akten 100000] [--anfragen 40] [--dokumente 500]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, anfrage_messen, erreicht, maschine, median_p95, umgebung

BENCH_DB = "akte_bench_aussonderung"


def bestand_anlegen(akten: int) -> int:
    from django.core.management import call_command
    from django.db import connection

    from dms.models import Akte

    vorhanden = Akte.objects.filter(behoerde__kuerzel="OF").count()
    if vorhanden < akten:
        call_command("testbestand_erzeugen", akten=akten - vorhanden, dokumente=1, behoerde="OF", verbosity=0)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO dms_aktenschluss (akte_id, behoerde_id, grund, datum, faellig_am, rechtsgrundlage,
                                          regel_version, status, erfasst_am)
            SELECT a.id, a.behoerde_id, 'tod', current_date, current_date,
                   '§ 68 Abs. 2 AufenthV (Datei B: 5 Jahre nach dem Tod)', '2026-1', 'laufend', now()
            FROM dms_akte a
            WHERE a.behoerde_id = (SELECT id FROM dms_behoerde WHERE kuerzel = 'OF')
              AND NOT EXISTS (SELECT 1 FROM dms_aktenschluss s WHERE s.akte_id = a.id)
            """
        )
        # A random event date per file (random() in SET is evaluated per row): about half are due.
        cur.execute(
            """
            UPDATE dms_aktenschluss SET datum = current_date - (random() * 3650)::int
            WHERE behoerde_id = (SELECT id FROM dms_behoerde WHERE kuerzel = 'OF') AND status = 'laufend'
            """
        )
        cur.execute("UPDATE dms_aktenschluss SET faellig_am = datum + interval '5 years' WHERE status = 'laufend'")
        cur.execute("ANALYZE dms_aktenschluss")
        cur.execute("SELECT count(*) FROM dms_aktenschluss WHERE faellig_am <= current_date")
        return int(cur.fetchone()[0])


def liste_messen(anfragen: int) -> dict[str, float]:
    from django.test import Client

    from dms.models import Rolle
    from tests import factories as f

    client = Client(HTTP_HOST="localhost")
    client.force_login(f.benutzer("OF", Rolle.SCHRIFTGUTVERWALTUNG))
    zeiten, abfragen = anfrage_messen(client, "/api/v1/aussonderung/", anfragen)
    median, p95 = median_p95(zeiten)
    return {"median_ms": median, "p95_ms": p95, "abfragen": abfragen, "anfragen": anfragen}


def speicher_bytes() -> int:
    return sum(p.stat().st_size for p in Path(os.environ["MEDIA_ROOT"]).rglob("*") if p.is_file())


def loeschung_messen(dokumente: int) -> dict[str, float]:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from dms.aussonderung.loeschung import loeschung_beantragen, loeschung_genehmigen
    from dms.aussonderung.models import Aktenschluss, Anbietung, Anbietungsposten
    from dms.models import Dokument, DokumentVersion, Rolle
    from tests import factories as f

    erster, zweiter = (f.benutzer("OF", Rolle.SCHRIFTGUTVERWALTUNG) for _ in range(2))
    akte = f.AkteFactory(aktenzeichen=f"OF-BENCH-{time.time_ns()}", person__azr_nummer=None)
    inhalt = b"%PDF-1.4\n" + os.urandom(64 * 1024)
    sha = hashlib.sha256(inhalt).hexdigest()
    register = f.register("03")
    for i in range(dokumente):
        dok = Dokument.objects.create(akte=akte, register=register, titel=f"Dokument {i}", seiten=3)
        v = DokumentVersion(
            dokument=dok, nummer=1, dateiname="scan.pdf", sha256=sha, groesse=len(inhalt), mime_type="application/pdf"
        )
        v.original.save("original", ContentFile(inhalt), save=False)
        v.pdf.save("durchsuchbar.pdf", ContentFile(inhalt), save=False)
        from django.core.files.storage import default_storage

        v.vorschaubilder = [
            default_storage.save(f"dokumente/{dok.uuid}/1/vorschau/00001.png", ContentFile(inhalt[:4096]))
        ]
        v.save()
    heute = timezone.localdate()
    Aktenschluss.objects.create(
        akte=akte, behoerde=akte.behoerde, grund="tod", datum=heute - timedelta(days=3000),
        faellig_am=heute - timedelta(days=1000), rechtsgrundlage="§ 68 Abs. 2 AufenthV", regel_version="2026-1",
        status=Aktenschluss.Status.FREIGEGEBEN,
    )  # fmt: skip
    anbietung = Anbietung.objects.create(behoerde=akte.behoerde, frist_bis=heute, status=Anbietung.Status.ABGESCHLOSSEN)
    Anbietungsposten.objects.create(
        anbietung=anbietung, akte=akte, akte_uuid=akte.uuid, aktenzeichen=akte.aktenzeichen,
        entscheidung=Anbietungsposten.Entscheidung.VERNICHTEN,
    )  # fmt: skip
    vorher = speicher_bytes()
    antrag = loeschung_beantragen(akte=akte, user=erster)
    start = time.perf_counter()
    nachweis = loeschung_genehmigen(loeschung=antrag, user=zweiter)
    dauer = time.perf_counter() - start
    nachher = speicher_bytes()
    return {
        "dokumente": nachweis.anzahl_dokumente,
        "dateien": nachweis.anzahl_dateien,
        "dauer_s": dauer,
        "vorher_mb": vorher / 1024**2,
        "nachher_mb": nachher / 1024**2,
        "frei_mb": (vorher - nachher) / 1024**2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--akten", type=int, default=100_000)
    parser.add_argument("--anfragen", type=int, default=40)
    parser.add_argument("--dokumente", type=int, default=500)
    args = parser.parse_args()
    umgebung(BENCH_DB, "BENCH_AUSSONDERUNG_DATABASE_URL")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    faellig = bestand_anlegen(args.akten)
    liste = liste_messen(args.anfragen)
    loeschen = loeschung_messen(args.dokumente)
    zahl = lambda x, n=1: f"{x:,.{n}f}".replace(",", "X").replace(".", ",").replace("X", ".")  # noqa: E731
    abschnitt = f"""## Aussonderung (`bench/bench_aussonderung.py`)

Gemessen am {date.today():%d.%m.%Y}; {maschine()}.

| Messung | Ergebnis | Ziel | |
|---|---|---|---|
| Fälligkeitsliste `GET /api/v1/aussonderung/` (erste Seite, älteste zuerst) über {zahl(args.akten, 0)} abgeschlossene Akten einer Behörde, davon {zahl(faellig, 0)} fällig; {liste["anfragen"]} Anfragen, Serverzeit, {liste["abfragen"]} SQL-Abfragen je Anfrage | Median {zahl(liste["median_ms"], 0)} ms, **p95 {zahl(liste["p95_ms"], 0)} ms** | p95 < 300 ms | {erreicht(liste["p95_ms"] < 300)} |
| Löschung einer Akte mit {zahl(loeschen["dokumente"], 0)} Dokumenten (Genehmigung: Protokoll pseudonymisieren, Zeilen löschen, {zahl(loeschen["dateien"], 0)} Dateien aus dem Speicher) | **{zahl(loeschen["dauer_s"])} s** | Sekunden | {erreicht(loeschen["dauer_s"] < 60)} |
| Speicher unter MEDIA_ROOT vor / nach der Löschung | {zahl(loeschen["vorher_mb"])} MB / {zahl(loeschen["nachher_mb"])} MB (**{zahl(loeschen["frei_mb"])} MB frei**) | wirklich frei | {erreicht(loeschen["frei_mb"] > 0)} |
"""
    print(abschnitt)
    abschnitt_schreiben("aussonderung", abschnitt.strip())


if __name__ == "__main__":
    main()

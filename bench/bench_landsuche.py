"""Benchmark: the search at Land scale. The largest authority's files (default 20,000; the issue's 1,000,000 with
BENCH_LAND_VOLL=1) with 20 documents each, plus a share of files of another authority in the same tables, generated
in SQL (INSERT ... SELECT generate_series, no Python per row) into a SEPARATE database; then the search page's p50/p95
for one caseworker of that authority, and how long generation and index build took.

    .venv/bin/python bench/bench_landsuche.py [--akten 20000] [--dokumente-je-akte 20] [--budget-min 10]
        [--wiederholungen 30] [--kein-schreiben]

Environment for `make bench`: BENCH_LAND_AKTEN, BENCH_LAND_BUDGET_MIN, BENCH_LAND_VOLL=1 (1,000,000 files =
20,000,000 documents; hours and ~90 GB on this machine). Database: `akte_bench_land` on the server of DATABASE_URL
(override with BENCH_LAND_DATABASE_URL); the data stays and a second run continues where the first stopped.
Generation stops at the time budget; the report names the size actually reached.

Text: each document is four ~500-byte chunks of Zipf-distributed German administrative words (bench_ui's corpus),
~2 KB of text (about a two-page letter) with its search vector. Every 100th person is called "Nowak" (a common
name across thousands of files). Every second file has an internal note (one chunk's text), so the notes' part of
the search has something to find.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ui import CHUNKS, _chunks_anlegen
from gemeinsam import abschnitt_schreiben, erreicht, last, maschine, median_p95, seite, umgebung, zeiten_ms

BENCH_DB = "akte_bench_land"
BLOCK_AKTEN = 10_000
FREMD_JEDE = 5  # every fifth file belongs to another authority (HP): the index holds more than one authority
ZIEL_P95_MS = 300
PLAN_ZEILEN = 40
# The full-text indexes (dropped while rows go in, built once at the end); the search uses the second (dms 0024).
SUCHINDIZES = [("dokument_behoerde_suchvektor", "behoerde_id, suchvektor")]
PASSWORT = "Landsuche-Passwort-2026!"
# The share of documents a word is in follows from the corpus (a word in k of the 5,000 chunks is in
# 1 - (1 - k/5000)^4 of the documents); the earlier "seltenes Wort" Wohnsitzauflage is in 37 %.
ANFRAGEN = [
    ("sehr häufiges Wort (42 % der Dokumente)", "Antrag"),
    ("häufiges Wort (37 %)", "Wohnsitzauflage"),
    ("zwei Wörter (zusammen 12 %)", "Verlängerung Niederlassungserlaubnis"),
    ("mittelhäufiges Wort (2 %)", "Lantusch"),
    ("seltenes Wort (0,3 %)", "Tuungbar"),
    ("sehr seltenes Wort (0,08 %)", "Merschsaheit"),
    ("Präfix", "Aufenthalt*"),
    ("Name (häufig, in keinem Text)", "Nowak"),
]


def _zahl(wert: float) -> str:
    return f"{wert:,.0f}".replace(",", ".")


def _block(cursor: Any, von: int, bis: int, je_akte: int, of: int, hp: int, register: int, verfasser: int) -> None:
    """Persons, files, documents and notes (one on every second file) for file numbers von..bis, each step one
    INSERT ... SELECT."""
    cursor.execute(
        """
        INSERT INTO dms_person (uuid, behoerde_id, familienname, vornamen, geburtsname, geburtsort,
            staatsangehoerigkeiten, geschlecht, namensvarianten, namen_normalisiert, azr_nummer, anschrift,
            angelegt_am, geaendert_am, version)
        SELECT gen_random_uuid(), CASE WHEN g %% %s = 0 THEN %s ELSE %s END,
            CASE WHEN g %% 100 = 1 THEN 'Nowak' ELSE 'Land' || g END, 'Vorname', '', '', '{}', 'x', '{}',
            ARRAY[CASE WHEN g %% 100 = 1 THEN 'nowak' ELSE 'land' || g END], lpad(g::text, 12, '0'), '', now(),
            now(), 1
        FROM generate_series(%s, %s) g
        """,
        [FREMD_JEDE, hp, of, von, bis],
    )
    cursor.execute(
        """
        INSERT INTO dms_akte (uuid, behoerde_id, person_id, aktenzeichen, fruehere_aktenzeichen, status, medium,
            vertraulichkeit, gesperrt, angelegt_am, geaendert_am, version, vorgang_zaehler)
        SELECT gen_random_uuid(), p.behoerde_id, p.id, 'LAND-' || g, '{}', 'aktiv', 'elektronisch', '002', false,
            now(), now() - (g %% 1000) * interval '1 hour', 1, 0
        FROM generate_series(%s, %s) g
        JOIN dms_person p ON p.behoerde_id = CASE WHEN g %% %s = 0 THEN %s ELSE %s END
            AND p.azr_nummer = lpad(g::text, 12, '0')
        """,
        [von, bis, FREMD_JEDE, hp, of],
    )
    cursor.execute(
        """
        INSERT INTO dms_dokument (uuid, akte_id, register_id, titel, art, richtung, eingangsdatum, quelle,
            ocr_status, seiten, blatt, text, suchvektor, angelegt_am, version)
        SELECT gen_random_uuid(), a.id, %s, 'Schreiben ' || j, '', 'eingang',
            date '2015-01-01' + ((g * 31 + j) %% 4000), 'upload', 'fertig', 2, 2,
            c1.text || ' ' || c2.text || ' ' || c3.text || ' ' || c4.text,
            c1.vec || c2.vec || c3.vec || c4.vec, now(), 1
        FROM generate_series(%s, %s) g
        CROSS JOIN generate_series(1, %s) j
        JOIN dms_akte a ON a.aktenzeichen = 'LAND-' || g
        JOIN bench_chunk c1 ON c1.id = ((g::bigint * %s + j) * 7919) %% %s
        JOIN bench_chunk c2 ON c2.id = ((g::bigint * %s + j) * 104729 + 13) %% %s
        JOIN bench_chunk c3 ON c3.id = ((g::bigint * %s + j) * 1299709 + 101) %% %s
        JOIN bench_chunk c4 ON c4.id = ((g::bigint * %s + j) * 15485863 + 1009) %% %s
        """,
        [register, von, bis, je_akte, *([je_akte, CHUNKS] * 4)],
    )
    cursor.execute(
        """
        INSERT INTO dms_notiz (akte_id, text, verfasst_von_id, angelegt_am, version)
        SELECT a.id, c.text, %s, now() - (g %% 1000) * interval '1 hour', 1
        FROM generate_series(%s, %s) g
        JOIN dms_akte a ON a.aktenzeichen = 'LAND-' || g
        JOIN bench_chunk c ON c.id = (g::bigint * 7) %% %s
        WHERE g %% 2 = 0
        """,
        [verfasser, von, bis, CHUNKS],
    )


def _erzeugen(ziel_akten: int, je_akte: int, budget_s: float, verfasser: int) -> dict[str, float]:
    """Generate up to `ziel_akten` files (continuing an earlier run); the search index is dropped while rows go in
    and built once at the end (far faster than maintaining it row by row). Returns the durations."""
    from django.db import connection, transaction

    from dms.models import Behoerde, Register

    of, hp = Behoerde.objects.get(kuerzel="OF").pk, Behoerde.objects.get(kuerzel="HP").pk
    register = Register.objects.aktiv().get(nummer="03").pk
    dauer = {"zeilen_s": 0.0, "index_s": 0.0, "analyse_s": 0.0}
    with connection.cursor() as c:
        _chunks_anlegen(c)
        c.execute("SELECT count(*) FROM dms_akte WHERE aktenzeichen LIKE 'LAND-%%'")
        vorhanden = c.fetchone()[0]
        if vorhanden >= ziel_akten:
            return dauer
        start = time.monotonic()
        for name in ("dokument_suchvektor_gin", *(n for n, _ in SUCHINDIZES)):  # the first: before dms 0024
            c.execute(f"DROP INDEX IF EXISTS {name}")
        while vorhanden < ziel_akten and time.monotonic() - start < budget_s:
            bis = min(ziel_akten, vorhanden + BLOCK_AKTEN)
            with transaction.atomic():  # a block is there whole or not at all (a later run continues)
                _block(c, vorhanden + 1, bis, je_akte, of, hp, register, verfasser)
            vorhanden = bis
            print(f"  {vorhanden:,} Akten nach {time.monotonic() - start:.0f} s", flush=True)
        dauer["zeilen_s"] = time.monotonic() - start
        t = time.monotonic()
        c.execute("SET maintenance_work_mem = '512MB'")
        for name, spalten in SUCHINDIZES:
            c.execute(f"CREATE INDEX {name} ON dms_dokument USING gin ({spalten}) WITH (fastupdate = off)")  # dms 0030
        dauer["index_s"] = time.monotonic() - t
        t = time.monotonic()
        c.execute("VACUUM ANALYZE dms_dokument")
        c.execute("VACUUM ANALYZE dms_akte")
        c.execute("VACUUM ANALYZE dms_person")
        c.execute("VACUUM ANALYZE dms_notiz")
        dauer["analyse_s"] = time.monotonic() - t
    return dauer


# What each SQL statement of a search page is, by what it reads (for the "where the time goes" table).
ABFRAGEARTEN = [
    "Akten nach Name, Aktenzeichen, AZR-Nummer",
    "Rangliste (Kandidaten, Rechte, Rang)",
    "Ausschnitte (ts_headline)",
    "Notizen",
    "Akten der Treffer",
    "Posteingang",
    "Sitzung, Rechte, Auswahllisten, Protokoll",
    "Rangliste und Ausschnitte (eine Abfrage)",
]


def _abfrageart(sql: str) -> str:
    if "ts_rank" in sql and "ts_headline" in sql:
        return ABFRAGEARTEN[7]
    if "ts_rank" in sql:
        return ABFRAGEARTEN[1]
    if "dms_notiz" in sql:
        return ABFRAGEARTEN[3]
    if "scanning_posteingang" in sql:
        return ABFRAGEARTEN[5]
    if "ts_headline" in sql:
        return ABFRAGEARTEN[2]
    if sql.startswith('SELECT "dms_akte"') and "UPPER" in sql:
        return ABFRAGEARTEN[0]
    if sql.startswith('SELECT "dms_akte"'):
        return ABFRAGEARTEN[4]
    return ABFRAGEARTEN[6]


def _zeit_je_abfrage(client: Any, q: str) -> dict[str, float]:
    """One search page; every SELECT it ran again under EXPLAIN (ANALYZE, BUFFERS): execution ms by kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/suche/", {"q": q}).status_code == 200
    summen: dict[str, float] = {}
    for abfrage in ctx.captured_queries:
        sql = abfrage["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as c:
            c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            zeilen = [z[0] for z in c.fetchall()]
        ms = float(next(z for z in zeilen if z.startswith("Execution Time")).split()[2])
        art = _abfrageart(sql.lstrip())
        summen[art] = summen.get(art, 0.0) + ms
    return summen


def _cpu_je_suche(client: Any, q: str, n: int) -> tuple[float, float]:
    """Median CPU ms of one search page: this process (Django) and the PostgreSQL backend of its connection."""
    import statistics

    import psutil
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        backend = psutil.Process(c.fetchone()[0])
    web, db = [], []
    for _ in range(n):
        t_web, t_db = time.process_time(), sum(backend.cpu_times()[:2])
        assert client.get("/suche/", {"q": q}).status_code == 200
        web.append((time.process_time() - t_web) * 1000)
        db.append((sum(backend.cpu_times()[:2]) - t_db) * 1000)
    return statistics.median(web), statistics.median(db)


def _rangliste_plan(user: Any, q: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the ranking query (either version of dms.suche: before and after issue 18)."""
    from django.db import connection

    from dms import suche

    anfrage = suche.suchanfrage(q)
    assert anfrage is not None
    if hasattr(suche, "dokumenttreffer_sql"):
        anweisung = suche.dokumenttreffer_sql(user, anfrage, suche.Filter(), suche.MAX_DOKUMENTE + 1)
        assert anweisung is not None
        with connection.cursor() as c:
            c.execute("EXPLAIN (ANALYZE, BUFFERS) " + anweisung[0], anweisung[1])
            return "\n".join(z[0] for z in c.fetchall())
    alt = getattr(suche, "dokument_rangliste")  # noqa: B009 - the version before issue 18's second round
    return str(alt(user, anfrage, suche.Filter())[:51].explain(analyze=True, buffers=True))


def main() -> None:
    voll = os.environ.get("BENCH_LAND_VOLL") == "1"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--akten", type=int, default=1_000_000 if voll else int(os.environ.get("BENCH_LAND_AKTEN", "20000"))
    )
    parser.add_argument("--dokumente-je-akte", type=int, default=20)
    parser.add_argument(
        "--budget-min", type=float, default=600.0 if voll else float(os.environ.get("BENCH_LAND_BUDGET_MIN", "10"))
    )
    parser.add_argument("--wiederholungen", type=int, default=30)
    parser.add_argument("--kein-schreiben", action="store_true")
    args = parser.parse_args()

    umgebung(BENCH_DB, "BENCH_LAND_DATABASE_URL", media_praefix="bench-land-media-")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from dms.models import Akte, Dokument
    from dms.services.benutzer import benutzer_anlegen
    from dms.suche import suchen

    call_command("migrate", verbosity=0)
    sb, _ = benutzer_anlegen(behoerde="OF", rolle="sachbearbeitung", username="land.sb", password=PASSWORT)
    dauer = _erzeugen(args.akten, args.dokumente_je_akte, args.budget_min * 60, sb.pk)
    akten_of = Akte.objects.filter(behoerde__kuerzel="OF").count()
    dokumente_of = Dokument.objects.filter(akte__behoerde__kuerzel="OF").count()
    dokumente = Dokument.objects.count()
    with connection.cursor() as c:
        c.execute("SELECT pg_database_size(current_database())")
        groesse_gb = c.fetchone()[0] / 1e9

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(sb)
    zeilen = []
    anteile: dict[str, dict[str, float]] = {}
    lasten = [last()]
    for name, q in ANFRAGEN:
        treffer = suchen(sb, q)
        p50, p95 = median_p95(zeiten_ms(seite(client, f"/suche/?q={q}"), args.wiederholungen, aufwaermen=3))
        cpu_web, cpu_db = _cpu_je_suche(client, q, args.wiederholungen)
        anteile[q] = _zeit_je_abfrage(client, q)
        lasten.append(last())
        zeilen.append(
            (name, q, len(treffer.gruppen), treffer.dokumente_gesamt, treffer.begrenzt, p50, p95, cpu_web, cpu_db)
        )
        print(f"{name} ({q}): p50 {p50:.0f} ms, p95 {p95:.0f} ms, CPU {cpu_web:.0f} + {cpu_db:.0f} ms", flush=True)

    # Where the time goes: the plan of the ranking query (candidates from the index, access filter, rank).
    plan = _rangliste_plan(sb, ANFRAGEN[2][1])
    print(plan)

    jetzt = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    erzeugt = (
        f"in diesem Lauf erzeugt: Zeilen {dauer['zeilen_s']:.0f} s, Suchindex (GIN) {dauer['index_s']:.0f} s, "
        f"VACUUM ANALYZE {dauer['analyse_s']:.0f} s"
        if dauer["zeilen_s"]
        else "aus einem früheren Lauf"
    )
    rate = dokumente / dauer["zeilen_s"] if dauer["zeilen_s"] else 0.0
    hochrechnung = (
        f" Hochgerechnet auf 20.000.000 Dokumente: Zeilen ~{20_000_000 / rate / 3600:.1f} h bei dieser Rate "
        f"({_zahl(rate)} Dokumente/s), der Index wächst etwa linear mit."
        if rate
        else ""
    )
    schlechteste = max(z[6] for z in zeilen)
    text = [
        "## Suche im Landesmaßstab (größte Behörde)",
        "",
        f"Gemessen am {jetzt} mit `.venv/bin/python bench/bench_landsuche.py --akten {args.akten} "
        f"--budget-min {args.budget_min:g}` auf: {maschine()}.",
        "",
        f"Erreichte Größe: {_zahl(akten_of)} Akten mit {_zahl(dokumente_of)} Dokumenten in der größten Behörde "
        f"(OF), insgesamt {_zahl(dokumente)} Dokumente in der Tabelle (jede {FREMD_JEDE}. Akte gehört einer "
        f"anderen Behörde), Datenbank {groesse_gb:.1f} GB; {erzeugt}.{hochrechnung} Ziel der Issue: 1.000.000 Akten "
        "/ 20.000.000 Dokumente (`BENCH_LAND_VOLL=1`).",
        "",
        f"Suchseite `/suche/?q=…` durch den ganzen Django-Stack im Prozess (Sitzung, Rechte, Protokolleintrag), "
        f"{args.wiederholungen} Wiederholungen nach 3 zum Aufwärmen:",
        "",
        "| Anfrage | Suchbegriff | Akten | Dokumente gezeigt | begrenzt | p50 (ms) | p95 (ms) | CPU Django (ms) "
        "| CPU PostgreSQL (ms) |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for name, q, akten, doks, begrenzt, p50, p95, cpu_web, cpu_db in zeilen:
        text.append(
            f"| {name} | `{q}` | {akten} | {doks} | {'ja' if begrenzt else 'nein'} | {p50:.0f} | {p95:.0f} "
            f"| {cpu_web:.0f} | {cpu_db:.0f} |"
        )
    text += [
        "",
        f"Last laut `uptime` während der Messung: {' → '.join(lasten)}. CPU je Suche (Median): `time.process_time` "
        "des Django-Prozesses und CPU-Zeit des PostgreSQL-Prozesses dieser Verbindung (`/proc`), ohne das Warten "
        "auf einen freien Kern.",
        "",
        "Wohin die Zeit geht: Ausführungszeit jeder Abfrage einer Suche laut `EXPLAIN (ANALYZE, BUFFERS)` (ms, "
        "ein Lauf nach den Messungen oben):",
        "",
        "| Abfrage | " + " | ".join(f"`{q}`" for _, q in ANFRAGEN) + " |",
        "|---|" + "---:|" * len(ANFRAGEN),
    ]
    for art in ABFRAGEARTEN:
        werte = [anteile[q].get(art) for _, q in ANFRAGEN]
        if any(w is not None for w in werte):
            text.append(f"| {art} | " + " | ".join("–" if w is None else f"{w:.1f}" for w in werte) + " |")
    text += [
        "",
        "| Ziel | gemessen (schlechteste Anfrage) | |",
        "|---|---:|---|",
        f"| p95 < {ZIEL_P95_MS} ms bei {_zahl(dokumente_of)} Dokumenten | {schlechteste:.0f} ms | "
        f"{erreicht(schlechteste < ZIEL_P95_MS)} |",
    ]
    text += [
        "",
        f"Plan der Ranking-Abfrage für `{ANFRAGEN[2][1]}` (`EXPLAIN (ANALYZE, BUFFERS)`, gekürzt auf die ersten "
        f"{PLAN_ZEILEN} Zeilen):",
        "",
        "```",
        *plan.splitlines()[:PLAN_ZEILEN],
        "```",
    ]
    bericht = "\n".join(text)
    print(bericht)
    if not args.kein_schreiben:
        print(f"Geschrieben: {abschnitt_schreiben('landsuche', bericht)}")


if __name__ == "__main__":
    main()

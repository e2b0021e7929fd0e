"""Benchmark: the caseworker pages. File page with 1,000 documents, desk page, and the search over 1,000,000
documents with ~2 KB of text each (one-word and two-word query) against a plain `icontains` search.

Runs on its own database (default `akte_bench_f` on the server of DATABASE_URL; override with BENCH_DATABASE_URL).
The search corpus is generated in SQL (INSERT ... SELECT generate_series): ~5,000 text chunks of ~500 bytes with
Zipf-distributed words (real German administrative words at the top ranks, synthetic words below) are written once
with their tsvector; each document's text is four chunks chosen by hashing its number, and its search vector is the
concatenation of the chunks' vectors (tsvector || tsvector shifts positions like parsing the whole text would).
Generation stops at the time budget (`--budget-min`) and the figures say how many documents were measured.
The data stays in the benchmark database; a second run reuses it. Server time = the request through the whole
Django stack in-process (test client, middleware, audit entry), without network.

    .venv/bin/python bench/bench_ui.py [--dokumente 1000000] [--budget-min 25] [--wiederholungen 40] [--kein-schreiben]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, median_p95, postgres_version, seite, umgebung, zeiten_ms

BENCH_DB = "akte_bench_f"
CHUNKS = 5000
BLOCK = 50_000
DOKS_JE_AKTE = 50

# Real words first (they get the highest Zipf ranks), so queries hit realistic frequencies.
WOERTER_TEXT = (
    "der die das und in zu den von mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat "
    "dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber vor zur bis "
    "Antrag Aufenthaltserlaubnis Verlängerung Bescheid Behörde Ausländerbehörde Aufenthaltstitel "
    "Niederlassungserlaubnis "
    "Pass Passersatz Reisepass Duldung Fiktionsbescheinigung Wohnsitzauflage Beschäftigungserlaubnis Arbeitgeber "
    "Erwerbstätigkeit Familiennachzug Ehegatte Kinder Lebensunterhalt Krankenversicherung Mietvertrag "
    "Meldebescheinigung "
    "Anhörung Widerspruch Klage Verwaltungsgericht Rechtsanwalt Vollmacht Gebühr Gebührenbescheid Termin Vorsprache "
    "Unterlagen Nachweis Nachweise Einkommen Gehaltsabrechnung Sprachkenntnisse Integrationskurs Sprachzertifikat "
    "Staatsangehörigkeit Einbürgerung Geburtsurkunde Heiratsurkunde Übersetzung Beglaubigung Identität Abschiebung "
    "Ausreise Ausweisung Asyl Asylverfahren Bundesamt Aufenthaltsgestattung Verpflichtungserklärung Visum Botschaft "
    "Blaue Karte Fachkraft Hochschule Studium Ausbildung Praktikum Arbeitsvertrag Sozialleistungen Jobcenter "
    "Mitteilung Schreiben Anlage Frist Wiedervorlage Entscheidung Genehmigung Ablehnung Zustimmung Bundesagentur"
)
WOERTER = WOERTER_TEXT.split()
SILBEN_TEXT = "ka ro mi le sa tu ne ber gen sch lan dor fel hau mer tin bar sol ver ung keit heit lich isch"
SILBEN = SILBEN_TEXT.split()


def _vokabular(rng: random.Random) -> list[str]:
    woerter = list(dict.fromkeys(WOERTER))
    gesehen = {w.lower() for w in woerter}
    while len(woerter) < 20_000:
        w = "".join(rng.choice(SILBEN) for _ in range(rng.randint(2, 4)))
        if w not in gesehen:
            gesehen.add(w)
            woerter.append(w.capitalize() if rng.random() < 0.4 else w)
    return woerter


def _chunks_anlegen(cursor: Any) -> None:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_chunk (id int PRIMARY KEY, text text, vec tsvector)")
    cursor.execute("SELECT count(*) FROM bench_chunk")
    if cursor.fetchone()[0] == CHUNKS:
        return
    cursor.execute("TRUNCATE bench_chunk")
    rng = random.Random(4711)
    vokabular = _vokabular(rng)
    gewichte = [1 / (r + 1) for r in range(len(vokabular))]
    zeilen = []
    for i in range(CHUNKS):
        text = ""
        while len(text) < 500:
            text += " ".join(rng.choices(vokabular, weights=gewichte, k=20)) + ". "
        zeilen.append((i, text.strip()))
    cursor.executemany("INSERT INTO bench_chunk (id, text) VALUES (%s, %s)", zeilen)
    cursor.execute("UPDATE bench_chunk SET vec = setweight(to_tsvector('german', text), 'B')")


def _grunddaten() -> dict[str, Any]:
    """Authority OF with a team, a caseworker and a colleague; a file with 1,000 documents; desk data."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dms.models import Akte, Behoerde, Dokument, Mitgliedschaft, Person, Register, Rolle, Team, Vorgang, Vorgangsart

    call_command("migrate", verbosity=0)
    User = get_user_model()
    of = Behoerde.objects.get(kuerzel="OF")
    team, _ = Team.objects.get_or_create(behoerde=of, name="Bench-Team", defaults={"buchstaben_von": "A"})
    sb, neu = User.objects.get_or_create(username="bench-sb")
    if neu:
        Mitgliedschaft.objects.create(user=sb, behoerde=of, rolle=Rolle.SACHBEARBEITUNG, team=team)
    register = list(Register.objects.aktiv().order_by("nummer"))
    heute = timezone.localdate()
    akte = Akte.objects.filter(aktenzeichen="OF-BENCH-1000").first()
    if akte is None:
        person = Person.objects.create(
            behoerde=of, familienname="Benchmann", vornamen="Berta", namen_normalisiert=["benchmann"]
        )
        akte = Akte.objects.create(
            behoerde=of, person=person, aktenzeichen="OF-BENCH-1000", team=team, sachbearbeitung=sb
        )
        art = Vorgangsart.objects.filter(aktiv=True).first()
        vorgaenge = [
            Vorgang.objects.create(akte=akte, vorgangsart=art, nummer=n, aktenzeichen=f"OF-BENCH-1000/{n}",
                                   sachbearbeitung=sb, wiedervorlage=heute, wiedervorlage_grund="Bench")
            for n in range(1, 11)
        ]  # fmt: skip
        Dokument.objects.bulk_create(
            [
                Dokument(akte=akte, register=register[i % len(register)], vorgang=vorgaenge[i % 10] if i % 3 else None,
                         titel=f"Schreiben {i:04d}", eingangsdatum=heute, seiten=1 + i % 7, blatt=1 + i % 7,
                         ocr_status=Dokument.OcrStatus.FERTIG, text="kurz")
                for i in range(1000)
            ],
            batch_size=500,
        )  # fmt: skip
        # Desk: 50 own files, 20 procedures due.
        for n in range(50):
            p = Person.objects.create(behoerde=of, familienname=f"Desk{n}", namen_normalisiert=[f"desk{n}"])
            a = Akte.objects.create(behoerde=of, person=p, aktenzeichen=f"OF-BENCH-D{n}", team=team, sachbearbeitung=sb)
            if n < 20:
                Vorgang.objects.create(
                    akte=a,
                    vorgangsart=art,
                    nummer=1,
                    aktenzeichen=f"OF-BENCH-D{n}/1",
                    sachbearbeitung=sb,
                    wiedervorlage=heute,
                    wiedervorlage_grund="fällig",
                )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return {"sb": sb, "akte": akte, "of": of, "team": team}


def _korpus(ziel: int, budget_s: float, sb: Any) -> int:
    """Up to `ziel` search documents in files of OF (visible) and HP (not visible); returns how many exist."""
    from django.db import connection

    from dms.models import Behoerde, Register

    with connection.cursor() as c:
        _chunks_anlegen(c)
        c.execute("SELECT count(*) FROM dms_dokument WHERE titel LIKE 'Korpus %%'")
        vorhanden = c.fetchone()[0]
        if vorhanden >= ziel:
            return vorhanden
        of, hp = Behoerde.objects.get(kuerzel="OF"), Behoerde.objects.get(kuerzel="HP")
        reg = Register.objects.aktiv().get(nummer="03").pk
        start = time.monotonic()
        while vorhanden < ziel and time.monotonic() - start < budget_s:
            von, bis = vorhanden + 1, min(ziel, vorhanden + BLOCK)
            akten_von, akten_bis = (von - 1) // DOKS_JE_AKTE + 1, (bis - 1) // DOKS_JE_AKTE + 1
            # Persons and files of this block (every fifth file belongs to another authority).
            c.execute(
                """
                INSERT INTO dms_person (uuid, behoerde_id, familienname, vornamen, geburtsname, geburtsort,
                    staatsangehoerigkeiten, geschlecht, namensvarianten, namen_normalisiert, anschrift, angelegt_am,
                    geaendert_am)
                SELECT gen_random_uuid(), CASE WHEN g %% 5 = 0 THEN %s ELSE %s END, 'Korpus' || g, 'Vorname', '',
                    '', '{}', 'x', '{}', ARRAY['korpus' || g], '', now(), now()
                FROM generate_series(%s, %s) g
                """,
                [hp.pk, of.pk, akten_von, akten_bis],
            )
            c.execute(
                """
                INSERT INTO dms_akte (uuid, behoerde_id, person_id, aktenzeichen, fruehere_aktenzeichen, status, medium,
                    vertraulichkeit, gesperrt, angelegt_am, geaendert_am, version, vorgang_zaehler)
                SELECT gen_random_uuid(), p.behoerde_id, p.id, 'KORPUS-' || substr(p.familienname, 7), '{}', 'aktiv',
                    'elektronisch', '002', false, now(), now(), 1, 0
                FROM dms_person p WHERE p.familienname IN (
                    SELECT 'Korpus' || g FROM generate_series(%s, %s) g)
                ON CONFLICT (aktenzeichen) DO NOTHING
                """,
                [akten_von, akten_bis],
            )
            c.execute(
                """
                INSERT INTO dms_dokument (uuid, akte_id, register_id, titel, art, richtung, eingangsdatum, quelle,
                    ocr_status, seiten, blatt, text, suchvektor, angelegt_am, version)
                SELECT gen_random_uuid(), a.id, %s, 'Korpus ' || g, '', 'eingang',
                    date '2015-01-01' + (g %% 4000), 'upload', 'fertig', 2, 2,
                    c1.text || ' ' || c2.text || ' ' || c3.text || ' ' || c4.text,
                    setweight(to_tsvector('german', 'Korpus ' || g), 'A') || c1.vec || c2.vec || c3.vec || c4.vec,
                    now(), 1
                FROM generate_series(%s, %s) g
                JOIN dms_akte a ON a.aktenzeichen = 'KORPUS-' || ((g - 1) / %s + 1)
                JOIN bench_chunk c1 ON c1.id = (g::bigint * 7919) %% %s
                JOIN bench_chunk c2 ON c2.id = (g::bigint * 104729 + 13) %% %s
                JOIN bench_chunk c3 ON c3.id = (g::bigint * 1299709 + 101) %% %s
                JOIN bench_chunk c4 ON c4.id = (g::bigint * 15485863 + 1009) %% %s
                """,
                [reg, von, bis, DOKS_JE_AKTE, CHUNKS, CHUNKS, CHUNKS, CHUNKS],
            )
            connection.commit() if not connection.get_autocommit() else None
            vorhanden = bis
            print(f"  Korpus: {vorhanden:,} Dokumente nach {time.monotonic() - start:.0f} s", flush=True)
        c.execute("VACUUM ANALYZE dms_dokument")
        c.execute("VACUUM ANALYZE dms_akte")
        c.execute("VACUUM ANALYZE dms_person")
        return vorhanden


def _zeiten(funktion: Callable[[], Any], n: int, aufwaermen: int = 3) -> tuple[float, float]:
    """(p50, p95) in milliseconds of `n` calls after `aufwaermen` untimed ones."""
    return median_p95(zeiten_ms(funktion, n, aufwaermen))


ICONTAINS_GRENZE_S = 120


def _icontains_zeit(funktion: Callable[[], Any]) -> tuple[float, float]:
    """One timed run (each reads the whole table); bounded by a statement timeout so the benchmark always ends."""
    from django.db import OperationalError, connection, transaction

    t = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as c:
            c.execute(f"SET LOCAL statement_timeout = '{ICONTAINS_GRENZE_S}s'")
            funktion()
    except OperationalError:
        return float("inf"), float("inf")
    dauer = (time.perf_counter() - t) * 1000
    return dauer, dauer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dokumente", type=int, default=1_000_000)
    parser.add_argument("--budget-min", type=float, default=25.0)
    parser.add_argument("--wiederholungen", type=int, default=40)
    parser.add_argument("--kein-schreiben", action="store_true")
    args = parser.parse_args()
    umgebung(BENCH_DB, "BENCH_DATABASE_URL", media_praefix="bench-ui-media-")
    import django

    django.setup()
    from django.test import Client

    from dms.models import Dokument
    from dms.suche import suchen

    daten = _grunddaten()
    sb, akte = daten["sb"], daten["akte"]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(sb)
    n = args.wiederholungen
    ergebnisse: list[tuple[str, float, float, str]] = []

    p50, p95 = _zeiten(seite(client, f"/akten/{akte.pk}/"), n)
    ergebnisse.append(("Aktenseite, Akte mit 1.000 Dokumenten (50 je Seite)", p50, p95, "< 150 ms"))
    p50, p95 = _zeiten(seite(client, f"/akten/{akte.pk}/dokumente/?sort=titel&seite=7", HTTP_HX_REQUEST="true"), n)
    ergebnisse.append(("Dokumentliste sortiert, Seite 7 (htmx)", p50, p95, "–"))
    p50, p95 = _zeiten(seite(client, "/"), n)
    ergebnisse.append(("Mein Arbeitsplatz (50 Akten, 30 fällige Wiedervorlagen)", p50, p95, "< 100 ms"))

    print("Suchkorpus ...", flush=True)
    t0 = time.monotonic()
    korpus = _korpus(args.dokumente, args.budget_min * 60, sb)
    erzeugung = time.monotonic() - t0
    gesamt = Dokument.objects.count()

    def volltext(q: str) -> Callable[[], Any]:
        return lambda: suchen(sb, q)

    def icontains(*woerter: str) -> Callable[[], Any]:
        def aufruf() -> list[int]:
            qs = Dokument.objects.visible_to(sb)
            for w in woerter:
                qs = qs.filter(text__icontains=w)
            return list(qs.order_by("-eingangsdatum", "-id").values_list("id", flat=True)[:200])

        return aufruf

    anfragen = [("ein Wort", "Wohnsitzauflage", ("Wohnsitzauflage",)),
                ("zwei Wörter", "Verlängerung Niederlassungserlaubnis", ("Verlängerung", "Niederlassungserlaubnis")),
                ("weiteres Wort", "Sprachzertifikat", ("Sprachzertifikat",))]  # fmt: skip
    suche_zeilen = []
    m = max(10, n // 2)
    for name, q, woerter in anfragen:
        treffer = suchen(sb, q)
        v50, v95 = _zeiten(volltext(q), m)
        i50, i95 = _icontains_zeit(icontains(*woerter))
        suche_zeilen.append((name, q, treffer.dokumente_gesamt, treffer.begrenzt, v50, v95, i50, i95))
        print(f"  {name}: Volltext p95 {v95:.0f} ms, icontains p95 {i95:.0f} ms", flush=True)
    client.force_login(sb)  # the corpus may have taken longer than the idle timeout of the session
    p50, p95 = _zeiten(seite(client, "/suche/?q=Wohnsitzauflage"), m)
    ergebnisse.append(("Suchseite „Wohnsitzauflage“ (ganze Seite mit Treffern)", p50, p95, "< 300 ms"))

    for name, p50, p95, ziel in ergebnisse:
        print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (Ziel {ziel})")
    abschnitt = _abschnitt(ergebnisse, suche_zeilen, korpus, gesamt, erzeugung, n, args.dokumente)
    if not args.kein_schreiben:
        print(f"geschrieben: {abschnitt_schreiben('ui', abschnitt)}")


def _abschnitt(
    seiten: list[tuple[str, float, float, str]],
    suche: list[tuple[Any, ...]],
    korpus: int,
    gesamt: int,
    erzeugung: float,
    n: int,
    ziel: int,
) -> str:
    import django

    pg = postgres_version()
    jetzt = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    maschine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} logische Kerne (geteilt)"
    zeilen = [
        "## Arbeitsplatz, Akte und Suche (Oberfläche)",
        "",
        f"Gemessen am {jetzt} mit `.venv/bin/python bench/bench_ui.py` auf {maschine}; Python "
        f"{platform.python_version()}, Django {django.get_version()}, PostgreSQL {pg}. Serverzeit = eine Anfrage durch "
        f"den ganzen Django-Stack im Prozess (Test-Client mit Middleware, Sitzung, Protokolleintrag), ohne Netz; "
        f"{n} Wiederholungen nach 3 zum Aufwärmen (Suche: {max(10, n // 2)}; icontains: ein Lauf, "
        f"abgebrochen nach {ICONTAINS_GRENZE_S} s).",
        "",
        "| Seite | p50 (ms) | p95 (ms) | Ziel p95 |",
        "|---|---:|---:|---|",
        *[f"| {name} | {p50:.1f} | {p95:.1f} | {ziel} |" for name, p50, p95, ziel in seiten],
        "",
        f"**Suche** über {korpus:,} erzeugte Dokumente mit je ~2 KB Text ({gesamt:,} Dokumente in der Datenbank; "
        f"Ziel waren {ziel:,}"
        + (")." if korpus >= ziel else f", die Erzeugung endete am Zeitbudget nach {erzeugung / 60:.0f} min).")
        + " Jede fünfte Akte gehört einer anderen Behörde und wird nicht gefunden. Volltext = `dms.suche.suchen` "
        "(Sichtbarkeit, Rang, ts_headline für die besten 50, Gruppierung nach Akte); icontains = dieselbe "
        "Sichtbarkeit mit `text__icontains` je Wort, die neuesten 200.",
        "",
        "| Anfrage | Text | Treffer (angezeigt) | Volltext p50 (ms) | Volltext p95 (ms) | icontains p50 (ms) | "
        "icontains p95 (ms) | Verhältnis p95 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {name} | {q} | {tr}{'+' if begr else ''} | {v50:.0f} | {v95:.0f} | {_ms(i50)} | {_ms(i95)} | "
            f"{'>' if i95 == float('inf') else ''}{min(i95, ICONTAINS_GRENZE_S * 1000) / v95:.0f}× |"
            for name, q, tr, begr, v50, v95, i50, i95 in suche
        ],
        "",
        "Die Aktenseite zeigt 50 Dokumente je Seite; Registerzähler und Liste sind feste Abfragen, ihre Zahl wächst "
        "nicht mit den Dokumenten (festgehalten in tests/dms/ui). Für sehr häufige Wörter rangiert die Suche nur die "
        "ersten 500 Kandidaten aus dem GIN-Index (`MAX_KANDIDATEN` in dms/suche.py); `icontains` muss jeden "
        "Text lesen.",
    ]
    return "\n".join(zeilen)


def _ms(wert: float) -> str:
    return f"> {ICONTAINS_GRENZE_S * 1000:.0f}" if wert == float("inf") else f"{wert:.0f}"


if __name__ == "__main__":
    main()

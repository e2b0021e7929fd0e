"""Benchmark: the cost of permission filtering and of the audit entry.

A caseworker's file list (API `/api/v1/akten/`, first page) in an authority with 100,000 files, 1,000 of them
restricted with 1,000 named releases, and 1,000 inspection grants: median/p95 server time and query count, compared
with the same endpoint when `akte_sichtbar_q` is replaced by a plain "own authority" filter (ratio, aim < 1.2x).
Also the SQL of that list alone (count + page), and the median cost of one `protokollieren` (aim < 2 ms).

Runs on its own database (default `akte_bench_b` on the server of DATABASE_URL; override with
BENCH_B_DATABASE_URL) and writes the section `<!-- bench:berechtigungen -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_berechtigungen.py [--akten 100000] [--anfragen 40] [--kein-schreiben]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, maschine, p95_quantil, umgebung, zeiten_ms

BENCH_DB = "akte_bench_b"
SPERREN = 1000
EINSICHTEN = 1000


def _sql(sql: str, params: list[Any] | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def bestand_anlegen(anzahl: int) -> dict[str, Any]:
    """100,000 files in OF with SQL (not the services): fast, and the benchmark measures reads, not writes."""
    from guardian.models import Permission

    from dms.models import Akte, AkteFreigabe, Akteneinsicht, Behoerde, Mitgliedschaft, Rolle, Team
    from tests import factories as f

    of, hp = Behoerde.objects.get(kuerzel="OF"), Behoerde.objects.get(kuerzel="HP")
    team, _ = Team.objects.get_or_create(behoerde=of, name="Bench Team", defaults={"buchstaben_von": "A"})
    users = []
    for i in range(20):
        user = f.UserFactory.build(username=f"bench-sb-{i}")
        existing = type(user).objects.filter(username=user.username).first()
        if existing is None:
            user.set_unusable_password()
            user.save()
            Mitgliedschaft.objects.create(user=user, behoerde=of, rolle=Rolle.SACHBEARBEITUNG, team=team)
        users.append(existing or user)
    ich = users[0]
    vorhanden = Akte.objects.filter(behoerde=of).count()
    start = time.monotonic()
    if vorhanden < anzahl:
        fehlt = anzahl - vorhanden
        for kuerzel, behoerde, n in (("OF", of, fehlt), ("HP", hp, EINSICHTEN)):
            _sql(
                """
                INSERT INTO dms_person (uuid, behoerde_id, familienname, vornamen, geburtsname, geburtsdatum,
                    geburtsort, staatsangehoerigkeiten, geschlecht, azr_nummer, namensvarianten, namen_normalisiert,
                    anschrift, angelegt_am, geaendert_am)
                SELECT gen_random_uuid(), %s, 'Bench' || g, 'Vorname', '', DATE '1960-01-01' + (g %% 20000),
                    'Ort', ARRAY['türkisch'], 'x', NULL, '{}', ARRAY['bench' || g], '', now(), now()
                FROM generate_series(1, %s) AS g
                """,
                [behoerde.pk, n],
            )
            _sql(
                """
                INSERT INTO dms_akte (uuid, behoerde_id, person_id, aktenzeichen, fruehere_aktenzeichen, status,
                    medium, vertraulichkeit, team_id, sachbearbeitung_id, gesperrt, angelegt_am, geaendert_am,
                    version, vorgang_zaehler)
                SELECT gen_random_uuid(), p.behoerde_id, p.id, %s || '-B-' || p.id, '{}', 'aktiv', 'elektronisch',
                    '002', %s, %s, false, now() - (p.id %% 3650) * interval '1 day', now(), 1, 0
                FROM dms_person p
                WHERE p.behoerde_id = %s AND NOT EXISTS (SELECT 1 FROM dms_akte a WHERE a.person_id = p.id)
                """,
                [kuerzel, team.pk if behoerde == of else None, ich.pk if behoerde == of else None, behoerde.pk],
            )
        perm = Permission.objects.get(codename="view_gesperrte_akte")
        gesperrt = list(Akte.objects.filter(behoerde=of).order_by("?").values_list("pk", flat=True)[:SPERREN])
        Akte.objects.filter(pk__in=gesperrt).update(gesperrt=True)
        AkteFreigabe.objects.bulk_create(
            [
                AkteFreigabe(content_object_id=pk, user=users[1 + i % 19], permission=perm)
                for i, pk in enumerate(gesperrt)
            ]
        )
        # The caseworker is named on a few restricted files too.
        AkteFreigabe.objects.bulk_create(
            [AkteFreigabe(content_object_id=pk, user=ich, permission=perm) for pk in gesperrt[:10]]
        )
        fremde = list(Akte.objects.filter(behoerde=hp).values_list("pk", flat=True)[:EINSICHTEN])
        bis = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
        Akteneinsicht.objects.bulk_create(
            [
                Akteneinsicht(
                    akte_id=pk,
                    behoerde=of if i % 2 == 0 else None,
                    user=None if i % 2 == 0 else users[i % 20],
                    bis=bis,
                    grund="Bench",
                    erteilt_von=ich,
                )
                for i, pk in enumerate(fremde)
            ]
        )
        _sql("ANALYZE")
    return {"user": ich, "anlegen_s": time.monotonic() - start, "akten": Akte.objects.filter(behoerde=of).count()}


def messen(aufruf: Callable[[], Any], n: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    aufruf()  # warm-up
    zeiten = []
    abfragen = 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            aufruf()
            zeiten.append((time.perf_counter() - start) * 1000)
        abfragen = len(ctx.captured_queries)
    return zeiten, abfragen


def ohne_berechtigungsfilter() -> Callable[[], None]:
    """Swap the permission filter for "own authority" only; returns the function that restores it."""
    from django.db.models import Q

    import dms.access as access

    original = access.akte_sichtbar_q

    def nur_behoerde(user: Any) -> Q:
        return Q(behoerde_id=access.zugang(user).behoerde_id)

    access.akte_sichtbar_q = nur_behoerde

    def zurueck() -> None:
        access.akte_sichtbar_q = original

    return zurueck


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--akten", type=int, default=100_000)
    parser.add_argument("--anfragen", type=int, default=40)
    parser.add_argument("--kein-schreiben", action="store_true")
    args = parser.parse_args()
    umgebung(BENCH_DB, "BENCH_B_DATABASE_URL")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    bestand = bestand_anlegen(args.akten)
    user = bestand["user"]
    from dms.access import zugang_vergessen
    from dms.api.views import AkteViewSet
    from dms.audit import Aktion, protokollieren
    from dms.models import Akte

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def api_liste() -> None:
        r = client.get("/api/v1/akten/")
        assert r.status_code == 200, r.status_code

    def sql_liste() -> None:
        zugang_vergessen(user)
        qs = Akte.objects.visible_to(user).select_related("behoerde").order_by("-angelegt_am", "-id")
        qs.count()
        list(qs[:50])

    def abwechselnd(aufruf: Callable[[], Any]) -> tuple[tuple[list[float], int], tuple[list[float], int]]:
        """Alternate with/without filter request by request, so the shared machine's load hits both alike."""
        mit: list[float] = []
        ohne: list[float] = []
        q_mit = q_ohne = 0
        for _ in range(args.anfragen):
            zeiten, q_mit = messen(aufruf, 1)
            mit += zeiten
            zurueck = ohne_berechtigungsfilter()
            try:
                zeiten, q_ohne = messen(aufruf, 1)
                ohne += zeiten
            finally:
                zurueck()
        return (mit, q_mit), (ohne, q_ohne)

    ergebnisse: dict[str, tuple[list[float], int]] = {}
    ergebnisse["api_mit"], ergebnisse["api_ohne"] = abwechselnd(api_liste)
    ergebnisse["sql_mit"], ergebnisse["sql_ohne"] = abwechselnd(sql_liste)
    anzahl_mit = client.get("/api/v1/akten/").json()["count"]
    zurueck = ohne_berechtigungsfilter()
    try:
        anzahl_ohne = client.get("/api/v1/akten/").json()["count"]
    finally:
        zurueck()
    assert AkteViewSet  # the measured endpoint is the real viewset

    from django.conf import settings

    akte = Akte.objects.filter(behoerde__kuerzel="OF", gesperrt=False).first()

    def protokoll_messen(synchron: bool) -> list[float]:
        settings.AUDIT_SYNCHRONOUS_COMMIT = synchron
        return zeiten_ms(lambda: protokollieren(aktion=Aktion.LESEN, user=user, objekt=akte), 230, aufwaermen=20)

    protokoll = protokoll_messen(True)
    protokoll_async = protokoll_messen(False)
    settings.AUDIT_SYNCHRONOUS_COMMIT = True

    def zeile(name: str, schluessel: str) -> str:
        zeiten, abfragen = ergebnisse[schluessel]
        return f"| {name} | {statistics.median(zeiten):.1f} | {p95_quantil(zeiten):.1f} | {abfragen} |"

    def ms(werte: list[float]) -> str:
        return f"{statistics.median(werte):.2f} | {p95_quantil(werte):.2f}"

    api_ratio = statistics.median(ergebnisse["api_mit"][0]) / statistics.median(ergebnisse["api_ohne"][0])
    sql_ratio = statistics.median(ergebnisse["sql_mit"][0]) / statistics.median(ergebnisse["sql_ohne"][0])
    jetzt = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    abschnitt = f"""
## Berechtigungen: Aktenliste mit Zugriffsfilter und Kosten des Protokolleintrags

Gemessen am {jetzt} mit `.venv/bin/python bench/bench_berechtigungen.py` auf: {maschine("Last")}.

Bestand in der eigenen Behörde: {bestand["akten"]:,} Akten (per SQL angelegt, nicht über die Dienste), davon
{SPERREN:,} mit Sperrvermerk und {SPERREN:,} namentlichen Freigaben (django-guardian, direkte FK-Tabelle), dazu
{EINSICHTEN:,} Akteneinsichten anderer Behörden für die eigene Behörde oder einzelne Personen. Angefragt als
Sachbearbeitung, {args.anfragen} Anfragen je Zeile im Prozess (Django-Test-Client, mit Middleware und
Serialisierung), mit und ohne Filter abwechselnd, damit die Last der geteilten Maschine beide gleich trifft;
„ohne Filter“ ersetzt `akte_sichtbar_q` durch „eigene Behörde“, sonst gleicher Code.
Sichtbare Akten mit Filter: {anzahl_mit:,}, ohne: {anzahl_ohne:,}.

| Messung | Median (ms) | p95 (ms) | SQL-Abfragen |
|---|---:|---:|---:|
{zeile("API `/api/v1/akten/` erste Seite, mit Berechtigungsfilter", "api_mit")}
{zeile("API `/api/v1/akten/` erste Seite, ohne Berechtigungsfilter", "api_ohne")}
{zeile("nur SQL (count + 50 Zeilen), mit Filter", "sql_mit")}
{zeile("nur SQL (count + 50 Zeilen), ohne Filter", "sql_ohne")}

Verhältnis mit/ohne Filter (Median): API **{api_ratio:.2f}x**, nur SQL **{sql_ratio:.2f}x** (Ziel: unter 1,2x).

Protokolleintrag je Aktenansicht (`protokollieren` in eigener Transaktion: Advisory-Lock, letzter Hash, Insert,
Commit; je {len(protokoll)} Aufrufe nach dem Aufwärmen):

| Commit | Median (ms) | p95 (ms) |
|---|---:|---:|
| synchron (Standard, wartet auf das WAL-fsync) | {ms(protokoll)} |
| `AUDIT_SYNCHRONOUS_COMMIT=0` (asynchron) | {ms(protokoll_async)} |

Ziel: Median unter 2 ms. Der Unterschied zwischen den Zeilen ist das fsync des Commits auf dieser Maschine; Einträge
innerhalb einer Änderung (Änderung und Eintrag in einer Transaktion) schreiben immer synchron.
"""
    print(abschnitt)
    if not args.kein_schreiben:
        print(f"geschrieben: {abschnitt_schreiben('berechtigungen', abschnitt.strip())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

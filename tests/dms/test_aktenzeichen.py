"""Aktenzeichen: the readable scheme (table-driven) and uniqueness when many users create files at once."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.commands import flush
from django.db import connection, connections

from dms.aktenzeichen import AKTENZEICHEN_RE, aktenzeichen_formatieren, vorgang_aktenzeichen_formatieren
from dms.models import Akte, AktenzeichenZaehler, Dokument, Person
from dms.services import akte_anlegen, vorgang_anlegen
from tests import factories as f


@pytest.mark.parametrize(
    ("kuerzel", "jahr", "nummer", "erwartet"),
    [
        ("OF", 2026, 1, "OF-2026-000001"),
        ("OF", 2026, 123, "OF-2026-000123"),
        ("HP", 2020, 999999, "HP-2020-999999"),
        ("RPDA", 2026, 1000000, "RPDA-2026-1000000"),  # more than six digits: grows, never wraps
    ],
)
def test_format_aktenzeichen(kuerzel, jahr, nummer, erwartet):
    assert aktenzeichen_formatieren(kuerzel, jahr, nummer) == erwartet
    m = AKTENZEICHEN_RE.match(erwartet)
    assert m is not None
    assert (m["kuerzel"], int(m["jahr"]), int(m["nummer"])) == (kuerzel, jahr, nummer)


@pytest.mark.parametrize(
    ("akte", "nummer", "erwartet"),
    [("OF-2026-000123", 1, "OF-2026-000123/1"), ("OF-2026-000123", 12, "OF-2026-000123/12")],
)
def test_format_vorgang_aktenzeichen(akte, nummer, erwartet):
    assert vorgang_aktenzeichen_formatieren(akte, nummer) == erwartet


@pytest.mark.parametrize("falsch", ["of-2026-000001", "OF-26-000001", "OF-2026-12345", "OF2026000001", ""])
def test_malformed_aktenzeichen_do_not_match(falsch):
    assert AKTENZEICHEN_RE.match(falsch) is None


@pytest.fixture
def _flush_trotz_protokollschutz(django_db_blocker):
    """Let a transactional test clean up, and give the next tests their Land-wide data back.

    pytest-django ends a `transaction=True` test with `flush` (TRUNCATE of every table). The audit trail refuses
    TRUNCATE by a trigger (migration dms 0002), and the flush would also drop the Land-wide data loaded by
    `migrate`. So: snapshot the database now; for that one flush, switch the TRUNCATE trigger off and back on,
    then restore the snapshot.
    """
    with django_db_blocker.unblock():
        stand = connection.creation.serialize_db_to_string()
    yield
    original = flush.Command.handle

    def handle(self, *args, **options):  # runs once, inside pytest-django's teardown
        flush.Command.handle = original
        conn = connections[options.get("database", "default")]
        with conn.cursor() as cursor:
            cursor.execute("ALTER TABLE dms_protokolleintrag DISABLE TRIGGER dms_protokoll_kein_truncate")
        try:
            original(self, *args, **{**options, "inhibit_post_migrate": True})
        finally:
            with conn.cursor() as cursor:
                cursor.execute("ALTER TABLE dms_protokolleintrag ENABLE TRIGGER dms_protokoll_kein_truncate")
        conn.creation.deserialize_db_from_string(stand)

    flush.Command.handle = handle


def _gleichzeitig(anzahl: int, arbeit) -> tuple[list, list[BaseException]]:
    """Run `arbeit(i)` in `anzahl` threads (each with its own database connection), released at the same moment."""
    start = threading.Barrier(anzahl)
    ergebnisse: list = []
    fehler: list[BaseException] = []
    sperre = threading.Lock()

    def lauf(i: int) -> None:
        try:
            start.wait(timeout=60)
            wert = arbeit(i)
            with sperre:
                ergebnisse.append(wert)
        except BaseException as exc:
            with sperre:
                fehler.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lauf, args=(i,)) for i in range(anzahl)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return ergebnisse, fehler


@pytest.mark.django_db(transaction=True)
def test_20_concurrent_files_get_20_distinct_consecutive_numbers(_flush_trotz_protokollschutz):
    behoerde = f.behoerde("OF")
    personen = [f.PersonFactory(behoerde=behoerde) for _ in range(20)]
    vorher = AktenzeichenZaehler.objects.filter(behoerde=behoerde, jahr=2026).values_list("letzte_nummer", flat=True)
    start = (vorher.first() or 0) + 1

    aktenzeichen, fehler = _gleichzeitig(
        20, lambda i: akte_anlegen(person=personen[i], user=None, jahr=2026).aktenzeichen
    )

    assert fehler == []
    assert len(aktenzeichen) == 20 == len(set(aktenzeichen))
    nummern = sorted(int(AKTENZEICHEN_RE.match(az)["nummer"]) for az in aktenzeichen)
    assert nummern == list(range(start, start + 20))
    assert Akte.objects.filter(aktenzeichen__in=aktenzeichen).count() == 20
    assert AktenzeichenZaehler.objects.get(behoerde=behoerde, jahr=2026).letzte_nummer == start + 19


@pytest.mark.django_db(transaction=True)
def test_concurrent_procedures_of_one_file_get_distinct_numbers(_flush_trotz_protokollschutz):
    akte = akte_anlegen(person=f.PersonFactory(), user=None)
    art = f.VorgangFactory._meta.declarations["vorgangsart"].function()

    aktenzeichen, fehler = _gleichzeitig(
        10, lambda i: vorgang_anlegen(akte=akte, vorgangsart=art, user=None, betreff=f"Nr. {i}").aktenzeichen
    )

    assert fehler == []
    assert sorted(aktenzeichen, key=lambda az: int(az.rsplit("/", 1)[1])) == [
        f"{akte.aktenzeichen}/{n}" for n in range(1, 11)
    ]


@pytest.mark.django_db(transaction=True)
def test_bulk_generation_in_parallel_and_normal_filing_never_collide(_flush_trotz_protokollschutz):
    """testbestand_erzeugen (2 connections) while caseworkers file: every Aktenzeichen and AZR-Nummer unique."""
    behoerde = f.behoerde("OF")
    personen = [f.PersonFactory(behoerde=behoerde) for _ in range(6)]

    def arbeit(i: int) -> str:
        if i == 0:
            call_command(
                "testbestand_erzeugen",
                akten=60,
                dokumente=1,
                stapel=20,
                parallel=2,
                jahr=2026,
                stdout=io.StringIO(),
            )
            return "bulk"
        return akte_anlegen(person=personen[i - 1], user=None, jahr=2026).aktenzeichen

    ergebnisse, fehler = _gleichzeitig(7, arbeit)

    assert fehler == []
    assert len(ergebnisse) == 7 and "bulk" in ergebnisse
    akten = list(Akte.objects.filter(behoerde=behoerde).values_list("aktenzeichen", flat=True))
    assert len(akten) == 66 == len(set(akten))
    nummern = sorted(int(AKTENZEICHEN_RE.match(a)["nummer"]) for a in akten)
    assert AktenzeichenZaehler.objects.get(behoerde=behoerde, jahr=2026).letzte_nummer == nummern[-1]
    azr = list(Person.objects.filter(behoerde=behoerde).values_list("azr_nummer", flat=True))
    assert len(azr) == len(set(azr))
    assert Dokument.objects.filter(akte__behoerde=behoerde).count() == 60

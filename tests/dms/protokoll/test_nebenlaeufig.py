"""Per-authority chains on real PostgreSQL: many connections at once never fork a chain, and one authority's open
transaction does not hold up another authority's entries (no Land-wide lock)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from dms.audit import Aktion, protokollieren
from dms.models import Protokolleintrag, Rolle
from tests import factories as f
from tests.dms.test_aktenzeichen import _flush_trotz_protokollschutz, _gleichzeitig  # noqa: F401 - fixture

from .conftest import befunde

JE_THREAD = 25


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_flush_trotz_protokollschutz")
def test_eight_connections_on_two_authorities_never_fork_a_chain():
    users = [f.benutzer("OF", Rolle.SACHBEARBEITUNG) for _ in range(4)]
    users += [f.benutzer("HP", Rolle.SACHBEARBEITUNG) for _ in range(3)]
    users.append(None)  # system entries without an authority: the chain without one
    vorher = Protokolleintrag.objects.count()

    def arbeit(i: int) -> list[int]:
        return [
            protokollieren(aktion=Aktion.LESEN, user=users[i], benutzername="system", details={"i": i, "n": n}).id
            for n in range(JE_THREAD)
        ]

    ergebnisse, fehler = _gleichzeitig(len(users), arbeit)

    assert fehler == []
    assert Protokolleintrag.objects.count() == vorher + len(users) * JE_THREAD
    for kette in Protokolleintrag.objects.values_list("kette", flat=True).distinct():
        nummern = list(Protokolleintrag.objects.filter(kette=kette).order_by("nummer").values_list("nummer", flat=True))
        assert nummern == list(range(1, len(nummern) + 1)), f"Kette {kette} hat Lücken oder Doppel"
    assert len({e.kette for e in Protokolleintrag.objects.filter(id__in=[i for ids in ergebnisse for i in ids])}) == 3
    assert befunde() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_flush_trotz_protokollschutz")
def test_an_open_transaction_holds_only_its_own_authoritys_chain():
    of_a, of_b = (f.benutzer("OF", Rolle.SACHBEARBEITUNG) for _ in range(2))
    hp = f.benutzer("HP", Rolle.SACHBEARBEITUNG)
    gehalten, loslassen = threading.Event(), threading.Event()

    def lange_transaktion() -> None:
        try:
            with transaction.atomic():
                protokollieren(aktion=Aktion.AENDERN, user=of_a, details={"lang": True})
                gehalten.set()
                loslassen.wait(30)
        finally:
            connection.close()

    def eintrag(user) -> None:
        try:
            protokollieren(aktion=Aktion.LESEN, user=user)
        finally:
            connection.close()

    halter = threading.Thread(target=lange_transaktion)
    halter.start()
    assert gehalten.wait(10)
    try:
        andere_behoerde = threading.Thread(target=eintrag, args=(hp,))
        start = time.monotonic()
        andere_behoerde.start()
        andere_behoerde.join(10)
        assert not andere_behoerde.is_alive() and time.monotonic() - start < 5  # HP's chain is free
        gleiche_behoerde = threading.Thread(target=eintrag, args=(of_b,))
        gleiche_behoerde.start()
        gleiche_behoerde.join(1.0)
        assert gleiche_behoerde.is_alive()  # OF's chain waits for the open transaction: no fork
    finally:
        loslassen.set()
        halter.join(10)
    gleiche_behoerde.join(10)
    assert not gleiche_behoerde.is_alive()
    assert befunde() == []

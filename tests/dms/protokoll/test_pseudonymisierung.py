"""Pseudonymisation for deletion by law: personal data leave the trail, the chain and its checkpoints still verify,
and it is the only change the trigger lets through; any other use of it is detected."""

from __future__ import annotations

import hashlib

import pytest
from django.db import DatabaseError, connection, transaction

from dms.audit import Aktion, protokollieren
from dms.models import Protokolleintrag
from dms.protokoll.anker import verankern
from dms.protokoll.pseudonymisierung import protokoll_pseudonymisieren
from dms.suche import protokoll_details
from tests import factories as f

from .conftest import als_eigentuemer, befunde

pytestmark = pytest.mark.django_db


@pytest.fixture
def akte_mit_spuren(sachbearbeitung):
    """A file whose trail names the person: reads, a filing reason, a document, a search for her name."""
    person = f.PersonFactory(familienname="Öztürk", vornamen="Ayşe")
    akte = f.AkteFactory(person=person, sachbearbeitung=sachbearbeitung)
    dokument = f.DokumentFactory(akte=akte)
    eintraege = [
        protokollieren(aktion=Aktion.LESEN, user=sachbearbeitung, objekt=akte),
        protokollieren(
            aktion=Aktion.AENDERN, user=sachbearbeitung, objekt=akte, details={"grund": "Frau Öztürk zieht um"}
        ),
        protokollieren(aktion=Aktion.HERUNTERLADEN, user=sachbearbeitung, objekt=dokument, details={"version": 1}),
        protokollieren(aktion=Aktion.SUCHE, user=sachbearbeitung, details=protokoll_details("Öztürk  Ayşe", 1)),
        # Written before search terms were keyed (an unkeyed SHA-256): deletion by law must find these too.
        protokollieren(
            aktion=Aktion.SUCHE,
            user=sachbearbeitung,
            details={"q_sha256": hashlib.sha256("öztürk ayşe".encode()).hexdigest(), "akten": 1},
        ),
    ]
    andere = protokollieren(
        aktion=Aktion.LESEN, user=sachbearbeitung, objekt=f.AkteFactory(), details={"grund": "bleibt"}
    )
    return akte, eintraege, andere


def _texte() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT string_agg(aktenzeichen || ' ' || details::text, ' ') FROM dms_protokolleintrag")
        return cur.fetchone()[0]


def test_pseudonymising_removes_the_personal_data_and_the_chain_still_verifies(akte_mit_spuren, sachbearbeitung):
    akte, eintraege, andere = akte_mit_spuren
    verankern()
    ergebnis = protokoll_pseudonymisieren(
        akte_id=akte.id,
        suchbegriffe=["Öztürk Ayşe", akte.aktenzeichen],
        rechtsgrundlage="§ 91 AufenthG",
        user=sachbearbeitung,
    )
    verankern()

    assert ergebnis.anzahl == 5 and ergebnis.pseudonym.startswith("PS-")
    for e in eintraege:
        e.refresh_from_db()
        assert e.aktenzeichen == ergebnis.pseudonym and e.details == {} and e.personenbezug_salz == ""
        assert e.pseudonymisiert_durch == ergebnis.eintrag_id
    texte = _texte()
    assert akte.aktenzeichen not in texte and "Öztürk" not in texte
    assert protokoll_details("Öztürk Ayşe", 1)["q_hmac"] not in texte
    andere.refresh_from_db()
    assert andere.details == {"grund": "bleibt"}  # another file's entry is untouched
    nachweis = Protokolleintrag.objects.get(id=ergebnis.eintrag_id)
    assert nachweis.aktion == Aktion.PSEUDONYMISIERUNG and nachweis.details["anzahl"] == 5
    assert nachweis.details["rechtsgrundlage"] == "§ 91 AufenthG"
    assert befunde() == []  # chain and both checkpoints (before and after) verify
    # Idempotent: nothing left, nothing written.
    wieder = protokoll_pseudonymisieren(akte_id=akte.id)
    assert (wieder.eintrag_id, wieder.anzahl, wieder.pseudonym) == (None, 0, ergebnis.pseudonym)


def _verweigert(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def test_the_trigger_allows_only_the_pseudonymisation_shape(akte_mit_spuren, sachbearbeitung):
    akte, eintraege, andere = akte_mit_spuren
    ergebnis = protokoll_pseudonymisieren(akte_id=akte.id, user=sachbearbeitung)
    p = ergebnis.pseudonym
    update = "UPDATE dms_protokolleintrag SET aktenzeichen = %s, details = '{}'::jsonb, personenbezug_salz = '', "
    # The same shape on another file's entry, but naming the wrong pseudonym or no record at all: refused.
    _verweigert(update + "pseudonymisiert_durch = %s WHERE id = %s", ["PS-FALSCH", ergebnis.eintrag_id, andere.id])
    _verweigert(update + "pseudonymisiert_durch = %s WHERE id = %s", [p, andere.id - 1, andere.id])
    # Anything beyond the personal part, or un-pseudonymising, or changing the record itself: refused.
    _verweigert(
        update + "pseudonymisiert_durch = %s, benutzername = 'x' WHERE id = %s", [p, ergebnis.eintrag_id, andere.id]
    )
    _verweigert("UPDATE dms_protokolleintrag SET pseudonymisiert_durch = NULL WHERE id = %s", [eintraege[0].id])
    _verweigert("UPDATE dms_protokolleintrag SET details = '{\"x\": 1}'::jsonb WHERE id = %s", [andere.id])
    _verweigert("UPDATE dms_protokolleintrag SET details = '{}'::jsonb WHERE id = %s", [ergebnis.eintrag_id])
    _verweigert("DELETE FROM dms_protokolleintrag WHERE id = %s", [eintraege[0].id])
    assert befunde() == []


def test_an_unvouched_pseudonymisation_is_detected(akte_mit_spuren, sachbearbeitung):
    """The owner (trigger off) erases another entry's details and points it at a genuine record: caught."""
    akte, _, andere = akte_mit_spuren
    ergebnis = protokoll_pseudonymisieren(akte_id=akte.id, user=sachbearbeitung)
    als_eigentuemer(
        "UPDATE dms_protokolleintrag SET aktenzeichen = %s, details = '{}'::jsonb, personenbezug_salz = '', "
        "pseudonymisiert_durch = %s WHERE id = %s",
        [ergebnis.pseudonym, ergebnis.eintrag_id, andere.id],
    )
    gefunden = befunde()
    assert [b.eintrag_id for b in gefunden] == [ergebnis.eintrag_id]
    assert "Pseudonymisierung passt nicht: 3 Einträge protokolliert, 4" in gefunden[0].grund


def test_erasing_details_without_a_record_is_detected(akte_mit_spuren):
    _, _, andere = akte_mit_spuren
    als_eigentuemer(
        "UPDATE dms_protokolleintrag SET details = '{}'::jsonb, personenbezug_salz = '', pseudonymisiert_durch = %s "
        "WHERE id = %s",
        [andere.id + 1000, andere.id],
    )
    assert [(b.eintrag_id, b.grund.split(":")[0]) for b in befunde()] == [(andere.id, "pseudonymisiert ohne Nachweis")]


def test_a_pseudonymised_entry_altered_later_is_detected(akte_mit_spuren, sachbearbeitung):
    akte, eintraege, _ = akte_mit_spuren
    ergebnis = protokoll_pseudonymisieren(akte_id=akte.id, user=sachbearbeitung)
    als_eigentuemer("UPDATE dms_protokolleintrag SET aktenzeichen = 'OF-2026-999999' WHERE id = %s", [eintraege[1].id])
    # The entry first; its record then no longer adds up either.
    assert [b.eintrag_id for b in befunde()] == [eintraege[1].id, ergebnis.eintrag_id]

"""Tampering by whoever owns the audit table is detected: the attack that worked before, and its relatives.

The attack (issue 10, item 11): with the trigger disabled, delete one entry, change another, recompute every hash
with the project's own function. That passed `protokoll_pruefen` before; now the hash is an HMAC with a key the
database never holds, so recomputing without it is detected, and checkpoints outside the database catch what a
consistent chain cannot show (its newest entries removed, a chain replaced).
"""

from __future__ import annotations

import importlib
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from dms.audit import Aktion, protokollieren
from dms.models import Protokolleintrag
from dms.protokoll.anker import verankern
from dms.protokoll.kette import GENESIS_HASH, eintrag_hash, personenbezug_digest

from .conftest import als_eigentuemer, befunde

pytestmark = pytest.mark.django_db

_alter_hash = importlib.import_module("dms.migrations.0008_protokoll_schluesselkette")._alter_hash


def _ohne_schluessel_neu_berechnen(kette: int, art: str) -> None:
    """The attacker re-links and re-hashes the whole chain with the project's code, but without the HMAC key:
    `art="alt"` the old unkeyed SHA-256 function, `art="geraten"` today's function with a guessed key."""
    vorheriger = GENESIS_HASH
    for nummer, e in enumerate(Protokolleintrag.objects.filter(kette=kette).order_by("nummer"), start=1):
        e.nummer, e.vorheriger_hash = nummer, vorheriger
        e.personenbezug_digest = personenbezug_digest(e.personenbezug_salz, e.aktenzeichen, e.details)
        if art == "alt":
            e.hash = _alter_hash(e, vorheriger)
        else:
            e.hash = eintrag_hash(e, settings.EXAMPLE_AUDIT_HMAC_KEYS.partition(":")[2].encode())
        als_eigentuemer(
            "UPDATE dms_protokolleintrag SET nummer = %s, vorheriger_hash = %s, personenbezug_digest = %s, hash = %s "
            "WHERE id = %s",
            [e.nummer, e.vorheriger_hash, e.personenbezug_digest, e.hash, e.id],
        )
        vorheriger = e.hash


def _pruefen() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("protokoll_pruefen", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("art", ["alt", "geraten"])
def test_the_reported_attack_delete_change_and_rehash_is_detected(eintraege, art):
    of = eintraege["OF"]
    assert _pruefen()[0] == 0
    als_eigentuemer("DELETE FROM dms_protokolleintrag WHERE id = %s", [of[1].id])
    als_eigentuemer("UPDATE dms_protokolleintrag SET benutzername = 'jemand_anders' WHERE id = %s", [of[3].id])
    _ohne_schluessel_neu_berechnen(of[0].kette, art)

    code, _, meldung = _pruefen()

    assert code == 1
    assert "Protokoll NICHT in Ordnung" in meldung
    # The first bad entry is named first: the chain's first entry, re-hashed without the key.
    assert meldung.startswith(f"Eintrag {of[0].id}: Inhalt verändert")
    ids = {b.eintrag_id for b in befunde()}
    assert {of[0].id, of[2].id, of[3].id, of[4].id} <= ids
    assert not ids & {e.id for e in eintraege["HP"]}  # the other authority's chain is untouched and says so


def test_an_altered_entry_is_named_even_with_a_recomputed_digest(eintraege):
    opfer = eintraege["OF"][2]
    opfer.details = {"n": 2, "grund": "geschönt"}
    digest = personenbezug_digest(opfer.personenbezug_salz, opfer.aktenzeichen, opfer.details)
    als_eigentuemer(
        "UPDATE dms_protokolleintrag SET details = %s::jsonb, personenbezug_digest = %s WHERE id = %s",
        ['{"n": 2, "grund": "geschönt"}', digest, opfer.id],
    )
    assert [(b.eintrag_id, b.grund.split(":")[0]) for b in befunde()] == [(opfer.id, "Inhalt verändert")]


def test_a_removed_entry_in_the_middle_is_named(eintraege):
    of = eintraege["OF"]
    als_eigentuemer("DELETE FROM dms_protokolleintrag WHERE id = %s", [of[2].id])
    gefunden = befunde()
    assert len(gefunden) == 1
    assert gefunden[0].eintrag_id == of[2].id and "Eintrag entfernt: Nr. 3 fehlt" in gefunden[0].grund


def test_deleting_the_newest_entries_is_detected_against_the_checkpoint(eintraege):
    of = eintraege["OF"]
    verankern()
    assert befunde() == []
    als_eigentuemer("DELETE FROM dms_protokolleintrag WHERE id IN (%s, %s)", [of[3].id, of[4].id])
    # The remaining chain is consistent in itself; only the checkpoint outside the database shows the loss.
    gefunden = befunde()
    assert len(gefunden) == 1
    assert "neueste Einträge entfernt: Nr. 4 bis 5 fehlen" in gefunden[0].grund
    assert f"bis Eintrag {of[4].id}" in gefunden[0].grund and gefunden[0].kette == of[0].kette
    code, _, meldung = _pruefen()
    assert code == 1 and "neueste Einträge entfernt" in meldung


def test_deleting_the_single_newest_entry_names_it(eintraege):
    hp = eintraege["HP"]
    verankern()
    als_eigentuemer("DELETE FROM dms_protokolleintrag WHERE id = %s", [hp[-1].id])
    assert [b.eintrag_id for b in befunde()] == [hp[-1].id]


def test_entries_written_after_the_checkpoint_are_fine(eintraege, sachbearbeitung):
    verankern()
    protokollieren(aktion=Aktion.ANMELDUNG, user=sachbearbeitung)
    assert befunde() == []


def test_a_forged_entry_appended_or_inserted_is_detected(eintraege):
    of = eintraege["OF"]
    letzter = of[-1]
    # Appended at the head, linked correctly, but hashed without the key.
    als_eigentuemer(
        "INSERT INTO dms_protokolleintrag (zeitpunkt, benutzername, behoerde_id_wert, aktion, objekt_typ, objekt_id, "
        "aktenzeichen, details, kette, nummer, vorheriger_hash, hash, schluessel_id, personenbezug_digest, "
        "personenbezug_salz) SELECT zeitpunkt, 'chefin', behoerde_id_wert, 'lesen', '', '', '', '{}'::jsonb, kette, "
        "nummer + 1, hash, %s, schluessel_id, personenbezug_digest, personenbezug_salz "
        "FROM dms_protokolleintrag WHERE id = %s",
        ["ab" * 32, letzter.id],
    )
    gefaelscht = Protokolleintrag.objects.get(kette=letzter.kette, nummer=letzter.nummer + 1)
    assert [b.eintrag_id for b in befunde()] == [gefaelscht.id]


def test_reordering_two_entries_is_detected(eintraege):
    a, b = eintraege["OF"][1], eintraege["OF"][2]
    als_eigentuemer("UPDATE dms_protokolleintrag SET nummer = -1 WHERE id = %s", [a.id])
    als_eigentuemer("UPDATE dms_protokolleintrag SET nummer = %s WHERE id = %s", [a.nummer, b.id])
    als_eigentuemer("UPDATE dms_protokolleintrag SET nummer = %s WHERE id = %s", [b.nummer, a.id])
    ids = {x.eintrag_id for x in befunde()}
    assert {a.id, b.id} <= ids


def test_swapping_two_authorities_chains_is_detected(eintraege):
    of, hp = eintraege["OF"][0].kette, eintraege["HP"][0].kette
    als_eigentuemer(
        "UPDATE dms_protokolleintrag SET kette = CASE kette WHEN %s THEN -7 ELSE %s END WHERE kette IN (%s, %s)",
        [of, of, of, hp],
    )
    als_eigentuemer("UPDATE dms_protokolleintrag SET kette = %s WHERE kette = -7", [hp])
    gefunden = befunde()
    assert {b.eintrag_id for b in gefunden} == {e.id for e in eintraege["OF"] + eintraege["HP"]}
    assert all("HMAC" in b.grund for b in gefunden)


def test_replacing_a_chain_by_an_older_state_is_detected_against_the_checkpoint(eintraege):
    """A restored old copy of a chain is consistent and correctly keyed; only the checkpoint shows it is old."""
    hp = eintraege["HP"]
    verankern()
    als_eigentuemer("DELETE FROM dms_protokolleintrag WHERE kette = %s", [hp[0].kette])
    gefunden = befunde()
    assert len(gefunden) == 1 and "ganze Kette entfernt" in gefunden[0].grund


def test_a_truncated_trail_is_detected_against_the_checkpoint(eintraege):
    verankern()
    als_eigentuemer("DELETE FROM dms_protokolleintrag")
    gefunden = befunde()
    assert len(gefunden) == 2 and all("ganze Kette entfernt" in b.grund for b in gefunden)


def test_an_entry_with_an_unknown_key_is_named(eintraege):
    opfer = eintraege["HP"][1]
    als_eigentuemer("UPDATE dms_protokolleintrag SET schluessel_id = 'fremd' WHERE id = %s", [opfer.id])
    gefunden = befunde()
    assert [b.eintrag_id for b in gefunden] == [opfer.id] and "unbekannter Schlüssel" in gefunden[0].grund

"""The confidence rule (pure) and candidate loading (SQL, own authority only)."""

from __future__ import annotations

from datetime import date

import pytest

from scanning.merkmale import merkmale_finden
from scanning.zuordnung import Kandidat, bewerten, kandidaten_laden
from tests import factories as f


def _k(akte_id, az, name, geb=date(1990, 2, 1), azr=None, varianten=()):
    return Kandidat(akte_id, az, (), akte_id * 10, name.capitalize(), (name, *varianten), geb, azr)


OEZ = _k(1, "OF-2026-000123", "oeztuerk", azr="123456789012")
OEZ2 = _k(2, "OF-2026-000124", "oeztuerk", geb=date(1991, 5, 5))
MUE = _k(3, "OF-2026-000125", "mueller", geb=date(1985, 7, 3), azr="999988887777", varianten=("mueler",))


@pytest.mark.parametrize(
    ("text", "kandidaten", "akte", "grund"),
    [
        ("Name: Ayse Öztürk\nAz.: OF-2026-000123", [OEZ], 1, "Aktenzeichen OF-2026-000123"),
        ("Az.: OF-2026-000123", [OEZ], 1, "Aktenzeichen"),  # nobody named: the number alone decides
        ("Name: Hans Meier\nAz.: OF-2026-000123", [OEZ], None, "Aktenzeichen"),  # name disagrees
        ("Herr Oeztuerk, AZR 1234 5678 9012", [OEZ], 1, "AZR-Nummer 1234… auf Seite 1"),
        ("Name: Öztürk, geb. 01.02.1990", [OEZ, OEZ2], 1, "Name und Geburtsdatum"),
        ("Name: Öztürk", [OEZ, OEZ2], None, "Name"),  # two persons of that name: a person decides
        ("Name: Müller geb. 3. Juli 1985 Az.: OF-2026-000123", [OEZ, MUE], None, ""),  # identifiers disagree
        ("Sehr geehrte Damen und Herren", [], None, ""),
    ],
)
def test_bewerten(text, kandidaten, akte, grund):
    m = merkmale_finden(text, "OF", date(2026, 3, 1))
    e = bewerten(m, text, kandidaten, {"123456789012": 1})
    assert e.akte_id == akte
    if grund:
        assert grund in e.vorschlaege[0].als_json()["grund"]
    if akte is None:
        assert all(v.konfidenz < 0.9 for v in e.vorschlaege)


def test_cover_sheet_code_wins_and_names_the_vorgang():
    m = merkmale_finden("irgendein Text", "OF")
    m.deckblatt = "OF-2026-000123/2"
    e = bewerten(m, "irgendein Text", [OEZ], {})
    assert e.akte_id == 1 and e.vorgang_aktenzeichen == "OF-2026-000123/2"


@pytest.mark.django_db
def test_candidates_only_from_own_authority():
    eigene = f.AkteFactory(person=f.PersonFactory(familienname="Schneider", azr_nummer="111122223333"))
    fremde = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP"), familienname="Schneider",
                                                  azr_nummer="444455556666"))  # fmt: skip
    text = f"Herr Schneider, AZR 444455556666, Az. {fremde.aktenzeichen}, {eigene.aktenzeichen}"
    m = merkmale_finden(text, "OF")
    ids = {k.akte_id for k in kandidaten_laden(f.behoerde("OF").pk, m, text)}
    assert eigene.pk in ids and fremde.pk not in ids


@pytest.mark.django_db
def test_restricted_file_is_never_suggested_nor_filed_automatically():
    person = f.PersonFactory(familienname="Gesperrtmann", geburtsdatum=date(1980, 4, 5), azr_nummer="777766665555")
    akte = f.AkteFactory(person=person, gesperrt_=True)
    text = f"Herr Gesperrtmann, geb. 05.04.1980, AZR 777766665555, Az. {akte.aktenzeichen}"
    m = merkmale_finden(text, "OF")
    kandidaten = kandidaten_laden(f.behoerde("OF").pk, m, text)
    assert akte.pk not in {k.akte_id for k in kandidaten}
    e = bewerten(m, text, kandidaten, {"777766665555": 1})
    assert e.akte_id is None
    assert all(akte.aktenzeichen not in str(v.als_json()) for v in e.vorschlaege)
    # Control: the same letter files automatically once the file is no longer restricted.
    type(akte).objects.filter(pk=akte.pk).update(gesperrt=False)
    kandidaten = kandidaten_laden(f.behoerde("OF").pk, m, text)
    assert bewerten(m, text, kandidaten, {"777766665555": 1}).akte_id == akte.pk


@pytest.mark.parametrize(
    ("familienname", "text", "gefunden"),
    [
        ("Müller", "Sehr geehrter Herr Mueller, geb. 03.07.1985", True),
        ("Müller", "Sehr geehrter Herr Müller, geb. 03.07.1985", True),
        ("Öztürk", "Frau Oeztuerk, geb. 03.07.1985", True),
        ("Müller", "Sehr geehrter Herr Schmidt, geb. 03.07.1985", False),
    ],
)
def test_candidate_without_stored_name_keys_falls_back_to_normalised_surname(familienname, text, gefunden):
    from dms.models import Akte, Person
    from dms.namen import name_normalisieren
    from scanning.zuordnung import _kandidat

    person = Person(pk=7, familienname=familienname, geburtsdatum=date(1985, 7, 3), namen_normalisiert=[])
    k = _kandidat(Akte(pk=3, aktenzeichen="OF-2026-000900", person=person))
    assert k.namen == (name_normalisieren(familienname),)
    e = bewerten(merkmale_finden(text, "OF"), text, [k], {})
    assert (e.akte_id == 3) is gefunden

"""Walk-ins and corrections without the admin: person and file from the desk, duplicates first; corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from dms.models import Akte, Person, Protokolleintrag
from tests import factories as f

from .conftest import client_fuer

pytestmark = pytest.mark.django_db

NEU = {"familienname": "Kaya", "vornamen": "Elif", "geburtsdatum": "1991-04-02", "geschlecht": "w"}


def test_walk_in_gets_person_and_file_with_team_and_caseworker(amt):
    c = client_fuer(amt.anna)
    assert "Vorsprache" in c.get("/").content.decode()
    r = c.post("/vorsprache/", {**NEU, "namensvarianten": "Kaja", "staatsangehoerigkeiten": "türkisch"})
    assert r.status_code == 302, r.content.decode()[:2000]
    akte = Akte.objects.get(person__familienname="Kaya")
    assert r["Location"] == f"/akten/{akte.pk}/"
    assert akte.sachbearbeitung == amt.anna and akte.team is not None and akte.aktenzeichen.startswith("OF-")
    assert akte.person.namensvarianten == ["Kaja"] and akte.person.staatsangehoerigkeiten == ["türkisch"]


@pytest.mark.parametrize(
    "eingabe",
    [
        {"familienname": "Kaja", "geburtsdatum": "1991-04-02"},  # a name variant, same date of birth
        {"familienname": "Anders", "azr_nummer": "123456789099"},  # same AZR-Nummer
        {"familienname": "Kaya"},  # no date of birth given: every Kaya
    ],
)
def test_duplicate_check_says_so_before_creating(amt, eingabe):
    p = f.PersonFactory(
        familienname="Kaya",
        namensvarianten=["Kaja"],
        namen_normalisiert=["kaya", "kaja"],
        azr_nummer="123456789099",
        geburtsdatum=dt.date(1991, 4, 2),
    )
    f.AkteFactory(person=p)
    c = client_fuer(amt.anna)
    vorher = Person.objects.count()
    r = c.post("/vorsprache/", {"geschlecht": "x", **eingabe})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Es gibt bereits 1 passende Person" in html and "Trotzdem neu anlegen" in html
    assert Person.objects.count() == vorher


def test_duplicate_check_hides_other_authorities_and_restricted_files(amt):
    hp = f.PersonFactory(behoerde=f.behoerde("HP"), familienname="Kaya", namen_normalisiert=["kaya"])
    f.AkteFactory(person=hp)
    gesperrt = f.PersonFactory(familienname="Kaya", namen_normalisiert=["kaya"])
    f.AkteFactory(person=gesperrt, gesperrt=True)
    r = client_fuer(amt.anna).post("/vorsprache/", {"familienname": "Kaya", "geschlecht": "x"})
    assert r.status_code == 302  # nothing she may see matches: created at once


def test_create_anyway_and_file_for_known_person_without_file(amt):
    ohne = f.PersonFactory(familienname="Kaya", namen_normalisiert=["kaya"], geburtsdatum=None)
    c = client_fuer(amt.anna)
    r = c.post("/vorsprache/", {"familienname": "Kaya", "geschlecht": "x"})
    assert "Akte für diese Person anlegen" in r.content.decode()
    r = c.post(f"/personen/{ohne.pk}/akte-anlegen/")
    assert Akte.objects.filter(person=ohne, sachbearbeitung=amt.anna).exists()
    r = c.post("/vorsprache/", {"familienname": "Kaya", "geschlecht": "x", "trotzdem": "1"})
    assert r.status_code == 302 and Person.objects.filter(familienname="Kaya").count() == 2


def test_correct_name_keeps_old_spelling_history_and_optimistic_lock(amt):
    person = amt.akte.person
    c = client_fuer(amt.anna)
    seite = c.get(f"/personen/{person.pk}/bearbeiten/")
    assert seite.status_code == 200
    daten = {k: v for k, v in seite.context["form"].initial.items() if v is not None}
    alt = person.familienname
    r = c.post(f"/personen/{person.pk}/bearbeiten/", {**daten, "familienname": "Yilmaz-Korrigiert"})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.familienname == "Yilmaz-Korrigiert" and alt in person.namensvarianten and person.version == 2
    assert Protokolleintrag.objects.filter(
        akte_id_wert=amt.akte.pk, details__felder__contains=["Person: familienname"]
    ).exists()
    assert "Person: familienname" in c.get(f"/akten/{amt.akte.pk}/").content.decode()
    # a colleague still holding version 1 gets a conflict, nothing overwritten
    r = client_fuer(amt.bernd).post(f"/personen/{person.pk}/bearbeiten/", {**daten, "vornamen": "Anders"})
    assert r.status_code == 409 and "zwischenzeitlich" in r.content.decode()
    person.refresh_from_db()
    assert person.vornamen != "Anders"


def test_correction_refused_for_other_authority_404(amt):
    assert client_fuer(amt.fremd).get(f"/personen/{amt.akte.person_id}/bearbeiten/").status_code == 404

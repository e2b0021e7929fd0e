"""Issue 10, items 1 and 3: a restriction (Sperrvermerk) wins over every kind of grant, and nothing that names
another object (suggestions, links) shows one the reader may not see.

The route walk (`test_zugriffsmatrix.py`) covers page, API, download, search, counts and suggestions with a personal
and an authority-wide inspection grant on the restricted file (`conftest.eigene_daten`); these tests cover the
services, substitutes and the Posteingang API.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from dms.access import zugang_vergessen
from dms.models import Akte, Akteneinsicht, Dokument, Person, Rolle, Vertretung, Vorgang
from dms.services import berechtigungen as b
from scanning.models import Posteingang
from tests import factories as f

from .conftest import benutzer

pytestmark = pytest.mark.django_db


def _sieht(user, akte) -> bool:
    zugang_vergessen(user)
    return Akte.objects.visible_to(user).filter(pk=akte.pk).exists()


def _sieht_irgendwas(user, akte) -> bool:
    zugang_vergessen(user)
    return (
        Akte.objects.visible_to(user).filter(pk=akte.pk).exists()
        or Vorgang.objects.visible_to(user).filter(akte=akte).exists()
        or Dokument.objects.visible_to(user).filter(akte=akte).exists()
        or Person.objects.visible_to(user).filter(pk=akte.person_id).exists()
    )


def test_restriction_wins_over_personal_authority_and_substitute_grants(team, leitung):
    """Grants given while the file was open stop counting the moment it is restricted; the named keep it."""
    benannt = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    kollegin = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    vertretung_kollegin = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    vertretung_benannt = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    andere_behoerde = benutzer("HP", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(person__behoerde=f.behoerde("OF"), sachbearbeitung=benannt)
    f.VorgangFactory(akte=akte)
    bis = timezone.now() + dt.timedelta(days=10)
    b.akteneinsicht_erteilen(akte=akte, user=benannt, person=kollegin, bis=bis, grund="Vertretung im Urlaub")
    b.akteneinsicht_erteilen(akte=akte, user=benannt, behoerde=f.behoerde("HP"), bis=bis, grund="Zuzug")
    for vertreten, vertretung in ((kollegin, vertretung_kollegin), (benannt, vertretung_benannt)):
        Vertretung.objects.create(
            vertretene_person=vertreten,
            vertretung=vertretung,
            von=timezone.localdate(),
            bis=timezone.localdate() + dt.timedelta(days=3),
            angelegt_von=leitung,
        )
    assert _sieht(kollegin, akte) and _sieht(andere_behoerde, akte) and _sieht(vertretung_kollegin, akte)

    b.sperrvermerk_setzen(akte=akte, user=leitung)  # names the actor and the responsible caseworker

    for niemand in (kollegin, andere_behoerde, vertretung_kollegin):
        assert not _sieht_irgendwas(niemand, akte), niemand.username
    # The Sperrvermerk rules: the named and whoever stands in for a named colleague.
    assert _sieht(benannt, akte) and _sieht(leitung, akte) and _sieht(vertretung_benannt, akte)
    # Lifting the restriction gives the untouched grants back.
    b.sperrvermerk_aufheben(akte=akte, user=leitung)
    assert _sieht(kollegin, akte) and _sieht(andere_behoerde, akte)


def test_granting_inspection_of_a_restricted_file_to_someone_unnamed_is_refused(team, leitung):
    benannt = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    kollegin = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akte = f.AkteFactory(person__behoerde=f.behoerde("OF"), sachbearbeitung=benannt)
    b.sperrvermerk_setzen(akte=akte, user=leitung)
    bis = timezone.now() + dt.timedelta(days=10)

    with pytest.raises(ValidationError) as exc:
        b.akteneinsicht_erteilen(akte=akte, user=benannt, person=kollegin, bis=bis, grund="Urlaub")
    assert "Sperrvermerk" in exc.value.message_dict["person"][0]
    with pytest.raises(ValidationError) as exc:
        b.akteneinsicht_erteilen(akte=akte, user=benannt, behoerde=f.behoerde("HP"), bis=bis, grund="Zuzug")
    assert "Sperrvermerk" in exc.value.message_dict["behoerde"][0]

    # The page the attack used: a German message, no grant, the colleague still sees nothing.
    client = Client()
    client.force_login(benannt)
    r = client.post(
        f"/sicherheit/akten/{akte.pk}/einsichten/",
        {"person": kollegin.username, "bis": (timezone.localdate() + dt.timedelta(days=5)).isoformat(), "grund": "x"},
    )
    assert r.status_code == 200
    assert "Diese Akte trägt einen Sperrvermerk" in r.content.decode()
    assert not Akteneinsicht.objects.filter(akte=akte).exists()
    assert not _sieht(kollegin, akte)
    assert client.get(f"/akten/{akte.pk}/").status_code == 200  # the named caseworker keeps her file

    # Someone named may be given inspection (it changes nothing, but is not an error).
    b.freigabe_erteilen(akte=akte, person=kollegin, user=leitung)
    b.akteneinsicht_erteilen(akte=akte, user=benannt, person=kollegin, bis=bis, grund="Urlaub")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_posteingang_api_hides_suggestions_and_links_the_reader_may_not_see(team, leitung):
    """A suggestion stored before the file was restricted must vanish from the API as it does from the page."""
    poststelle = benutzer("OF", Rolle.POSTSTELLE, team=team)
    offen = f.AkteFactory(person__behoerde=f.behoerde("OF"))
    spaeter_gesperrt = f.AkteFactory(person__behoerde=f.behoerde("OF"))
    fremd = f.AkteFactory(person__behoerde=f.behoerde("HP"))
    behoerde = f.behoerde("OF")

    def eintrag(**kwargs):
        return Posteingang.objects.create(
            behoerde=behoerde,
            original=ContentFile(PDF, name="scan.pdf"),
            dateiname="scan.pdf",
            sha256="0" * 64,
            status=Posteingang.Status.ZU_PRUEFEN,
            **kwargs,
        )

    vorschlag = {"grund": "Name und Geburtsdatum", "konfidenz": 0.7}
    # A duplicate of an item filed into the restricted file: that item is hidden, so is the link to it.
    verborgen = eintrag(akte=spaeter_gesperrt)
    p = eintrag(
        vorschlaege=[
            {**vorschlag, "akte": spaeter_gesperrt.pk, "aktenzeichen": spaeter_gesperrt.aktenzeichen},
            {**vorschlag, "akte": offen.pk, "aktenzeichen": offen.aktenzeichen},
            {**vorschlag, "akte": fremd.pk, "aktenzeichen": fremd.aktenzeichen},
            {**vorschlag, "akte": "²"},
        ],
        duplikat_von=verborgen,
    )
    b.sperrvermerk_setzen(akte=spaeter_gesperrt, user=leitung)

    client = APIClient()
    client.force_authenticate(poststelle)
    detail = client.get(f"/api/v1/posteingang/{p.pk}/").json()
    liste = next(e for e in client.get("/api/v1/posteingang/").json()["results"] if e["id"] == p.pk)
    for daten in (detail, liste):
        assert [v["akte"] for v in daten["vorschlaege"]] == [offen.pk]
        assert spaeter_gesperrt.aktenzeichen not in str(daten)
        assert fremd.aktenzeichen not in str(daten)
        assert daten["duplikat_von"] is None
    # The named team lead sees the suggestion and the link.
    client.force_authenticate(leitung)
    zugang_vergessen(leitung)
    daten = client.get(f"/api/v1/posteingang/{p.pk}/").json()
    assert [v["akte"] for v in daten["vorschlaege"]] == [spaeter_gesperrt.pk, offen.pk]
    assert daten["duplikat_von"] == verborgen.pk


def test_a_person_hidden_by_a_restricted_file_cannot_be_named_in_a_new_file(team, leitung):
    """Same class as item 3, on the write side: the API must not accept (and then show) a hidden person."""
    kollegin = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akte = f.AkteFactory(person__behoerde=f.behoerde("OF"))
    b.sperrvermerk_setzen(akte=akte, user=leitung)
    client = APIClient()
    client.force_authenticate(kollegin)
    r = client.post("/api/v1/akten/", {"person": akte.person_id}, format="json")
    assert r.status_code == 400, r.content
    assert akte.person.familienname not in r.content.decode()
    assert Akte.objects.filter(person=akte.person).count() == 1

"""Restrictions, named releases, inspection grants and substitutes: services, visibility, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dms.access import zugang_vergessen
from dms.audit import Aktion
from dms.models import Akte, AkteFreigabe, Protokolleintrag, Rolle
from dms.services import berechtigungen as b
from tests import factories as f

from .conftest import benutzer

pytestmark = pytest.mark.django_db


def _sieht(user, akte) -> bool:
    zugang_vergessen(user)
    return Akte.objects.visible_to(user).filter(pk=akte.pk).exists()


@pytest.fixture
def sb(team):
    return benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)


def test_restriction_hides_the_file_from_all_but_named_users(leitung, sb):
    kollegin = benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(sachbearbeitung=sb)
    assert _sieht(kollegin, akte)
    b.sperrvermerk_setzen(akte=akte, user=leitung)
    assert Akte.objects.get(pk=akte.pk).gesperrt
    assert not _sieht(kollegin, akte)
    # The one who set it and the responsible caseworker stay named.
    assert _sieht(leitung, akte) and _sieht(sb, akte)
    assert b.freigabe_erteilen(akte=akte, person=kollegin, user=leitung) is True
    assert AkteFreigabe.objects.filter(content_object=akte, user=kollegin).exists()
    assert _sieht(kollegin, akte)
    assert kollegin.has_perm("dms.view_gesperrte_akte", akte)
    b.freigabe_entziehen(akte=akte, person=kollegin, user=leitung)
    assert not _sieht(kollegin, akte)
    b.sperrvermerk_aufheben(akte=akte, user=leitung)
    assert _sieht(kollegin, akte)
    eintraege = Protokolleintrag.objects.filter(aktion=Aktion.BERECHTIGUNG, akte_id_wert=akte.pk)
    assert eintraege.count() == 4
    assert {e.details.get("sperrvermerk") or e.details.get("freigabe") for e in eintraege} == {
        "gesetzt",
        "erteilt",
        "entzogen",
        "aufgehoben",
    }


def test_caseworker_may_not_restrict_nor_release(sb):
    akte = f.AkteFactory(sachbearbeitung=sb)
    with pytest.raises(PermissionDenied):
        b.sperrvermerk_setzen(akte=akte, user=sb)
    with pytest.raises(PermissionDenied):
        b.freigabe_erteilen(akte=akte, person=sb, user=sb)
    assert not Akte.objects.get(pk=akte.pk).gesperrt


def test_release_only_for_colleagues_and_own_files(leitung):
    fremde_akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    with pytest.raises(PermissionDenied):
        b.sperrvermerk_setzen(akte=fremde_akte, user=leitung)
    akte = f.AkteFactory()
    fremder = benutzer("HP", Rolle.SACHBEARBEITUNG)
    with pytest.raises(ValidationError):
        b.freigabe_erteilen(akte=akte, person=fremder, user=leitung)


def test_inspection_grant_to_authority_and_user_ends_and_can_be_revoked(sb):
    akte = f.AkteFactory(sachbearbeitung=sb)
    hp = benutzer("HP", Rolle.SACHBEARBEITUNG)
    da = benutzer("DADI", Rolle.SACHBEARBEITUNG)
    assert not _sieht(hp, akte)
    bis = timezone.now() + dt.timedelta(days=2)
    e1 = b.akteneinsicht_erteilen(akte=akte, user=sb, behoerde=f.behoerde("HP"), bis=bis, grund="Zuzug")
    assert _sieht(hp, akte) and not _sieht(da, akte)
    e2 = b.akteneinsicht_erteilen(akte=akte, user=sb, person=da, bis=timezone.localdate(), grund="Anfrage")
    assert _sieht(da, akte)
    b.akteneinsicht_widerrufen(einsicht=e1, user=sb)
    assert not _sieht(hp, akte)
    # A grant ends by itself: move its end into the past.
    type(e2).objects.filter(pk=e2.pk).update(bis=timezone.now() - dt.timedelta(seconds=1))
    assert not _sieht(da, akte)
    # Inspection never allows changes.
    zugang_vergessen(hp)
    b.akteneinsicht_erteilen(akte=akte, user=sb, behoerde=f.behoerde("HP"), bis=bis, grund="erneut")
    assert not Akte.objects.changeable_by(hp).filter(pk=akte.pk).exists()
    assert Protokolleintrag.objects.filter(aktion=Aktion.BERECHTIGUNG, akte_id_wert=akte.pk).count() == 4


@pytest.mark.parametrize(
    ("kwargs", "feld"),
    [
        ({"bis": "gestern"}, "bis"),
        ({"bis": "zu_lang"}, "bis"),
        ({"grund": "  "}, "grund"),
        ({"behoerde": "eigene"}, "behoerde"),
        ({"behoerde": None}, "behoerde"),
    ],
)
def test_inspection_grant_refuses_bad_input_with_a_field(sb, kwargs, feld):
    akte = f.AkteFactory(sachbearbeitung=sb)
    werte = {"bis": timezone.now() + dt.timedelta(days=1), "grund": "Zuzug", "behoerde": f.behoerde("HP")}
    werte.update(kwargs)
    if werte["bis"] == "gestern":
        werte["bis"] = timezone.now() - dt.timedelta(days=1)
    if werte["bis"] == "zu_lang":
        werte["bis"] = timezone.now() + dt.timedelta(days=800)
    if werte["behoerde"] == "eigene":
        werte["behoerde"] = f.behoerde("OF")
    with pytest.raises(ValidationError) as exc:
        b.akteneinsicht_erteilen(akte=akte, user=sb, **werte)
    assert feld in exc.value.message_dict


def test_substitute_sees_absent_colleagues_restricted_file_and_acts_on_her_behalf(leitung, sb, team):
    from dms.audit import protokollieren

    vertretung = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akte = f.AkteFactory(sachbearbeitung=sb, gesperrt=True)
    b.freigabe_erteilen(akte=akte, person=sb, user=leitung)
    assert not _sieht(vertretung, akte)
    heute = timezone.localdate()
    v = b.vertretung_anlegen(abwesend=sb, vertretung=vertretung, von=heute, bis=heute, user=leitung)
    assert _sieht(vertretung, akte)
    eintrag = protokollieren(aktion=Aktion.LESEN, user=vertretung, objekt=akte)
    assert eintrag.im_auftrag_von_id == sb.pk
    # The same for an object hanging off the file (document), found through its `akte`.
    dok = f.DokumentFactory(akte=akte)
    assert protokollieren(aktion=Aktion.LESEN, user=vertretung, objekt=dok).im_auftrag_von_id == sb.pk
    # Not on behalf of anyone for a file that is not the absent colleague's.
    andere = f.AkteFactory()
    assert protokollieren(aktion=Aktion.LESEN, user=vertretung, objekt=andere).im_auftrag_von_id is None
    b.vertretung_beenden(vertretung=v, user=leitung)
    assert not _sieht(vertretung, akte)
    zugang_vergessen(vertretung)
    assert protokollieren(aktion=Aktion.LESEN, user=vertretung, objekt=andere).im_auftrag_von_id is None


def test_substitute_action_through_the_api_is_recorded_on_behalf(sb, team):
    from rest_framework.test import APIClient

    vertretung = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akte = f.AkteFactory(sachbearbeitung=sb)
    heute = timezone.localdate()
    b.vertretung_anlegen(abwesend=sb, vertretung=vertretung, von=heute, bis=heute + dt.timedelta(days=1), user=sb)
    client = APIClient()
    client.force_login(vertretung)
    assert client.get(f"/api/v1/akten/{akte.pk}/").status_code == 200
    r = client.patch(f"/api/v1/akten/{akte.pk}/", {"medium": "hybrid", "version": 1}, format="json")
    assert r.status_code == 200, r.content
    eintraege = Protokolleintrag.objects.filter(akte_id_wert=akte.pk, user=vertretung)
    assert {e.aktion for e in eintraege} == {Aktion.LESEN, Aktion.AENDERN}
    assert all(e.im_auftrag_von_id == sb.pk for e in eintraege)


def test_substitution_rules_follow_the_matrix(team, sb, leitung):
    heute = timezone.localdate()
    kollegin = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    anderes_team = benutzer("OF", Rolle.SACHBEARBEITUNG, team=f.TeamFactory(behoerde=f.behoerde("OF")))
    # A caseworker: only for herself.
    b.vertretung_anlegen(abwesend=sb, vertretung=kollegin, von=heute, bis=heute, user=sb)
    with pytest.raises(PermissionDenied):
        b.vertretung_anlegen(abwesend=kollegin, vertretung=sb, von=heute, bis=heute, user=sb)
    # A team lead: for her team, not for another team.
    b.vertretung_anlegen(abwesend=kollegin, vertretung=sb, von=heute, bis=heute, user=leitung)
    with pytest.raises(PermissionDenied):
        b.vertretung_anlegen(abwesend=anderes_team, vertretung=sb, von=heute, bis=heute, user=leitung)
    # Nobody across authorities, and only people who work with files substitute.
    fremd = benutzer("HP", Rolle.SACHBEARBEITUNG)
    with pytest.raises(ValidationError):
        b.vertretung_anlegen(abwesend=sb, vertretung=fremd, von=heute, bis=heute, user=sb)
    revision = benutzer("OF", Rolle.REVISION)
    with pytest.raises(ValidationError):
        b.vertretung_anlegen(abwesend=sb, vertretung=revision, von=heute, bis=heute, user=sb)
    with pytest.raises(ValidationError):
        b.vertretung_anlegen(abwesend=sb, vertretung=kollegin, von=heute, bis=heute - dt.timedelta(days=1), user=sb)


def test_caseworker_cannot_restrict_through_the_api(api, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    r = api.patch(f"/api/v1/akten/{akte.pk}/", {"gesperrt": True, "version": 1}, format="json")
    assert r.status_code == 400 and "gesperrt" in r.json()
    person = f.PersonFactory()
    r = api.post("/api/v1/akten/", {"person": person.pk, "gesperrt": "true"}, format="json")
    assert r.status_code == 400 and "gesperrt" in r.json()
    assert not Akte.objects.filter(gesperrt=True).exists()


def test_substitution_page_creates_and_ends_for_the_team(client, leitung, sb, team):
    from dms.models import Vertretung

    kollegin = benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    client.force_login(leitung)
    heute = timezone.localdate()
    r = client.post(
        "/sicherheit/vertretungen/",
        {"abwesend": sb.pk, "vertretung": kollegin.pk, "von": heute.isoformat(), "bis": heute.isoformat()},
    )
    assert r.status_code == 302, r.content.decode()[:500]
    v = Vertretung.objects.get(vertretene_person=sb)
    seite = client.get("/sicherheit/vertretungen/").content.decode()
    assert sb.username in seite and kollegin.username in seite
    assert client.post(f"/sicherheit/vertretungen/{v.pk}/beenden/").status_code == 302
    assert not Vertretung.objects.aktiv().filter(pk=v.pk).exists()
    # A caseworker reaches the page but may only name her own substitute.
    client.force_login(kollegin)
    r = client.post(
        "/sicherheit/vertretungen/",
        {"abwesend": sb.pk, "vertretung": kollegin.pk, "von": heute.isoformat(), "bis": heute.isoformat()},
    )
    assert r.status_code == 200 and "nur Ihre eigene" in r.content.decode()
    # Land and revision do not reach it at all.
    client.force_login(benutzer("OF", Rolle.LAND))
    assert client.get("/sicherheit/vertretungen/").status_code == 403


def test_restricted_file_handover_hidden_from_unnamed_colleagues(leitung, sb, client):
    """A hand-over record copies personal data; it must not leak a restricted file to unnamed colleagues."""
    from rest_framework.test import APIClient

    from dms.models import Aktenabgabe
    from dms.services import abgabe_anbieten

    kollegin = benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(sachbearbeitung=sb)
    b.sperrvermerk_setzen(akte=akte, user=leitung)
    abgabe = abgabe_anbieten(
        akte=Akte.objects.get(pk=akte.pk),
        ziel_behoerde=f.behoerde("HP"),
        user=sb,
        grund=Aktenabgabe.Grund.FORTZUG,
        neue_anschrift="Bahnhofstraße 1, 64646 Heppenheim",
    )

    def api_fuer(user) -> APIClient:
        zugang_vergessen(user)
        c = APIClient()
        c.force_authenticate(user)
        return c

    def liste(user) -> list:
        daten = api_fuer(user).get("/api/v1/abgaben/").json()
        return daten["results"] if isinstance(daten, dict) else daten

    assert [a["id"] for a in liste(sb)] == [abgabe.pk]
    assert liste(kollegin) == []
    assert api_fuer(kollegin).get(f"/api/v1/abgaben/{abgabe.pk}/").status_code == 404
    client.force_login(kollegin)
    zugang_vergessen(kollegin)
    seite = client.get("/abgaben/")
    assert seite.status_code == 200
    assert akte.person.familienname not in seite.content.decode()
    # The receiving authority still sees the pending offer, so it can decide.
    empfang = benutzer("HP", Rolle.SACHBEARBEITUNG)
    assert [a["id"] for a in liste(empfang)] == [abgabe.pk]
    assert api_fuer(empfang).get(f"/api/v1/abgaben/{abgabe.pk}/").status_code == 200
    # After acceptance only the named accepting caseworker still sees the record; her unnamed colleague does not.
    empfang_kollege = benutzer("HP", Rolle.SACHBEARBEITUNG)
    assert [a["id"] for a in liste(empfang_kollege)] == [abgabe.pk]
    assert api_fuer(empfang).post(f"/api/v1/abgaben/{abgabe.pk}/annehmen/", {}, format="json").status_code == 200
    assert [a["id"] for a in liste(empfang)] == [abgabe.pk]
    assert liste(empfang_kollege) == []
    assert api_fuer(empfang_kollege).get(f"/api/v1/abgaben/{abgabe.pk}/").status_code == 404
    assert liste(kollegin) == []

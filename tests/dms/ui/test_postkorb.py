"""The in-tray (Postkorb): routed items, substitutes, filing, creating person and file, forwarding, isolation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from dms.models import Akte, Dokument, Person, Rolle, Vertretung
from tests import factories as f

from .conftest import pdf_mit_text

pytestmark = pytest.mark.django_db


def _eingang(team=None, zugewiesen_an=None, vorschlaege=None, name="scan.pdf"):
    from scanning import services

    p = services.posteingang_annehmen(
        behoerde=f.behoerde("OF"), datei=io.BytesIO(pdf_mit_text("Ein Brief")), dateiname=name, einreihen=False
    )
    p = services.posteingang_zur_pruefung(posteingang_id=p.pk, vorschlaege=vorschlaege or [], team=team)
    if zugewiesen_an is not None:
        p = services.posteingang_weiterleiten(posteingang=p, user=zugewiesen_an, zugewiesen_an=zugewiesen_an)
    return p


def test_in_tray_shows_team_and_own_items_not_others(client_sb, team, sb, kollegin):
    anderes_team = f.TeamFactory(name="Team L–Z")
    _eingang(team=team, name="team.pdf")
    _eingang(team=team, zugewiesen_an=sb, name="mir.pdf")
    _eingang(team=team, zugewiesen_an=kollegin, name="kollegin.pdf")
    _eingang(team=anderes_team, name="fremdes-team.pdf")
    html = client_sb.get("/postkorb/").content.decode()
    assert "team.pdf" in html and "mir.pdf" in html
    assert "kollegin.pdf" not in html and "fremdes-team.pdf" not in html
    desk = client_sb.get("/").content.decode()
    assert "mir.pdf" in desk and 'aria-label="2 Eingänge"' in desk


def test_substitute_sees_absent_colleagues_in_tray(client_sb, sb, db):
    anderes_team = f.TeamFactory(name="Team L–Z")
    abwesend = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=anderes_team)
    _eingang(team=anderes_team, zugewiesen_an=abwesend, name="vertretung.pdf")
    assert "vertretung.pdf" not in client_sb.get("/postkorb/?fuer=vertretung").content.decode()
    heute = timezone.localdate()
    Vertretung.objects.create(
        vertretene_person=abwesend, vertretung=sb, von=heute, bis=heute + dt.timedelta(days=3), angelegt_von=abwesend
    )
    sb.refresh_from_db()  # drop the cached access facts
    from django.test import Client

    c = Client()
    c.force_login(sb)
    assert "vertretung.pdf" in c.get("/postkorb/?fuer=vertretung").content.decode()
    assert "vertretung.pdf" in c.get("/").content.decode()


def test_file_item_from_suggestion_into_chosen_register(client_sb, team, sb, akte):
    p = _eingang(
        team=team, vorschlaege=[{"akte": akte.pk, "aktenzeichen": akte.aktenzeichen, "grund": "AZR", "konfidenz": 0.8}]
    )
    html = client_sb.get(f"/postkorb/{p.pk}/").content.decode()
    assert akte.aktenzeichen in html and "Vorschläge des Systems" in html
    r = client_sb.post(f"/postkorb/{p.pk}/zuordnen/", {"akte": akte.pk, "register": "05"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "zugeordnet" and p.akte_id == akte.pk
    assert Dokument.objects.get(pk=p.dokument_id).register.nummer == "05"


def test_suggestions_of_invisible_files_are_not_shown(client_sb, team):
    fremde = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    p = _eingang(team=team, vorschlaege=[{"akte": fremde.pk, "grund": "x", "konfidenz": 0.9}])
    html = client_sb.get(f"/postkorb/{p.pk}/").content.decode()
    assert fremde.aktenzeichen not in html
    r = client_sb.post(f"/postkorb/{p.pk}/zuordnen/", {"akte": fremde.pk, "register": "03"}, follow=True)
    assert "Bitte wählen Sie eine Akte" in r.content.decode()
    p.refresh_from_db()
    assert p.status == "zu_pruefen"


def test_file_search_as_you_type(client_sb, akte):
    r = client_sb.get("/postkorb/akten-suche/", {"q": "Oeztuerk"})
    assert akte.aktenzeichen in r.content.decode()
    assert akte.aktenzeichen in client_sb.get("/postkorb/akten-suche/", {"q": "123456789012"}).content.decode()
    assert "Keine Akte" in client_sb.get("/postkorb/akten-suche/", {"q": "Niemand"}).content.decode()


def test_create_person_and_file_from_item(client_sb, team, sb):
    p = _eingang(team=team)
    r = client_sb.post(
        f"/postkorb/{p.pk}/neue-akte/",
        {"familienname": "Nguyen", "vornamen": "Lan", "geburtsdatum": "1991-05-04", "azr_nummer": "", "register": "01"},
    )
    assert r.status_code == 302
    person = Person.objects.get(familienname="Nguyen")
    akte = Akte.objects.get(person=person)
    assert akte.sachbearbeitung == sb and akte.team == team
    p.refresh_from_db()
    assert p.akte_id == akte.pk and p.status == "zugeordnet"


def test_create_with_bad_data_keeps_item_and_creates_nothing(client_sb, team):
    p = _eingang(team=team)
    r = client_sb.post(
        f"/postkorb/{p.pk}/neue-akte/", {"familienname": "X", "azr_nummer": "123", "register": "01"}, follow=True
    )
    assert r.status_code == 200 and "AZR" in r.content.decode()
    assert not Person.objects.filter(familienname="X").exists()
    p.refresh_from_db()
    assert p.status == "zu_pruefen"


def test_forward_to_colleague(client_sb, team, kollegin):
    p = _eingang(team=team)
    r = client_sb.post(f"/postkorb/{p.pk}/weiterleiten/", {"an": f"u{kollegin.pk}", "hinweis": "Bitte übernehmen"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.zugewiesen_an_id == kollegin.pk and "Bitte übernehmen" in p.hinweis
    fremd = f.benutzer("HP", Rolle.SACHBEARBEITUNG)
    client_sb.post(f"/postkorb/{p.pk}/weiterleiten/", {"an": f"u{fremd.pk}"})
    p.refresh_from_db()
    assert p.zugewiesen_an_id == kollegin.pk


def test_other_authority_cannot_see_items(client_fremd, team):
    p = _eingang(team=team)
    assert client_fremd.get(f"/postkorb/{p.pk}/").status_code == 404
    assert client_fremd.get(f"/postkorb/{p.pk}/vorschau/1.png").status_code == 404
    assert client_fremd.post(f"/postkorb/{p.pk}/zuordnen/", {}).status_code == 404
    assert "scan.pdf" not in client_fremd.get("/postkorb/?fuer=alle").content.decode()


def test_preview_renders_png(client_sb, team):
    p = _eingang(team=team)
    r = client_sb.get(f"/postkorb/{p.pk}/vorschau/1.png")
    assert r.status_code == 200 and r.content[:4] == b"\x89PNG"


def test_in_tray_query_count(client_sb, team, django_assert_max_num_queries):
    for i in range(15):
        _eingang(team=team, name=f"s{i}.pdf")
    client_sb.get("/")
    with django_assert_max_num_queries(14):
        r = client_sb.get("/postkorb/")
    assert r.status_code == 200 and r.content.decode().count("s1") >= 6

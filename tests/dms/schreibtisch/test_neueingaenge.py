"""New mail reaches the responsible caseworker, her team and her substitute, until read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dms import services
from dms.models import AkteFreigabe, Dokument, Neueingang, Protokolleintrag, Wiedervorlage
from tests import factories as f

from .conftest import ablegen, api_fuer, client_fuer

pytestmark = pytest.mark.django_db


def _liste(user):
    r = api_fuer(user).get("/api/v1/neueingaenge/")
    assert r.status_code == 200, r.content
    return r.json()["results"]


def test_colleagues_filing_reaches_caseworker_team_and_substitute_not_others(amt):
    dok = ablegen(amt.akte, amt.bernd, titel="Schreiben Rechtsanwalt Kaya")
    eintraege = _liste(amt.anna)
    assert [e["dokument"] for e in eintraege] == [dok.pk]
    e = eintraege[0]
    assert e["akte"] == amt.akte.pk and e["aktenzeichen"] == amt.akte.aktenzeichen
    assert e["titel"] == "Schreiben Rechtsanwalt Kaya" and e["quelle"] == "kollege"
    assert e["eingangsdatum"] == str(timezone.localdate())
    assert [e["dokument"] for e in _liste(amt.vera)] == [dok.pk]  # substitute
    assert _liste(amt.bernd) == []  # he filed it himself
    assert _liste(amt.otto) == []  # another team, no substitution
    assert _liste(amt.fremd) == []  # another authority


def test_automatic_filing_and_legacy_delivery_are_new_with_their_source(amt):
    auto = ablegen(amt.akte, None, quelle=Dokument.Quelle.POSTEINGANG)
    alt = ablegen(amt.akte2, None, quelle=Dokument.Quelle.ALTAKTE)
    quellen = {e["dokument"]: e["quelle"] for e in _liste(amt.anna)}
    assert quellen == {auto.pk: "automatisch", alt.pk: "altakte"}
    assert {e["dokument"] for e in _liste(amt.bernd)} == {auto.pk, alt.pk}  # her team


def test_mark_read_for_caller_only_substitutes_read_leaves_it_for_her(amt):
    dok = ablegen(amt.akte, None)
    r = api_fuer(amt.vera).post(f"/api/v1/neueingaenge/{dok.pk}/gelesen/")
    assert r.status_code == 204
    assert _liste(amt.vera) == []
    assert [e["dokument"] for e in _liste(amt.anna)] == [dok.pk]  # still new for her when she is back
    assert api_fuer(amt.anna).post(f"/api/v1/neueingaenge/{dok.pk}/gelesen/").status_code == 204
    assert _liste(amt.anna) == [] and _liste(amt.bernd) == []  # read by the responsible caseworker: done
    assert Protokolleintrag.objects.filter(
        aktion="lesen", user_id=amt.anna.pk, objekt_typ="dokument", objekt_id=str(dok.pk)
    ).exists()


def test_mark_read_of_invisible_document_is_404(amt):
    dok = ablegen(amt.akte, None)
    assert api_fuer(amt.fremd).post(f"/api/v1/neueingaenge/{dok.pk}/gelesen/").status_code == 404
    assert [e["dokument"] for e in _liste(amt.anna)] == [dok.pk]


def test_restricted_file_only_for_named_users_in_list_count_and_marks(amt):
    akte = f.AkteFactory(team=amt.team, sachbearbeitung=amt.anna, gesperrt=True)
    recht = Permission.objects.get(codename="view_gesperrte_akte")
    AkteFreigabe.objects.create(content_object=akte, user=amt.anna, permission=recht)
    dok = ablegen(akte, None)
    assert [e["dokument"] for e in _liste(amt.anna)] == [dok.pk]
    assert _liste(amt.bernd) == []  # same team, not named
    seite = client_fuer(amt.bernd).get("/")
    assert seite.context["neueingaenge_anzahl"] == 0
    assert dok.titel not in seite.content.decode()


def test_opening_the_document_reads_it_desk_and_file_show_what_is_new(amt):
    alt = ablegen(amt.akte, None, titel="Alter Brief")
    neu = ablegen(amt.akte, amt.bernd, titel="Antrag <script>alert(1)</script>")
    c = client_fuer(amt.anna)
    assert c.get(f"/dokumente/{alt.pk}/").status_code == 200  # opening reads it
    desk = c.get("/")
    html = desk.content.decode()
    assert desk.context["neueingaenge_anzahl"] == 1
    assert "Antrag &lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    akte_seite = c.get(f"/akten/{amt.akte.pk}/")
    assert akte_seite.context["neu_ids"] == {neu.pk}
    assert "1 neu" in akte_seite.content.decode()


def test_mark_read_from_the_desk_with_csrf(amt):
    dok = ablegen(amt.akte, None)
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(amt.anna)
    assert c.post(f"/neueingaenge/{dok.pk}/gelesen/").status_code == 403  # no token
    c = client_fuer(amt.anna)
    r = c.post(f"/neueingaenge/{dok.pk}/gelesen/", {"weiter": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert _liste(amt.anna) == []


def test_mark_all_listed_read(amt):
    docs = [ablegen(amt.akte, None, titel=f"Brief {i}") for i in range(3)]
    fremd = ablegen(f.AkteFactory(behoerde=f.behoerde("HP"), person=f.PersonFactory(behoerde=f.behoerde("HP"))), None)
    c = client_fuer(amt.anna)
    assert c.get("/neueingaenge/").status_code == 200
    c.post("/neueingaenge/gelesen/", {"dokument": [d.pk for d in docs[:2]] + [fremd.pk]})
    assert [e["dokument"] for e in _liste(amt.anna)] == [docs[2].pk]
    assert not Neueingang.objects.get(dokument=fremd).gelesen.exists()


def test_hand_over_makes_every_document_new_for_the_receiving_team(amt):
    hp_team = f.TeamFactory(behoerde=f.behoerde("HP"), name="HP Team", ist_standard=True)
    empfaenger = f.benutzer("HP", team=hp_team)
    d1 = ablegen(amt.akte, amt.anna)
    d2 = ablegen(amt.akte, amt.anna)
    abgabe = services.abgabe_anbieten(
        akte=amt.akte, ziel_behoerde=f.behoerde("HP"), user=amt.anna, neue_anschrift="Hauptstr. 1, Heppenheim"
    )
    services.abgabe_annehmen(abgabe=abgabe, user=amt.fremd, team=hp_team)
    eintraege = _liste(empfaenger)
    assert {e["dokument"] for e in eintraege} == {d1.pk, d2.pk}
    assert {e["quelle"] for e in eintraege} == {"abgabe"}
    assert _liste(amt.bernd) == []  # the sender's team no longer sees the file


def _desk_queries(user) -> int:
    c = client_fuer(user)
    c.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert c.get("/").status_code == 200
    return len(ctx)


def test_desk_query_count_does_not_grow_with_new_documents_and_due_resubmissions(amt):
    vorlage = Dokument.objects.get(pk=ablegen(amt.akte, None).pk)
    wenige = _desk_queries(amt.anna)
    jetzt = timezone.now()
    dokumente = Dokument.objects.bulk_create(
        [
            Dokument(akte=amt.akte2, register=vorlage.register, titel=f"Brief {i}", eingangsdatum=dt.date(2026, 3, 1))
            for i in range(300)
        ]
    )
    Neueingang.objects.bulk_create(
        [Neueingang(dokument=d, akte=amt.akte2, quelle="automatisch", eingestellt_am=jetzt) for d in dokumente]
    )
    Wiedervorlage.objects.bulk_create(
        [
            Wiedervorlage(akte=amt.akte, faellig_am=timezone.localdate(), zustaendig=amt.anna, angelegt_von=amt.anna)
            for _ in range(40)
        ]
    )
    assert _desk_queries(amt.anna) == wenige
    desk = client_fuer(amt.anna).get("/")
    assert desk.context["neueingaenge_anzahl"] == 301 and desk.context["faellige_anzahl"] == 40
    assert len(desk.context["neueingaenge"]) == 10 and len(desk.context["faellige"]) == 10
    assert "Alle 40 fälligen" in desk.content.decode()

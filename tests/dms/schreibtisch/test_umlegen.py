"""Misfilings are undone: a document moves to another file of the same authority, with a reason, in both histories."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from dms.models import AkteFreigabe, Dokument, Neueingang, Protokolleintrag
from tests import factories as f

from .conftest import ablegen, api_fuer, client_fuer

pytestmark = pytest.mark.django_db


def _umlegen(user, dok, **daten):
    return api_fuer(user).post(f"/api/v1/dokumente/{dok.pk}/umlegen/", daten, format="json")


def test_move_with_reason_history_in_both_files_audit_and_new_mail(amt):
    falsch = f.AkteFactory(team=amt.team, sachbearbeitung=amt.bernd)
    dok = ablegen(falsch, None, titel="Schreiben Kaya")
    vorgang = f.VorgangFactory(akte=amt.akte)
    r = _umlegen(amt.bernd, dok, akte=amt.akte.pk, register="05", vorgang=vorgang.pk, grund="Falsche Person erkannt")
    assert r.status_code == 200, r.content
    assert r.json()["akte"] == amt.akte.pk and r.json()["register"] == "05" and r.json()["vorgang"] == vorgang.pk
    dok.refresh_from_db()
    assert dok.akte_id == amt.akte.pk
    # history on both files, with the reason
    hinaus = Protokolleintrag.objects.get(akte_id_wert=falsch.pk, objekt_typ="akte", details__umlegung="hinaus")
    herein = Protokolleintrag.objects.get(akte_id_wert=amt.akte.pk, objekt_typ="akte", details__umlegung="herein")
    assert hinaus.details["grund"] == herein.details["grund"] == "Falsche Person erkannt"
    assert Protokolleintrag.objects.filter(objekt_typ="dokument", objekt_id=str(dok.pk), aktion="aendern").exists()
    # the new file's caseworker gets it as new mail
    n = Neueingang.objects.get(dokument=dok)
    assert n.akte_id == amt.akte.pk and n.quelle == "umlegung"
    neu = api_fuer(amt.anna).get("/api/v1/neueingaenge/").json()["results"]
    assert [e["dokument"] for e in neu] == [dok.pk]
    # both file pages show the move
    c = client_fuer(amt.anna)
    assert "aus Akte " + falsch.aktenzeichen + " hierher umgelegt" in c.get(f"/akten/{amt.akte.pk}/").content.decode()
    alt = c.get(f"/akten/{falsch.pk}/").content.decode()
    assert f"in Akte {amt.akte.aktenzeichen} umgelegt" in alt and "Falsche Person erkannt" in alt


def test_reason_required_400(amt):
    dok = ablegen(amt.akte2, None)
    r = _umlegen(amt.anna, dok, akte=amt.akte.pk, grund="  ")
    assert r.status_code == 400 and "grund" in r.json()
    assert Dokument.objects.get(pk=dok.pk).akte_id == amt.akte2.pk


def test_never_across_authorities_404(amt):
    dok = ablegen(amt.akte, None)
    hp = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    assert _umlegen(amt.anna, dok, akte=hp.pk, grund="x").status_code == 404
    # nor may the other authority move ours
    assert _umlegen(amt.fremd, dok, akte=hp.pk, grund="x").status_code == 404
    assert Dokument.objects.get(pk=dok.pk).akte_id == amt.akte.pk


def test_restricted_target_only_for_named_users(amt):
    gesperrt = f.AkteFactory(team=amt.team, gesperrt=True)
    recht = Permission.objects.get(codename="view_gesperrte_akte")
    AkteFreigabe.objects.create(content_object=gesperrt, user=amt.anna, permission=recht)
    dok = ablegen(amt.akte2, None)
    assert _umlegen(amt.bernd, dok, akte=gesperrt.pk, grund="gehört dorthin").status_code == 404
    assert _umlegen(amt.anna, dok, akte=gesperrt.pk, grund="gehört dorthin").status_code == 200
    # the old file's history does not name the restricted file to those not named on it
    alt = client_fuer(amt.bernd).get(f"/akten/{amt.akte2.pk}/").content.decode()
    assert "in eine andere Akte umgelegt" in alt and gesperrt.aktenzeichen not in alt


def test_procedure_of_another_file_is_400(amt):
    dok = ablegen(amt.akte2, None)
    fremder_vorgang = f.VorgangFactory(akte=amt.akte2)
    r = _umlegen(amt.anna, dok, akte=amt.akte.pk, vorgang=fremder_vorgang.pk, grund="x")
    assert r.status_code == 400 and "vorgang" in r.json()


def test_move_from_the_document_page_by_aktenzeichen(amt):
    dok = ablegen(amt.akte2, None, titel="Fehlablage")
    c = client_fuer(amt.anna)
    seite = c.get(f"/dokumente/{dok.pk}/").content.decode()
    assert "In eine andere Akte umlegen" in seite
    r = c.post(
        f"/dokumente/{dok.pk}/umlegen/",
        {"ziel": amt.akte.aktenzeichen.lower(), "register": f.register("03").pk, "grund": "Namensgleichheit"},
    )
    assert r.status_code == 302 and r["Location"] == f"/akten/{amt.akte2.pk}/"  # back to the file being tidied
    assert Dokument.objects.get(pk=dok.pk).akte_id == amt.akte.pk
    r = c.post(
        f"/dokumente/{dok.pk}/umlegen/", {"ziel": "OF-1999-999999", "register": f.register("03").pk, "grund": "x"}
    )
    assert "keine Akte vorhanden" in c.get(r["Location"]).content.decode()

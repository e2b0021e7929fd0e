"""Resubmissions on a file, a procedure or a document; due ones on the desk (the substitute's too)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dms.models import Protokolleintrag, Wiedervorlage
from dms.wiedervorlagen.services import wiedervorlage_anlegen
from dms.wiedervorlagen.tasks import faellige_melden
from tests import factories as f

from .conftest import ablegen, api_fuer, client_fuer

pytestmark = pytest.mark.django_db

HEUTE = timezone.localdate


def test_api_create_on_file_procedure_document_and_list_due_first(amt):
    api = api_fuer(amt.anna)
    dok = ablegen(amt.akte, None)
    vorgang = f.VorgangFactory(akte=amt.akte)
    spaeter = str(HEUTE() + dt.timedelta(days=10))
    heute = str(HEUTE())
    r1 = api.post("/api/v1/wiedervorlagen/", {"akte": amt.akte.pk, "faellig_am": spaeter, "notiz": "Pass?"})
    r2 = api.post("/api/v1/wiedervorlagen/", {"vorgang": vorgang.pk, "faellig_am": heute, "notiz": "Frist"})
    r3 = api.post("/api/v1/wiedervorlagen/", {"dokument": dok.pk, "faellig_am": heute})
    assert [r.status_code for r in (r1, r2, r3)] == [201, 201, 201], (r1.content, r2.content, r3.content)
    assert r2.json()["akte"] == amt.akte.pk and r3.json()["akte"] == amt.akte.pk
    liste = api.get("/api/v1/wiedervorlagen/").json()["results"]
    assert [w["faellig_am"] for w in liste] == [heute, heute, spaeter]
    assert Protokolleintrag.objects.filter(objekt_typ="wiedervorlage", aktion="anlegen").count() == 3
    # the substitute sees Anna's; another authority sees none and cannot create on her file
    assert len(api_fuer(amt.vera).get("/api/v1/wiedervorlagen/").json()["results"]) == 3
    assert api_fuer(amt.fremd).get("/api/v1/wiedervorlagen/").json()["results"] == []
    r = api_fuer(amt.fremd).post("/api/v1/wiedervorlagen/", {"akte": amt.akte.pk, "faellig_am": heute})
    assert r.status_code == 400 and "akte" in r.json()


def test_exactly_one_subject(amt):
    r = api_fuer(amt.anna).post("/api/v1/wiedervorlagen/", {"faellig_am": str(HEUTE())})
    assert r.status_code == 400


def test_desk_shows_due_done_and_postponed_with_one_click(amt):
    wv = wiedervorlage_anlegen(
        user=amt.anna, akte=amt.akte, faellig_am=HEUTE() - dt.timedelta(days=1), notiz="Anhörung"
    )
    wiedervorlage_anlegen(user=amt.anna, akte=amt.akte2, faellig_am=HEUTE() + dt.timedelta(days=3), notiz="später")
    c = client_fuer(amt.anna)
    desk = c.get("/")
    assert [w.pk for w in desk.context["faellige"]] == [wv.pk]
    assert "überfällig" in desk.content.decode() and "Anhörung" in desk.content.decode()
    # the substitute's desk shows it too
    assert [w.pk for w in client_fuer(amt.vera).get("/").context["faellige"]] == [wv.pk]
    c.post(f"/wiedervorlagen/{wv.pk}/verschieben/", {"tage": "7", "weiter": "/"})
    wv.refresh_from_db()
    assert wv.faellig_am == HEUTE() + dt.timedelta(days=7)
    assert c.get("/").context["faellige"] == []
    c.post(f"/wiedervorlagen/{wv.pk}/erledigen/", {"weiter": "/"})
    wv.refresh_from_db()
    assert wv.erledigt_am is not None and wv.erledigt_von == amt.anna
    assert wv.pk not in [w.pk for w in c.get("/wiedervorlagen/").context["liste"]]


def test_other_authority_cannot_touch_it(amt):
    wv = wiedervorlage_anlegen(user=amt.anna, akte=amt.akte, faellig_am=HEUTE())
    c = client_fuer(amt.fremd)
    assert c.post(f"/wiedervorlagen/{wv.pk}/erledigen/").status_code == 404
    assert c.post("/wiedervorlagen/neu/", {"akte": amt.akte.pk, "faellig_am": str(HEUTE())}).status_code == 404
    assert Wiedervorlage.objects.get(pk=wv.pk).erledigt_am is None


def test_daily_task_marks_due_ones_once(amt):
    faellig = wiedervorlage_anlegen(user=amt.anna, akte=amt.akte, faellig_am=HEUTE())
    wiedervorlage_anlegen(user=amt.anna, akte=amt.akte, faellig_am=HEUTE() + dt.timedelta(days=1))
    assert faellige_melden.apply().get() == 1
    assert faellige_melden.apply().get() == 0
    faellig.refresh_from_db()
    assert faellig.gemeldet_am == HEUTE()


def test_create_from_the_file_page(amt):
    c = client_fuer(amt.anna)
    assert "Wiedervorlage anlegen" in c.get(f"/akten/{amt.akte.pk}/").content.decode()
    r = c.post(
        "/wiedervorlagen/neu/",
        {
            "akte": amt.akte.pk,
            "faellig_am": str(HEUTE()),
            "notiz": "<b>Akte prüfen</b>",
            "weiter": f"/akten/{amt.akte.pk}/",
        },
    )
    assert r.status_code == 302
    html = c.get(f"/akten/{amt.akte.pk}/").content.decode()
    assert "&lt;b&gt;Akte prüfen&lt;/b&gt;" in html

"""Bulk work in the in-tray: several items filed into one file or forwarded to one team, each reported in German."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from dms.models import Dokument, Protokolleintrag, Rolle
from scanning import services
from scanning.models import Posteingang
from tests import factories as f
from tests.dms.ui.conftest import pdf_mit_text

pytestmark = pytest.mark.django_db


def _eingang(team, name="scan.pdf", kuerzel="OF"):
    p = services.posteingang_annehmen(
        behoerde=f.behoerde(kuerzel),
        datei=io.BytesIO(pdf_mit_text(f"Brief {name}")),
        dateiname=name,
        einreihen=False,
    )
    return services.posteingang_zur_pruefung(posteingang_id=p.pk, vorschlaege=[], team=team)


def _meldungen(antwort) -> list[str]:
    return [str(m) for m in antwort.context["messages"]]


def _zugeordnet_protokolliert(p: Posteingang) -> bool:
    return Protokolleintrag.objects.filter(
        objekt_typ="posteingang", objekt_id=str(p.pk), aktion="aendern", details__status="zugeordnet"
    ).exists()


def test_page_offers_selection_and_both_bulk_actions(client_sb, team):
    p = _eingang(team, "brief-a.pdf")
    html = client_sb.get("/postkorb/").content.decode()
    assert f'name="eintrag" value="{p.pk}"' in html and "brief-a.pdf auswählen" in html
    assert "Alle auswählen" in html
    assert "Ausgewählte zur Akte nehmen" in html and "Ausgewählte weiterleiten" in html


def test_bulk_filing_files_each_item_and_reports_one_filed_meanwhile(client_sb, team, sb, kollegin, akte):
    a, b, c = (_eingang(team, n) for n in ("a.pdf", "b.pdf", "c.pdf"))
    # A colleague filed b a moment ago, into the same file.
    services.posteingang_zuordnen(posteingang=b, akte=akte, user=kollegin, register=f.register("03"))
    fremd = _eingang(f.TeamFactory(behoerde=f.behoerde("HP")), "fremd.pdf", kuerzel="HP")

    r = client_sb.post(
        "/postkorb/sammel/",
        {"aktion": "zuordnen", "eintrag": [a.pk, b.pk, c.pk, fremd.pk], "ziel": akte.aktenzeichen, "register": "05"},
        follow=True,
    )
    meldungen = _meldungen(r)
    assert f"2 von 4 Schriftstücken erledigt: a.pdf zur Akte {akte.aktenzeichen} genommen." in meldungen[0]
    assert f"b.pdf: wurde inzwischen bereits zugeordnet ({kollegin.username})" in " ".join(meldungen)
    assert f"Schriftstück Nr. {fremd.pk} wurde nicht gefunden." in meldungen
    assert "fremd.pdf" not in " ".join(meldungen)  # nothing of an invisible item leaks
    for p in (a, c):
        p.refresh_from_db()
        assert p.status == "zugeordnet" and p.akte_id == akte.pk and p.zugeordnet_von == sb
        assert Dokument.objects.get(pk=p.dokument_id).register.nummer == "05"
        assert _zugeordnet_protokolliert(p)
    assert Dokument.objects.filter(akte=akte).count() == 3  # b only once
    fremd.refresh_from_db()
    assert fremd.status == "zu_pruefen" and not _zugeordnet_protokolliert(fremd)


def test_bulk_filing_into_a_procedure_by_its_aktenzeichen(client_sb, team, akte):
    vorgang = f.VorgangFactory(akte=akte)
    a, b = _eingang(team, "a.pdf"), _eingang(team, "b.pdf")
    client_sb.post(
        "/postkorb/sammel/",
        {"aktion": "zuordnen", "eintrag": [a.pk, b.pk], "ziel": vorgang.aktenzeichen, "register": "03"},
    )
    assert set(Dokument.objects.filter(akte=akte).values_list("vorgang_id", flat=True)) == {vorgang.pk}


def test_bulk_filing_into_a_file_of_another_authority_files_nothing(client_sb, team):
    fremde_akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    a = _eingang(team, "a.pdf")
    r = client_sb.post(
        "/postkorb/sammel/",
        {"aktion": "zuordnen", "eintrag": [a.pk], "ziel": fremde_akte.aktenzeichen, "register": "03"},
        follow=True,
    )
    assert "Bitte geben Sie das Aktenzeichen einer Akte an, die Sie sehen dürfen" in _meldungen(r)[0]
    a.refresh_from_db()
    assert a.status == "zu_pruefen"


def test_nothing_selected_is_a_german_message(client_sb, akte):
    r = client_sb.post("/postkorb/sammel/", {"aktion": "zuordnen", "ziel": akte.aktenzeichen}, follow=True)
    assert _meldungen(r) == ["Bitte wählen Sie mindestens ein Schriftstück aus."]


def test_bulk_forward_to_a_staffed_team_only(client_sb, team, sb):
    anderes = f.TeamFactory(name="Team L–Z", buchstaben_von="L", buchstaben_bis="Z")
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=anderes)
    leer = f.TeamFactory(name="Team leer")
    f.benutzer("OF", Rolle.POSTSTELLE, team=leer)  # cannot act on mail: the team counts as unstaffed
    a, b = _eingang(team, "a.pdf"), _eingang(team, "b.pdf")

    r = client_sb.post("/postkorb/sammel/", {"aktion": "weiterleiten", "eintrag": [a.pk, b.pk], "team": leer.pk})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.team == team
    assert "Team leer" not in client_sb.get("/postkorb/").content.decode()  # not offered either

    r = client_sb.post(
        "/postkorb/sammel/",
        {"aktion": "weiterleiten", "eintrag": [a.pk, b.pk], "team": anderes.pk, "hinweis": "Buchstabe L"},
        follow=True,
    )
    assert "2 von 2 Schriftstücken erledigt: a.pdf an Team Team L–Z weitergeleitet." in _meldungen(r)[0]
    for p in (a, b):
        p.refresh_from_db()
        assert p.team == anderes and "Buchstabe L" in p.hinweis
        assert Protokolleintrag.objects.filter(
            objekt_typ="posteingang", objekt_id=str(p.pk), details__weitergeleitet=True
        ).exists()
    assert "a.pdf" not in client_sb.get("/postkorb/").content.decode()


def test_bulk_action_needs_the_csrf_token(sb, team, akte):
    a = _eingang(team, "a.pdf")
    c = Client(enforce_csrf_checks=True)
    c.force_login(sb)
    r = c.post("/postkorb/sammel/", {"aktion": "zuordnen", "eintrag": [a.pk], "ziel": akte.aktenzeichen})
    assert r.status_code == 403
    a.refresh_from_db()
    assert a.status == "zu_pruefen"


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_api_bulk_filing_reports_per_item(sb, team, akte, kollegin):
    a, b = _eingang(team, "a.pdf"), _eingang(team, "b.pdf")
    services.posteingang_zuordnen(posteingang=b, akte=akte, user=kollegin)
    r = _api(sb).post(
        "/api/v1/posteingang/sammel-zuordnen/",
        {"ids": [a.pk, b.pk, 999999], "akte": akte.pk, "register": "05"},
        format="json",
    )
    assert r.status_code == 200, r.content
    ergebnisse = {e["id"]: e for e in r.json()["ergebnisse"]}
    assert ergebnisse[a.pk]["ok"] and ergebnisse[a.pk]["meldung"] == f"zur Akte {akte.aktenzeichen} genommen."
    assert not ergebnisse[b.pk]["ok"] and "bereits zugeordnet" in ergebnisse[b.pk]["meldung"]
    assert ergebnisse[999999] == {"id": 999999, "ok": False, "meldung": "Schriftstück Nr. 999999 wurde nicht gefunden."}


def test_api_bulk_refuses_invisible_targets_with_404_and_bad_input_with_400(sb, team):
    a = _eingang(team, "a.pdf")
    fremde_akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    api = _api(sb)
    r = api.post(
        "/api/v1/posteingang/sammel-zuordnen/", {"ids": [a.pk], "akte": fremde_akte.pk, "register": "03"}, format="json"
    )
    assert r.status_code == 404
    fremdes_team = f.TeamFactory(behoerde=f.behoerde("HP"))
    f.benutzer("HP", Rolle.SACHBEARBEITUNG, team=fremdes_team)
    r = api.post("/api/v1/posteingang/sammel-weiterleiten/", {"ids": [a.pk], "team": fremdes_team.pk}, format="json")
    assert r.status_code == 404
    r = api.post("/api/v1/posteingang/sammel-weiterleiten/", {"ids": [], "team": team.pk}, format="json")
    assert r.status_code == 400 and "ids" in r.json()
    a.refresh_from_db()
    assert a.status == "zu_pruefen" and a.team == team


def test_api_bulk_forward(sb, team):
    anderes = f.TeamFactory(name="Team L–Z")
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=anderes)
    a = _eingang(team, "a.pdf")
    r = _api(sb).post(
        "/api/v1/posteingang/sammel-weiterleiten/", {"ids": [a.pk], "team": anderes.pk, "hinweis": "L"}, format="json"
    )
    assert r.status_code == 200 and r.json()["ergebnisse"][0]["ok"]
    a.refresh_from_db()
    assert a.team == anderes

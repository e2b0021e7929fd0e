"""Saved searches: saved from the search page with their filters, listed on the owner's desk only, deleted there."""

from __future__ import annotations

import pytest

from dms.models import GespeicherteSuche, Protokolleintrag
from tests.dms.schreibtisch.conftest import client_fuer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_search_is_saved_with_its_filters_and_listed_on_the_owners_desk(amt):
    anna = client_fuer(amt.anna)
    seite = anna.get("/suche/", {"q": "Fiktionsbescheinigung", "register": "03"}).content.decode()
    assert "Diese Suche speichern" in seite and 'name="register" value="03"' in seite
    r = anna.post(
        "/suche/gespeichert/neu/",
        {"name": "Fiktionen <i>offen</i>", "q": "Fiktionsbescheinigung", "register": "03", "von": "2026-01-01"},
    )
    assert r.status_code == 302 and r["Location"].startswith("/suche/?q=Fiktionsbescheinigung")
    suche = GespeicherteSuche.objects.get()
    assert suche.user == amt.anna and suche.filter == {"register": "03", "von": "2026-01-01"}

    desk = anna.get("/").content.decode()
    assert 'hx-get="/suche/gespeichert/"' in desk  # loaded after the page (the desk's query budget)
    teil = anna.get("/suche/gespeichert/", **HTMX).content.decode()
    assert "Fiktionen &lt;i&gt;offen&lt;/i&gt;" in teil and "<i>offen" not in teil
    assert f'href="/suche/gespeichert/{suche.pk}/"' in teil
    r = anna.get(f"/suche/gespeichert/{suche.pk}/")
    assert r.status_code == 302 and r["Location"] == "/suche/?q=Fiktionsbescheinigung&register=03&von=2026-01-01"
    # The link repeats the search with its filters.
    wieder = anna.get("/suche/", {"q": "Fiktionsbescheinigung", "register": "03", "von": "2026-01-01"})
    assert 'value="01.01.2026"' in wieder.content.decode()  # shown (and saved again) in German order


def test_saving_under_the_same_name_replaces_and_bad_input_is_refused_in_german(amt):
    anna = client_fuer(amt.anna)
    anna.post("/suche/gespeichert/neu/", {"name": "Meine", "q": "alt"})
    anna.post("/suche/gespeichert/neu/", {"name": "Meine", "q": "neu"})
    assert list(GespeicherteSuche.objects.values_list("q", flat=True)) == ["neu"]
    r = anna.post("/suche/gespeichert/neu/", {"name": "", "q": "x"}, follow=True)
    assert "Bitte geben Sie der Suche einen Namen." in r.content.decode()
    r = anna.post("/suche/gespeichert/neu/", {"name": "leer", "q": " "}, follow=True)
    assert "Bitte geben Sie einen Suchbegriff an." in r.content.decode()
    assert GespeicherteSuche.objects.count() == 1


def test_saved_searches_are_never_shown_to_others_and_only_the_owner_deletes(amt):
    client_fuer(amt.anna).post("/suche/gespeichert/neu/", {"name": "Annas Suche", "q": "Öztürk"})
    suche = GespeicherteSuche.objects.get()
    for wer in (amt.bernd, amt.vera, amt.fremd):  # a colleague, her substitute, another authority
        c = client_fuer(wer)
        assert "Annas Suche" not in c.get("/suche/gespeichert/", **HTMX).content.decode()
        assert "Annas Suche" not in c.get("/suche/gespeichert/").content.decode()
        assert c.post(f"/suche/gespeichert/{suche.pk}/loeschen/").status_code == 404
    assert GespeicherteSuche.objects.exists()

    anna = client_fuer(amt.anna)
    teil = anna.post(f"/suche/gespeichert/{suche.pk}/loeschen/", **HTMX).content.decode()
    assert "Annas Suche" not in teil and "noch keine Suche gespeichert" in teil
    assert not GespeicherteSuche.objects.exists()


def test_saving_and_deleting_are_audited_without_the_term(amt):
    anna = client_fuer(amt.anna)
    anna.post("/suche/gespeichert/neu/", {"name": "Ayşe", "q": "Öztürk Ayşe"})
    suche = GespeicherteSuche.objects.get()
    anna.post(f"/suche/gespeichert/{suche.pk}/loeschen/")
    eintraege = Protokolleintrag.objects.filter(objekt_typ="gespeichertesuche", objekt_id=str(suche.pk)).order_by("id")
    assert [e.aktion for e in eintraege] == ["anlegen", "loeschen"]
    assert "Öztürk" not in str([e.details for e in eintraege]) and "q_hmac" in eintraege[0].details

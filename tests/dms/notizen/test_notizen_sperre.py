"""Optimistic locking of notes: the author edits a note in two tabs (or on two devices); the second save must not
silently overwrite the first. The API answers 409 with the saved note, the pages show both texts and keep hers."""

from __future__ import annotations

import pytest

from dms.models import Notiz, Protokolleintrag
from dms.notizen import services
from dms.services import Konflikt
from tests.dms.schreibtisch.conftest import api_fuer, client_fuer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _aenderungen(notiz: Notiz) -> int:
    return Protokolleintrag.objects.filter(objekt_typ="notiz", objekt_id=str(notiz.pk), aktion="aendern").count()


def test_the_service_refuses_a_stale_edit_and_keeps_the_first(amt):
    notiz = services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="Termin 03.12.")
    services.notiz_aendern(notiz=notiz, user=amt.anna, text="Termin 04.12.", erwartete_version=1)
    with pytest.raises(Konflikt) as fehler:
        services.notiz_aendern(notiz=notiz, user=amt.anna, text="Termin 05.12.", erwartete_version=1)
    assert fehler.value.aktuell.text == "Termin 04.12." and fehler.value.aktuell.version == 2
    notiz.refresh_from_db()
    assert notiz.text == "Termin 04.12." and notiz.version == 2
    assert _aenderungen(notiz) == 1  # the refused edit left no entry


def test_api_patch_needs_the_version_and_answers_a_stale_one_with_409_and_the_saved_note(amt):
    api = api_fuer(amt.anna)
    notiz = api.post(f"/api/v1/akten/{amt.akte.pk}/notizen/", {"text": "erste Fassung"}, format="json").json()
    assert notiz["version"] == 1

    ohne = api.patch(f"/api/v1/notizen/{notiz['id']}/", {"text": "ohne Version"}, format="json")
    assert ohne.status_code == 400 and "Schutz vor Überschreiben" in ohne.json()["version"][0]

    erster = api.patch(f"/api/v1/notizen/{notiz['id']}/", {"text": "Tab eins", "version": 1}, format="json")
    assert erster.status_code == 200 and erster.json()["version"] == 2
    zweiter = api.patch(f"/api/v1/notizen/{notiz['id']}/", {"text": "Tab zwei", "version": 1}, format="json")
    assert zweiter.status_code == 409
    antwort = zweiter.json()
    assert "zwischenzeitlich" in antwort["detail"] and antwort["aktuelle_version"] == 2
    assert antwort["aktuell"]["text"] == "Tab eins" and antwort["aktuell"]["id"] == notiz["id"]
    assert Notiz.objects.get().text == "Tab eins"

    # With the version from the 409 she may deliberately save hers over it
    r = api.patch(f"/api/v1/notizen/{notiz['id']}/", {"text": "Tab zwei", "version": 2}, format="json")
    assert r.status_code == 200 and r.json()["text"] == "Tab zwei" and r.json()["version"] == 3
    bad = api.patch(f"/api/v1/notizen/{notiz['id']}/", {"text": "x", "version": "drei"}, format="json")
    assert bad.status_code == 400 and "version" in bad.json()


def test_api_delete_with_a_stale_version_keeps_the_note(amt):
    notiz = services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="bleibt")
    services.notiz_aendern(notiz=notiz, user=amt.anna, text="geändert in Tab eins", erwartete_version=1)
    api = api_fuer(amt.anna)
    r = api.delete(f"/api/v1/notizen/{notiz.pk}/?version=1")
    assert r.status_code == 409 and r.json()["aktuell"]["text"] == "geändert in Tab eins"
    assert api.delete(f"/api/v1/notizen/{notiz.pk}/?version=x").status_code == 400
    assert Notiz.objects.filter(pk=notiz.pk).exists()
    assert api.delete(f"/api/v1/notizen/{notiz.pk}/?version=2").status_code == 204
    assert not Notiz.objects.exists()


def test_the_page_shows_the_saved_text_and_keeps_her_own_in_the_field(amt):
    notiz = services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="Anwalt ruft zurück")
    tab1, tab2 = client_fuer(amt.anna), client_fuer(amt.anna)
    teil = tab2.get(f"/akten/{amt.akte.pk}/notizen/", **HTMX).content.decode()
    assert 'name="version" value="1"' in teil

    ok = tab1.post(f"/notizen/{notiz.pk}/aendern/", {"text": "Anwalt hat zurückgerufen", "version": 1}, **HTMX)
    assert ok.status_code == 200
    eigener = "Frist <b>verlängert</b> bis 15.12."
    r = tab2.post(f"/notizen/{notiz.pk}/aendern/", {"text": eigener, "version": 1, "ansicht": "akte"}, **HTMX)
    assert r.status_code == 409
    html = r.content.decode()
    assert 'role="alert"' in html and "Ihre Änderung wurde nicht gespeichert" in html
    assert "Jetzt gespeicherter Text" in html and "Anwalt hat zurückgerufen" in html
    # her text, escaped, in the open edit form, which now carries the current version
    assert "Frist &lt;b&gt;verlängert&lt;/b&gt; bis 15.12.</textarea>" in html and "<b>verlängert" not in html
    assert '<details class="aktion" open>' in html and 'name="version" value="2"' in html
    notiz.refresh_from_db()
    assert notiz.text == "Anwalt hat zurückgerufen"

    # saved again from the conflict form: hers now counts
    assert tab2.post(f"/notizen/{notiz.pk}/aendern/", {"text": eigener, "version": 2}, **HTMX).status_code == 200
    notiz.refresh_from_db()
    assert notiz.text == eigener and notiz.version == 3


def test_without_javascript_the_conflict_is_a_page_with_both_texts(amt):
    notiz = services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="alt")
    services.notiz_aendern(notiz=notiz, user=amt.anna, text="vom Handy", erwartete_version=1)
    r = client_fuer(amt.anna).post(f"/notizen/{notiz.pk}/aendern/", {"text": "vom Büro-PC", "version": 1})
    assert r.status_code == 409
    html = r.content.decode()
    assert "<h1" in html and "vom Handy" in html and "vom Büro-PC</textarea>" in html
    # a form from before versions (no version field) is never saved over a note blindly
    r = client_fuer(amt.anna).post(f"/notizen/{notiz.pk}/aendern/", {"text": "ohne Version"})
    assert r.status_code == 409
    notiz.refresh_from_db()
    assert notiz.text == "vom Handy"


def test_deleting_a_note_changed_elsewhere_is_refused_on_the_page(amt):
    notiz = services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="alt")
    services.notiz_aendern(notiz=notiz, user=amt.anna, text="wichtiger Nachtrag", erwartete_version=1)
    r = client_fuer(amt.anna).post(f"/notizen/{notiz.pk}/loeschen/", {"version": 1}, **HTMX)
    assert r.status_code == 409
    html = r.content.decode()
    assert "Die Notiz wurde nicht gelöscht" in html and "wichtiger Nachtrag" in html
    assert Notiz.objects.filter(pk=notiz.pk).exists()
    assert not Protokolleintrag.objects.filter(objekt_typ="notiz", aktion="loeschen").exists()


def test_a_new_note_refused_for_its_length_stays_in_its_field(amt):
    lang = "x" * 5001
    r = client_fuer(amt.anna).post("/notizen/neu/", {"akte": amt.akte.pk, "text": lang}, **HTMX)
    assert "höchstens 5000 Zeichen" in r.content.decode() and f">{lang}</textarea>" in r.content.decode()

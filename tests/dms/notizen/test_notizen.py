"""Notes on a file or a document: who sees them, who writes them, what the audit trail and the pages show, and
what happens to them when a document moves and when a file is deleted by law."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dms.aussonderung.loeschen import umfang_loeschen, umfang_sammeln
from dms.models import Akte, Notiz, Protokolleintrag
from dms.notizen import services
from dms.services import dokument_umlegen
from dms.services.berechtigungen import sperrvermerk_setzen
from tests.dms.schreibtisch.conftest import ablegen, api_fuer, client_fuer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_caseworker_adds_a_note_on_the_file_page_and_colleagues_see_it_with_author_and_time(amt):
    anna = client_fuer(amt.anna)
    r = anna.post("/notizen/neu/", {"akte": amt.akte.pk, "text": "Rückruf Anwalt Dr. Weber erbeten"}, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Rückruf Anwalt Dr. Weber erbeten" in html and "Notiz bearbeiten" in html
    notiz = Notiz.objects.get()
    assert notiz.verfasst_von == amt.anna and notiz.akte == amt.akte and notiz.dokument is None
    eintrag = Protokolleintrag.objects.filter(objekt_typ="notiz", objekt_id=str(notiz.pk)).get()
    assert eintrag.aktion == "anlegen" and eintrag.akte_id_wert == amt.akte.pk
    assert "Weber" not in str(eintrag.details)  # the text never enters the trail

    bernd = client_fuer(amt.bernd).get(f"/akten/{amt.akte.pk}/notizen/", **HTMX).content.decode()
    assert "Rückruf Anwalt Dr. Weber erbeten" in bernd
    assert notiz.angelegt_am.astimezone().strftime("%d.%m.%Y") in bernd
    assert "Notiz bearbeiten" not in bernd  # not his note: no edit, no delete


def test_the_file_page_loads_the_notes_part_and_works_without_javascript(amt):
    services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="Erste Notiz")
    c = client_fuer(amt.anna)
    seite = c.get(f"/akten/{amt.akte.pk}/").content.decode()
    assert f'hx-get="/akten/{amt.akte.pk}/notizen/"' in seite
    ohne_js = c.get(f"/akten/{amt.akte.pk}/notizen/").content.decode()
    assert "<h1" in ohne_js and "Erste Notiz" in ohne_js
    r = c.post("/notizen/neu/", {"akte": amt.akte.pk, "text": "Zweite Notiz"})
    assert r.status_code == 302 and r["Location"] == f"/akten/{amt.akte.pk}/notizen/"
    assert Notiz.objects.count() == 2


def test_a_note_on_a_document_shows_on_the_document_and_on_its_file(amt):
    dok = ablegen(amt.akte, amt.anna, titel="Widerspruch")
    services.notiz_anlegen(user=amt.bernd, dokument=dok, text="Frist prüfen")
    c = client_fuer(amt.anna)
    assert f'hx-get="/dokumente/{dok.pk}/notizen/"' in c.get(f"/dokumente/{dok.pk}/").content.decode()
    auf_dokument = c.get(f"/dokumente/{dok.pk}/notizen/", **HTMX).content.decode()
    assert "Frist prüfen" in auf_dokument
    auf_akte = c.get(f"/akten/{amt.akte.pk}/notizen/", **HTMX).content.decode()
    assert "Frist prüfen" in auf_akte and "zu Dokument" in auf_akte and "Widerspruch" in auf_akte
    assert "Frist prüfen" not in c.get(f"/akten/{amt.akte2.pk}/notizen/", **HTMX).content.decode()


def test_note_text_is_escaped_everywhere(amt):
    boese = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    services.notiz_anlegen(user=amt.anna, akte=amt.akte, text=boese)
    html = client_fuer(amt.anna).get(f"/akten/{amt.akte.pk}/notizen/", **HTMX).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    api = api_fuer(amt.anna).get(f"/api/v1/akten/{amt.akte.pk}/notizen/").json()
    assert api["results"][0]["text"] == boese  # JSON carries the text as written; the browser never renders it raw


def test_only_the_author_edits_or_deletes_and_both_are_audited(amt):
    notiz = services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="alt")
    bernd = client_fuer(amt.bernd)
    r = bernd.post(f"/notizen/{notiz.pk}/aendern/", {"text": "gekapert"}, **HTMX)
    assert "Nur die Verfasserin oder der Verfasser" in r.content.decode()
    assert bernd.post(f"/notizen/{notiz.pk}/loeschen/", **HTMX).status_code == 200
    notiz.refresh_from_db()
    assert notiz.text == "alt"

    anna = client_fuer(amt.anna)
    anna.post(f"/notizen/{notiz.pk}/aendern/", {"text": "neu", "version": 1}, **HTMX)
    notiz.refresh_from_db()
    assert notiz.text == "neu" and notiz.geaendert_am is not None
    assert "geändert" in anna.get(f"/akten/{amt.akte.pk}/notizen/", **HTMX).content.decode()
    anna.post(f"/notizen/{notiz.pk}/loeschen/", {"version": 2}, **HTMX)
    assert not Notiz.objects.exists()
    aktionen = list(
        Protokolleintrag.objects.filter(objekt_typ="notiz", objekt_id=str(notiz.pk))
        .order_by("id")
        .values_list("aktion", flat=True)
    )
    assert aktionen == ["anlegen", "aendern", "loeschen"]


def test_empty_or_overlong_text_is_refused_in_german(amt):
    with pytest.raises(ValidationError, match="Text für die Notiz"):
        services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="   ")
    r = client_fuer(amt.anna).post("/notizen/neu/", {"akte": amt.akte.pk, "text": "x" * 5001}, **HTMX)
    assert r.status_code == 200 and "höchstens 5000 Zeichen" in r.content.decode()
    r = api_fuer(amt.anna).post(f"/api/v1/akten/{amt.akte.pk}/notizen/", {"text": ""}, format="json")
    assert r.status_code == 400 and "text" in r.json()
    assert not Notiz.objects.exists()


def test_other_authority_and_unnamed_colleagues_get_404_for_notes_of_a_restricted_file(amt, leitung):
    services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="Gesperrte Notiz")
    sperrvermerk_setzen(akte=amt.akte, user=leitung)  # the caseworker Anna stays named
    for wer in (amt.fremd, amt.bernd):
        c = client_fuer(wer)
        assert c.get(f"/akten/{amt.akte.pk}/notizen/").status_code == 404
        assert c.post("/notizen/neu/", {"akte": amt.akte.pk, "text": "x"}).status_code == 404
        assert api_fuer(wer).get(f"/api/v1/akten/{amt.akte.pk}/notizen/").status_code == 404
        notiz = Notiz.objects.get()
        assert api_fuer(wer).get(f"/api/v1/notizen/{notiz.pk}/").status_code == 404
        assert api_fuer(wer).delete(f"/api/v1/notizen/{notiz.pk}/").status_code == 404
    assert "Gesperrte Notiz" in client_fuer(amt.anna).get(f"/akten/{amt.akte.pk}/notizen/").content.decode()


def test_an_inspection_grant_shows_another_authority_the_file_but_never_its_notes(amt, leitung):
    import datetime as dt

    from dms.services.berechtigungen import akteneinsicht_erteilen

    services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="intern")
    akteneinsicht_erteilen(
        akte=amt.akte, user=leitung, bis=dt.date.today() + dt.timedelta(days=30), grund="Amtshilfe", person=amt.fremd
    )
    assert Akte.objects.visible_to(amt.fremd).filter(pk=amt.akte.pk).exists()
    assert not Notiz.objects.visible_to(amt.fremd).exists()
    r = api_fuer(amt.fremd).get(f"/api/v1/akten/{amt.akte.pk}/notizen/")
    assert r.status_code == 403 or r.json()["count"] == 0


def test_api_lists_and_creates_notes_on_files_and_documents(amt):
    dok = ablegen(amt.akte, amt.anna)
    api = api_fuer(amt.anna)
    r = api.post(f"/api/v1/akten/{amt.akte.pk}/notizen/", {"text": "zur Akte"}, format="json")
    assert r.status_code == 201
    assert r.json()["akte"] == amt.akte.pk and r.json()["dokument"] is None and r.json()["eigene"] is True
    r = api.post(f"/api/v1/dokumente/{dok.pk}/notizen/", {"text": "zum Dokument"}, format="json")
    assert r.status_code == 201 and r.json()["dokument"] == dok.pk
    akte_liste = api.get(f"/api/v1/akten/{amt.akte.pk}/notizen/").json()
    assert [n["text"] for n in akte_liste["results"]] == ["zum Dokument", "zur Akte"]
    assert akte_liste["results"][0]["verfasst_von"] == amt.anna.get_username()
    dok_liste = api.get(f"/api/v1/dokumente/{dok.pk}/notizen/").json()
    assert [n["text"] for n in dok_liste["results"]] == ["zum Dokument"]
    assert Protokolleintrag.objects.filter(aktion="lesen", details__notizen=True).count() == 2

    notiz_id = r.json()["id"]
    bernd = api_fuer(amt.bernd)
    assert bernd.patch(f"/api/v1/notizen/{notiz_id}/", {"text": "x", "version": 1}, format="json").status_code == 403
    geaendert = api.patch(f"/api/v1/notizen/{notiz_id}/", {"text": "geändert", "version": 1}, format="json").json()
    assert geaendert["text"] == "geändert" and geaendert["version"] == 2
    assert api.delete(f"/api/v1/notizen/{notiz_id}/").status_code == 204


def test_a_moved_document_takes_its_notes_along_and_file_notes_stay(amt):
    dok = ablegen(amt.akte, amt.anna)
    am_dokument = services.notiz_anlegen(user=amt.anna, dokument=dok, text="gehört zum Schreiben")
    an_der_akte = services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="gehört zur Akte")
    dokument_umlegen(dokument=dok, akte=amt.akte2, grund="Fehlablage", user=amt.anna)
    am_dokument.refresh_from_db()
    an_der_akte.refresh_from_db()
    assert am_dokument.akte_id == amt.akte2.pk and an_der_akte.akte_id == amt.akte.pk
    c = client_fuer(amt.bernd)
    assert "gehört zum Schreiben" in c.get(f"/akten/{amt.akte2.pk}/notizen/", **HTMX).content.decode()
    assert "gehört zum Schreiben" not in c.get(f"/akten/{amt.akte.pk}/notizen/", **HTMX).content.decode()


def test_deletion_by_law_takes_every_note_of_the_file_and_its_documents(amt):
    dok = ablegen(amt.akte, amt.anna)
    services.notiz_anlegen(user=amt.anna, dokument=dok, text="am Dokument")
    services.notiz_anlegen(user=amt.anna, akte=amt.akte, text="an der Akte")
    bleibt = services.notiz_anlegen(user=amt.anna, akte=amt.akte2, text="andere Akte")
    umfang = umfang_sammeln({Akte: [amt.akte.pk]})
    assert umfang.anzahl(Notiz) == 2
    umfang_loeschen(umfang)
    assert list(Notiz.objects.values_list("pk", flat=True)) == [bleibt.pk]


def test_roles_that_may_not_change_files_cannot_write_notes(amt):
    from dms.models import Rolle
    from tests import factories as f

    revision = f.benutzer("OF", Rolle.REVISION)
    with pytest.raises(PermissionDenied):
        services.notiz_anlegen(user=revision, akte=amt.akte, text="x")
    assert api_fuer(revision).post(f"/api/v1/akten/{amt.akte.pk}/notizen/", {"text": "x"}).status_code in (403, 404)

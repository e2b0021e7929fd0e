"""One search box: notes and in-tray items are found next to files and documents, each only for whom may see it,
with escaped snippets; the audit trail keeps the term only as a keyed hash."""

from __future__ import annotations

import pytest

from dms.models import Protokolleintrag, Rolle
from dms.notizen.services import notiz_anlegen
from dms.services.berechtigungen import sperrvermerk_setzen
from tests import factories as f
from tests.dms.schreibtisch.conftest import ablegen, api_fuer, client_fuer

pytestmark = pytest.mark.django_db


def _postkorb_ids(user, q: str) -> set[int]:
    return {
        r["posteingang"]["id"]
        for r in api_fuer(user).get("/api/v1/suche/", {"q": q}).json()["results"]
        if "posteingang" in r
    }


def test_a_note_is_found_by_its_words_and_shows_its_file_and_document_with_a_snippet(amt):
    dok = ablegen(amt.akte, amt.anna, titel="Arbeitsvertrag")
    notiz_anlegen(user=amt.anna, dokument=dok, text="Arbeitgeber bestätigt Beschäftigung telefonisch")
    notiz_anlegen(user=amt.anna, akte=amt.akte2, text="Keine Beschäftigung nachgewiesen")
    html = client_fuer(amt.bernd).get("/suche/", {"q": "Beschäftigung"}).content.decode()
    assert amt.akte.aktenzeichen in html and amt.akte2.aktenzeichen in html
    assert "zum Dokument „Arbeitsvertrag“" in html and f"/dokumente/{dok.pk}/#notiz-" in html
    assert "<mark>Beschäftigung</mark>" in html and "2 Notizen" in html

    api = api_fuer(amt.bernd).get("/api/v1/suche/", {"q": "telefonisch"}).json()
    gruppe = next(r for r in api["results"] if r.get("akte", {}).get("id") == amt.akte.pk)
    assert gruppe["notizen"][0]["dokument"] == dok.pk and "<mark>telefonisch</mark>" in gruppe["notizen"][0]["snippet"]
    assert api["notizen_gesamt"] == 1


def test_notes_of_a_restricted_file_are_never_found_by_the_unnamed_nor_by_another_authority(amt, leitung):
    notiz_anlegen(user=amt.anna, akte=amt.akte, text="Zeugenschutz Sonderfall")
    sperrvermerk_setzen(akte=amt.akte, user=leitung)  # Anna (responsible) and the lead stay named
    for wer in (amt.bernd, amt.fremd):
        html = client_fuer(wer).get("/suche/", {"q": "Zeugenschutz"}).content.decode()
        assert "Zeugenschutz" not in html.replace('value="Zeugenschutz"', "").replace("Suche: Zeugenschutz", "")
        assert amt.akte.aktenzeichen not in html
        assert api_fuer(wer).get("/api/v1/suche/", {"q": "Zeugenschutz"}).json()["count"] == 0
    assert "<mark>Zeugenschutz</mark>" in client_fuer(amt.anna).get("/suche/", {"q": "Zeugenschutz"}).content.decode()


# PostgreSQL's ts_headline drops well-formed tags itself, but passes through what its parser does not take for a
# tag: both kinds are in the texts below, and nothing of them may reach the page as markup.
BOESE = '<script>alert("x")</script> "><svg/onload=alert(1)> <<script>script>alert(2)<</script>/script>'


def test_script_in_a_note_is_escaped_in_the_search_snippet(amt):
    notiz_anlegen(user=amt.anna, akte=amt.akte, text=f"Vorsicht {BOESE} Kaution")
    html = client_fuer(amt.anna).get("/suche/", {"q": "Kaution"}).content.decode()
    assert "<script>alert" not in html and "<svg" not in html and "< script>" not in html
    assert "&lt;svg/onload=alert(1)&gt;" in html and "<mark>Kaution</mark>" in html
    snippet = api_fuer(amt.anna).get("/api/v1/suche/", {"q": "Kaution"}).json()["results"][0]["notizen"][0]["snippet"]
    assert "<svg" not in snippet and "&lt;svg/onload=alert(1)&gt;" in snippet and "<script" not in snippet


def test_in_tray_items_are_found_by_their_text_only_by_the_team_whose_in_tray_holds_them(amt, eingang_mit_text):
    bei_team = eingang_mit_text("Antrag auf Familiennachzug Ehefrau", team=amt.team, name="nachzug.pdf")
    anderes_team = f.TeamFactory(name="Team X")
    fremdes_team = eingang_mit_text("Familiennachzug Kinder", team=anderes_team, name="anderes.pdf")
    fremde_behoerde = eingang_mit_text("Familiennachzug Hessen", kuerzel="HP", name="hessen.pdf")

    assert _postkorb_ids(amt.anna, "Familiennachzug") == {bei_team.pk}
    assert _postkorb_ids(amt.bernd, "Familiennachzug") == {bei_team.pk}
    assert _postkorb_ids(amt.otto, "Familiennachzug") == set()  # another team, not standing in for anyone
    # Vera stands in for Anna (tests/dms/schreibtisch/conftest.py): Anna's team's in-tray is hers too.
    assert _postkorb_ids(amt.vera, "Familiennachzug") == {bei_team.pk}
    assert _postkorb_ids(amt.fremd, "Familiennachzug") == set()  # another authority: never
    # The mail room and a team lead see their authority's in-trays (as on the in-tray page, view "alle").
    poststelle = f.benutzer("OF", Rolle.POSTSTELLE)
    assert _postkorb_ids(poststelle, "Familiennachzug") == {bei_team.pk, fremdes_team.pk}
    hessen = f.benutzer("HP", Rolle.POSTSTELLE)
    assert _postkorb_ids(hessen, "Familiennachzug") == {fremde_behoerde.pk}

    treffer = next(
        r
        for r in api_fuer(amt.anna).get("/api/v1/suche/", {"q": "Familiennachzug"}).json()["results"]
        if "posteingang" in r
    )
    assert treffer["posteingang"]["status"] == "zu_pruefen" and treffer["posteingang"]["eingegangen_am"]
    assert "<mark>Familiennachzug</mark>" in treffer["snippet"]


def test_the_search_page_links_in_tray_hits_to_the_item_and_escapes_the_recognised_text(amt, eingang_mit_text):
    p = eingang_mit_text(f"Verpflichtungserklärung {BOESE} Bürgschaft", team=amt.team, name="<b>brief</b>.pdf")
    html = client_fuer(amt.anna).get("/suche/", {"q": "Verpflichtungserklärung"}).content.decode()
    assert "Im Postkorb" in html and f'href="/postkorb/{p.pk}/"' in html
    assert "<script>alert" not in html and "<svg" not in html and "< script>" not in html and "<b>brief" not in html
    assert "&lt;svg/onload=alert(1)&gt;" in html
    assert "<mark>Verpflichtungserklärung</mark>" in html
    assert client_fuer(amt.anna).get(f"/postkorb/{p.pk}/").status_code == 200  # the link leads to the item


def test_filed_items_leave_the_in_tray_search(amt, eingang_mit_text):
    p = eingang_mit_text("Meldebescheinigung Umzug", team=amt.team)
    assert _postkorb_ids(amt.anna, "Meldebescheinigung") == {p.pk}
    client_fuer(amt.anna).post(f"/postkorb/{p.pk}/zuordnen/", {"akte": amt.akte.pk, "register": "03"})
    assert _postkorb_ids(amt.anna, "Meldebescheinigung") == set()


def test_the_search_is_audited_with_a_keyed_hash_and_the_counts(amt, eingang_mit_text, settings):
    eingang_mit_text("Aufenthaltserlaubnis Studium", team=amt.team)
    notiz_anlegen(user=amt.anna, akte=amt.akte, text="Studium beendet?")
    api_fuer(amt.anna).get("/api/v1/suche/", {"q": "Studium"})
    eintrag = Protokolleintrag.objects.filter(aktion="suche", user_id=amt.anna.pk).latest("id")
    assert eintrag.details["notizen"] == 1 and eintrag.details["weitere"] == 1
    assert "Studium" not in str(eintrag.details) and "q_sha256" not in eintrag.details
    # A second key (rotation) writes a different hash for the same term: the hash depends on the key.
    from dms.suche import suchbegriff_hmac

    settings.AUDIT_HMAC_KEYS = {**settings.AUDIT_HMAC_KEYS, "neu": "ein-anderer-schluessel-fuer-den-test"}
    assert suchbegriff_hmac("Studium", "neu") != eintrag.details["q_hmac"]
    assert suchbegriff_hmac("  STUDIUM ", eintrag.details["q_schluessel"]) == eintrag.details["q_hmac"]

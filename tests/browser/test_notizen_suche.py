"""Notes and the one search box in headless Chromium: a caseworker writes a note on a file and on a document, finds
it (and a letter waiting in her in-tray) through the search box, saves the search and finds it on her desk;
a colleague of another team sees neither her in-tray item nor her saved search. axe-core on every new part."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dms.models import Behoerde, GespeicherteSuche, Notiz, Rolle
from tests import factories as f
from tests.browser.test_arbeitsplatz import _anmelden, _axe, _posteingang, browser, server  # noqa: F401 - fixtures
from tests.browser.test_schreibtisch import _ablegen

pytestmark = [pytest.mark.browser]


@pytest.fixture
def lage(server, django_db_blocker, settings, tmp_path):  # noqa: F811 - the imported fixture
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        if not Behoerde.objects.filter(kuerzel="OF").exists():
            call_command("landesdaten_laden")
        k = uuid.uuid4().hex[:6]
        team = f.TeamFactory(name=f"Team {k}")
        anderes = f.TeamFactory(name=f"Anderes {k}")
        anna = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team, user__username=f"anna-{k}")
        otto = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=anderes, user__username=f"otto-{k}")
        akte = f.AkteFactory(person=f.PersonFactory(familienname=f"Yilmaz{k}"), team=team, sachbearbeitung=anna)
        brief = _ablegen(akte, f"Mietvertrag {k}")
        eingang = _posteingang(
            akte.behoerde, f"Schreiben zur Dolmetscherbestellung\nVorgang Kennwort{k}", f"fax-{k}.pdf", anna
        )
        yield {"k": k, "anna": anna, "otto": otto, "akte": akte, "brief": brief, "eingang": eingang}


def test_note_search_and_saved_search_journey(browser, server, lage, django_db_blocker):  # noqa: F811
    k, akte, brief = lage["k"], lage["akte"], lage["brief"]
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE")
    page = _anmelden(context, server, lage["anna"].username)

    # A note on the file: the notes part loads with the page, the note appears in place (htmx)
    page.goto(f"{server.url}/akten/{akte.pk}/")
    notizen = page.locator("#notizen")
    notizen.get_by_label("Neue Notiz").fill(f"Rückruf Vermieter Kennwort{k} <script>alert(1)</script>")
    notizen.get_by_role("button", name="Notiz speichern").click()
    eintrag = page.locator("#notizen li", has_text=f"Rückruf Vermieter Kennwort{k}")
    eintrag.wait_for()
    assert "<script>alert(1)</script>" in eintrag.inner_text()  # shown as text, not run
    assert page.get_by_label("Neue Notiz").input_value() == ""
    _axe(page, "akte-notizen")

    # A note on the document, then an edit of it
    page.goto(f"{server.url}/dokumente/{brief.pk}/")
    page.locator("#notizen").get_by_label("Neue Notiz").fill("Untermiete prüfen")
    page.locator("#notizen").get_by_role("button", name="Notiz speichern").click()
    page.locator("#notizen li", has_text="Untermiete prüfen").wait_for()
    page.locator("#notizen").get_by_text("Notiz bearbeiten").click()
    page.locator("#notizen").get_by_label("Text der Notiz").fill(f"Untermiete prüfen Kennwort{k}")
    page.locator("#notizen").get_by_role("button", name="Änderung speichern").click()
    page.locator("#notizen li", has_text=f"Untermiete prüfen Kennwort{k}").wait_for()
    assert "geändert" in page.locator("#notizen").inner_text()
    _axe(page, "dokument-notizen")
    with django_db_blocker.unblock():
        assert Notiz.objects.filter(akte=akte).count() == 2

    # The search box in the header finds both notes and the letter waiting in her in-tray
    page.get_by_label("Suche in Akten und Dokumenten").fill(f"Kennwort{k}")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/suche/\?q="))
    status = page.get_by_role("status")
    assert "2 Notizen" in status.inner_text() and "1 im Postkorb" in status.inner_text()
    gruppe = page.locator("section.treffer-akte", has_text=akte.aktenzeichen)
    assert gruppe.locator("mark", has_text=f"Kennwort{k}").count() >= 2
    assert gruppe.get_by_role("link", name=f"zum Dokument „Mietvertrag {k}“").is_visible()
    assert page.locator("script", has_text="alert(1)").count() == 0
    postkorb = page.locator("section.treffer-postkorb")
    assert postkorb.get_by_role("link", name=f"fax-{k}.pdf").is_visible()
    _axe(page, "suche-notizen-postkorb")

    # Save the search; it is on her desk and leads back to the same hits
    page.get_by_text("Diese Suche speichern").click()
    page.get_by_label("Name der Suche").fill(f"Vermieter {k}")
    page.get_by_role("button", name="Suche speichern").click()
    assert page.get_by_text(f"Die Suche „Vermieter {k}“ ist gespeichert.").is_visible()
    page.goto(f"{server.url}/")
    gespeichert = page.locator("#gespeicherte-suchen-teil").get_by_role("link", name=f"Vermieter {k}", exact=True)
    gespeichert.wait_for()
    # its count arrives after the desk (a polite live region): the file with both notes, the in-tray letter
    zahl = page.locator("#gespeicherte-suchen-teil .trefferzahl")
    expect(zahl).to_have_text(re.compile(r"1 Akte gefunden, 2 Notizen, 1 im Postkorb"))
    assert zahl.get_attribute("aria-live") == "polite"
    # parts loaded after the page never take the focus: the first Tab still starts at the top (skip link)
    assert page.evaluate("document.activeElement === document.body")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    _axe(page, "schreibtisch-gespeicherte-suchen")
    gespeichert.click()
    page.wait_for_url(re.compile(r"/suche/\?q=Kennwort"))
    postkorb_link = page.locator("section.treffer-postkorb").get_by_role("link", name=f"fax-{k}.pdf")
    postkorb_link.click()
    page.wait_for_url(f"{server.url}/postkorb/{lage['eingang'].pk}/")
    context.clear_cookies()

    # A colleague of another team: the note's file is his authority's, so he finds it; her in-tray and her saved
    # search are not his
    page = _anmelden(context, server, lage["otto"].username)
    page.goto(f"{server.url}/suche/?q=Kennwort{k}")
    assert page.locator("section.treffer-akte", has_text=akte.aktenzeichen).is_visible()
    assert page.locator("section.treffer-postkorb").count() == 0
    page.goto(f"{server.url}/")
    page.locator("#gespeicherte-suchen-teil").get_by_text("noch keine Suche gespeichert").wait_for()
    context.clear_cookies()

    # Anna deletes her saved search from the desk
    page = _anmelden(context, server, lage["anna"].username)
    teil = page.locator("#gespeicherte-suchen-teil")
    teil.get_by_role("button", name=f"Gespeicherte Suche „Vermieter {k}“ löschen").click()
    page.locator("#gespeicherte-suchen-teil").get_by_text("noch keine Suche gespeichert").wait_for()
    with django_db_blocker.unblock():
        assert not GespeicherteSuche.objects.filter(user=lage["anna"]).exists()
    context.close()


def test_a_note_saved_in_two_tabs_loses_nothing(browser, server, lage, django_db_blocker):  # noqa: F811
    """Anna has the file open in two tabs and edits the same note in both: the second save shows the conflict with
    the text saved from the first tab and keeps what she typed in the second, and she can save it deliberately."""
    k, akte = lage["k"], lage["akte"]
    with django_db_blocker.unblock():
        from dms.notizen.services import notiz_anlegen

        notiz = notiz_anlegen(user=lage["anna"], akte=akte, text=f"Rückruf offen {k}")
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE")
    tab1 = _anmelden(context, server, lage["anna"].username)
    tab2 = context.new_page()
    for tab in (tab1, tab2):
        tab.goto(f"{server.url}/akten/{akte.pk}/")
        tab.locator(f"#notiz-{notiz.pk}").get_by_text("Notiz bearbeiten").click()

    tab1.get_by_label("Text der Notiz").fill(f"Rückruf erledigt {k}, Anwalt informiert")
    tab1.get_by_role("button", name="Änderung speichern").click()
    tab1.locator("#notizen li", has_text="Anwalt informiert").wait_for()

    eigener = f"Rückruf verschoben {k} <b>auf Freitag</b>"
    tab2.get_by_label("Text der Notiz").fill(eigener)
    tab2.get_by_role("button", name="Änderung speichern").click()
    warnung = tab2.get_by_role("alert")
    expect(warnung).to_contain_text("Ihre Änderung wurde nicht gespeichert")
    expect(warnung).to_contain_text(f"Rückruf erledigt {k}, Anwalt informiert")
    assert tab2.get_by_label("Text der Notiz").input_value() == eigener  # nothing lost
    assert tab2.locator("#notizen b", has_text="auf Freitag").count() == 0  # shown as text
    with django_db_blocker.unblock():
        notiz.refresh_from_db()
        assert notiz.text == f"Rückruf erledigt {k}, Anwalt informiert"
    _axe(tab2, "notiz-konflikt")

    # she decides her text counts: saved over the current version, the conflict is gone
    tab2.get_by_role("button", name="Änderung speichern").click()
    tab2.locator("#notizen li", has_text="auf Freitag").wait_for()
    expect(tab2.get_by_role("alert")).to_have_count(0)
    with django_db_blocker.unblock():
        notiz.refresh_from_db()
        assert notiz.text == eigener and notiz.version == 3
    context.close()

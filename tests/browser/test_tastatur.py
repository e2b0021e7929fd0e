"""Keyboard only, in headless Chromium: the Poststelle (upload a letter, see it in "Heute eingegangen", open the
Posteingangsbuch), the in-tray (select all, file them into one file) and the file page (open a new document, which
reads it; add a resubmission). Every focused control must show its focus; axe-core finds no serious or critical
violation on any page of the way."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from dms.models import Behoerde, Rolle, Wiedervorlage
from dms.neueingaenge.queries import neueingaenge_fuer
from scanning.models import Posteingang
from tests import factories as f
from tests.browser.test_arbeitsplatz import (  # noqa: F401 - fixtures
    _anmelden,
    _axe,
    _posteingang,
    browser,
    server,
    welt,
)
from tests.browser.test_schreibtisch import _ablegen
from tests.dms.ui.conftest import pdf_mit_text

pytestmark = [pytest.mark.browser]

INFO = (
    "() => { const e = document.activeElement; const s = getComputedStyle(e); return {tag: e.tagName,"
    " text: (e.innerText || '').trim(), name: e.getAttribute('name') || '', id: e.id || '',"
    " outline: s.outlineStyle !== 'none' && s.outlineWidth !== '0px', schatten: s.boxShadow !== 'none'}; }"
)


def _tab_bis(page, passt, *, zurueck: bool = False, max_tabs: int = 120) -> dict:
    """Tab (or Shift+Tab) until the focused element fits; it must show its focus (outline or shadow)."""
    for _ in range(max_tabs):
        page.keyboard.press("Shift+Tab" if zurueck else "Tab")
        info = page.evaluate(INFO)
        if passt(info):
            assert info["outline"] or info["schatten"], f"Fokus nicht sichtbar: {info}"
            return info
    raise AssertionError("Mit der Tastatur nicht erreichbar")


def _link(text: str):
    return lambda i: i["tag"] == "A" and i["text"] == text


def _knopf(text: str):
    return lambda i: i["tag"] == "BUTTON" and i["text"] == text


def _datum_tippen(page, datum: dt.date) -> None:
    """Date fields are German text fields (TT.MM.JJJJ) whatever the browser's locale (dms.views.formulare.DatumFeld)."""
    page.keyboard.type(f"{datum:%d.%m.%Y}")


def test_poststelle_keyboard_only(browser, server, welt, django_db_blocker, tmp_path):  # noqa: F811
    k = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        post = f.benutzer("OF", Rolle.POSTSTELLE, user__username=f"post-{k}")
    brief = tmp_path / f"brief-{k}.pdf"
    brief.write_bytes(pdf_mit_text("Ausländerbehörde", f"Antrag {k}"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = _anmelden(context, server, post.username)
    # A listener from the start switches Playwright's file-chooser interception on before the key is pressed:
    # `expect_file_chooser` alone switches it on lazily, and on a loaded machine the Space key could reach Chromium
    # first (the chooser then opens natively, unseen, and the test waited 30 s for nothing).
    page.on("filechooser", lambda _auswahl: None)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    _tab_bis(page, _link("Poststelle"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _axe(page, "tastatur-poststelle")
    _tab_bis(page, lambda i: i["id"] == "datei-auswahl")
    with page.expect_file_chooser() as auswahl:
        page.keyboard.press("Space")
    auswahl.value.set_files(str(brief))
    page.locator("#uploads tbody tr", has_text=brief.name).wait_for()
    # "Heute eingegangen" reloads itself and lists the letter
    page.locator("#heute tr", has_text=brief.name).wait_for(timeout=20_000)
    with django_db_blocker.unblock():
        assert Posteingang.objects.filter(dateiname=brief.name, hochgeladen_von=post).exists()
    _axe(page, "tastatur-poststelle-hochgeladen")

    _tab_bis(page, _link("Zum Posteingangsbuch"), zurueck=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/poststelle/buch/", page.url)
    assert brief.name in page.locator("main").inner_text()
    _axe(page, "tastatur-posteingangsbuch")
    context.close()


def test_in_tray_bulk_filing_keyboard_only(browser, server, welt, django_db_blocker):  # noqa: F811
    sb, akte = welt["sb"], welt["akte"]
    k = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        of = Behoerde.objects.get(kuerzel="OF")
        eintraege = [
            _posteingang(of, f"Ohne Aktenzeichen\nNachtrag {k} {n}", f"nachtrag-{k}-{n}.pdf", zugewiesen_an=sb)
            for n in range(3)
        ]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = _anmelden(context, server, sb.username)

    _tab_bis(page, _link("Postkorb"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _axe(page, "tastatur-postkorb")
    _tab_bis(page, lambda i: i["id"] == "alle-auswaehlen")
    page.keyboard.press("Space")
    for e in eintraege:
        assert page.locator(f"#wahl-{e.pk}").is_checked()
    _tab_bis(page, lambda i: i["name"] == "ziel")
    page.keyboard.type(akte.aktenzeichen)
    _tab_bis(page, lambda i: i["name"] == "register")
    _tab_bis(page, _knopf("Ausgewählte zur Akte nehmen"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    meldung = page.locator(".meldungen").inner_text()
    assert "3 von 3 Schriftstücken erledigt" in meldung, meldung
    _axe(page, "tastatur-postkorb-abgelegt")
    with django_db_blocker.unblock():
        for e in eintraege:
            e.refresh_from_db()
            assert e.status == Posteingang.Status.ZUGEORDNET and e.akte_id == akte.pk and e.zugeordnet_von == sb
    context.close()


def test_file_page_keyboard_only(browser, server, welt, django_db_blocker):  # noqa: F811
    sb, akte = welt["sb"], welt["akte"]
    k = uuid.uuid4().hex[:6]
    titel = f"Schreiben Rechtsanwältin {k}"
    with django_db_blocker.unblock():
        dok = _ablegen(akte, titel)  # filed by the Poststelle: new mail for the caseworker
        assert neueingaenge_fuer(sb).filter(dokument=dok).exists()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = _anmelden(context, server, sb.username)

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link: straight to the content
    _tab_bis(page, _link(akte.aktenzeichen))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#akte-neu-anzahl").inner_text() == "1 neu"
    _axe(page, "tastatur-akte")

    # Open the new document: that reads it
    _tab_bis(page, _link(titel))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(rf"/dokumente/{dok.pk}/", page.url)
    with django_db_blocker.unblock():
        assert not neueingaenge_fuer(sb).filter(dokument=dok).exists()
    _axe(page, "tastatur-dokument")
    _tab_bis(page, lambda i: i["tag"] == "A" and i["text"].startswith(f"Akte {akte.aktenzeichen}"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#akte-neu-anzahl").count() == 0

    # A resubmission on the file
    _tab_bis(page, lambda i: i["tag"] == "SUMMARY" and i["text"] == "Wiedervorlage anlegen")
    page.keyboard.press("Enter")
    _tab_bis(page, lambda i: i["name"] == "faellig_am")
    termin = timezone.localdate() + dt.timedelta(days=10)
    _datum_tippen(page, termin)
    _tab_bis(page, lambda i: i["name"] == "notiz")
    page.keyboard.type(f"Vollmacht prüfen {k}")
    _tab_bis(page, _knopf("Wiedervorlage anlegen"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text(f"Wiedervorlage zum {termin:%d.%m.%Y} angelegt").is_visible()
    with django_db_blocker.unblock():
        wv = Wiedervorlage.objects.get(akte=akte, notiz=f"Vollmacht prüfen {k}")
        assert wv.faellig_am == termin and wv.zustaendig == sb
    _axe(page, "tastatur-akte-wiedervorlage")
    context.close()

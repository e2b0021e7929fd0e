"""Page editing in headless Chromium: rotate with the mouse, delete a page with the keyboard only (with a reason),
split the stack, merge another document; the table of contents shows the sheets and the gap; axe-core on the editor."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dms.models import Behoerde, Dokument, Rolle
from tests import factories as f
from tests.browser.test_arbeitsplatz import _anmelden, _axe, _tab_bis, browser, server  # noqa: F401 - fixtures
from tests.dms.seitenbearbeitung.hilfen import ablegen

pytestmark = [pytest.mark.browser]


@pytest.fixture
def stapel(server, django_db_blocker, settings, tmp_path):  # noqa: F811 - the imported fixture
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        if not Behoerde.objects.filter(kuerzel="OF").exists():
            call_command("landesdaten_laden")
        k = uuid.uuid4().hex[:6]
        sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, user__username=f"sofia-{k}")
        akte = f.AkteFactory(person=f.PersonFactory(familienname=f"Demir{k}"), sachbearbeitung=sb)
        scan = ablegen(akte, f"Scan{k}", 4)
        anlage = ablegen(akte, f"Anlage{k}", 1)
        yield {"k": k, "sb": sb, "akte": akte, "scan": scan, "anlage": anlage}


def test_page_editing_journey(browser, server, stapel, django_db_blocker):  # noqa: F811
    k, scan, akte = stapel["k"], stapel["scan"], stapel["akte"]
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE")
    page = _anmelden(context, server, stapel["sb"].username)
    page.goto(f"{server.url}/dokumente/{scan.pk}/")
    page.get_by_text("Seiten bearbeiten (drehen").click()
    editor = page.locator("#seiten-bearbeiten")
    assert editor.get_by_text("Seite 3 · Bl. 3").is_visible()
    _axe(page, "seitenbearbeitung")

    # rotate page 2 to the right: a new version, the page image is the new version's
    editor.get_by_role("button", name="Rechts drehen (Seite 2)").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Seite 2 wurde gedreht (Version 2).")).to_be_visible()
    assert "?v=2" in (page.locator("#seite-2 img").get_attribute("src") or "")

    # keyboard only: delete page 3 with a reason
    _tab_bis(page, lambda i: i["tag"] == "SUMMARY" and i["text"].startswith("Seite 3 löschen"), max_tabs=250)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("Leerseite, versehentlich mitgescannt")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Seite 3 wurde gelöscht (Version 3)")).to_be_visible()

    # split the rest of the stack off at page 3 (the former page 4, Bl. 4)
    page.locator("#seiten-bearbeiten").get_by_role("button", name=re.compile(r"Hier teilen\W*Seiten 3 bis 3")).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Die Seiten ab Seite 3 sind jetzt das neue Dokument")).to_be_visible()

    # merge the attachment into the (now two-page) scan, between its two pages
    page.get_by_label("Dokument dieser Akte einfügen").select_option(value=str(stapel["anlage"].pk))
    page.get_by_label("Wohin mit seinen Seiten?").select_option(label="Nach Seite 1 (Bl. 1)")
    page.get_by_role("button", name="Mit anderem Dokument zusammenführen").click()
    page.wait_for_load_state()
    gemeldet = f"Die Seiten von „Anlage{k}“ stehen jetzt nach Seite 1 (Version 5); alle Seiten behalten ihr Blatt."
    expect(page.get_by_text(gemeldet)).to_be_visible()
    blattangabe = page.locator("#blattangabe").inner_text()
    assert blattangabe.startswith("Blatt 1–2, 5") and "in Seitenfolge Bl. 1, 5, 2" in blattangabe
    assert page.locator("#bearbeiten-seite-2").get_by_text("Seite 2 · Bl. 5").is_visible()
    _axe(page, "seitenbearbeitung-nachher")

    # the table of contents: the scan with Bl. 1-2 and 5, the split-off part with Bl. 4, the gap Bl. 3
    page.goto(f"{server.url}/akten/{akte.pk}/inhaltsverzeichnis/")
    inhalt = page.locator("main").inner_text()
    assert "Bl. 3 entfernt am" in inhalt and "Leerseite, versehentlich mitgescannt" in inhalt
    with django_db_blocker.unblock():
        teil = Dokument.objects.get(akte=akte, titel__contains="Teil ab Seite 3")
        assert teil.versionen.get().blattnummern == [4]
        assert scan.versionen.get(nummer=1).seiten == 4  # the original version is kept as it was
    context.close()

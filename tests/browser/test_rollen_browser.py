"""Every role at home (issue 13): each demo role logs in, walks its whole menu and gets German pages only, no 5xx,
no serious or critical axe-core violation; the roles that work all day (Poststelle, caseworker) use the keyboard
only. Runs on the demo data (`manage.py demo_daten`), as after `make run`. Screenshots: rolle-<user>-<page>.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from dms.management.commands.demo_daten import DEMO_PASSWORT
from dms.models import Vertretung
from dms.namen import name_normalisieren
from tests.browser.test_arbeitsplatz import _axe, browser, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser]

ENGLISCH = re.compile(r"\b(Not Found|Forbidden|Server Error|Page not found|Bad Request|Method Not Allowed)\b")
ROLLEN = ["ps.of", "sb.of", "sb2.of", "tl.of", "admin.of", "rev.of", "land.of", "sgv.of"]
TASTATUR = {"ps.of", "sb.of"}


@pytest.fixture(scope="module")
def demo_geladen(server, django_db_blocker):  # noqa: F811
    with django_db_blocker.unblock():
        call_command("demo_daten", "--ohne-verarbeitung")
        User = get_user_model()
        sb, sb2 = User.objects.get(username="sb.of"), User.objects.get(username="sb2.of")
        heute = timezone.localdate()
        # sb2 substitutes sb this week: her menu and in-tray work for both
        Vertretung.objects.get_or_create(
            vertretene_person=sb,
            vertretung=sb2,
            von=heute,
            bis=heute + dt.timedelta(days=5),
            defaults={"angelegt_von": sb},
        )
    return server


@pytest.fixture
def demo(demo_geladen, django_db_blocker):
    """The live server's request threads use the database while the test runs (as in test_arbeitsplatz)."""
    with django_db_blocker.unblock():
        yield demo_geladen


def _anmelden(context, url: str, username: str):
    page = context.new_page()
    page.goto(f"{url}/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORT)
    page.get_by_label("Passwort").press("Enter")
    page.wait_for_url(f"{url}/")
    return page


def _pruefen(page, antwort, name: str) -> None:
    assert antwort is not None and antwort.status == 200, (name, antwort.status if antwort else None)
    text = page.locator("body").inner_text()
    assert not ENGLISCH.search(text), (name, ENGLISCH.search(text))
    assert page.locator("html").get_attribute("lang") == "de"
    _axe(page, name)


@pytest.mark.parametrize("username", ROLLEN)
def test_role_walks_its_menu(browser, demo, username):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    page = _anmelden(context, demo.url, username)
    menue = page.locator("nav.hauptnavigation a")
    eintraege = [(menue.nth(i).inner_text(), menue.nth(i).get_attribute("href")) for i in range(menue.count())]
    assert eintraege and eintraege[0][0] == "Mein Arbeitsplatz"
    for text, href in eintraege:
        antwort = page.goto(f"{demo.url}{href}")
        _pruefen(page, antwort, f"rolle-{username}-{name_normalisieren(text).replace(' ', '-')}")
        aktuell = page.locator('nav.hauptnavigation a[aria-current="page"]')
        assert aktuell.count() == 1 and aktuell.inner_text() == text
    if username in TASTATUR:
        # Keyboard only: from the top of the desk, Tab to the second menu entry and open it with Enter.
        page.goto(f"{demo.url}/")
        ziel_text, ziel_href = eintraege[1]
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("() => (document.activeElement.innerText || '').trim()") == ziel_text:
                break
        else:
            raise AssertionError(f"{ziel_text} ist mit der Tab-Taste nicht erreichbar")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{demo.url}{ziel_href}")
    # A page the role may not use: a German page in the design system that says what to do
    fremd = "/foerderung/" if username in {"ps.of", "sb.of", "sb2.of"} else "/gibt-es-nicht/"
    if username in {"rev.of", "land.of", "sgv.of"}:
        fremd = "/poststelle/"
    antwort = page.goto(f"{demo.url}{fremd}")
    assert antwort is not None and antwort.status in {403, 404}
    assert page.get_by_role("heading", name="Was Sie jetzt tun können").is_visible()
    assert not ENGLISCH.search(page.locator("body").inner_text())
    _axe(page, f"rolle-{username}-fehler")
    context.close()


def test_substitute_sees_the_absent_colleagues_in_tray(browser, demo):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    page = _anmelden(context, demo.url, "sb2.of")
    page.goto(f"{demo.url}/postkorb/?fuer=vertretung")
    assert page.get_by_role("heading", level=1).is_visible()
    assert not ENGLISCH.search(page.locator("body").inner_text())
    context.close()


def test_dates_are_typed_and_shown_in_german_order_in_an_english_browser(browser, demo):  # noqa: F811
    """An en-US browser would show `<input type="date">` as MM/DD/YYYY: every date field is a German text field."""
    from dms.models import Vorgang

    vorgang = Vorgang.objects.filter(sachbearbeitung__username="sb.of").order_by("pk").first()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = _anmelden(context, demo.url, "sb.of")
    page.goto(f"{demo.url}/vorgaenge/{vorgang.pk}/")
    page.locator("summary", has_text="Wiedervorlage anlegen").click()
    feld = page.get_by_label("Wiedervorlage am")
    assert feld.get_attribute("type") == "text" and feld.get_attribute("inputmode") == "numeric"
    assert page.get_by_text("Format: TT.MM.JJJJ").first.is_visible()
    feld.fill("04/03/2027")  # the English order does not fit the field's pattern (the server refuses it too)
    assert feld.evaluate("e => e.validity.patternMismatch")
    feld.fill("03.04.2027")  # a resubmission lies ahead: 2027, not the brief's 2026
    page.get_by_label("Notiz").fill("Pass nachreichen")
    page.get_by_role("button", name="Wiedervorlage anlegen").click()
    assert page.get_by_text("Wiedervorlage zum 03.04.2027 angelegt").is_visible()
    assert vorgang.wiedervorlagen.get(notiz="Pass nachreichen").faellig_am == dt.date(2027, 4, 3)  # 3 April
    assert not ENGLISCH.search(page.locator("body").inner_text())
    context.close()

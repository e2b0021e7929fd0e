"""Issue 13: no English text anywhere in the UI, for a browser that asks for English too. Every demo role walks its
menu and the pages those link to (one level deep) on the demo data; the visible text and the placeholders, titles
and labels of every page are scanned for common English words. Django's and DRF's own texts are German as well
(LANGUAGES has German only), also in the JSON errors of the API."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db
User = get_user_model()

ENGLISCH = re.compile(
    r"\b(Submit|Save|Cancel|Not Found|Forbidden|Login|Log in|Logout|Log out|Search|Delete|Edit|required|"
    r"This field|Next|Previous|Upload|Download|Error|Loading|Page not found|Server Error|Bad Request|Select|"
    r"Choose|Show|Hide|Back|Settings|Password|Username|Close|Yes|Invalid|Enter a|Please|Sign in|Welcome|"
    r"Dashboard|Home|Inbox|Files|File|Document|Documents|Date|Today|Clear|Reset|Remove|Add|Create|Update)\b"
)
ROLLEN = ["ps.of", "sb.of", "sb2.of", "sb3.of", "tl.of", "admin.of", "rev.of", "land.of", "sgv.of"]
NICHT_FOLGEN = re.compile(r"(\.pdf|\.csv|\.png|\.zip|\.xml|/datei/|/abmelden/|/api/|/admin/|/static/|^#|^mailto:)")


def _sichtbar(seite: str) -> str:
    """The text a user reads or hears: the page without scripts/styles/tags, plus placeholders, titles and labels."""
    ohne = re.sub(r"<(script|style)\b.*?</\1>", " ", seite, flags=re.S | re.I)
    attribute = re.findall(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"', ohne)
    text = re.sub(r"<[^>]+>", " ", ohne)
    return html.unescape(" ".join([text, *attribute]))


@pytest.fixture
def demo():
    call_command("demo_daten", "--ohne-verarbeitung", stdout=io.StringIO())


def _menue(seite: str) -> list[str]:
    nav = re.search(r'<nav class="hauptnavigation".*?</nav>', seite, re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]+)"', nav.group(0))


@pytest.mark.parametrize("username", ROLLEN)
def test_every_page_of_every_role_is_german_for_an_english_browser(demo, username):
    c = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    c.force_login(User.objects.get(username=username))
    start = c.get("/").content.decode()
    menue = _menue(start)
    besucht: set[str] = set()
    offen = ["/", *menue]
    for href in menue:  # one level deep: the pages the menu pages link to (a few of each)
        seite = c.get(href).content.decode()
        links = [
            html.unescape(h)
            for h in re.findall(r'<a [^>]*href="(/[^"]*)"', seite)
            if not NICHT_FOLGEN.search(h) and h not in menue
        ]
        offen += list(dict.fromkeys(links))[:6]
    for pfad in offen:
        pfad = urlsplit(pfad).path + (f"?{urlsplit(pfad).query}" if urlsplit(pfad).query else "")
        if pfad in besucht:
            continue
        besucht.add(pfad)
        r = c.get(pfad)
        assert r.status_code < 500, (pfad, r.status_code)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        text = _sichtbar(r.content.decode())
        treffer = ENGLISCH.search(text)
        assert treffer is None, (username, pfad, text[max(0, treffer.start() - 80) : treffer.end() + 80])
    assert len(besucht) >= len(menue) + 1


def test_form_errors_and_api_errors_are_german_for_an_english_browser(demo):
    c = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    c.force_login(User.objects.get(username="sb.of"))
    seite = c.post("/abwesenheit/", {}).content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in seite and "This field is required" not in seite
    r = c.get("/api/v1/akten/999999999/")
    assert r.status_code == 404 and not ENGLISCH.search(r.json()["detail"]), r.json()
    r = c.post("/api/v1/personen/", {}, content_type="application/json")
    assert r.status_code in {400, 403}
    assert "required" not in r.content.decode() and "This field" not in r.content.decode(), r.content


def test_the_scan_finds_english_in_text_and_attributes():
    assert ENGLISCH.search(_sichtbar("<p>Bitte</p><button>Save</button>"))
    assert ENGLISCH.search(_sichtbar('<input placeholder="Search files">'))
    assert ENGLISCH.search(_sichtbar("<ul><li>This field is required.</li></ul>"))
    assert not ENGLISCH.search(_sichtbar("<p>Dieses Feld ist zwingend erforderlich.</p><script>var Save;</script>"))

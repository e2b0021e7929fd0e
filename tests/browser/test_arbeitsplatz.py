"""The caseworker's journey in headless Chromium against the live server, with axe-core and keyboard-only checks.

The mail-room part runs the real pipeline steps (scanning.tasks, executed in-process with Celery's `apply`, since
no worker runs here); everything after that goes through the pages like a person would.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import tempfile
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from dms.models import Behoerde, Dokument, Rolle, Vertretung, Vorgang
from tests import factories as f
from tests.dms.ui.conftest import pdf_mit_text

pytestmark = [pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The suite never writes into the checkout; `make screenshots` points this at docs/screenshots.
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / f"akte-screenshots-{os.getpid()}")
PASSWORT = f.PASSWORT


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """Django's live server thread, started here and not through pytest-django's `live_server`, which would force
    a transactional test and a TRUNCATE of the append-only audit table."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connection
    from django.test.testcases import LiveServerThread
    from django.test.utils import setup_databases, teardown_databases

    eigene_db = None
    with django_db_blocker.unblock():
        # pytest-django creates the test database only when some selected test carries a django_db mark.
        if not connection.settings_dict["NAME"].startswith("test_"):
            eigene_db = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    # Request threads of the live server close their connection after each request (no idle sessions left over).
    connection.settings_dict["CONN_MAX_AGE"] = 0
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error

    class Server:
        url = f"http://127.0.0.1:{thread.port}"

    yield Server()
    with django_db_blocker.unblock():
        thread.terminate()
        if eigene_db is not None:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            teardown_databases(eigene_db, verbosity=0)


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api  # a dev dependency: missing, the browser tests fail instead of skipping

    assert os.path.exists(CHROMIUM), "Chromium fehlt (/usr/bin/chromium): make setup installiert es (APT_PACKAGES)."
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def welt(server, django_db_blocker, settings, tmp_path):
    """Committed rows the live server thread can see. pytest-django's flush cannot be used: the audit table refuses
    TRUNCATE by design (dms migration 0002). So each test makes its own uniquely named users, team and person and
    asserts only on its own rows; Land data comes from the migration."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        if not Behoerde.objects.filter(kuerzel="OF").exists():
            call_command("landesdaten_laden")
        k = uuid.uuid4().hex[:6]
        team = f.TeamFactory(name=f"Team {k}", buchstaben_von="A", buchstaben_bis="Z")
        sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team, user__username=f"sabine-{k}")
        sb.first_name, sb.last_name = "Sabine", "Becker"
        sb.save()
        karla = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team, user__username=f"karla-{k}")
        karla.first_name, karla.last_name = "Karla", "Kraus"
        karla.save()
        fremd = f.benutzer("HP", Rolle.SACHBEARBEITUNG, user__username=f"hanna-{k}")
        person = f.PersonFactory(
            familienname="Öztürk", vornamen="Ayşe", azr_nummer=f"{random.randrange(10**11, 10**12)}"
        )
        akte = f.AkteFactory(person=person, team=team, sachbearbeitung=sb)
        heute = timezone.localdate()
        Vertretung.objects.create(
            vertretene_person=karla, vertretung=sb, von=heute, bis=heute + dt.timedelta(days=7), angelegt_von=karla
        )
        yield {"team": team, "sb": sb, "karla": karla, "fremd": fremd, "akte": akte}


def _posteingang(behoerde: Behoerde, text: str, dateiname: str, zugewiesen_an=None):
    """The mail room's upload, run through the real pipeline steps in-process, then routed to a person."""
    from scanning import services as scanning
    from scanning.models import Posteingang
    from scanning.tasks import posteingang_aufteilen, posteingang_erkennen, posteingang_pruefen, posteingang_zuordnen

    p = scanning.posteingang_annehmen(
        behoerde=behoerde, datei=io.BytesIO(pdf_mit_text(*text.split("\n"))), dateiname=dateiname, einreihen=False
    )
    for schritt in (posteingang_pruefen, posteingang_aufteilen, posteingang_erkennen, posteingang_zuordnen):
        schritt.apply(args=[p.pk])
    p.refresh_from_db()
    assert p.status == Posteingang.Status.ZU_PRUEFEN, (p.status, p.fehler)
    if zugewiesen_an is not None:
        p = scanning.posteingang_weiterleiten(posteingang=p, user=zugewiesen_an, zugewiesen_an=zugewiesen_an)
    return p


def _axe(page, name: str) -> None:
    """No serious or critical accessibility violation (axe-core), and a screenshot for docs/screenshots."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    ergebnis = Axe().run(page)
    schwer = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in ergebnis.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not schwer, f"{name}: {schwer}"


def _anmelden(context, server, username: str):
    page = context.new_page()
    page.goto(f"{server.url}/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORT)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{server.url}/")
    return page


def _tab_bis(page, passt, max_tabs: int = 80) -> None:
    """Press Tab until the focused element satisfies `passt(info)`; info has tag, text, name, type, id."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "() => { const e = document.activeElement; return {tag: e.tagName, text: (e.innerText || '').trim(),"
            " name: e.getAttribute('name') || '', type: e.getAttribute('type') || '', id: e.id || ''}; }"
        )
        if passt(info):
            return
    raise AssertionError("Mit der Tab-Taste nicht erreichbar")


def test_caseworker_journey(browser, server, welt):
    sb, akte, karla = welt["sb"], welt["akte"], welt["karla"]
    behoerde = akte.behoerde
    eingang = _posteingang(
        behoerde, "Sehr geehrte Damen und Herren,\nich bitte um Auskunft zur Wohnsitzauflage.", "scan-001.pdf", sb
    )
    _posteingang(behoerde, "Mitteilung zur Beschäftigungserlaubnis", "scan-002.pdf", karla)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = _anmelden(context, server, sb.username)

    # Desk: own in-tray and the absent colleague's in-tray
    assert page.get_by_role("heading", name="Mein Arbeitsplatz").is_visible()
    mein = page.locator("section", has=page.get_by_role("heading", name=re.compile("Mein Postkorb")))
    assert mein.get_by_role("link", name="scan-001.pdf").is_visible()
    vertr = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Vertretung")))
    assert "Karla Kraus" in vertr.inner_text()
    assert vertr.get_by_role("link", name="scan-002.pdf").is_visible()
    _axe(page, "arbeitsplatz")

    # In-tray: open the item next to its preview, find the file as you type, file it
    page.get_by_role("link", name="Postkorb", exact=True).click()
    _axe(page, "postkorb")
    page.get_by_role("link", name="scan-001.pdf").click()
    page.get_by_label("Andere Akte suchen").fill("Öztürk")
    page.get_by_label(re.compile(f"Öztürk.*{akte.aktenzeichen}")).check()
    bild = page.locator(".vorschau img").first
    bild.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=bild.element_handle())
    page.locator("#zuordnen-register").select_option("12")
    _axe(page, "postkorb-eintrag")
    page.get_by_role("button", name="Zur Akte nehmen").click()
    page.wait_for_url(re.compile(r"/dokumente/\d+/$"))
    eingang.refresh_from_db()
    assert eingang.status == "zugeordnet" and eingang.akte_id == akte.pk

    # The file page: upload a document
    page.goto(f"{server.url}/akten/{akte.pk}/")
    assert page.get_by_role("heading", name=re.compile("Öztürk")).is_visible()
    page.get_by_text("Dokument hochladen", exact=True).click()
    page.get_by_label("Datei (PDF, TIFF, PNG oder JPEG)").set_input_files(
        files=[{"name": "anwalt.pdf", "mimeType": "application/pdf", "buffer": pdf_mit_text("Schreiben des Anwalts")}]
    )
    page.locator("#hochladen").get_by_label("Titel").fill("Schreiben des Anwalts")
    page.get_by_role("button", name="Hochladen").click()
    assert page.get_by_text("wurde abgelegt").is_visible(), page.locator("main").inner_text()
    assert Dokument.objects.filter(akte=akte, titel="Schreiben des Anwalts").exists()
    _axe(page, "akte")

    # Register filter in place (htmx): the filed scan is in its register, the upload (register 03) is not
    gescannt = Dokument.objects.select_related("register").get(pk=eingang.dokument_id)
    assert gescannt.register.nummer != "03"
    page.locator(f".registerbaum a[data-register='{gescannt.register.nummer}']").click()
    page.wait_for_url(re.compile(f"register={gescannt.register.nummer}"))
    tabelle = page.locator("#dokumententabelle")
    assert tabelle.get_by_role("link", name=gescannt.titel).is_visible()
    assert tabelle.get_by_role("link", name="Schreiben des Anwalts").count() == 0

    # Search a word of the filed scan's text and open the viewer with the word highlighted
    page.get_by_label("Suche in Akten und Dokumenten").fill("Wohnsitzauflage")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/suche/\?q=Wohnsitzauflage"))
    treffer = page.locator(".treffer-akte").first
    assert akte.aktenzeichen in treffer.inner_text()
    assert treffer.locator("mark").first.inner_text() == "Wohnsitzauflage"
    _axe(page, "suche")
    treffer.locator(".treffer-liste a").first.click()
    page.wait_for_url(re.compile(r"/dokumente/\d+/\?q="))
    assert page.locator(".ocr-text mark").first.inner_text() == "Wohnsitzauflage"
    erste_seite = page.locator(".seite img").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=erste_seite.element_handle())
    page.locator("body").press("+")
    assert page.locator("#seiten").get_attribute("data-zoom") == "150"
    _axe(page, "dokument")

    # A procedure with a resubmission
    vorgang = f.VorgangFactory(akte=akte, sachbearbeitung=sb)
    page.goto(f"{server.url}/vorgaenge/{vorgang.pk}/")
    termin = timezone.localdate() + dt.timedelta(days=14)
    page.locator("summary", has_text="Wiedervorlage anlegen").click()
    page.get_by_label("Wiedervorlage am").fill(f"{termin:%d.%m.%Y}")
    page.get_by_label("Notiz").fill("Pass nachreichen")
    page.get_by_role("button", name="Wiedervorlage anlegen").click()
    assert page.get_by_text(f"Wiedervorlage zum {termin:%d.%m.%Y} angelegt").is_visible()
    assert vorgang.wiedervorlagen.get().notiz == "Pass nachreichen"
    _axe(page, "vorgang")

    page.goto(f"{server.url}/abwesenheit/")
    _axe(page, "abwesenheit")
    context.close()

    # Another authority's caseworker cannot reach any of it
    fremd = browser.new_context(locale="de-DE")
    seite = _anmelden(fremd, server, welt["fremd"].username)
    dok = Dokument.objects.filter(akte=akte).first()
    for url in [f"/akten/{akte.pk}/", f"/dokumente/{dok.pk}/", f"/vorgaenge/{vorgang.pk}/", f"/postkorb/{eingang.pk}/"]:
        antwort = seite.goto(f"{server.url}{url}")
        assert antwort.status == 404, url
    seite.goto(f"{server.url}/suche/?q=Wohnsitzauflage")
    assert akte.aktenzeichen not in seite.content()
    fremd.close()


def test_keyboard_only(browser, server, welt):
    """Reach and trigger the main actions with Tab and Enter only: skip link, open a file, create a procedure,
    set a resubmission."""
    akte = welt["akte"]
    # An English browser: dates are still typed as TT.MM.JJJJ (a German text field, never type="date").
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = _anmelden(context, server, welt["sb"].username)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"

    _tab_bis(page, lambda i: i["tag"] == "A" and i["text"] == akte.aktenzeichen)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/akten/{akte.pk}/")

    _tab_bis(page, lambda i: i["tag"] == "SUMMARY" and i["text"] == "Vorgang anlegen")
    page.keyboard.press("Enter")
    _tab_bis(page, lambda i: i["name"] == "vorgangsart")
    page.keyboard.press("ArrowDown")
    _tab_bis(page, lambda i: i["name"] == "betreff")
    page.keyboard.type("Verlängerung")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/vorgaenge/\d+/$"))
    vorgang = Vorgang.objects.get(akte=akte)
    assert vorgang.betreff == "Verlängerung"

    _tab_bis(page, lambda i: i["tag"] == "SUMMARY" and i["text"] == "Wiedervorlage anlegen")
    page.keyboard.press("Enter")
    _tab_bis(page, lambda i: i["name"] == "faellig_am")
    termin = timezone.localdate() + dt.timedelta(days=7)
    page.keyboard.type(f"{termin:%d.%m.%Y}")
    assert page.evaluate("document.activeElement.value") == f"{termin:%d.%m.%Y}"
    _tab_bis(page, lambda i: i["name"] == "notiz")
    page.keyboard.type("Unterlagen prüfen")
    _tab_bis(page, lambda i: i["tag"] == "BUTTON" and i["text"] == "Wiedervorlage anlegen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text(f"Wiedervorlage zum {termin:%d.%m.%Y} angelegt").is_visible(), page.locator(
        "main"
    ).inner_text()
    wv = vorgang.wiedervorlagen.get()
    assert wv.faellig_am == termin and wv.notiz == "Unterlagen prüfen"

    # Viewer keys work without a mouse
    dok = Dokument.objects.create(akte=akte, register=f.register("03"), titel="Leer", seiten=1)
    page.goto(f"{server.url}/dokumente/{dok.pk}/")
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert page.locator("#seiten").count() == 0 or page.locator("#seiten").get_attribute("data-zoom") == "200"
    context.close()

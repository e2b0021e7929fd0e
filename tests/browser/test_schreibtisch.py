"""The caseworker's day at the desk in headless Chromium: new mail, a misfiling undone, a resubmission postponed,
her substitute's desk, a walk-in with the duplicate check; axe-core on every new page, keyboard for the desk."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from dms import services
from dms.models import Behoerde, Dokument, Neueingang, Rolle, Vertretung
from dms.wiedervorlagen.services import wiedervorlage_anlegen
from tests import factories as f
from tests.browser.test_arbeitsplatz import _anmelden, _axe, _tab_bis, browser, server  # noqa: F401 - fixtures
from tests.dms.ui.conftest import pdf_mit_text

pytestmark = [pytest.mark.browser]


def _ablegen(akte, titel):
    return services.dokument_anlegen(
        akte=akte,
        register=f.register("03"),
        datei=io.BytesIO(pdf_mit_text(titel)),
        dateiname="scan.pdf",
        titel=titel,
        user=None,
        quelle=Dokument.Quelle.POSTEINGANG,
    )


@pytest.fixture
def tag(server, django_db_blocker, settings, tmp_path):  # noqa: F811 - the imported fixture
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        if not Behoerde.objects.filter(kuerzel="OF").exists():
            call_command("landesdaten_laden")
        k = uuid.uuid4().hex[:6]
        team = f.TeamFactory(name=f"Team {k}")
        anderes = f.TeamFactory(name=f"Anderes {k}")
        anna = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team, user__username=f"anna-{k}")
        bernd = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=anderes, user__username=f"bernd-{k}")
        vera = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=anderes, user__username=f"vera-{k}")
        heute = timezone.localdate()
        Vertretung.objects.create(
            vertretene_person=anna, vertretung=vera, von=heute, bis=heute + dt.timedelta(days=3), angelegt_von=anna
        )
        akte = f.AkteFactory(person=f.PersonFactory(familienname=f"Kaya{k}"), team=team, sachbearbeitung=anna)
        falsch = f.AkteFactory(person=f.PersonFactory(familienname=f"Kaja{k}"), team=anderes, sachbearbeitung=bernd)
        brief = _ablegen(akte, f"Schreiben Rechtsanwalt {k}")
        fehlablage = _ablegen(falsch, f"Antrag Kaya {k}")
        wv = wiedervorlage_anlegen(user=anna, akte=akte, faellig_am=heute, notiz=f"Pass prüfen {k}")
        yield {
            "k": k,
            "anna": anna,
            "bernd": bernd,
            "vera": vera,
            "akte": akte,
            "falsch": falsch,
            "brief": brief,
            "fehlablage": fehlablage,
            "wv": wv,
        }


def test_caseworker_day_at_the_desk(browser, server, tag, django_db_blocker):  # noqa: F811
    k, akte = tag["k"], tag["akte"]
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE")

    # Bernd finds a letter for Anna's client misfiled in his file and moves it, with a reason
    page = _anmelden(context, server, tag["bernd"].username)
    neu = page.locator("section", has=page.get_by_role("heading", name=re.compile("Neue Eingänge")))
    assert neu.get_by_role("link", name=f"Antrag Kaya {k}").is_visible()
    neu.get_by_role("link", name=f"Antrag Kaya {k}").click()
    page.get_by_text("In eine andere Akte umlegen (Fehlablage)").click()
    page.get_by_label("Zielakte oder Zielvorgang (Aktenzeichen)").fill(akte.aktenzeichen)
    page.locator("#umlegen").get_by_label("Grund").fill("Namensähnlichkeit, gehört zu Kaya")
    _axe(page, "dokument-umlegen")
    page.get_by_role("button", name="In andere Akte umlegen").click()
    page.wait_for_url(f"{server.url}/akten/{tag['falsch'].pk}/")
    assert page.get_by_text(f"in die Akte {akte.aktenzeichen} umgelegt").first.is_visible()
    assert page.get_by_text("Grund: Namensähnlichkeit, gehört zu Kaya").is_visible()
    context.clear_cookies()

    # Anna's desk: two new documents (the automatic filing and the moved one), her due resubmission
    page = _anmelden(context, server, tag["anna"].username)
    assert page.locator("#neueingaenge-anzahl").inner_text() == "2"
    assert page.get_by_text(f"Pass prüfen {k}").is_visible()
    _axe(page, "schreibtisch")
    # keyboard only: mark the newest (the moved application) read from the desk
    _tab_bis(page, lambda i: i["tag"] == "BUTTON" and i["text"].startswith("Gelesen"))
    with page.expect_navigation():  # the form's POST and its redirect (wait_for_load_state alone could return first)
        page.keyboard.press("Enter")
    assert page.locator("#neueingaenge-anzahl").inner_text() == "1"
    # postpone the resubmission by a week with one click
    page.get_by_role("button", name=re.compile(r"\+1 Woche")).click()
    assert page.get_by_text("verschoben").first.is_visible()
    assert not page.get_by_text(f"Pass prüfen {k}").is_visible()
    page.goto(f"{server.url}/wiedervorlagen/")
    _axe(page, "wiedervorlagen")
    # the file marks what is new; opening it reads it
    page.goto(f"{server.url}/akten/{akte.pk}/")
    zeile = page.locator("#dokumententabelle tr.zeile--neu")
    assert zeile.count() == 1 and f"Schreiben Rechtsanwalt {k}" in zeile.inner_text()
    assert "aus Akte" in page.locator("main").inner_text()
    _axe(page, "akte-neu")
    zeile.get_by_role("link", name=f"Schreiben Rechtsanwalt {k}").click()
    page.goto(f"{server.url}/")
    assert page.locator("#neueingaenge-anzahl").inner_text() == "0"
    context.clear_cookies()

    # Her substitute: what Anna read is done; a letter arriving now is new on the substitute's desk
    page = _anmelden(context, server, tag["vera"].username)
    assert page.locator("#neueingaenge-anzahl").inner_text() == "0"
    with django_db_blocker.unblock():
        spaeter = _ablegen(akte, f"Nachreichung {k}")
    page.reload()
    assert page.locator("#neueingaenge-anzahl").inner_text() == "1"
    page.get_by_role("link", name=re.compile("Alle 1 neuen Eingänge")).click()
    _axe(page, "neueingaenge")
    page.get_by_role("button", name="Ausgewählte als gelesen markieren").click()
    assert page.get_by_text("1 Eingang als gelesen markiert.").is_visible()
    with django_db_blocker.unblock():
        assert Neueingang.objects.get(dokument=spaeter).gelesen.filter(user=tag["vera"]).exists()
    context.clear_cookies()

    # A walk-in: the duplicate check names the person already known, then a new person anyway
    page = _anmelden(context, server, tag["anna"].username)
    page.get_by_role("link", name="Vorsprache: Person und Akte anlegen").click()
    page.get_by_label("Familienname").fill(f"Kaja{k}")
    page.get_by_role("button", name="Prüfen und anlegen").click()
    assert page.get_by_text("Es gibt bereits 1 passende Person").is_visible()
    _axe(page, "vorsprache-dubletten")
    page.get_by_role("button", name="Trotzdem neu anlegen").click()
    page.wait_for_url(re.compile(r"/akten/\d+/$"))
    assert page.get_by_text("wurden angelegt").is_visible()
    page.get_by_role("link", name="Personendaten bearbeiten").click()
    _axe(page, "person-bearbeiten")
    page.get_by_label("Namensvarianten").fill("Kaia")
    page.get_by_role("button", name="Speichern").click()
    assert page.get_by_text("Kaia").first.is_visible()
    context.close()

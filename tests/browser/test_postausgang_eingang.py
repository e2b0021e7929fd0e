"""Browser journeys (headless Chromium, axe-core): write and send a letter from a template; fill in the online
Verpflichtungserklärung as a citizen with the keyboard only; find the submission in the in-tray and file it.

The hybrid-mail provider is the FAKE provider server of tests/dms/postausgang/fake_anbieter.py (the real one is
outside the system); the pipeline steps of the online item run in-process (no worker here)."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest

from dms.models import Rolle
from tests import factories as f
from tests.browser.test_arbeitsplatz import _anmelden, _axe, _tab_bis, browser, server  # noqa: F401
from tests.dms.postausgang.fake_anbieter import FakeAnbieter
from tests.dms.postausgang.vorlagen import vorlage_docx
from tests.scanning.eingang import beispiele as b
from tests.scanning.scans import jpeg, leere_seite

pytestmark = [pytest.mark.browser]


@pytest.fixture
def lage(server, django_db_blocker, settings, tmp_path):  # noqa: F811
    from django.core.management import call_command

    from dms.models import Behoerde
    from dms.postausgang import services as postausgang

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ONLINE_RATE_LIMIT = 1000
    with django_db_blocker.unblock():
        if not Behoerde.objects.filter(kuerzel="OF").exists():
            call_command("landesdaten_laden")
        k = uuid.uuid4().hex[:6]
        team = f.TeamFactory(name=f"Team {k}", buchstaben_von="A", buchstaben_bis="Z")
        sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team, user__username=f"sabine-{k}")
        sb.first_name, sb.last_name = "Sabine", "Becker"
        sb.save()
        person = f.PersonFactory(
            familienname=f"Öztürk{k}", vornamen="Mehmet", geschlecht="m",
            anschrift="Herrn Mehmet Öztürk\nKaiserstraße 12\n63065 Offenbach am Main",
        )  # fmt: skip
        akte = f.AkteFactory(person=person, team=team, sachbearbeitung=sb)
        vorlage = postausgang.vorlage_anlegen(
            behoerde=akte.behoerde, name=f"Anhörung {k}", datei=io.BytesIO(vorlage_docx()), user=None,
            betreff="Anhörung – {{ aktenzeichen }}", standardtext="Ihr Antrag vom {{ datum }} liegt uns vor.",
        )  # fmt: skip
        yield {"sb": sb, "akte": akte, "vorlage": vorlage, "team": team, "k": k}


def test_brief_aus_vorlage_schreiben_und_versenden(browser, server, lage, settings, django_db_blocker):  # noqa: F811
    from dms.postausgang import services as postausgang
    from dms.postausgang import umwandlung
    from dms.postausgang.models import Ausgangsschreiben

    with FakeAnbieter() as anbieter:
        settings.HYBRIDPOST_URL, settings.HYBRIDPOST_TOKEN = anbieter.url, anbieter.token
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        page = _anmelden(context, server, lage["sb"].username)
        page.goto(f"{server.url}/akten/{lage['akte'].pk}/")
        page.get_by_role("link", name="Schreiben aus Vorlage verfassen").click()
        page.get_by_label("Vorlage").select_option(label=lage["vorlage"].name)
        _axe(page, "postausgang-neu")
        page.get_by_role("button", name="Entwurf anlegen").click()
        page.wait_for_url(re.compile(r"/postausgang/\d+/$"))
        assert page.get_by_label("Anrede").input_value() == f"Sehr geehrter Herr Öztürk{lage['k']},"
        page.get_by_label("Text").fill("Bitte legen Sie bis zum 31.03. Ihren Pass vor.")
        _axe(page, "postausgang-schreiben")
        page.get_by_role("button", name="Freigeben und in der Akte ablegen").click()
        page.get_by_text("wird in PDF/A umgewandelt").first.wait_for()
        assert page.get_by_role("button", name="Per Hybridpost versenden").count() == 0  # nothing sent before PDF/A
        with django_db_blocker.unblock():
            s = Ausgangsschreiben.objects.get(akte=lage["akte"])
            umwandlung.schreiben_umwandeln(schreiben_id=s.pk)  # what the worker's task does
        # The page updates itself (htmx polling) once the PDF/A is in the file.
        page.get_by_text("liegt als PDF/A in der Akte").wait_for(timeout=15000)
        page.get_by_role("button", name="Per Hybridpost versenden").click()
        page.get_by_text("wird an den Versanddienstleister übergeben").first.wait_for()
        with django_db_blocker.unblock():
            s = Ausgangsschreiben.objects.get(akte=lage["akte"])
            assert s.status == "in_versand" and s.dokument.richtung == "ausgang"
            postausgang.schreiben_einliefern(schreiben_id=s.pk)  # what the worker's task does
        page.reload()
        assert page.locator("#status").inner_text() == "vom Versanddienstleister angenommen"
        assert len(anbieter.sendungen) == 1
        _axe(page, "postausgang-versandt")
        context.close()


def _tippen(page, feld_id: str, text: str) -> None:
    _tab_bis(page, lambda i: i["id"] == feld_id)
    page.keyboard.type(text)


def test_buergerin_fuellt_formular_nur_mit_tastatur_und_sachbearbeitung_legt_ab(browser, server, lage,  # noqa: F811
                                                                               django_db_blocker):  # fmt: skip
    from scanning import services as scanning
    from scanning.eingang.models import Onlineantrag
    from scanning.models import Posteingang
    from scanning.tasks import posteingang_aufteilen, posteingang_erkennen, posteingang_pruefen, posteingang_zuordnen

    k = lage["k"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.goto(f"{server.url}/online/verpflichtungserklaerung/")
    _axe(page, "online-verpflichtungserklaerung")
    von = dt.date.today() + dt.timedelta(days=20)
    bis = von + dt.timedelta(days=21)
    for feld, text in [
        ("id_vg_familienname", f"Schneider{k}"),
        ("id_vg_vornamen", "Petra"),
        ("id_vg_geburtsdatum", "12.04.1975"),
        ("id_vg_staatsangehoerigkeit", "deutsch"),
        ("id_vg_strasse", "Bieberer Straße 5"),
        ("id_postleitzahl", "63065"),
        ("id_vg_ort", "Offenbach am Main"),
        ("id_vg_email", "petra@example.org"),
        ("id_vg_nettoeinkommen", "3200"),
        ("id_gast_familienname", f"Öztürk{k}"),
        ("id_gast_vornamen", "Mehmet"),
        ("id_gast_geburtsdatum", "02.01.1990"),
        ("id_gast_staatsangehoerigkeit", "türkisch"),
        ("id_gast_passnummer", "U1234567"),
        ("id_gast_wohnort", "Izmir"),
        ("id_aufenthalt_von", f"{von:%d.%m.%Y}"),
        ("id_aufenthalt_bis", f"{bis:%d.%m.%Y}"),
        ("id_aufenthalt_zweck", "Familienbesuch"),
    ]:
        _tippen(page, feld, text)
    # The operating system's file dialog is outside the page; the files are handed to the focused inputs.
    page.locator("#id_nachweis_einkommen").set_input_files(
        files=[{"name": "lohn.pdf", "mimeType": "application/pdf", "buffer": b.pdf_anlage(f"Lohnabrechnung {k}")}]
    )
    page.locator("#id_nachweis_pass").set_input_files(
        files=[{"name": "ausweis.jpg", "mimeType": "image/jpeg", "buffer": jpeg(leere_seite())}]
    )
    _tab_bis(page, lambda i: i["id"] == "id_einwilligung")
    page.keyboard.press("Space")
    _tab_bis(page, lambda i: i["tag"] == "BUTTON" and "Antrag absenden" in i["text"])
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.get_by_role("heading", name="Ihr Antrag ist eingegangen").wait_for()
    assert "Stadt Offenbach am Main" in page.inner_text("main")
    _axe(page, "online-bestaetigung")
    context.close()

    with django_db_blocker.unblock():
        antrag = Onlineantrag.objects.get(daten__vg_familienname=f"Schneider{k}")
        assert antrag.daten["vg_geburtsdatum"] == "12.04.1975"
        assert antrag.daten["aufenthalt_von"] == f"{von:%d.%m.%Y}"
        for schritt in (posteingang_pruefen, posteingang_aufteilen, posteingang_erkennen, posteingang_zuordnen):
            schritt.apply(args=[antrag.posteingang_id])
        p = Posteingang.objects.get(pk=antrag.posteingang_id)
        assert p.status == Posteingang.Status.ZU_PRUEFEN, (p.status, p.fehler)
        scanning.posteingang_weiterleiten(posteingang=p, user=lage["sb"], zugewiesen_an=lage["sb"])

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = _anmelden(context, server, lage["sb"].username)
    page.get_by_role("link", name="Postkorb", exact=True).click()
    page.get_by_role("link", name=re.compile("verpflichtungserklaerung")).first.click()
    assert "Online-Antrag" in page.inner_text("main")
    page.get_by_label("Andere Akte suchen").fill(f"Öztürk{k}")
    page.get_by_label(re.compile(f"Öztürk{k}.*{lage['akte'].aktenzeichen}")).check()
    _axe(page, "online-postkorb-eintrag")
    page.get_by_role("button", name="Zur Akte nehmen").click()
    page.wait_for_url(re.compile(r"/dokumente/\d+/$"))
    with django_db_blocker.unblock():
        antrag.refresh_from_db()
        assert antrag.vorgang is not None and antrag.vorgang.akte_id == lage["akte"].pk
        assert antrag.vorgang.vorgangsart.schluessel == "verpflichtungserklaerung"
    context.close()

"""The QES button in headless Chromium: a caseworker confirms with her qualified signature that a legacy scan
matches its original (fake CSC trust service and fake TSA as real HTTP servers), sees what she certifies before
she signs, a wrong PIN is refused in German, and the page then shows the valid qualified signature with its
certificate; axe-core on the confirmation page, keyboard only for the form."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from django.core.management import call_command

from dms.gericht.models import Bestaetigungsauftrag
from dms.gericht.qes import qes_abschliessen
from dms.models import Behoerde, Dokument, Rolle, Siegel
from dms.services.dokumente import dokument_anlegen
from tests import factories as f
from tests.browser.test_arbeitsplatz import _anmelden, _axe, _tab_bis, browser, server  # noqa: F401 - fixtures
from tests.dms.gericht.conftest import siegel_pki, zeitstempeldienst, zertifizierungsstelle  # noqa: F401 - fixtures
from tests.dms.gericht.fake_dienste import FakeCscDienst
from tests.dms.gericht.hilfen import pdf_erzeugen

pytestmark = [pytest.mark.browser]


@pytest.fixture
def scan(server, django_db_blocker, settings, tmp_path, siegel_pki, zeitstempeldienst, zertifizierungsstelle):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        if not Behoerde.objects.filter(kuerzel="OF").exists():
            call_command("landesdaten_laden")
        k = uuid.uuid4().hex[:6]
        sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, user__username=f"maria-{k}")
        sb.first_name, sb.last_name = "Maria", "Schmidt"
        sb.save()
        akte = f.AkteFactory(sachbearbeitung=sb)
        dok = dokument_anlegen(
            akte=akte,
            register=f.register("03"),
            datei=io.BytesIO(pdf_erzeugen([f"Heiratsurkunde {k}", "Rückseite"])),
            dateiname="scan.pdf",
            titel=f"Heiratsurkunde {k}",
            user=None,
            quelle=Dokument.Quelle.ALTAKTE,
            transfervermerk={"los": 4, "scandatum": "2026-11-12", "operator": "Scan-Dienstleister, K. Weber"},
            verarbeiten=False,
        )
        person = zertifizierungsstelle.ausstellen(siegel_pki, "Maria Schmidt (QES)")
        with FakeCscDienst({sb.username: person}, siegel_pki) as dienst:
            settings.QES_DIENST_URL = dienst.url + "/csc/v2"
            settings.QES_DIENST_BENUTZER = dienst.benutzer
            settings.QES_DIENST_PASSWORT = dienst.passwort
            yield {"sb": sb, "dok": dok, "k": k, "dienst": dienst}


def test_caseworker_confirms_a_scan_with_her_qualified_signature(
    browser,  # noqa: F811
    server,  # noqa: F811
    scan,
    settings,
    django_db_blocker,
):
    dok, k = scan["dok"], scan["k"]
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE")
    page = _anmelden(context, server, scan["sb"].username)
    page.goto(f"{server.url}/dokumente/{dok.pk}/")
    page.get_by_role("link", name="Übereinstimmung qualifiziert bestätigen").click()

    # what she certifies, before she signs: document, pages, scan date, the original's hash
    zeile = page.locator("#gegenstaende tbody tr")
    assert zeile.count() == 1
    assert f"Heiratsurkunde {k}" in zeile.inner_text() and "12.11.2026" in zeile.inner_text()
    assert re.search(r"\b[0-9a-f]{64}\b", zeile.inner_text())
    assert page.get_by_label(f"Heiratsurkunde {k} bestätigen").is_checked()
    _axe(page, "uebereinstimmung-bestaetigen")

    # keyboard only: the consent box, PIN, TAN, the button
    page.locator("body").focus()
    _tab_bis(page, lambda i: i["id"] == "verglichen")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("0000")  # wrong PIN
    page.keyboard.press("Tab")
    page.keyboard.type(FakeCscDienst.OTP)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#qes-fehler")
    assert "Die PIN ist falsch." in page.locator("#qes-fehler").inner_text()

    page.get_by_label("Ich habe die ausgewählten Scans").check()
    page.get_by_label("Signatur-PIN").fill(FakeCscDienst.PIN)
    page.get_by_label("Einmalpasswort (TAN)").fill(FakeCscDienst.OTP)
    page.get_by_role("button", name="Qualifiziert signieren").click()
    # the trust service has signed; embedding, time-stamp and validation data follow in the background
    page.wait_for_url(re.compile(r"/uebereinstimmung/auftraege/\d+/$"))
    assert "Der Vertrauensdienst hat signiert." in page.locator("main").inner_text()
    assert "Wird abgeschlossen … 0 von 1 Dokument bestätigt." in page.locator("#qes-status").inner_text()
    _axe(page, "uebereinstimmung-stand")
    with django_db_blocker.unblock():  # the Celery task's body (no worker runs in the browser suite)
        qes_abschliessen(auftrag_id=Bestaetigungsauftrag.objects.get(akte=dok.akte).pk)
    page.locator("#qes-status").filter(has_text="Fertig").wait_for(timeout=15000)  # the polled part updated
    assert "Fertig: 1 von 1 Dokument qualifiziert bestätigt." in page.locator("#qes-status").inner_text()
    page.goto(f"{server.url}/dokumente/{dok.pk}/")
    text = page.locator("main").inner_text()
    assert re.search(
        r"Übereinstimmung bestätigt von Maria Schmidt, am .*qualifizierte elektronische Signatur: "
        r"Signatur gültig, Zeitstempel vom .*Langzeitprüfbar \(LTV\): ja",
        text,
    )
    assert page.get_by_role("link", name="Übereinstimmung qualifiziert bestätigen").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Übereinstimmungsnachweis (PDF)").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    with django_db_blocker.unblock():
        assert Siegel.objects.filter(version__dokument=dok, art=Siegel.Art.QES).count() == 1

        # without a trust service the page explains it, in German, and nothing breaks
        settings.QES_DIENST_URL = ""
        andere = dokument_anlegen(
            akte=dok.akte,
            register=f.register("03"),
            datei=io.BytesIO(pdf_erzeugen(["Zeugnis"])),
            dateiname="scan2.pdf",
            titel=f"Zeugnis {k}",
            user=None,
            quelle=Dokument.Quelle.ALTAKTE,
            transfervermerk={"los": 4, "scandatum": "2026-11-12"},
            verarbeiten=False,
        )
    page.goto(f"{server.url}/dokumente/{andere.pk}/uebereinstimmung/")
    assert "Es ist kein qualifizierter Vertrauensdienst eingerichtet" in page.locator("#kein-dienst").inner_text()
    _axe(page, "uebereinstimmung-kein-dienst")
    context.close()

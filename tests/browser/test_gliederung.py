"""Restructuring a legacy file in the browser: thumbnails grouped into proposed documents, a boundary removed with
the keyboard, a kind corrected, the structure applied; headless Chromium against the live server, with axe-core."""

from __future__ import annotations

import random
import re
import uuid

import pytest

from dms.models import Dokument, Rolle
from scanning.altakten import services as svc
from scanning.altakten.gliederung import gliederung_anlegen, seitentexte
from scanning.altakten.models import Gliederung, LosAkte
from scanning.klassifikation.beispiele import dokument_erzeugen
from scanning.klassifikation.training import klassifikator
from scanning.pipeline import dokument as dokument_pipeline
from tests import factories as f
from tests.scanning.altakten.lieferhilfen import Datei, lieferung_schreiben, seiten_pdf
from tests.scanning.klassifikation.conftest import modell_datei, trainiert  # noqa: F401

from .test_arbeitsplatz import _anmelden, _axe, browser, server, welt  # noqa: F401

pytestmark = [pytest.mark.browser]


@pytest.fixture
def gliederung(welt, django_db_blocker, settings, tmp_path, trainiert):  # noqa: F811
    """A lot with the caseworker's file, imported (format 1, no index), its text read, the classifier's proposal
    recorded and not yet applied."""
    settings.LIEFERUNGEN_PATH = str(tmp_path / "lieferungen")
    rng = random.Random(21)
    texte: list[str] = []
    for art in ["antrag", "passkopie", "gebuehren", "schreiben"]:
        texte += dokument_erzeugen(art, rng, 0.005)
    with django_db_blocker.unblock():
        akte = welt["akte"]
        leitung = f.benutzer("OF", Rolle.BEHOERDENADMIN, user__username=f"leitung-{uuid.uuid4().hex[:6]}")
        los = svc.los_anlegen(behoerde=akte.behoerde, akten=[akte], user=leitung)
        los = svc.los_status_setzen(los=los, nach="abgeholt", user=leitung)
        ordner = tmp_path / "lieferungen" / akte.behoerde.kuerzel / "L1"
        lieferung_schreiben(
            ordner, [Datei("a.pdf", len(texte), aktenzeichen=akte.aktenzeichen, inhalt=seiten_pdf(texte))]
        )
        lieferung = svc.lieferung_annehmen(los=los, quelle="L1", user=leitung, im_hintergrund=False)
        svc.lieferung_ausfuehren(lieferung_id=lieferung.pk)
        original = LosAkte.objects.get(akte=akte).dokument
        version = original.versionen.get()
        dokument_pipeline.verarbeiten(version.pk)
        version.refresh_from_db()
        vorschlag = klassifikator().gliedern(seitentexte(version))
        g = gliederung_anlegen(
            original=original,
            herkunft=Gliederung.Herkunft.KLASSIFIKATOR,
            abschnitte=[a.als_json() | {"titel": "", "datum": "", "sicher": False} for a in vorschlag],
            seiten=len(texte),
            los_akte=LosAkte.objects.get(akte=akte),
        )
        yield g


def test_caseworker_restructures_a_legacy_file(browser, server, welt, gliederung, django_db_blocker):  # noqa: F811
    g = gliederung
    anzahl = len(g.abschnitte)
    assert anzahl >= 3
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = _anmelden(context, server, welt["sb"].username)
    page.goto(f"{server.url}/poststelle/altakten/gliederung/{g.pk}/")
    assert page.get_by_role("heading", name=re.compile("Altakte gliedern")).is_visible()
    legenden = page.locator("section.gliederung-dokument h2")
    assert legenden.count() == anzahl
    for n in range(1, g.seiten + 1):  # lazy thumbnails: scroll each into view and wait until it is drawn
        page.locator(f"img[alt='Seite {n}']").scroll_into_view_if_needed()
        page.wait_for_function(f"() => document.querySelector(\"img[alt='Seite {n}']\").naturalWidth > 0")
    _axe(page, "altakte-gliedern")

    # Keyboard: move the focus to the boundary checkbox of the third document and remove it with Space
    dritter = g.abschnitte[2]["von"]
    kasten = page.locator(f"input[name='beginn_{dritter}']")
    assert kasten.is_checked()
    kasten.focus()
    page.keyboard.press("Space")
    assert not kasten.is_checked()
    # correct the first document's kind
    page.locator("select[name='art_1']").select_option("aufenthaltstitel")
    page.get_by_role("button", name="Gruppierung aktualisieren").click()
    assert page.locator("section.gliederung-dokument h2").count() == anzahl - 1
    page.screenshot(path="/tmp/gliederung-vorschau.png", full_page=False)

    # Mouse: a click on the line between pages 1 and 2 starts a new document at page 2 (the page re-groups)
    assert not page.locator("input[name='beginn_2']").is_checked()
    with page.expect_navigation():  # the page re-groups (a form submission)
        page.locator("li.gliederung-grenze[data-vor='2']").click()
    assert page.locator("input[name='beginn_2']").is_checked()
    assert page.locator("section.gliederung-dokument h2").count() == anzahl
    # Keyboard only: the focus is back on page 2; V joins its document with the previous one again
    assert page.evaluate("document.activeElement.id") == "seite-2"
    with page.expect_navigation():
        page.keyboard.press("v")
    assert not page.locator("input[name='beginn_2']").is_checked()
    assert page.locator("section.gliederung-dokument h2").count() == anzahl - 1
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "seite-3"
    _axe(page, "altakte-gliedern-tastatur")

    page.get_by_role("button", name="Gliederung übernehmen").click()
    assert page.get_by_text(f"in {anzahl - 1} Dokumente gegliedert").is_visible()
    _axe(page, "altakte-gegliedert")
    with django_db_blocker.unblock():
        g.refresh_from_db()
        assert g.ist_angewandt and g.angewandt_von == welt["sb"]
        erstes = Dokument.objects.get(pk=g.abschnitte[0]["dokument"])
        assert (erstes.art, erstes.register.nummer) == ("aufenthaltstitel", "03")
        zweites = g.abschnitte[1]
        assert zweites["bis"] == (g.abschnitte[2]["von"] - 1 if len(g.abschnitte) > 2 else g.seiten)
    context.close()

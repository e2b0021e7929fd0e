"""Redacting an inspection copy in the browser: one box drawn with the mouse over an upright page, one entered and
moved with the keyboard on a page shown rotated (/Rotate 90); axe-core on the editor; the copy is built by the
background job, the page says when it is ready, and the PDF has neither text nor anything but black under the boxes.
Headless Chromium against the live server."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
from pdfminer.high_level import extract_text

from dms.gericht.schwaerzung import PUNKTE_JE_MM
from dms.gericht.services import einsichtskopie_erstellen
from dms.gericht.views import GRUENDE
from dms.models import Einsichtskopie
from tests.dms.gericht.hilfen import dokument_mit_pdf, gedrehtes_pdf
from tests.dms.gericht.test_drehung import textkasten, unter_dem_kasten

from .test_arbeitsplatz import _anmelden, _axe, browser, server, welt  # noqa: F401

pytestmark = [pytest.mark.browser]

# Page 1 upright, page 2 shown rotated by 90°; user-space positions of the texts (14 pt Helvetica).
TEXTE = {"Geheimer Name": (72, 700), "Zeuge Offen": (72, 300)}


def test_caseworker_draws_one_box_with_the_mouse_and_enters_one_with_the_keyboard(
    browser,  # noqa: F811
    server,  # noqa: F811
    welt,  # noqa: F811
    django_db_blocker,
):
    sb, akte = welt["sb"], welt["akte"]
    inhalt = gedrehtes_pdf([0, 90], TEXTE)
    with django_db_blocker.unblock():
        dok = dokument_mit_pdf(akte, "Aussage mit Drittdaten", inhalt, user=sb)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = _anmelden(context, server, sb.username)
    page.goto(f"{server.url}/akten/{akte.pk}/inhaltsverzeichnis/")
    page.get_by_text("Einsichtskopie für Bevollmächtigte erstellen").click()
    page.get_by_role("button", name="Weiter: Seiten ansehen und schwärzen").click()
    page.wait_for_url(re.compile(r"/akteneinsicht/\?dokumente="))
    for n in (1, 2):
        bild = page.get_by_role("img", name=f"Dok. {dok.pk}, Seite {n}")
        bild.scroll_into_view_if_needed()
        page.wait_for_function(
            f"() => document.querySelector(\"img[alt='Dok. {dok.pk}, Seite {n}']\").naturalWidth > 0"
        )
    _axe(page, "akteneinsicht-schwaerzen")

    # Mouse: drag a box over "Geheimer Name" on page 1 (A4 portrait, 595.28 × 841.89 pt as shown)
    x0, y0, x1, y1 = textkasten(inhalt, 0, "Geheimer Name", 3)
    bild = page.get_by_role("img", name=f"Dok. {dok.pk}, Seite 1")
    bild.scroll_into_view_if_needed()
    r = bild.bounding_box()
    assert r is not None
    skala = r["width"] / 595.28
    page.mouse.move(r["x"] + x0 * skala, r["y"] + (841.89 - y1) * skala)
    page.mouse.down()
    page.mouse.move(r["x"] + (x0 + x1) / 2 * skala, r["y"] + (841.89 - y0) * skala, steps=4)
    page.mouse.move(r["x"] + x1 * skala + 2, r["y"] + (841.89 - y0) * skala + 2, steps=4)
    page.mouse.up()
    assert page.get_by_role("status").filter(has_text="markiert").inner_text() == "1 Bereich markiert."
    zeile = page.locator("#bereiche tbody tr").nth(0)
    assert zeile.locator("[name=b_seite]").input_value() == f"{dok.pk}:1"
    assert float(zeile.locator("[name=b_links]").input_value()) == pytest.approx(x0 / PUNKTE_JE_MM, abs=1.5)

    # Keyboard: on page 2 (shown landscape) add a box, type its place in mm, nudge it with the arrow keys
    gx0, gy0, gx1, gy1 = textkasten(inhalt, 1, "Geheimer Name", 3)
    hoehe_gezeigt = 595.28
    neu = page.get_by_role("button", name="Bereich auf dieser Seite hinzufügen").nth(1)
    neu.focus()
    page.keyboard.press("Enter")
    werte = [
        gx0 / PUNKTE_JE_MM - 1,  # one mm too far left: the arrow key fixes it below
        (hoehe_gezeigt - gy1) / PUNKTE_JE_MM,
        (gx1 - gx0) / PUNKTE_JE_MM,
        (gy1 - gy0) / PUNKTE_JE_MM,
    ]
    for wert in werte:  # the focus starts in "links"; Tab walks through the numbers
        page.keyboard.press("Control+A")
        page.keyboard.type(f"{wert:.1f}")
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the reason (the first reason is preselected)
    zeile = page.locator("#bereiche tbody tr").nth(1)
    zeile.locator("[name=b_grund]").select_option(label=GRUENDE[1])  # interner Sicherheitsvermerk
    kasten = page.locator(".schwaerz-flaeche").nth(1).locator(".schwaerz-kasten")
    kasten.focus()
    page.keyboard.press("ArrowRight")
    assert float(zeile.locator("[name=b_links]").input_value()) == pytest.approx(werte[0] + 1, abs=0.11)
    page.keyboard.press("Shift+ArrowDown")  # one mm higher box
    assert float(zeile.locator("[name=b_hoehe]").input_value()) == pytest.approx(werte[3] + 1, abs=0.11)
    assert page.get_by_role("status").filter(has_text="markiert").inner_text() == "2 Bereiche markiert."
    _axe(page, "akteneinsicht-zwei-bereiche")

    page.get_by_label("Empfänger").fill("RA Dr. Weber, Frankfurt")
    page.get_by_label("Empfänger").press("Enter")
    page.wait_for_url(re.compile(r"/inhaltsverzeichnis/$"))
    assert page.get_by_text("Die Einsichtskopie wird erstellt.").is_visible()
    assert page.locator("#einsichtskopien progress").count() == 1

    # The Celery task's body (no worker runs in the browser suite); the polling list then says it is ready
    with django_db_blocker.unblock():
        kopie = Einsichtskopie.objects.get(akte=akte)
        assert [s["seite"] for s in kopie.schwaerzungen] == [1, 2]
        einsichtskopie_erstellen(kopie_id=kopie.pk)
        kopie.refresh_from_db()
    page.get_by_role("status").filter(has_text="Fertig").wait_for(timeout=15000)
    link = page.locator("#einsichtskopien").get_by_role("link", name="PDF herunterladen")
    antwort = page.request.get(f"{server.url}{link.get_attribute('href')}")
    assert antwort.status == 200
    pdf = antwort.body()

    text = extract_text(io.BytesIO(pdf))
    assert "Geheimer" not in text  # gone from both pages
    assert "Bl. 1" in text and "Bl. 2" in text
    dokument = pdfium.PdfDocument(pdf)
    for index, (bx0, by0, bx1, by1) in ((2, (x0, y0, x1, y1)), (3, (gx0, gy0, gx1, gy1))):
        bild = dokument[index].render(scale=2).to_pil().convert("L")
        unter = unter_dem_kasten(bild, (bx0, by0, bx1, by1), 2)
        assert unter.width > 10 and unter.height > 10 and unter.getextrema() == (0, 0), index  # uniformly black
    dokument.close()
    context.close()

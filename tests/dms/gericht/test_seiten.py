"""The pages: table of contents with gaps (escaped titles), court submission and inspection copy from the form,
404 across authorities, the viewer's sheet numbers."""

from __future__ import annotations

import pytest
from django.test import Client

from dms.gericht.blaetter import blaetter_entfernen
from dms.models import Aktenvorlage, Einsichtskopie
from tests import factories as f

from .hilfen import dokument_ablegen

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(sachbearbeitung):
    c = Client()
    c.force_login(sachbearbeitung)
    return c


def test_contents_page_lists_sheets_and_gaps_and_escapes(client, sachbearbeitung, fremde_sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokument_ablegen(akte, "<script>alert(1)</script>", 2, user=sachbearbeitung)
    weg = dokument_ablegen(akte, "Weg", 3, user=sachbearbeitung)
    blaetter_entfernen(dokument=weg, grund="Löschung nach § 91 AufenthG", user=sachbearbeitung)
    seite = client.get(f"/akten/{akte.pk}/inhaltsverzeichnis/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in seite and "<script>alert(1)" not in seite
    assert "Bl. 3–5 entfernt am" in seite and "Löschung nach § 91 AufenthG" in seite
    fremd = Client()
    fremd.force_login(fremde_sachbearbeitung)
    assert fremd.get(f"/akten/{akte.pk}/inhaltsverzeichnis/").status_code == 404
    assert fremd.post(f"/akten/{akte.pk}/aktenvorlage/", {"empfaenger": "VG"}).status_code == 404


def test_viewer_shows_the_sheet_number_of_every_page(client, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokument_ablegen(akte, "Erst", 2)
    dok = dokument_ablegen(akte, "Zweit", 2)
    seite = client.get(f"/dokumente/{dok.pk}/").content.decode()
    assert "<strong>Bl. 3</strong> · Seite 1 von 2" in seite
    assert "<strong>Bl. 4</strong> · Seite 2 von 2" in seite


def test_forms_start_a_submission_and_make_an_inspection_copy(client, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    a = dokument_ablegen(akte, "Antrag", 2)
    dokument_ablegen(akte, "Vermerk intern", 1)
    antwort = client.post(
        f"/akten/{akte.pk}/aktenvorlage/", {"empfaenger": "VG Kassel", "anlass": "Klage", "gericht_aktenzeichen": "1 K"}
    )
    assert antwort.status_code == 302
    assert Aktenvorlage.objects.get().empfaenger == "VG Kassel"
    # Step 1 chooses the documents, step 2 (the editor) shows their pages with their size in mm
    editor = client.get(f"/akten/{akte.pk}/akteneinsicht/", {"dokumente": [a.pk]})
    assert editor.status_code == 200
    html = editor.content.decode()
    assert f'src="/dokumente/{a.pk}/seiten/2.png?g=normal"' in html
    assert 'data-breite-mm="210.0" data-hoehe-mm="297.0"' in html  # A4
    assert "dms/schwaerzung.js" in html and "<script>" not in html.replace("<script src=", "")
    grund = "Daten Dritter (berechtigte Interessen Dritter, § 29 Abs. 2 HVwVfG)"
    box = {"b_seite": f"{a.pk}:2", "b_links": "20", "b_oben": "30,5", "b_breite": "100", "b_hoehe": "10"}
    antwort = client.post(
        f"/akten/{akte.pk}/akteneinsicht/",
        {"empfaenger": "RA Weber", "dokumente": [a.pk], "grund": "intern", "b_grund": grund, **box},
    )
    assert antwort.status_code == 302
    kopie = Einsichtskopie.objects.get()
    # mm from the top left of the page as shown → points from the lower left (A4: 841.89 pt high)
    [s] = kopie.schwaerzungen
    assert (s["dokument"], s["seite"], s["grund"]) == (a.pk, 2, grund)
    assert s["rechteck"] == pytest.approx(
        [56.69, 841.89 - 40.5 * 72 / 25.4, 340.16, 841.89 - 30.5 * 72 / 25.4], abs=0.02
    )
    assert kopie.status == "wartet"  # built by the Celery task
    seite = client.get(f"/akten/{akte.pk}/inhaltsverzeichnis/").content.decode()
    assert "RA Weber" in seite and "nicht vorgelegt: Bl. 3" in seite
    assert 'hx-trigger="every 3s"' in seite  # the list polls while the copy is built
    assert "<progress" in seite


def test_editor_refuses_bad_boxes_and_keeps_them(client, sachbearbeitung, fremde_sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    a = dokument_ablegen(akte, "Antrag", 1)
    fremd = dokument_ablegen(f.AkteFactory(), "Fremd", 1)
    schlecht = {"b_seite": f"{a.pk}:1", "b_links": "abc", "b_oben": "1", "b_breite": "2", "b_hoehe": "3"}
    antwort = client.post(
        f"/akten/{akte.pk}/akteneinsicht/",
        {"empfaenger": "RA", "dokumente": [a.pk], "b_grund": "Gesetzlich geheim zu halten (§ 30 HVwVfG)", **schlecht},
    )
    assert antwort.status_code == 400
    assert "Bereich 1: Bitte Zahlen in Millimetern angeben" in antwort.content.decode()
    assert 'name="b_breite" aria-label="Breite in mm" value="2"' in antwort.content.decode()  # kept for correction
    fremde_seite = {**schlecht, "b_links": "1", "b_seite": f"{fremd.pk}:1", "b_grund": "x"}
    antwort = client.post(f"/akten/{akte.pk}/akteneinsicht/", {"dokumente": [a.pk], **fremde_seite})
    assert "gehört zu keinem gewählten Dokument" in antwort.content.decode()
    assert client.get(f"/akten/{akte.pk}/akteneinsicht/", {"dokumente": [fremd.pk]}).status_code == 302
    assert Einsichtskopie.objects.count() == 0
    andere = Client()
    andere.force_login(fremde_sachbearbeitung)
    assert andere.get(f"/akten/{akte.pk}/akteneinsicht/", {"dokumente": [a.pk]}).status_code == 404

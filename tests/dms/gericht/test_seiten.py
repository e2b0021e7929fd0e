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
    antwort = client.post(
        f"/akten/{akte.pk}/akteneinsicht/",
        {"empfaenger": "RA Weber", "dokumente": [a.pk], "schwaerzungen": "Bl. 2: Daten Dritter", "grund": "intern"},
    )
    assert antwort.status_code == 302
    kopie = Einsichtskopie.objects.get()
    assert kopie.schwaerzungen == [{"dokument": a.pk, "seite": 2, "rechteck": None, "grund": "Daten Dritter"}]
    seite = client.get(f"/akten/{akte.pk}/inhaltsverzeichnis/").content.decode()
    assert "RA Weber" in seite and "nicht vorgelegt: Bl. 3" in seite

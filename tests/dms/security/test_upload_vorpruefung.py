"""Issue 10, item 6: every path that stores a file into an Akte runs the mail room's preflight first.

An encrypted, truncated, active, oversized or bomb file is refused with a clear 400 (API) or form message (page);
nothing is stored that would later look like a fine document.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client

from dms.models import Dokument, Rolle
from tests import factories as f
from tests.scanning import scans

pytestmark = pytest.mark.django_db

FEINDLICH = {
    "verschluesselt": (scans.verschluesseltes_pdf, "Kennwort"),
    "abgeschnitten": (scans.abgeschnittenes_pdf, "unvollständig"),
    "javascript_inline": (lambda: scans.pdf_mit_aktivem_inhalt("katalog"), "aktive Inhalte"),
    "launch": (lambda: scans.pdf_mit_aktivem_inhalt("annotation_launch"), "aktive Inhalte"),
    "riesenseite": (lambda: scans.pdf_mit_seitengroesse(5000, 5000), "unzulässig groß"),
    "bildbombe": (scans.dekompressionsbombe_png, "Bildpunkte"),
}


@pytest.fixture
def sb(db):
    return f.benutzer("OF", Rolle.SACHBEARBEITUNG)


@pytest.mark.parametrize("art", sorted(FEINDLICH))
def test_api_upload_into_a_file_refuses_hostile_files(art, sb, settings):
    from rest_framework.test import APIClient

    settings.MAX_PAGES = 2000
    daten, wort = FEINDLICH[art]
    akte = f.AkteFactory(sachbearbeitung=sb)
    api = APIClient()
    api.force_authenticate(sb)
    datei = io.BytesIO(daten())
    datei.name = "brief.pdf"
    r = api.post("/api/v1/dokumente/", {"datei": datei, "akte": akte.pk, "register": "03"}, format="multipart")
    assert r.status_code == 400, r.content
    assert wort in str(r.json()["datei"])
    assert not Dokument.objects.filter(akte=akte).exists()


@pytest.mark.parametrize("art", ["javascript_inline", "verschluesselt"])
def test_page_upload_into_a_file_refuses_hostile_files(art, sb):
    daten, wort = FEINDLICH[art]
    akte = f.AkteFactory(sachbearbeitung=sb)
    client = Client()
    client.force_login(sb)
    datei = io.BytesIO(daten())
    datei.name = "brief.pdf"
    r = client.post(
        f"/akten/{akte.pk}/hochladen/",
        {"datei": datei, "register": f.register("03").pk, "titel": "Brief", "richtung": "eingang"},
        follow=True,
    )
    assert wort in r.content.decode()
    assert not Dokument.objects.filter(akte=akte).exists()


def test_a_good_scan_is_still_taken(sb):
    from rest_framework.test import APIClient

    akte = f.AkteFactory(sachbearbeitung=sb)
    api = APIClient()
    api.force_authenticate(sb)
    datei = io.BytesIO(scans.kleines_pdf())
    datei.name = "brief.pdf"
    r = api.post("/api/v1/dokumente/", {"datei": datei, "akte": akte.pk, "register": "03"}, format="multipart")
    assert r.status_code == 201, r.content

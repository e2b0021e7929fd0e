"""The calculator API and the proof of use from the counts the system actually holds, with PDF and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from dms import services as dms_services
from dms.models import Dokument, Rolle
from foerderung import services
from foerderung.models import Verwendungsnachweis
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("akten", "blatt", "erwartet"),
    [
        ("30000", "2950000", {"betrag_akten": "22500.00", "betrag_blatt": "29500.00", "betrag": "52000.00"}),
        ("21000", "3525000", {"betrag_akten": "15750.00", "betrag_blatt": "35250.00", "betrag": "51000.00"}),
        ("0", "0", {"betrag_akten": "0.00", "betrag_blatt": "0.00", "betrag": "0.00"}),
        ("1", "1", {"betrag_akten": "0.75", "betrag_blatt": "0.01", "betrag": "0.76"}),
    ],
)
def test_berechnung_api(api, programm, akten, blatt, erwartet):
    r = api.get(f"/api/v1/foerderung/berechnung/?akten={akten}&blatt={blatt}")
    assert r.status_code == 200
    assert r.json() == {"akten": int(akten), "blatt": int(blatt), **erwartet}


@pytest.mark.parametrize(
    ("query", "feld", "text"),
    [
        ("akten=-1&blatt=0", "akten", "negativ"),
        ("akten=1.5&blatt=0", "akten", "ganze Zahl"),
        ("akten=abc&blatt=0", "akten", "ganze Zahl"),
        ("akten=1&blatt=99999999999999999999999", "blatt", "ganze Zahl"),
        ("akten=1&blatt=100000000000", "blatt", "unplausibel"),
        ("blatt=1", "akten", "Bitte geben Sie"),
        ("akten=1e5&blatt=1", "akten", "ganze Zahl"),
    ],
)
def test_berechnung_api_bad_input_is_400_in_german(api, programm, query, feld, text):
    r = api.get(f"/api/v1/foerderung/berechnung/?{query}")
    assert r.status_code == 400
    assert text in r.json()[feld][0]


def test_berechnung_api_uses_programme_rates_as_data(api, programm):
    programm.satz_blatt = Decimal("0.02")
    programm.save()
    assert api.get("/api/v1/foerderung/berechnung/?akten=0&blatt=100").json()["betrag"] == "2.00"
    programm.aktiv = False
    programm.save()
    r = api.get("/api/v1/foerderung/berechnung/?akten=0&blatt=100")
    assert r.status_code == 404 and "kein aktives" in r.json()["detail"]


def test_berechnung_api_needs_login(programm):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/foerderung/berechnung/?akten=1&blatt=1").status_code in (401, 403)


def _altakte(akte, blatt: int, quelle: str = Dokument.Quelle.ALTAKTE) -> Dokument:
    dok = dms_services.dokument_anlegen(
        akte=akte,
        register=f.register("14"),
        datei=io.BytesIO(PDF),
        dateiname="altakte.pdf",
        user=None,
        quelle=quelle,
        verarbeiten=False,
    )
    dms_services.ableitungen_speichern(version=dok.versionen.get(), text="", seiten=blatt * 2, blatt=blatt)
    return dok


def test_verwendungsnachweis_from_held_documents_with_exports(programm, land, admin_of):
    antrag = services.antrag_stellen(
        behoerde=f.behoerde("OF"), akten_geplant=3, blatt_geplant=400, user=land, eingereicht_am=dt.date(2020, 3, 1)
    )
    assert antrag.betrag == Decimal("6.25")
    services.bescheid_erteilen(
        antrag=antrag,
        betrag=Decimal("6.25"),
        nummer="Z-OF-1",
        datum=dt.date(2020, 3, 27),
        user=land,
        ausgezahlt=Decimal("6.25"),
    )
    a1, a2 = f.AkteFactory(), f.AkteFactory()
    _altakte(a1, 120)
    _altakte(a1, 30)  # a second part of the same file: one Akte, sheets add up
    _altakte(a2, 100)
    _altakte(a2, 999, quelle=Dokument.Quelle.POSTEINGANG)  # not legacy: not counted
    _altakte(f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP"))), 500)  # other authority

    nachweis = services.verwendungsnachweis_erstellen(antrag=antrag, user=admin_of)
    assert (nachweis.akten, nachweis.blatt) == (2, 250)
    assert nachweis.nachgewiesen == Decimal("1.50") + Decimal("2.50")
    assert nachweis.zustehend == Decimal("4.00")
    assert nachweis.rueckforderung == Decimal("2.25") and nachweis.auszahlung == Decimal("0.00")

    web = Client()
    web.force_login(admin_of)
    pdf = web.get(f"/foerderung/verwendungsnachweis/{nachweis.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Verwendungsnachweis" in text and "2,25 EUR" in text and "Z-OF-1" in text
    antwort = web.get(f"/foerderung/verwendungsnachweis/{nachweis.pk}.csv")
    zeilen = list(csv.DictReader(io.StringIO(antwort.content.decode("utf-8-sig")), delimiter=";"))
    assert zeilen[0]["akten"] == "2" and zeilen[0]["blatt"] == "250" and zeilen[0]["rueckforderung"] == "2.25"

    # another authority's admin: 404 for the export; the Land sees it
    web.force_login(f.benutzer("HP", Rolle.BEHOERDENADMIN))
    assert web.get(f"/foerderung/verwendungsnachweis/{nachweis.pk}.pdf").status_code == 404
    web.force_login(land)
    assert web.get(f"/foerderung/verwendungsnachweis/{nachweis.pk}.csv").status_code == 200


def test_no_proof_of_use_without_grant_and_web_flow(programm, land, admin_of):
    antrag = services.antrag_stellen(
        behoerde=f.behoerde("OF"), akten_geplant=10, blatt_geplant=10, user=land, eingereicht_am=dt.date(2020, 3, 1)
    )
    web = Client()
    web.force_login(admin_of)
    r = web.post(f"/foerderung/antrag/{antrag.pk}/verwendungsnachweis/", follow=True)
    assert "Ohne Zuwendungsbescheid" in r.content.decode()
    # the authority cannot issue a grant; the Land can, through the page
    assert web.post(f"/foerderung/antrag/{antrag.pk}/bescheid/", {"nummer": "X"}).status_code == 404
    web.force_login(land)
    r = web.post(
        f"/foerderung/antrag/{antrag.pk}/bescheid/",
        {"nummer": "Z-9", "datum": "2020-04-01", "betrag": "7.60", "ausgezahlt": "0"},
        follow=True,
    )
    assert "Zuwendungsbescheid wurde erteilt" in r.content.decode()
    web.force_login(admin_of)
    r = web.post(f"/foerderung/antrag/{antrag.pk}/verwendungsnachweis/", follow=True)
    assert r.status_code == 200 and Verwendungsnachweis.objects.filter(antrag=antrag).count() == 1


def test_application_page_refuses_after_deadline(programm, admin_of):
    web = Client()
    web.force_login(admin_of)
    r = web.post("/foerderung/antrag/neu/", {"akten_geplant": "100", "blatt_geplant": "1000"})
    assert r.status_code == 200 and "Antragsfrist" in r.content.decode() and "31.12.2020" in r.content.decode()
    r = web.post("/foerderung/antrag/neu/", {"akten_geplant": "-1", "blatt_geplant": "x"})
    assert r.status_code == 200
    web.force_login(f.benutzer("OF", Rolle.SACHBEARBEITUNG))
    assert web.get("/foerderung/antrag/neu/").status_code == 404
    assert web.get("/foerderung/").status_code == 404

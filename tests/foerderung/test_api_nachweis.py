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

PDF = f.pdf_eine_seite()


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


def test_konformitaet_shares(programm):
    from dms.models import Aktenplan, Register, Vorgangsart
    from foerderung.queries import konformitaet

    alt = Aktenplan.objects.create(version="2019.1", bezeichnung="alter Plan", gueltig_ab=dt.date(2019, 1, 1))
    altes_register = Register.objects.create(aktenplan=alt, nummer="99", titel="Altes Register")
    eigene = f.AkteFactory()
    for _ in range(3):
        f.DokumentFactory(akte=eigene)
    f.DokumentFactory(akte=eigene, register=altes_register)
    f.DokumentFactory(akte=f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP"))))  # other authority
    f.VorgangFactory(akte=eigene)
    eigene_art = Vorgangsart.objects.create(schluessel="eigen", bezeichnung="Eigene Art", aktiv=False)
    f.VorgangFactory(akte=eigene, vorgangsart=eigene_art)
    k = konformitaet(f.behoerde("OF").pk)
    assert (k.dokumente, k.dokumente_im_landesregister, k.anteil_dokumente) == (4, 3, Decimal("75.0"))
    assert (k.vorgaenge, k.vorgaenge_aus_landeskatalog, k.anteil_vorgaenge) == (2, 1, Decimal("50.0"))
    leer = konformitaet(f.behoerde("WI").pk)
    assert leer.anteil_dokumente is None and leer.anteil_vorgaenge is None


def test_overview_query_count_does_not_grow_with_applications(programm, land, django_assert_max_num_queries):
    for kuerzel in ("OF", "HP", "WI", "F", "KS", "DA"):
        services.antrag_stellen(
            behoerde=f.behoerde(kuerzel),
            akten_geplant=10,
            blatt_geplant=10,
            user=land,
            eingereicht_am=dt.date(2020, 3, 1),
        )
    web = Client()
    web.force_login(land)
    with django_assert_max_num_queries(20):
        r = web.get("/foerderung/")
    assert r.status_code == 200 and r.content.decode().count("/foerderung/antrag/") >= 6

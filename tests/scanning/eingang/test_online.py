"""Online applications: the public Verpflichtungserklärung form (no login) and signed submissions of other online
services (FAKE sending platform in tests/scanning/eingang/hilfen.py). Routing by postcode, in-tray, filing opens the
Vorgang; wrong postcode, disguised/oversized uploads, replayed or unsigned submissions are refused in German."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dms.models import Rolle
from scanning import services as posteingang_services
from scanning.eingang.models import Onlineantrag
from scanning.models import Posteingang
from tests import factories as f
from tests.scanning.eingang import beispiele as b
from tests.scanning.eingang.hilfen import FakePlattform, anlage, pipeline
from tests.scanning.scans import jpeg, leere_seite

pytestmark = pytest.mark.django_db
HEUTE = dt.date.today()


def formulardaten(**anders):
    daten = {
        "vg_familienname": "Schneider",
        "vg_vornamen": "Petra",
        "vg_geburtsdatum": "1975-04-12",
        "vg_staatsangehoerigkeit": "deutsch",
        "vg_strasse": "Bieberer Straße 5",
        "postleitzahl": "63065",
        "vg_ort": "Offenbach am Main",
        "vg_email": "petra.schneider@example.org",
        "vg_telefon": "",
        "vg_nettoeinkommen": "3200",
        "gast_familienname": "Öztürk",
        "gast_vornamen": "Mehmet",
        "gast_geburtsdatum": "1990-01-02",
        "gast_staatsangehoerigkeit": "türkisch",
        "gast_passnummer": "U12345678",
        "gast_wohnort": "Izmir",
        "aufenthalt_von": f"{HEUTE + dt.timedelta(days=30):%Y-%m-%d}",
        "aufenthalt_bis": f"{HEUTE + dt.timedelta(days=60):%Y-%m-%d}",
        "aufenthalt_zweck": "Familienbesuch",
        "einwilligung": "on",
        "nachweis_einkommen": SimpleUploadedFile("lohn.pdf", b.pdf_anlage("Lohnabrechnung Schneider")),
        "nachweis_pass": SimpleUploadedFile("ausweis.jpg", jpeg(leere_seite())),
    }
    daten.update(anders)
    return daten


def test_formular_ohne_anmeldung_bis_zur_ablage_mit_vorgang(settings):
    settings.ONLINE_RATE_LIMIT = 100
    client = Client(enforce_csrf_checks=True)
    seite = client.get("/online/verpflichtungserklaerung/")
    assert seite.status_code == 200 and "Verpflichtungserklärung online beantragen" in seite.text
    token = seite.cookies["csrftoken"].value
    # Without the CSRF token: refused.
    assert client.post("/online/verpflichtungserklaerung/", formulardaten()).status_code == 403
    r = client.post("/online/verpflichtungserklaerung/", {**formulardaten(), "csrfmiddlewaretoken": token})
    assert r.status_code == 302, r.content.decode()[:3000]
    bestaetigung = client.get(r["Location"])
    assert "Stadt Offenbach am Main" in bestaetigung.text
    antrag = Onlineantrag.objects.get()
    assert antrag.behoerde.kuerzel == "OF"
    assert antrag.daten["gast_familienname"] == "Öztürk" and antrag.daten["aufenthalt_zweck"] == "Familienbesuch"
    assert [a.art for a in antrag.anlagen.all()] == [
        "Einkommensnachweise der letzten drei Monate",
        "Kopie des Passes oder Personalausweises der verpflichtungsgebenden Person",
    ]
    p = pipeline(antrag.posteingang)
    assert p.quelle == Posteingang.Quelle.ONLINE
    assert p.status == Posteingang.Status.ZU_PRUEFEN  # never filed without a person
    assert "Lohnabrechnung Schneider" in p.text and "Öztürk" in p.text
    # The caseworker files it: a Vorgang "Verpflichtungserklärung" opens in the chosen file.
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(person__familienname="Öztürk")
    posteingang_services.posteingang_zuordnen(posteingang=p, akte=akte, user=sb)
    antrag.refresh_from_db()
    assert antrag.vorgang is not None and antrag.vorgang.vorgangsart.schluessel == "verpflichtungserklaerung"
    p.refresh_from_db()
    assert p.dokument.vorgang_id == antrag.vorgang_id and p.dokument.register.nummer == "04"


@pytest.mark.parametrize(
    ("anders", "meldung"),
    [
        ({"postleitzahl": "10115"}, "keine hessische Ausländerbehörde hinterlegt"),
        ({"postleitzahl": "6306"}, "fünfstellige Postleitzahl"),
        ({"nachweis_pass": SimpleUploadedFile("pass.pdf", b"MZ\x90\x00" + b"\0" * 500)}, "keine PDF-, JPEG- oder PNG"),
        (
            {"nachweis_pass": SimpleUploadedFile("pass.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"%%EOF")},
            "größer als 10 MB",
        ),
        ({"aufenthalt_bis": "2020-01-01"}, "liegt vor dem Beginn"),
        ({"einwilligung": ""}, "Dieses Feld ist zwingend erforderlich"),
    ],
)
def test_formular_fehler_deutsch_und_nichts_gespeichert(anders, meldung, settings, caplog):
    settings.ONLINE_RATE_LIMIT = 100
    with caplog.at_level(logging.INFO, logger="scanning.eingang"):
        r = Client().post("/online/verpflichtungserklaerung/", formulardaten(**anders))
    assert r.status_code == 400
    assert meldung in r.text
    assert 'role="alert"' in r.text
    assert not Onlineantrag.objects.exists()


def test_rate_limit(settings):
    settings.ONLINE_RATE_LIMIT = 2
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(2):
        assert client.post("/online/verpflichtungserklaerung/", {"postleitzahl": "x"}).status_code == 400
    r = client.post("/online/verpflichtungserklaerung/", {"postleitzahl": "x"})
    assert r.status_code == 429 and "zu viele Anträge" in r.text


def test_plattform_einreichung_signiert_und_gegen_wiederholung_geschuetzt(caplog):
    fake = FakePlattform()
    fake.registrieren()
    client = Client()
    nutzlast = {
        "dienst": "aufenthaltstitel-verlaengerung",
        "postleitzahl": "64646",
        "daten": {"familienname": "Nguyễn", "vornamen": "Thi Lan", "azr_nummer": "123456789012"},
        "anlagen": [anlage(b.pdf_anlage("Arbeitsvertrag Nguyen"))],
    }
    r = fake.senden(client, nutzlast, einreichung="E-1")
    assert r.status_code == 202, r.content
    assert r.json()["behoerde"] == "HP"
    p = Posteingang.objects.get(pk=r.json()["posteingang"])
    assert p.erkannte_merkmale["antrag"]["daten"]["familienname"] == "Nguyễn"
    # Replay of the same submission: refused, nothing stored twice.
    with caplog.at_level(logging.WARNING, logger="scanning.eingang"):
        r = fake.senden(client, nutzlast, einreichung="E-1")
    assert r.status_code == 409 and "bereits eingegangen" in str(r.json())
    # Old timestamp (captured and replayed later), unsigned, forged, unknown platform.
    assert fake.senden(client, nutzlast, zeitstempel=1_600_000_000).status_code == 401
    r = fake.senden(client, nutzlast, signieren=False)
    assert r.status_code == 401 and "nicht signiert" in r.json()["detail"]
    andere = FakePlattform(kennung=fake.kennung)  # right name, wrong key
    assert andere.senden(client, nutzlast).json()["detail"] == "Die Signatur ist ungültig."
    assert FakePlattform().senden(client, nutzlast).status_code == 401
    # Wrong postcode and a disguised attachment.
    r = fake.senden(client, {**nutzlast, "postleitzahl": "99999"})
    assert r.status_code == 422 and "keine hessische Ausländerbehörde" in str(r.json())
    r = fake.senden(client, {**nutzlast, "anlagen": [anlage(b"<html><script>x</script></html>", "nachweis.pdf")]})
    assert r.status_code == 400 and "keine PDF-, JPEG- oder PNG" in str(r.json())
    assert fake.senden(client, {}, body=b"kein json").status_code == 400
    assert Onlineantrag.objects.count() == 1
    assert "Signatur" in caplog.text or "wiederholt" in caplog.text


def test_verschluesseltes_oder_javascript_pdf_als_anlage(settings):
    from tests.scanning.scans import pdf_mit_javascript

    settings.ONLINE_RATE_LIMIT = 100
    r = Client().post(
        "/online/verpflichtungserklaerung/",
        formulardaten(nachweis_einkommen=SimpleUploadedFile("lohn.pdf", pdf_mit_javascript())),
    )
    assert r.status_code == 400 and "JavaScript" in r.text
    assert not Onlineantrag.objects.exists()
    assert io  # keep import for readers: uploads are bytes, never paths

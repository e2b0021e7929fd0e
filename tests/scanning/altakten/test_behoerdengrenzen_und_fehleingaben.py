"""Lots and deliveries stay inside their authority and survive bad input: each authority sees and imports only its
own delivery folder, a broken delivery ends in an error with a message, non-finite numbers are refused, restricted
files show no person data in lot lists, and the Land's overview needs the same queries for any number of
authorities."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from dms.models import Akte, Rolle
from scanning.altakten import services as svc
from scanning.altakten.lieferung import lieferung_pfad
from scanning.altakten.models import Digitalisierungslos, Lieferung
from tests import factories as f

from .lieferhilfen import Datei, lieferung_schreiben

pytestmark = pytest.mark.django_db


def _import(los, user, quelle):
    lieferung = svc.lieferung_annehmen(los=los, quelle=quelle, user=user, im_hintergrund=False)
    return svc.lieferung_ausfuehren(lieferung_id=lieferung.pk)


def test_authority_cannot_see_or_import_another_authoritys_delivery(eingang, los, akten, projektleitung):
    # HP's delivery, with HP's Aktenzeichen and person data, in HP's own subfolder
    hp_akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP"), familienname="Fremdperson"))
    fremd = eingang.parent / "HP"
    lieferung_schreiben(fremd / "B1", [Datei("b.pdf", 2, aktenzeichen=hp_akte.aktenzeichen)])
    lieferung_schreiben(eingang / "EIGEN", [Datei("a.pdf", 2, aktenzeichen=akten[0].aktenzeichen)])
    (eingang / "LINK").symlink_to(fremd / "B1", target_is_directory=True)  # symlink escaping the folder

    web = Client()
    web.force_login(projektleitung)
    seite = web.get(f"/poststelle/altakten/los/{los.pk}/").content.decode()
    assert "EIGEN" in seite
    # as whole words: the page's random CSRF token may contain "B1"
    assert not re.search(r"\bB1\b", seite) and not re.search(r"\bLINK\b", seite)
    for quelle, meldung in [
        ("B1", "gibt es im Eingangsordner nicht"),
        ("../HP/B1", "Eingangsordner"),
        ("LINK", "Eingangsordner"),
        (str(fremd / "B1"), "Eingangsordner"),
    ]:
        r = web.post(f"/poststelle/altakten/los/{los.pk}/lieferung/", {"quelle": quelle}, follow=True)
        inhalt = r.content.decode()
        assert r.status_code == 200 and meldung in inhalt, quelle
        assert hp_akte.aktenzeichen not in inhalt and "Fremdperson" not in inhalt
    assert not Lieferung.objects.exists()
    # HP's own path resolution does find it
    assert lieferung_pfad("B1", "HP") == (fremd / "B1").resolve()
    with pytest.raises(ValueError, match="Eingangsordner"):
        lieferung_pfad("B1/../../OF/EIGEN", "HP")


def test_superscript_digit_in_manifest_is_a_line_error(eingang, los, akten, projektleitung):
    lieferung_schreiben(
        eingang / "S1", [Datei(f"a{i}.pdf", 2, aktenzeichen=a.aktenzeichen) for i, a in enumerate(akten)]
    )
    manifest = eingang / "S1" / "manifest.csv"
    zeilen = list(csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8-sig")), delimiter=";"))
    zeilen[1]["seiten"] = "²"
    puffer = io.StringIO()
    w = csv.DictWriter(puffer, fieldnames=list(zeilen[0]), delimiter=";", lineterminator="\n")
    w.writeheader()
    w.writerows(zeilen)
    manifest.write_text(puffer.getvalue(), encoding="utf-8")
    ergebnis = _import(los, projektleitung, "S1")
    assert ergebnis.status == Lieferung.Status.ABGELEHNT
    assert [fe["zeile"] for fe in ergebnis.fehler] == [3]


def test_corrupt_zip_ends_in_error_status_with_message(eingang, los, akten, projektleitung):
    quelle = eingang / "Kaputt.zip"
    with zipfile.ZipFile(quelle, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("manifest.csv", "dateiname;seiten\n" + "x" * 5000)
    daten = bytearray(quelle.read_bytes())
    daten[daten.index(b"xxxxxxxx") + 100] = ord("y")  # content no longer matches the CRC
    quelle.write_bytes(bytes(daten))
    assert zipfile.is_zipfile(quelle)
    ergebnis = _import(los, projektleitung, "Kaputt.zip")
    assert ergebnis.status == Lieferung.Status.FEHLER
    assert ergebnis.beendet_am is not None
    assert "ZIP-Datei ist beschädigt" in ergebnis.fehler[0]["meldung"]


@pytest.mark.parametrize("wert", ["NaN", "nan", "Infinity", "-inf", "sNaN"])
def test_non_finite_sample_percentage_is_refused(projektleitung, wert):
    f.AkteFactory(medium=Akte.Medium.PAPIER)
    web = Client()
    web.force_login(projektleitung)
    r = web.post("/poststelle/altakten/los/neu/", {"anzahl": "1", "stichprobe_prozent": wert}, follow=True)
    assert r.status_code == 200 and "ganze Zahlen" in r.content.decode()
    assert not Digitalisierungslos.objects.exists()


def test_restricted_files_show_no_person_data(projektleitung):
    geheim = f.AkteFactory(medium=Akte.Medium.PAPIER, gesperrt=True, person=f.PersonFactory(familienname="Geheimname"))
    offen = f.AkteFactory(medium=Akte.Medium.PAPIER, person=f.PersonFactory(familienname="Offenname"))
    web = Client()
    web.force_login(projektleitung)
    web.post("/poststelle/altakten/los/neu/", {"anzahl": "10", "stichprobe_prozent": "5"})
    neu = Digitalisierungslos.objects.get(behoerde__kuerzel="OF")
    assert list(neu.akten.values_list("akte_id", flat=True)) == [offen.pk]  # restricted files stay out

    # an older lot that does contain a restricted file: Aktenzeichen only
    alt = svc.los_anlegen(behoerde=f.behoerde("OF"), akten=[geheim], user=projektleitung)
    seite = web.get(f"/poststelle/altakten/los/{alt.pk}/").content.decode()
    assert geheim.aktenzeichen in seite and "Geheimname" not in seite and "gesperrte Akte" in seite
    pdf = web.get(f"/poststelle/altakten/los/{alt.pk}/uebergabeliste.pdf").content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert geheim.aktenzeichen in text and "Geheimname" not in text
    # a visible file keeps its person data
    seite = web.get(f"/poststelle/altakten/los/{neu.pk}/").content.decode()
    assert "Offenname" in seite
    pdf = web.get(f"/poststelle/altakten/los/{neu.pk}/uebergabeliste.pdf").content
    assert "Offenname" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def _lose_fuer(kuerzel: str) -> None:
    leitung = f.benutzer(kuerzel, Rolle.BEHOERDENADMIN)
    b = f.behoerde(kuerzel)
    for _ in range(2):
        akten = [f.AkteFactory(person=f.PersonFactory(behoerde=b)) for _ in range(2)]
        svc.los_anlegen(behoerde=b, akten=akten, user=leitung, blatt_geplant=20)


def test_land_overview_query_count_independent_of_authorities(django_assert_max_num_queries):
    land = Client()
    land.force_login(f.benutzer("RPDA", Rolle.LAND))
    _lose_fuer("OF")
    with CaptureQueriesContext(connection) as eine:
        r = land.get("/poststelle/altakten/")
    assert r.status_code == 200 and "Offenbach" in r.content.decode()
    _lose_fuer("HP")
    _lose_fuer("GI")
    with django_assert_max_num_queries(len(eine.captured_queries)):
        r = land.get("/poststelle/altakten/")
    inhalt = r.content.decode()
    assert r.status_code == 200 and "Offenbach" in inhalt and inhalt.count("0 von 4") >= 3

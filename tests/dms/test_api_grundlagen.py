"""The REST API for persons, files, procedures and documents: what an integration relies on."""

from __future__ import annotations

import hashlib
import io

import pytest

from dms.models import Akte, Protokolleintrag
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF_BYTES = f.pdf_eine_seite()


def _person(api, **extra):
    data = {"familienname": "Öztürk", "vornamen": "Ayşe", "geburtsdatum": "1990-02-01", "azr_nummer": "123456789012"}
    data.update(extra)
    return api.post("/api/v1/personen/", data, format="json")


def test_person_akte_vorgang_dokument_and_exact_bytes_back(api):
    r = _person(api)
    assert r.status_code == 201, r.content
    person_id = r.json()["id"]
    r = api.post("/api/v1/akten/", {"person": person_id}, format="json")
    assert r.status_code == 201, r.content
    akte = r.json()
    assert akte["aktenzeichen"].startswith("OF-")
    r = api.post("/api/v1/vorgaenge/", {"akte": akte["id"], "vorgangsart": "ae-verlaengerung"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["aktenzeichen"] == f"{akte['aktenzeichen']}/1"
    upload = io.BytesIO(PDF_BYTES)
    upload.name = "Antrag Öztürk.pdf"
    r = api.post("/api/v1/dokumente/", {"datei": upload, "akte": akte["id"], "register": "03"}, format="multipart")
    assert r.status_code == 201, r.content
    dok = r.json()
    assert dok["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    r = api.get(f"/api/v1/dokumente/{dok['id']}/datei/?original=1")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF_BYTES
    detail = api.get(f"/api/v1/akten/{akte['id']}/").json()
    reg03 = next(r for r in detail["register"] if r["nummer"] == "03")
    assert reg03["anzahl"] == 1 and reg03["dokumente"] == [dok["id"]]
    assert Protokolleintrag.objects.filter(aktion="herunterladen", akte_id_wert=akte["id"]).exists()


@pytest.mark.parametrize("azr", ["12345", "12345678901a", "1234567890123"])
def test_wrong_azr_is_400_with_field(api, azr):
    r = _person(api, azr_nummer=azr)
    assert r.status_code == 400
    assert "azr_nummer" in r.json()


def test_duplicate_azr_is_400_in_german(api):
    assert _person(api).status_code == 201
    r = _person(api)
    assert r.status_code == 400
    assert "bereits" in r.json()["azr_nummer"][0]


def test_empty_upload_and_unknown_register_are_400(api):
    akte = f.AkteFactory()
    leer = io.BytesIO(b"")
    leer.name = "leer.pdf"
    r = api.post("/api/v1/dokumente/", {"datei": leer, "akte": akte.id, "register": "03"}, format="multipart")
    assert r.status_code == 400 and "leer" in str(r.json()["datei"])
    pdf = io.BytesIO(PDF_BYTES)
    pdf.name = "a.pdf"
    r = api.post("/api/v1/dokumente/", {"datei": pdf, "akte": akte.id, "register": "99"}, format="multipart")
    assert r.status_code == 400 and "register" in r.json()


def test_document_into_other_authoritys_file_is_refused(api):
    fremde = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    pdf = io.BytesIO(PDF_BYTES)
    pdf.name = "a.pdf"
    r = api.post("/api/v1/dokumente/", {"datei": pdf, "akte": fremde.id, "register": "03"}, format="multipart")
    assert r.status_code == 400 and "akte" in r.json()
    assert not fremde.dokumente.exists()


def test_other_authority_gets_404(api, fremde_api):
    akte = f.AkteFactory()
    assert api.get(f"/api/v1/akten/{akte.id}/").status_code == 200
    assert fremde_api.get(f"/api/v1/akten/{akte.id}/").status_code == 404
    assert fremde_api.get("/api/v1/akten/").json()["count"] == 0


def test_second_save_with_stale_version_gets_conflict(api):
    akte = f.AkteFactory()
    r1 = api.patch(f"/api/v1/akten/{akte.id}/", {"medium": "hybrid", "version": 1}, format="json")
    assert r1.status_code == 200
    r2 = api.patch(f"/api/v1/akten/{akte.id}/", {"medium": "papier", "version": 1}, format="json")
    assert r2.status_code == 409
    assert "anderen Person" in r2.json()["detail"]
    assert Akte.objects.get(pk=akte.pk).medium == "hybrid"


def test_procedure_api_shows_the_next_open_resubmission_and_takes_no_date(api, sachbearbeitung):
    """The old date field is gone: `wiedervorlage` is the next open Wiedervorlage of the procedure, read-only."""
    import datetime as dt

    from dms.models import Vorgang
    from dms.wiedervorlagen.services import wiedervorlage_anlegen

    akte = api.post("/api/v1/akten/", {"person": _person(api).json()["id"]}, format="json").json()
    r = api.post(
        "/api/v1/vorgaenge/",
        {"akte": akte["id"], "vorgangsart": "ae-verlaengerung", "wiedervorlage": "2030-01-01"},
        format="json",
    )
    assert r.status_code == 201, r.content
    vorgang = Vorgang.objects.get(pk=r.json()["id"])
    assert r.json()["wiedervorlage"] is None and not vorgang.wiedervorlagen.exists()
    for tage in (20, 5):
        wiedervorlage_anlegen(user=sachbearbeitung, vorgang=vorgang, faellig_am=dt.date(2030, 1, tage))
    erledigt = wiedervorlage_anlegen(user=sachbearbeitung, vorgang=vorgang, faellig_am=dt.date(2030, 1, 1))
    erledigt.erledigt_am = erledigt.angelegt_am
    erledigt.save()
    liste = api.get(f"/api/v1/vorgaenge/?akte={akte['id']}").json()
    zeilen = liste["results"] if isinstance(liste, dict) else liste
    assert zeilen[0]["wiedervorlage"] == "2030-01-05" and "wiedervorlage_grund" not in zeilen[0]
    assert api.get(f"/api/v1/vorgaenge/{vorgang.pk}/").json()["wiedervorlage"] == "2030-01-05"

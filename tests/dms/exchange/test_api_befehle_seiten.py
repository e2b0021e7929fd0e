"""The exchange through the API, the management commands and the web pages."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from lxml import etree

from dms.models import Akte, Aktenabgabe, Protokolleintrag, Rolle
from dms.xdomea.import_ import ImportAbgelehnt, paket_importieren
from dms.xdomea.schema import xdomea_schema
from tests import factories as f

pytestmark = pytest.mark.django_db


def _zip_aus(response) -> bytes:
    return b"".join(response.streaming_content)


def test_api_export_then_import_into_other_authority(api, fremde_api, volle_akte):
    akte = volle_akte.akte
    r = api.post(f"/api/v1/akten/{akte.pk}/xdomea-export/?empfaenger=HP")
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == "application/zip"
    daten = _zip_aus(r)
    assert zipfile.ZipFile(io.BytesIO(daten)).testzip() is None
    assert Protokolleintrag.objects.filter(aktion="export", akte_id_wert=akte.pk).exists()
    # Another authority cannot export a file it does not hold: 404, not 403.
    assert fremde_api.post(f"/api/v1/akten/{akte.pk}/xdomea-export/").status_code == 404
    paket = io.BytesIO(daten)
    paket.name = "abgabe.zip"
    r = fremde_api.post("/api/v1/xdomea/import/", {"paket": paket}, format="multipart")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["aktenzeichen"].startswith("HP-") and body["fruehere_aktenzeichen"] == [akte.aktenzeichen]
    assert body["dokumente"] == 5
    assert xdomea_schema().validate(etree.fromstring(body["importbestaetigung"].encode()))
    assert fremde_api.get(f"/api/v1/akten/{body['akte']}/").status_code == 200


def test_api_import_rejects_bad_package_with_reason(fremde_api):
    paket = io.BytesIO(b"kein zip")
    paket.name = "kaputt.zip"
    r = fremde_api.post("/api/v1/xdomea/import/", {"paket": paket}, format="multipart")
    assert r.status_code == 400
    assert "keine gültige ZIP-Datei" in r.json()["detail"]
    assert fremde_api.post("/api/v1/xdomea/import/", {}, format="multipart").status_code == 400


def test_api_hand_over_accept_conflict_and_sender_loses_access(api, fremde_api, volle_akte):
    akte = volle_akte.akte
    r = api.post(
        "/api/v1/abgaben/",
        {"akte": akte.pk, "ziel_behoerde": "HP", "grund": "fortzug", "neue_anschrift": "Marktplatz 1, Heppenheim"},
        format="json",
    )
    assert r.status_code == 201, r.content
    abgabe_id = r.json()["id"]
    eingang = fremde_api.get("/api/v1/abgaben/?richtung=eingehend").json()
    assert [a["id"] for a in eingang["results"]] == [abgabe_id]
    assert eingang["results"][0]["richtung"] == "eingehend"
    # The sender cannot accept its own offer (not its decision): 400 with a German reason.
    assert api.post(f"/api/v1/abgaben/{abgabe_id}/annehmen/", {}, format="json").status_code == 400
    r = fremde_api.post(f"/api/v1/abgaben/{abgabe_id}/annehmen/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["aktenzeichen"].startswith("HP-")
    r = fremde_api.post(f"/api/v1/abgaben/{abgabe_id}/annehmen/", {}, format="json")
    assert r.status_code == 409 and "bereits" in r.json()["detail"]
    assert api.get(f"/api/v1/akten/{akte.pk}/").status_code == 404
    datei_b = api.get("/api/v1/datei-b/").json()["results"]
    assert [e["aktenzeichen"] for e in datei_b] == [akte.aktenzeichen]
    assert datei_b[0]["ziel_behoerde"] == "HP"
    assert fremde_api.get("/api/v1/datei-b/").json()["results"] == []
    # A third authority sees neither the offer nor the record.
    dritte = f.benutzer("WI", Rolle.SACHBEARBEITUNG)
    from rest_framework.test import APIClient

    c = APIClient()
    c.force_authenticate(dritte)
    assert c.get(f"/api/v1/abgaben/{abgabe_id}/").status_code == 404


def test_api_decline_needs_reason(api, fremde_api, volle_akte):
    abgabe_id = api.post(
        "/api/v1/abgaben/",
        {"akte": volle_akte.akte.pk, "ziel_behoerde": "HP", "grund": "zustaendigkeit"},
        format="json",
    ).json()["id"]
    assert fremde_api.post(f"/api/v1/abgaben/{abgabe_id}/ablehnen/", {}, format="json").status_code == 400
    r = fremde_api.post(f"/api/v1/abgaben/{abgabe_id}/ablehnen/", {"ablehnungsgrund": "nicht zuständig"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "abgelehnt"
    assert api.get(f"/api/v1/abgaben/{abgabe_id}/").json()["ablehnungsgrund"] == "nicht zuständig"


def test_commands_export_and_import(volle_akte, tmp_path):
    out = io.StringIO()
    call_command("xdomea_export", "--akte", str(volle_akte.akte.pk), "--ziel", str(tmp_path), stdout=out)
    pfad = Path(out.getvalue().strip())
    assert pfad.is_file() and pfad.name.endswith("_Abgabe.Abgabe.0401.zip")
    out = io.StringIO()
    call_command("xdomea_import", str(pfad), "--behoerde", "HP", "--quittung", str(tmp_path / "q"), stdout=out)
    aktenzeichen = out.getvalue().strip()
    assert Akte.objects.get(aktenzeichen=aktenzeichen).fruehere_aktenzeichen == [volle_akte.akte.aktenzeichen]
    quittungen = list((tmp_path / "q").glob("*_Abgabe.ImportBestaetigen.0402.xml"))
    assert len(quittungen) == 1 and xdomea_schema().validate(etree.parse(str(quittungen[0])))
    with pytest.raises(CommandError, match="Unbekannte oder inaktive Behörde"):
        call_command("xdomea_import", str(pfad), "--behoerde", "ZZ")
    with pytest.raises(CommandError, match="nicht gefunden"):
        call_command("xdomea_export", "--akte", "999999", "--ziel", str(tmp_path))


def test_pages_offer_accept_and_decline(sachbearbeitung, fremde_sachbearbeitung, volle_akte):
    akte = volle_akte.akte
    sender, empfaenger = Client(), Client()
    sender.force_login(sachbearbeitung)
    empfaenger.force_login(fremde_sachbearbeitung)
    assert sender.get(f"/akten/{akte.pk}/abgeben/").status_code == 200
    assert empfaenger.get(f"/akten/{akte.pk}/abgeben/").status_code == 404
    hp = f.behoerde("HP")
    r = sender.post(f"/akten/{akte.pk}/abgeben/", {"ziel_behoerde": hp.pk, "grund": "fortzug", "neue_anschrift": ""})
    assert r.status_code == 200 and "neue Anschrift" in r.content.decode()
    r = sender.post(
        f"/akten/{akte.pk}/abgeben/",
        {"ziel_behoerde": hp.pk, "grund": "fortzug", "neue_anschrift": "<b>Ring 2</b>, Bensheim"},
    )
    assert r.status_code == 302
    abgabe = Aktenabgabe.objects.get(akte=akte)
    seite = empfaenger.get("/abgaben/").content.decode()
    assert akte.aktenzeichen in seite and "&lt;b&gt;Ring 2&lt;/b&gt;" in seite and "<b>Ring 2</b>" not in seite
    r = empfaenger.post(f"/abgaben/{abgabe.pk}/annehmen/")
    assert r.status_code == 302
    akte.refresh_from_db()
    assert r["Location"] == f"/akten/{akte.pk}/" and akte.behoerde_id == hp.pk
    seite = sender.get("/abgaben/").content.decode()
    assert "Datei B" in seite and akte.fruehere_aktenzeichen[0] in seite
    assert sender.get(f"/akten/{akte.pk}/abgeben/").status_code == 404


def test_lists_need_a_fixed_number_of_queries(
    api, fremde_api, sachbearbeitung, fremde_sachbearbeitung, django_assert_max_num_queries
):
    from dms import services

    def anbieten(n: int) -> None:
        for _ in range(n):
            akte = f.AkteFactory()
            services.abgabe_anbieten(
                akte=akte, ziel_behoerde=f.behoerde("HP"), user=sachbearbeitung, neue_anschrift="Ring 1, Bensheim"
            )

    anbieten(2)
    seiten = Client()
    seiten.force_login(fremde_sachbearbeitung)
    with django_assert_max_num_queries(12):
        assert fremde_api.get("/api/v1/abgaben/?richtung=eingehend").json()["count"] == 2
    with django_assert_max_num_queries(12):
        assert seiten.get("/abgaben/").status_code == 200
    anbieten(6)
    with django_assert_max_num_queries(12):
        assert fremde_api.get("/api/v1/abgaben/?richtung=eingehend").json()["count"] == 8
    with django_assert_max_num_queries(12):
        assert seiten.get("/abgaben/").status_code == 200
    r = fremde_api.get(f"/api/v1/abgaben/{Aktenabgabe.objects.first().pk}/")
    assert r.status_code == 200
    assert Protokolleintrag.objects.filter(aktion="lesen", objekt_typ="aktenabgabe").exists()


@pytest.mark.parametrize("body", [[], "HP", 5, None])
def test_api_export_with_non_object_json_body_is_not_a_500(api, volle_akte, body):
    r = api.post(
        f"/api/v1/akten/{volle_akte.akte.pk}/xdomea-export/",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert zipfile.ZipFile(io.BytesIO(_zip_aus(r))).testzip() is None


def test_api_export_recipient_from_json_object_body(api, volle_akte):
    r = api.post(f"/api/v1/akten/{volle_akte.akte.pk}/xdomea-export/", {"empfaenger": "hp"}, format="json")
    assert r.status_code == 200, r.content
    # The package is addressed to HP: another authority may not import it.
    with pytest.raises(ImportAbgelehnt, match="adressiert"):
        paket_importieren(paket=io.BytesIO(_zip_aus(r)), behoerde="WI")
    r = api.post(f"/api/v1/akten/{volle_akte.akte.pk}/xdomea-export/", {"empfaenger": "XX"}, format="json")
    assert r.status_code == 404


def test_api_export_with_missing_stored_file_answers_409_with_german_reason(api, volle_akte):
    from dms.models import DokumentVersion

    # The stored original of one version is gone (storage failure): a clear conflict, not a 500.
    version = DokumentVersion.objects.filter(dokument__akte=volle_akte.akte).order_by("pk").first()
    version.original.storage.delete(version.original.name)
    r = api.post(f"/api/v1/akten/{volle_akte.akte.pk}/xdomea-export/")
    assert r.status_code == 409, r.content
    assert "fehlt im Speicher" in r.json()["detail"]

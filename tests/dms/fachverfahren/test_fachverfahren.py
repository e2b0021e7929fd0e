"""The Fachverfahren pushes decisions into the right file (AZR-Nummer or its own case id), source `fachverfahren`,
no duplicates by its reference; DOCX accepted and converted; deep links open the file or answer 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dms.models import Dokument
from tests import factories as f
from tests.scanning.eingang import beispiele as b

pytestmark = pytest.mark.django_db


def _senden(api, **felder):
    daten = {"referenz": "ADVIS-BESCHEID-4711", "titel": "Bescheid Verlängerung", **felder}
    daten.setdefault("datei", SimpleUploadedFile("bescheid.pdf", b.pdf_anlage("Bescheid Verlaengerung")))
    return api.post("/api/v1/fachverfahren/dokumente/", daten, format="multipart")


def test_push_per_azr_und_kennung_ohne_dubletten(api):
    akte = f.AkteFactory(person__azr_nummer="555000111222")
    r = _senden(api, azr_nummer="555000111222")
    assert r.status_code == 201, r.content
    d = Dokument.objects.get(pk=r.json()["id"])
    assert (d.akte_id, d.quelle, d.richtung, d.register.nummer) == (akte.pk, "fachverfahren", "ausgang", "03")
    assert d.versionen.get().transfervermerk["referenz"] == "ADVIS-BESCHEID-4711"
    # The same push again (network retry): no second document.
    r = _senden(api, azr_nummer="555000111222")
    assert r.status_code == 200 and r.json()["id"] == d.pk
    # Link the case id, then push a DOCX letter by case id: converted by the pipeline, original kept.
    r = api.post("/api/v1/fachverfahren/verknuepfen/", {"azr_nummer": "555000111222", "kennung": "OKVISA-2026-77"},
                 format="json")  # fmt: skip
    assert r.status_code == 200 and r.json()["akte"] == akte.pk
    docx = SimpleUploadedFile("anhoerung.docx", b.docx_bytes("Anhörung nach § 28 VwVfG"))
    r = _senden(api, kennung="OKVISA-2026-77", referenz="OKVISA-BRIEF-1", datei=docx, art="schreiben")
    assert r.status_code == 201
    brief = Dokument.objects.get(pk=r.json()["id"])
    assert brief.akte_id == akte.pk and brief.register.nummer == "12"
    assert brief.versionen.get().mime_type.endswith("wordprocessingml.document")


def test_fremde_oder_unbekannte_nummer_404(api, fremde_api):
    f.AkteFactory(person__azr_nummer="555000111333")
    assert _senden(fremde_api, azr_nummer="555000111333").status_code == 404
    assert _senden(api, azr_nummer="999999999999").status_code == 404
    assert _senden(api).status_code == 400  # neither number given
    r = _senden(api, azr_nummer="555000111333",
                datei=SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\0" * 100))  # fmt: skip
    assert r.status_code == 400 and "wird nicht angenommen" in str(r.json())


def test_deeplink(client, sachbearbeitung, fremde_sachbearbeitung):
    akte = f.AkteFactory(person__azr_nummer="555000111444", fachverfahren_kennung="LADIVA-9")
    client.force_login(sachbearbeitung)
    r = client.get("/akten/azr/555000111444/")
    assert r.status_code == 302 and r["Location"] == f"/akten/{akte.pk}/"
    assert client.get("/akten/fachverfahren/LADIVA-9/")["Location"] == f"/akten/{akte.pk}/"
    assert client.get("/akten/azr/000000000000/").status_code == 404
    client.force_login(fremde_sachbearbeitung)
    assert client.get("/akten/azr/555000111444/").status_code == 404
    gesperrt = f.AkteFactory(person__azr_nummer="555000111555", gesperrt=True)
    client.force_login(sachbearbeitung)
    assert client.get(f"/akten/azr/{gesperrt.person.azr_nummer}/").status_code == 404

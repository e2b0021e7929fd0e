"""Sealed scans: the transfer note bound to the original's bytes by a CMS signature (pyHanko) that verifies against
the test PKI's CA and fails after one byte of the stored original changes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client

from dms.gericht.siegel import siegel_pruefen
from dms.models import Dokument, Siegel
from dms.services.dokumente import dokument_anlegen
from tests import factories as f

from .hilfen import pdf_erzeugen
from .pki import blatt_erzeugen, ca_erzeugen, pem_schreiben, pkcs12_schreiben

pytestmark = pytest.mark.django_db

VERMERK = {"posteingang": 1, "eingeliefert_von": "Poststelle Offenbach, M. Schmidt", "sha256_original": "x"}


@pytest.fixture
def siegel_pki(settings, tmp_path):
    ca = ca_erzeugen()
    siegel = blatt_erzeugen(ca, "Siegel Ausländerbehörde Offenbach")
    pkcs12_schreiben(tmp_path / "siegel.p12", siegel, ca, b"geheim")
    pem_schreiben(tmp_path / "ca.pem", ca)
    settings.SIEGEL_PKCS12 = str(tmp_path / "siegel.p12")
    settings.SIEGEL_PASSWORT = "geheim"
    settings.SIEGEL_VERTRAUENSANKER = [str(tmp_path / "ca.pem")]
    return ca


def _scan(akte, quelle=Dokument.Quelle.POSTEINGANG) -> Dokument:  # type: ignore[no-untyped-def]
    return dokument_anlegen(
        akte=akte,
        register=f.register("03"),
        datei=io.BytesIO(pdf_erzeugen(["Antrag auf Verlängerung"])),
        dateiname="scan.pdf",
        user=None,
        quelle=quelle,
        transfervermerk=VERMERK,
        verarbeiten=False,
    )


def test_scanned_document_carries_a_valid_seal_that_breaks_when_one_byte_changes(siegel_pki, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dok = _scan(akte)
    version = dok.versionen.get()
    [pruefung] = siegel_pruefen(version)
    assert pruefung.gueltig
    assert pruefung.bestaetigt_von == "Poststelle Offenbach, M. Schmidt"
    assert "Siegel Ausländerbehörde Offenbach" in pruefung.unterzeichner

    client = Client()
    client.force_login(sachbearbeitung)
    seite = client.get(f"/dokumente/{dok.pk}/").content.decode()
    assert "Übereinstimmung bestätigt von Poststelle Offenbach, M. Schmidt" in seite
    assert "Signatur gültig" in seite

    pfad = Path(version.original.path)
    inhalt = bytearray(pfad.read_bytes())
    inhalt[len(inhalt) // 2] ^= 0x01
    pfad.write_bytes(bytes(inhalt))
    [pruefung] = siegel_pruefen(version)
    assert not pruefung.gueltig
    assert "Signatur ungültig" in client.get(f"/dokumente/{dok.pk}/").content.decode()


def test_a_seal_from_an_untrusted_ca_is_invalid(siegel_pki, settings, tmp_path):
    dok = _scan(f.AkteFactory(), quelle=Dokument.Quelle.ALTAKTE)
    fremde = ca_erzeugen("Fremde CA")
    pem_schreiben(tmp_path / "fremd.pem", fremde)
    settings.SIEGEL_VERTRAUENSANKER = [str(tmp_path / "fremd.pem")]
    [pruefung] = siegel_pruefen(dok.versionen.get())
    assert not pruefung.gueltig


def test_uploads_are_not_sealed_and_nothing_without_a_key(siegel_pki, settings):
    dokument_anlegen(
        akte=f.AkteFactory(),
        register=f.register("03"),
        datei=io.BytesIO(pdf_erzeugen(["x"])),
        dateiname="a.pdf",
        user=None,
        verarbeiten=False,
    )
    assert Siegel.objects.count() == 0
    settings.SIEGEL_PKCS12 = ""
    _scan(f.AkteFactory())
    assert Siegel.objects.count() == 0


def test_qualified_signature_of_the_responsible_person_through_the_signing_service(
    siegel_pki, settings, sachbearbeitung
):
    from dms.gericht.qes import SignaturdienstFehler, qes_anfordern

    from .fake_signaturdienst import FakeSignaturdienst
    from .pki import blatt_erzeugen

    person = blatt_erzeugen(siegel_pki, "Maria Schmidt (QES)")
    dok = _scan(f.AkteFactory())
    version = dok.versionen.get()
    with FakeSignaturdienst(person, siegel_pki) as dienst:
        settings.QES_DIENST_URL = dienst.url
        settings.QES_DIENST_TOKEN = dienst.token
        qes_anfordern(version=version, user=sachbearbeitung)
        assert dienst.anfragen[0]["referenz"] == str(version.uuid)
    pruefungen = siegel_pruefen(version)
    assert [p.art for p in pruefungen] == [
        "fortgeschrittenes Siegel der Behörde",
        "qualifizierte elektronische Signatur",
    ]
    assert all(p.gueltig for p in pruefungen)
    with FakeSignaturdienst(person, siegel_pki, falsch_signieren=True) as dienst:
        settings.QES_DIENST_URL = dienst.url
        with pytest.raises(SignaturdienstFehler):
            qes_anfordern(version=version, user=sachbearbeitung)
    assert Siegel.objects.filter(version=version).count() == 2

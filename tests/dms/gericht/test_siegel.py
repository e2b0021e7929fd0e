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

from .hilfen import pdf_erzeugen, scan_ablegen
from .pki import ca_erzeugen, pem_schreiben

pytestmark = pytest.mark.django_db

VERMERK = {"posteingang": 1, "eingeliefert_von": "Poststelle Offenbach, M. Schmidt", "sha256_original": "x"}


def _scan(akte, quelle=Dokument.Quelle.POSTEINGANG) -> Dokument:  # type: ignore[no-untyped-def]
    return scan_ablegen(akte, quelle=quelle, vermerk=VERMERK)


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

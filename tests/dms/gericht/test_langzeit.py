"""Long-term validation data (LTV) of the authority's seal, a detached CMS (CAdES-B-LT): after its time-stamp the
fake CA's CRL and OCSP response are fetched over HTTP and embedded; pyHanko verifies the seal OFFLINE with
revocation checking required; a revoked seal certificate makes it "ungültig"; a CA that is down leaves
"Langzeitprüfbar (LTV): nein" and the beat job catches up."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from asn1crypto import cms
from django.test import Client
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

import dms.gericht.tasks  # noqa: F401 - registers the Celery tasks in this process (eager mode)
from dms.gericht.langzeit import GESPERRT, LTV_HOECHSTENS, cms_validierungsdaten, langzeitdaten_nachholen
from dms.gericht.siegel import siegel_pruefen
from dms.models import Dokument, Siegel

from .pki import asn1_zertifikat

pytestmark = pytest.mark.django_db


def _seite(user, dok: Dokument) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.get(f"/dokumente/{dok.pk}/").content.decode()


def test_the_seal_carries_crl_and_ocsp_and_verifies_offline_with_revocation_checking_required(
    ablegen, siegel_pki, zeitstempeldienst, zertifizierungsstelle, sachbearbeitung
):
    dok = ablegen()
    siegel = Siegel.objects.get(version__dokument=dok)
    assert siegel.zeitstempel_am is not None and siegel.ltv_am is not None and siegel.ltv_fehler == ""
    signed_data = cms.ContentInfo.load(bytes(siegel.signatur))["content"]
    daten = cms_validierungsdaten(signed_data)
    assert len(daten.ocsps) == 1 and len(daten.crls) == 1  # the seal's CA answers OCSP, the TSA's CA has a CRL

    abrufe = len(zertifizierungsstelle.abrufe)

    def pruefen(mit_daten: bool):  # type: ignore[no-untyped-def]
        def kontext(ca):  # type: ignore[no-untyped-def]
            return ValidationContext(
                trust_roots=[asn1_zertifikat(ca)],
                other_certs=daten.zertifikate,
                crls=daten.crls if mit_daten else [],
                ocsps=daten.ocsps if mit_daten else [],
                allow_fetching=False,
                revocation_mode="require",
            )

        return asyncio.run(
            async_validate_detached_cms(
                bytes(siegel.signiert_daten),
                signed_data,
                signer_validation_context=kontext(siegel_pki),
                ts_validation_context=kontext(zeitstempeldienst.ca),
            )
        )

    status = pruefen(True)
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert not pruefen(False).trusted  # without the embedded data it cannot be checked offline
    assert len(zertifizierungsstelle.abrufe) == abrufe  # nothing was fetched

    [pruefung] = siegel_pruefen(dok.versionen.get())
    assert pruefung.gueltig and pruefung.langzeit
    assert "Signatur gültig, Zeitstempel vom" in (seite := _seite(sachbearbeitung, dok))
    assert "Langzeitprüfbar (LTV): ja" in seite

    # one changed byte of the stored original: invalid, LTV data or not
    version = dok.versionen.get()
    pfad = Path(version.original.path)
    inhalt = bytearray(pfad.read_bytes())
    inhalt[len(inhalt) // 2] ^= 0x01
    pfad.write_bytes(bytes(inhalt))
    [pruefung] = siegel_pruefen(version)
    assert not pruefung.gueltig and not pruefung.langzeit
    assert "Signatur ungültig" in _seite(sachbearbeitung, dok)


def test_a_revoked_seal_certificate_is_reported_invalid(ablegen, zertifizierungsstelle, sachbearbeitung):
    assert zertifizierungsstelle.siegel is not None
    zertifizierungsstelle.sperren(zertifizierungsstelle.siegel)  # revoked an hour ago
    dok = ablegen()
    siegel = Siegel.objects.get(version__dokument=dok)
    assert siegel.ltv_am is None and siegel.ltv_fehler == GESPERRT and siegel.ltv_versuche == LTV_HOECHSTENS
    daten = cms_validierungsdaten(cms.ContentInfo.load(bytes(siegel.signatur))["content"])
    assert daten.crls and daten.ocsps  # the proof of the revocation is kept with the seal
    [pruefung] = siegel_pruefen(dok.versionen.get())
    assert not pruefung.gueltig and not pruefung.langzeit
    seite = _seite(sachbearbeitung, dok)
    assert "Signatur ungültig" in seite and "Langzeitprüfbar (LTV): nein" in seite


def test_a_ca_that_is_down_leaves_no_ltv_and_the_beat_job_catches_up(
    ablegen, zertifizierungsstelle, sachbearbeitung, caplog
):
    zertifizierungsstelle.ausfallen = True
    dok = ablegen()
    siegel = Siegel.objects.get(version__dokument=dok)
    assert siegel.zeitstempel_am is not None and siegel.ltv_am is None and siegel.ltv_fehler
    assert "ohne vollständige Validierungsdaten" in caplog.text
    [pruefung] = siegel_pruefen(dok.versionen.get())
    assert pruefung.gueltig and not pruefung.langzeit
    assert "Langzeitprüfbar (LTV): nein" in _seite(sachbearbeitung, dok)

    zertifizierungsstelle.ausfallen = False
    assert langzeitdaten_nachholen() == 1
    siegel.refresh_from_db()
    assert siegel.ltv_am is not None and siegel.ltv_fehler == ""
    assert langzeitdaten_nachholen() == 0  # nothing left, nothing done twice
    assert "Langzeitprüfbar (LTV): ja" in _seite(sachbearbeitung, dok)

"""The responsible person's qualified signature through a fake qualified trust service speaking the CSC API v2
(a real HTTP server): the Übereinstimmungsnachweis is a PAdES-signed PDF that pyHanko validates, carries a
time-stamp from the fake TSA, turns invalid when one byte of the original changes; bulk: one PIN, many hashes."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from django.test import Client
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from dms.gericht.csc import SignaturdienstFehler
from dms.gericht.qes import qes_bestaetigen
from dms.gericht.siegel import siegel_pruefen
from dms.gericht.zeitstempel import zeitstempel_nachholen
from dms.models import Dokument, Protokolleintrag, Siegel
from dms.pdfa import pdfa_pruefen
from tests import factories as f

from .fake_dienste import FakeCscDienst
from .hilfen import scan_ablegen
from .pki import asn1_zertifikat, blatt_erzeugen

pytestmark = pytest.mark.django_db


def _scan(akte, titel="Geburtsurkunde", los=3) -> Dokument:  # type: ignore[no-untyped-def]
    vermerk = {"los": los, "scandatum": "2026-11-12", "operator": "Scan-Dienstleister, K. Weber"}
    return scan_ablegen(akte, titel=titel, quelle=Dokument.Quelle.ALTAKTE, vermerk=vermerk, seiten=[titel, "Seite 2"])


@pytest.fixture
def csc(siegel_pki, settings, sachbearbeitung):
    sachbearbeitung.first_name, sachbearbeitung.last_name = "Maria", "Schmidt"
    sachbearbeitung.save()
    person = blatt_erzeugen(siegel_pki, "Maria Schmidt (QES)")
    with FakeCscDienst({sachbearbeitung.username: person}, siegel_pki) as dienst:
        settings.QES_DIENST_URL = dienst.url + "/csc/v2"
        settings.QES_DIENST_BENUTZER = dienst.benutzer
        settings.QES_DIENST_PASSWORT = dienst.passwort
        yield dienst


def _pfade(dienst: FakeCscDienst) -> list[str]:
    return [p.removeprefix("/csc/v2/") for p, _ in dienst.aufrufe]


def test_qualified_confirmation_is_a_pades_certificate_with_time_stamp(csc, zeitstempeldienst, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dok = _scan(akte)
    version = dok.versionen.get()
    [siegel] = qes_bestaetigen(versionen=[version], user=sachbearbeitung, pin="1234", otp="654321")
    assert _pfade(csc) == [
        "auth/login",
        "credentials/list",
        "credentials/info",
        "credentials/authorize",
        "signatures/signHash",
    ]
    assert csc.aufrufe[3][1]["numSignatures"] == 1
    assert siegel.art == Siegel.Art.QES and siegel.bestaetigt_von == "Maria Schmidt"
    assert siegel.zeitstempel_am is not None
    assert pdfa_pruefen(bytes(siegel.nachweis)) == []  # PDF/A-2b marking survives the incremental signature

    # pyHanko: the PDF signature is intact, valid, trusted, covers the whole file and carries a valid time-stamp
    leser = PdfFileReader(io.BytesIO(bytes(siegel.nachweis)))
    [signatur] = leser.embedded_regular_signatures
    status = asyncio.run(
        async_validate_pdf_signature(
            signatur,
            signer_validation_context=ValidationContext(trust_roots=[asn1_zertifikat(csc.ca)]),
            ts_validation_context=ValidationContext(trust_roots=[asn1_zertifikat(zeitstempeldienst.ca)]),
        )
    )
    assert status.bottom_line and status.coverage.name == "ENTIRE_FILE"
    assert "Maria Schmidt (QES)" in status.signing_cert.subject.human_friendly
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted

    pruefungen = siegel_pruefen(version)
    assert [p.art for p in pruefungen] == [
        "fortgeschrittenes Siegel der Behörde",
        "qualifizierte elektronische Signatur",
    ]
    assert all(p.gueltig for p in pruefungen) and pruefungen[1].zeitstempel is not None
    assert Protokolleintrag.objects.filter(objekt_typ="siegel", objekt_id=str(siegel.pk)).exists()

    # one changed byte of the stored original: both invalid
    pfad = Path(version.original.path)
    inhalt = bytearray(pfad.read_bytes())
    inhalt[len(inhalt) // 2] ^= 0x01
    pfad.write_bytes(bytes(inhalt))
    assert [p.gueltig for p in siegel_pruefen(version)] == [False, False]


def test_wrong_pin_a_wrong_signature_or_no_certificate_store_nothing(csc, sachbearbeitung):
    version = _scan(f.AkteFactory(sachbearbeitung=sachbearbeitung)).versionen.get()
    with pytest.raises(SignaturdienstFehler, match="PIN ist falsch"):
        qes_bestaetigen(versionen=[version], user=sachbearbeitung, pin="0000", otp="654321")
    csc.falsch_signieren = True
    with pytest.raises(SignaturdienstFehler, match="ungültig"):
        qes_bestaetigen(versionen=[version], user=sachbearbeitung, pin="1234", otp="654321")
    andere = f.benutzer("OF", "sachbearbeitung")
    with pytest.raises(SignaturdienstFehler, match="kein gültiges qualifiziertes Signaturzertifikat"):
        qes_bestaetigen(versionen=[version], user=andere, pin="1234", otp="654321")
    assert not Siegel.objects.filter(version=version, art=Siegel.Art.QES).exists()


def test_a_tsa_that_is_down_gives_a_qes_without_time_stamp_and_the_retry_adds_one(
    csc, zeitstempeldienst, sachbearbeitung
):
    version = _scan(f.AkteFactory(sachbearbeitung=sachbearbeitung)).versionen.get()
    zeitstempeldienst.ausfallen = True
    [siegel] = qes_bestaetigen(versionen=[version], user=sachbearbeitung, pin="1234", otp="654321")
    assert siegel.zeitstempel_am is None and siegel.zeitstempel_fehler
    assert siegel_pruefen(version)[1].gueltig

    zeitstempeldienst.ausfallen = False
    assert zeitstempel_nachholen() == 2  # the authority's seal and the qualified confirmation
    siegel.refresh_from_db()
    assert siegel.zeitstempel_am is not None
    leser = PdfFileReader(io.BytesIO(bytes(siegel.nachweis)))
    assert len(leser.embedded_timestamp_signatures) == 1  # a PDF document time-stamp, appended
    qes = siegel_pruefen(version)[1]
    assert qes.gueltig and qes.zeitstempel is not None


def test_bulk_confirmation_of_a_lot_with_one_authorisation(csc, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokumente = [_scan(akte, f"Altakte Teil {i}") for i in range(3)]
    client = Client()
    client.force_login(sachbearbeitung)
    assert f'href="/akten/{akte.pk}/uebereinstimmung/"' in client.get(f"/akten/{akte.pk}/").content.decode()
    seite = client.get(f"/akten/{akte.pk}/uebereinstimmung/").content.decode()
    assert all(f"Altakte Teil {i}" in seite for i in range(3))
    antwort = client.post(
        f"/akten/{akte.pk}/uebereinstimmung/",
        {"dokument": [d.pk for d in dokumente], "verglichen": "ja", "pin": "1234", "otp": "654321"},
    )
    assert antwort.status_code == 302
    autorisierungen = [a for p, a in csc.aufrufe if p.endswith("credentials/authorize")]
    assert len(autorisierungen) == 1 and autorisierungen[0]["numSignatures"] == 3
    assert len([p for p, _ in csc.aufrufe if p.endswith("signHash")]) == 1
    assert Siegel.objects.filter(version__dokument__in=dokumente, art=Siegel.Art.QES).count() == 3
    for d in dokumente:
        assert all(p.gueltig for p in siegel_pruefen(d.versionen.get()))
    with pytest.raises(SignaturdienstFehler, match="kein unbestätigter Scan"):  # never confirmed twice
        qes_bestaetigen(versionen=[dokumente[0].versionen.get()], user=sachbearbeitung, pin="1234", otp="654321")
    # nothing left to confirm; the page says so
    assert "keine Scans" in client.get(f"/akten/{akte.pk}/uebereinstimmung/").content.decode()


def test_button_page_without_trust_service_explains_and_others_get_404(
    siegel_pki, settings, sachbearbeitung, fremde_sachbearbeitung
):
    settings.QES_DIENST_URL = ""
    dok = _scan(f.AkteFactory(sachbearbeitung=sachbearbeitung))
    client = Client()
    client.force_login(sachbearbeitung)
    assert "Übereinstimmung qualifiziert bestätigen" in client.get(f"/dokumente/{dok.pk}/").content.decode()
    seite = client.get(f"/dokumente/{dok.pk}/uebereinstimmung/")
    assert seite.status_code == 200 and "kein qualifizierter Vertrauensdienst eingerichtet" in seite.content.decode()
    assert client.post(f"/dokumente/{dok.pk}/uebereinstimmung/", {"pin": "1"}).status_code == 200
    assert not Siegel.objects.filter(art=Siegel.Art.QES).exists()

    fremd = Client()
    fremd.force_login(fremde_sachbearbeitung)
    assert fremd.get(f"/dokumente/{dok.pk}/uebereinstimmung/").status_code == 404
    assert fremd.get(f"/akten/{dok.akte_id}/uebereinstimmung/").status_code == 404

"""The responsible person's qualified signature through a fake qualified trust service speaking the CSC API v2
(a real HTTP server): the Übereinstimmungsnachweis is a PAdES-signed PDF that pyHanko validates, carries a
time-stamp from the fake TSA and its validation data (PAdES-B-LT/-LTA: CRLs and OCSP responses of the fake CA),
verifies offline, turns invalid when one byte of the original changes; bulk: one PIN, many hashes, finished by the
Celery task's body document by document."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from django.test import Client
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore, async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from dms.gericht.csc import SignaturdienstFehler
from dms.gericht.models import Bestaetigungsauftrag, Bestaetigungsposten
from dms.gericht.qes import qes_abschliessen, qes_anfordern
from dms.gericht.siegel import siegel_pruefen
from dms.gericht.zeitstempel import zeitstempel_nachholen
from dms.models import Dokument, Protokolleintrag, Siegel
from dms.pdfa import pdfa_pruefen
from dms.services.berechtigungen import sperrvermerk_setzen
from tests import factories as f

from .fake_dienste import FakeCscDienst
from .hilfen import scan_ablegen
from .pki import asn1_zertifikat

pytestmark = pytest.mark.django_db


def qes_bestaetigen(**kw) -> list[Siegel]:  # type: ignore[no-untyped-def]
    """Request (what the page or the API does) and the Celery task's body; the stored seals in document order."""
    auftrag = qes_abschliessen(auftrag_id=qes_anfordern(**kw).pk)
    return [p.siegel for p in auftrag.posten.order_by("pk") if p.siegel is not None]


def _scan(akte, titel="Geburtsurkunde", los=3) -> Dokument:  # type: ignore[no-untyped-def]
    vermerk = {"los": los, "scandatum": "2026-11-12", "operator": "Scan-Dienstleister, K. Weber"}
    return scan_ablegen(akte, titel=titel, quelle=Dokument.Quelle.ALTAKTE, vermerk=vermerk, seiten=[titel, "Seite 2"])


@pytest.fixture
def csc(siegel_pki, settings, sachbearbeitung, zertifizierungsstelle):
    sachbearbeitung.first_name, sachbearbeitung.last_name = "Maria", "Schmidt"
    sachbearbeitung.save()
    person = zertifizierungsstelle.ausstellen(siegel_pki, "Maria Schmidt (QES)")
    with FakeCscDienst({sachbearbeitung.username: person}, siegel_pki) as dienst:
        settings.QES_DIENST_URL = dienst.url + "/csc/v2"
        settings.QES_DIENST_BENUTZER = dienst.benutzer
        settings.QES_DIENST_PASSWORT = dienst.passwort
        yield dienst


def _pfade(dienst: FakeCscDienst) -> list[str]:
    return [p.removeprefix("/csc/v2/") for p, _ in dienst.aufrufe]


def test_qualified_confirmation_is_a_pades_certificate_with_time_stamp(
    csc, zeitstempeldienst, sachbearbeitung, zertifizierungsstelle
):
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

    # pyHanko: the PDF signature is intact, valid, trusted and carries a valid time-stamp
    leser = PdfFileReader(io.BytesIO(bytes(siegel.nachweis)))
    [signatur] = leser.embedded_regular_signatures
    status = asyncio.run(
        async_validate_pdf_signature(
            signatur,
            signer_validation_context=ValidationContext(trust_roots=[asn1_zertifikat(csc.ca)]),
            ts_validation_context=ValidationContext(trust_roots=[asn1_zertifikat(zeitstempeldienst.ca)]),
        )
    )
    # it covers the whole file as signed; the later revisions only add validation data and a time-stamp
    assert status.bottom_line and status.coverage.name == "ENTIRE_REVISION"
    assert status.modification_level is not None and status.modification_level.name == "LTA_UPDATES"
    assert "Maria Schmidt (QES)" in status.signing_cert.subject.human_friendly
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted

    # PAdES-B-LTA: a DSS with the fake CA's CRLs and OCSP responses, and an archive time-stamp over it
    assert siegel.ltv_am is not None and siegel.ltv_fehler == ""
    assert any(p.startswith("/crl/") for p in zertifizierungsstelle.abrufe)
    assert any(p.startswith("/ocsp/") for p in zertifizierungsstelle.abrufe)
    dss = DocumentSecurityStore.read_dss(leser)
    assert len(dss.ocsps) == 1 and len(dss.crls) == 1  # the signer's CA answers OCSP, the TSA's CA has a CRL
    assert len(leser.embedded_timestamp_signatures) == 1
    assert leser.embedded_timestamp_signatures[0].field_name == "Archivzeitstempel"

    # offline, revocation checking REQUIRED: valid with the embedded data alone, nothing fetched ...
    abrufe = len(zertifizierungsstelle.abrufe)

    def offline(ca, dss=None):  # type: ignore[no-untyped-def]
        optionen = {"trust_roots": [asn1_zertifikat(ca)], "allow_fetching": False, "revocation_mode": "require"}
        return dss.as_validation_context(optionen) if dss else ValidationContext(crls=[], ocsps=[], **optionen)

    mit = asyncio.run(
        async_validate_pdf_signature(
            signatur,
            signer_validation_context=offline(csc.ca, dss),
            ts_validation_context=offline(zeitstempeldienst.ca, dss),
        )
    )
    assert mit.bottom_line and mit.timestamp_validity is not None and mit.timestamp_validity.trusted
    # ... and not without them (so it is the embedded data that make it verifiable)
    ohne = asyncio.run(
        async_validate_pdf_signature(
            signatur,
            signer_validation_context=offline(csc.ca),
            ts_validation_context=offline(zeitstempeldienst.ca),
        )
    )
    assert not ohne.bottom_line
    assert len(zertifizierungsstelle.abrufe) == abrufe

    pruefungen = siegel_pruefen(version)
    assert [p.art for p in pruefungen] == [
        "fortgeschrittenes Siegel der Behörde",
        "qualifizierte elektronische Signatur",
    ]
    assert all(p.gueltig for p in pruefungen) and pruefungen[1].zeitstempel is not None
    assert pruefungen[1].langzeit  # the seal got no time-stamp here (its task runs after the commit)
    client = Client()
    client.force_login(sachbearbeitung)
    seite = client.get(f"/dokumente/{dok.pk}/").content.decode()
    assert "qualifizierte elektronische Signatur: Signatur gültig, Zeitstempel vom" in seite
    assert "Langzeitprüfbar (LTV): ja" in seite
    assert Protokolleintrag.objects.filter(objekt_typ="siegel", objekt_id=str(siegel.pk)).exists()

    # one changed byte of the stored original: both invalid
    pfad = Path(version.original.path)
    inhalt = bytearray(pfad.read_bytes())
    inhalt[len(inhalt) // 2] ^= 0x01
    pfad.write_bytes(bytes(inhalt))
    assert [p.gueltig for p in siegel_pruefen(version)] == [False, False]
    assert "Signatur ungültig" in client.get(f"/dokumente/{dok.pk}/").content.decode()


def test_wrong_pin_a_wrong_signature_or_no_certificate_store_nothing(csc, sachbearbeitung):
    version = _scan(f.AkteFactory(sachbearbeitung=sachbearbeitung)).versionen.get()
    with pytest.raises(SignaturdienstFehler, match="PIN ist falsch"):
        qes_bestaetigen(versionen=[version], user=sachbearbeitung, pin="0000", otp="654321")
    assert not Bestaetigungsauftrag.objects.exists()  # a refused PIN leaves no job
    csc.falsch_signieren = True
    assert qes_bestaetigen(versionen=[version], user=sachbearbeitung, pin="1234", otp="654321") == []
    [posten] = Bestaetigungsposten.objects.filter(version=version)
    assert posten.status == "fehler" and "ungültig" in posten.fehler and posten.siegel is None
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
    auftrag = Bestaetigungsauftrag.objects.get(akte=akte)
    assert antwort["Location"] == f"/uebereinstimmung/auftraege/{auftrag.pk}/"
    assert not Siegel.objects.filter(version__dokument__in=dokumente, art=Siegel.Art.QES).exists()  # not yet
    seite = client.get(antwort["Location"]).content.decode()
    assert "Wird abgeschlossen … 0 von 3 Dokumenten bestätigt." in seite and 'hx-trigger="every 2s"' in seite
    # the bulk page no longer offers scans whose confirmation is under way; the document says where it stands
    dokseite = client.get(f"/dokumente/{dokumente[0].pk}/").content.decode()
    assert "wird gerade abgeschlossen" in dokseite and f"/uebereinstimmung/auftraege/{auftrag.pk}/" in dokseite
    assert "Übereinstimmung qualifiziert bestätigen</span>" not in dokseite
    assert "keine Scans" in client.get(f"/akten/{akte.pk}/uebereinstimmung/").content.decode()
    qes_abschliessen(auftrag_id=auftrag.pk)  # the Celery task's body
    stand = client.get(f"/uebereinstimmung/auftraege/{auftrag.pk}/stand/").content.decode()
    assert "Fertig: 3 von 3 Dokumenten qualifiziert bestätigt." in stand and "hx-trigger" not in stand
    assert stand.count("Übereinstimmungsnachweis (PDF)") == 3
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


def test_a_failed_document_is_reported_in_german_and_the_others_are_confirmed(csc, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokumente = [_scan(akte, f"Altakte Teil {i}") for i in range(3)]
    csc.falsch_fuer = {1}  # the trust service returns a wrong signature value for the second document
    auftrag = qes_anfordern(
        versionen=[d.versionen.get() for d in dokumente], user=sachbearbeitung, pin="1234", otp="654321"
    )
    auftrag = qes_abschliessen(auftrag_id=auftrag.pk)
    assert auftrag.status == "fertig" and auftrag.fehler == "1 von 3 Dokumenten nicht bestätigt (Gründe je Dokument)."
    posten = list(auftrag.posten.order_by("pk"))
    assert [p.status for p in posten] == ["fertig", "fehler", "fertig"]
    assert posten[1].fehler.startswith("Die Signatur des Vertrauensdienstes ist für dieses Dokument ungültig")
    assert [d.versionen.get().siegel.filter(art=Siegel.Art.QES).exists() for d in dokumente] == [True, False, True]

    client = Client()
    client.force_login(sachbearbeitung)
    seite = client.get(f"/uebereinstimmung/auftraege/{auftrag.pk}/").content.decode()
    assert "Fertig mit Fehlern: 2 von 3 Dokumenten bestätigt, 1 nicht bestätigt (Gründe unten)." in seite
    assert "nicht bestätigt:</strong> Die Signatur des Vertrauensdienstes ist für dieses Dokument ungültig" in seite
    # audit: the job (request and outcome) and each stored signature
    eintraege = Protokolleintrag.objects.filter(objekt_typ="bestaetigungsauftrag", objekt_id=str(auftrag.pk))
    assert sorted(eintraege.values_list("aktion", flat=True)) == ["aendern", "anlegen", "lesen"]
    assert eintraege.get(aktion="aendern").details == {"qes_auftrag": auftrag.pk, "bestaetigt": 2, "fehlgeschlagen": 1}
    assert (
        Protokolleintrag.objects.filter(
            objekt_typ="siegel", aktion="anlegen", benutzername=sachbearbeitung.username
        ).count()
        == 2
    )

    # the failed one can be confirmed again, the others are no longer offered
    csc.falsch_fuer = set()
    assert "Altakte Teil 1" in client.get(f"/akten/{akte.pk}/uebereinstimmung/").content.decode()
    nochmal = qes_bestaetigen(versionen=[dokumente[1].versionen.get()], user=sachbearbeitung, pin="1234", otp="654321")
    assert len(nochmal) == 1
    assert all(p.gueltig for p in siegel_pruefen(dokumente[1].versionen.get()))


def test_running_the_task_again_signs_no_document_twice(csc, sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    versionen = [_scan(akte, f"Teil {i}").versionen.get() for i in range(2)]
    auftrag = qes_anfordern(versionen=versionen, user=sachbearbeitung, pin="1234", otp="654321")
    with pytest.raises(SignaturdienstFehler, match="kein unbestätigter Scan"):  # a double click meanwhile
        qes_anfordern(versionen=versionen, user=sachbearbeitung, pin="1234", otp="654321")
    qes_abschliessen(auftrag_id=auftrag.pk)
    # a redelivered message (worker lost after the first document): the job is run again from "in Arbeit"
    Bestaetigungsauftrag.objects.filter(pk=auftrag.pk).update(status="in_arbeit")
    qes_abschliessen(auftrag_id=auftrag.pk)
    qes_abschliessen(auftrag_id=auftrag.pk)
    assert Siegel.objects.filter(version__in=versionen, art=Siegel.Art.QES).count() == 2
    assert [p.status for p in auftrag.posten.order_by("pk")] == ["fertig", "fertig"]
    # and the database refuses a second qualified confirmation of a version whatever the code does
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Siegel.objects.create(version=versionen[0], art=Siegel.Art.QES, unterzeichner="x", bestaetigt_von="x")


def test_api_returns_202_with_a_status_url_and_hides_the_job_from_others(
    csc, sachbearbeitung, api, fremde_api, fremde_sachbearbeitung
):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokumente = [_scan(akte, f"Teil {i}") for i in range(2)]
    url = f"/api/v1/akten/{akte.pk}/uebereinstimmung/"
    ids = [d.pk for d in dokumente]
    falsch = api.post(url, {"dokumente": ids, "verglichen": True, "pin": "0000", "otp": "654321"}, format="json")
    assert falsch.status_code == 400 and falsch.json() == {"detail": "Die PIN ist falsch."}
    ohne = api.post(url, {"dokumente": ids, "verglichen": False, "pin": "1234"}, format="json")
    assert ohne.status_code == 400 and "verglichen" in ohne.json()
    assert fremde_api.post(url, {"dokumente": ids, "verglichen": True}, format="json").status_code == 404

    antwort = api.post(url, {"dokumente": ids, "verglichen": True, "pin": "1234", "otp": "654321"}, format="json")
    assert antwort.status_code == 202, antwort.content
    daten = antwort.json()
    assert antwort["Location"] == daten["url"] and daten["status"] == "wartet"
    assert [(d["dokument"], d["status"]) for d in daten["dokumente"]] == [(i, "wartet") for i in ids]
    assert "pin" not in daten
    qes_abschliessen(auftrag_id=daten["id"])
    stand = api.get(daten["url"]).json()
    assert stand["status"] == "fertig" and stand["fortschritt"] == 100
    assert all(d["status"] == "fertig" and d["nachweis"].endswith("/nachweis/") for d in stand["dokumente"])

    # another authority, and a colleague not named on a Sperrvermerk: 404 (API and page)
    assert fremde_api.get(daten["url"]).status_code == 404
    fremd = Client()
    fremd.force_login(fremde_sachbearbeitung)
    assert fremd.get(f"/uebereinstimmung/auftraege/{daten['id']}/").status_code == 404
    kollegin = f.benutzer("OF", "sachbearbeitung")
    kollegen_api = Client()
    kollegen_api.force_login(kollegin)
    assert kollegen_api.get(daten["url"]).status_code == 200
    sperrvermerk_setzen(akte=akte, user=f.benutzer("OF", "teamleitung"))  # the caseworker stays named
    assert kollegen_api.get(daten["url"]).status_code == 404
    assert kollegen_api.get(f"/uebereinstimmung/auftraege/{daten['id']}/stand/").status_code == 404
    assert api.get(daten["url"]).status_code == 200  # the responsible caseworker is named on it


def test_a_revoked_signing_certificate_confirms_nothing(csc, zeitstempeldienst, sachbearbeitung, zertifizierungsstelle):
    zertifizierungsstelle.sperren(csc.personen[sachbearbeitung.username])
    version = _scan(f.AkteFactory(sachbearbeitung=sachbearbeitung)).versionen.get()
    assert qes_bestaetigen(versionen=[version], user=sachbearbeitung, pin="1234", otp="654321") == []
    [posten] = Bestaetigungsposten.objects.filter(version=version)
    assert (
        posten.status == "fehler"
        and "Signaturzertifikat (oder das des Zeitstempeldienstes) ist gesperrt" in posten.fehler
    )


def test_reading_a_jobs_status_is_audited_once_per_viewing_not_per_poll_and_others_get_404(
    csc, sachbearbeitung, fremde_sachbearbeitung
):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    version = _scan(akte).versionen.get()
    auftrag = qes_anfordern(versionen=[version], user=sachbearbeitung, pin="1234", otp="654321")
    seite, stand = f"/uebereinstimmung/auftraege/{auftrag.pk}/", f"/uebereinstimmung/auftraege/{auftrag.pk}/stand/"

    def lesungen() -> list[str]:
        eintraege = Protokolleintrag.objects.filter(
            aktion="lesen", objekt_typ="bestaetigungsauftrag", objekt_id=str(auftrag.pk)
        )
        return sorted(e.details.get("teil", "") for e in eintraege)

    client = Client()
    client.force_login(sachbearbeitung)
    assert client.get(seite).status_code == 200
    for _ in range(5):  # the page polls every 2 s
        assert client.get(stand).status_code == 200
    assert lesungen() == ["seite"]

    # the status part read without the page (another session, a script): a read of its own, once
    andere = Client()
    andere.force_login(sachbearbeitung)
    for _ in range(3):
        assert andere.get(stand).status_code == 200
    assert lesungen() == ["seite", "stand"]

    # a job watched for more than 30 minutes: its next poll is a new read
    sitzung = client.session
    sitzung["qes_auftraege_gelesen"] = {str(auftrag.pk): "2026-01-01T00:00:00+00:00"}
    sitzung.save()
    assert client.get(stand).status_code == 200
    assert lesungen() == ["seite", "stand", "stand"]

    # another authority, and a colleague not named on a Sperrvermerk: 404 for page and status part, no entry
    fremd = Client()
    fremd.force_login(fremde_sachbearbeitung)
    kollegin = Client()
    kollegin.force_login(f.benutzer("OF", "sachbearbeitung"))
    assert kollegin.get(stand).status_code == 200
    sperrvermerk_setzen(akte=akte, user=f.benutzer("OF", "teamleitung"))
    for c in (fremd, kollegin):
        assert c.get(seite).status_code == 404 and c.get(stand).status_code == 404
    assert lesungen() == ["seite", "stand", "stand", "stand"]  # only the colleague's read before the Sperrvermerk

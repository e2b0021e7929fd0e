"""Archive time-stamps (Beweiswerterhaltung) with the FAKE TSA and CA of `fake_dienste.py` (real HTTP servers on
localhost; no real trust service is reachable from tests): the authority's seal gets an RFC 4998 evidence record
over original, sealed data and seal; the renewal job adds a time-stamp covering the previous one before the TSA
certificate expires, a new hash tree when the hash algorithm is listed as weak; the whole chain verifies offline,
a changed original does not; a TSA that is down leaves the old chain as it was and reaches operators. The QES
certificate's chain of PDF document time-stamps is renewed with pyHanko's archival time-stamp chain update."""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import cms
from django.test import Client
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

import dms.gericht.tasks  # noqa: F401 - registers the Celery tasks in this process (eager mode)
from dms.gericht.archiv import (
    EvidenceRecord,
    archivzeitstempel_erneuern,
    datenobjekte,
    evidenz_pruefen,
    faellig_zaehlen,
)
from dms.gericht.langzeit import cms_validierungsdaten
from dms.gericht.siegel import siegel_pruefen
from dms.models import Protokolleintrag, Siegel
from tests import factories as f

from .test_langzeit import _seite
from .test_qes import _scan, csc, qes_bestaetigen  # noqa: F401 - the fake trust service fixture

pytestmark = pytest.mark.django_db


def _ein_monat_spaeter() -> None:
    """The renewal job waits LANGZEIT_MINDESTABSTAND_TAGE between renewals while the TSA keeps its certificate."""
    Siegel.objects.update(archiv_erneuert_am=timezone.now() - timedelta(days=31))


def _ketten(siegel: Siegel) -> list[list[cms.ContentInfo]]:
    er = EvidenceRecord.load(bytes(siegel.archiv_evidenz))
    return [[ats["time_stamp"] for ats in kette] for kette in er["archive_time_stamp_sequence"]]


def _imprint(token: cms.ContentInfo) -> bytes:
    return bytes(token["content"]["encap_content_info"]["content"].parsed["message_imprint"]["hashed_message"].native)


def test_the_seal_gets_an_evidence_record_that_is_renewed_before_the_tsa_certificate_expires(
    ablegen, settings, sachbearbeitung
):
    heute = timezone.localdate().strftime("%d.%m.%Y")
    dok = ablegen()
    siegel = Siegel.objects.get(version__dokument=dok)
    assert siegel.archiv_anzahl == 1 and siegel.archiv_algorithmus == "sha256" and siegel.archiv_fehler == ""
    assert siegel.archiv_gueltig_bis is not None
    bis = timezone.localtime(siegel.archiv_gueltig_bis).strftime("%d.%m.%Y")
    seite = _seite(sachbearbeitung, dok)
    assert f"Archivzeitstempel: 1, zuletzt erneuert am {heute}; gültig bis {bis}" in seite

    # the TSA certificate (valid 365 days) is not due with the default 180 days: nothing happens
    assert archivzeitstempel_erneuern() == 0
    settings.LANGZEIT_ERNEUERN_VOR_TAGEN = 400  # now it is within the renewal window
    assert archivzeitstempel_erneuern() == 0  # renewed today already (LANGZEIT_MINDESTABSTAND_TAGE)
    _ein_monat_spaeter()
    assert archivzeitstempel_erneuern() == 1
    assert archivzeitstempel_erneuern() == 0  # idempotent: the renewed chain is not due again at once

    siegel.refresh_from_db()
    [[erster, zweiter]] = _ketten(siegel)  # time-stamp renewal: same chain, one more link
    assert _imprint(zweiter) == hashlib.sha256(erster.dump()).digest()  # the new one covers the old one
    assert cms_validierungsdaten(erster["content"]).vorhanden  # with the old one's CRL, embedded before
    ergebnis = evidenz_pruefen(bytes(siegel.archiv_evidenz), datenobjekte(siegel))
    assert ergebnis.gueltig and ergebnis.anzahl == 2 and ergebnis.langzeit
    assert "Archivzeitstempel: 2, zuletzt erneuert am" in _seite(sachbearbeitung, dok)
    eintrag = Protokolleintrag.objects.filter(objekt_id=str(siegel.pk), details__archivzeitstempel=2).get()
    assert eintrag.details["vorher"] == 1

    # one changed byte of the stored original: the chain no longer proves anything, and the page says so
    pfad = Path(siegel.version.original.path)
    inhalt = bytearray(pfad.read_bytes())
    inhalt[len(inhalt) // 2] ^= 0x01
    pfad.write_bytes(bytes(inhalt))
    assert not evidenz_pruefen(bytes(siegel.archiv_evidenz), datenobjekte(siegel)).gueltig
    [pruefung] = siegel_pruefen(siegel.version)
    assert pruefung.archiv is not None and not pruefung.archiv.gueltig
    assert "Archivzeitstempel ungültig" in _seite(sachbearbeitung, dok)


def test_a_chain_with_a_removed_or_foreign_link_fails(ablegen, settings):
    dok = ablegen()
    settings.LANGZEIT_ERNEUERN_VOR_TAGEN = 400
    _ein_monat_spaeter()
    assert archivzeitstempel_erneuern() == 1
    siegel = Siegel.objects.get(version__dokument=dok)
    er = EvidenceRecord.load(bytes(siegel.archiv_evidenz))
    kette = er["archive_time_stamp_sequence"][0]
    # the second link alone (first removed): it covers a time-stamp that is no longer there
    ohne_ersten = EvidenceRecord.load(bytes(siegel.archiv_evidenz))
    ohne_ersten["archive_time_stamp_sequence"][0] = [kette[1]]
    assert not evidenz_pruefen(ohne_ersten.dump(), datenobjekte(siegel)).gueltig
    # the second link's time-stamp swapped for the first's: it no longer covers the first
    vertauscht = EvidenceRecord.load(bytes(siegel.archiv_evidenz))
    vertauscht["archive_time_stamp_sequence"][0] = [kette[0], kette[0]]
    assert not evidenz_pruefen(vertauscht.dump(), datenobjekte(siegel)).gueltig
    assert not evidenz_pruefen(b"\x30\x03\x02\x01\x01", datenobjekte(siegel)).gueltig  # damaged: invalid, no error


def test_a_hash_algorithm_listed_as_weak_gets_a_new_hash_tree_at_once(ablegen, settings):
    dok = ablegen()
    settings.LANGZEIT_SCHWACHE_ALGORITHMEN = ["sha256"]
    settings.LANGZEIT_HASHVERFAHREN = "sha512"
    assert faellig_zaehlen()[0] == 1
    assert archivzeitstempel_erneuern() == 1
    assert archivzeitstempel_erneuern() == 0
    siegel = Siegel.objects.get(version__dokument=dok)
    assert siegel.archiv_algorithmus == "sha512"
    [[_alt], [neu]] = _ketten(siegel)  # hash-tree renewal: a second chain over data and the first chain
    er = EvidenceRecord.load(bytes(siegel.archiv_evidenz))
    blaetter = [bytes(w.native) for w in er["archive_time_stamp_sequence"][1][0]["reduced_hashtree"][0]]
    assert len(blaetter) == 3 and len(_imprint(neu)) == 64
    ergebnis = evidenz_pruefen(bytes(siegel.archiv_evidenz), datenobjekte(siegel))
    assert ergebnis.gueltig and ergebnis.anzahl == 2 and ergebnis.algorithmus == "sha512"


def test_a_tsa_that_is_down_leaves_the_chain_and_reaches_operators(ablegen, settings, zeitstempeldienst, caplog):
    dok = ablegen()
    siegel = Siegel.objects.get(version__dokument=dok)
    vorher = bytes(siegel.archiv_evidenz)
    settings.LANGZEIT_ERNEUERN_VOR_TAGEN = 400
    _ein_monat_spaeter()
    zeitstempeldienst.ausfallen = True
    with caplog.at_level(logging.ERROR, logger="dms.gericht"):
        assert archivzeitstempel_erneuern() == 0
    siegel.refresh_from_db()
    assert bytes(siegel.archiv_evidenz) == vorher and siegel.archiv_anzahl == 1
    assert siegel.archiv_fehler.startswith("Zeitstempeldienst nicht nutzbar")
    assert f"Archivzeitstempel für Siegel {siegel.pk} nicht angelegt/erneuert" in caplog.text
    assert faellig_zaehlen() == (1, 0)  # still due
    settings.METRICS_TOKEN = "metriken-token"
    metriken = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer metriken-token").content.decode()
    assert "akte_archivzeitstempel_faellig 1.0" in metriken  # what operators' alert reads
    assert evidenz_pruefen(vorher, datenobjekte(siegel)).gueltig  # the old proof is intact

    zeitstempeldienst.ausfallen = False
    assert archivzeitstempel_erneuern() == 1
    assert faellig_zaehlen() == (0, 0)


@pytest.mark.usefixtures("csc", "zeitstempeldienst", "eager")
def test_the_qes_certificates_document_time_stamps_are_renewed(sachbearbeitung, settings):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dok = _scan(akte)
    [siegel] = qes_bestaetigen(versionen=[dok.versionen.get()], user=sachbearbeitung, pin="1234", otp="654321")
    assert archivzeitstempel_erneuern() == 1  # the B-LTA certificate's chain is taken as it is
    siegel.refresh_from_db()
    assert siegel.archiv_anzahl == 1 and bytes(siegel.nachweis)
    vorher = bytes(siegel.nachweis)
    settings.LANGZEIT_ERNEUERN_VOR_TAGEN = 400
    _ein_monat_spaeter()
    assert archivzeitstempel_erneuern() == 1
    siegel.refresh_from_db()
    nachweis = bytes(siegel.nachweis)
    assert siegel.archiv_anzahl == 2 and nachweis.startswith(vorher)  # an incremental update: nothing changed
    assert len(PdfFileReader(io.BytesIO(nachweis)).embedded_timestamp_signatures) == 2
    [pruefung] = [p for p in siegel_pruefen(siegel.version) if p.id == siegel.pk]
    assert pruefung.gueltig and pruefung.archiv is not None and pruefung.archiv.gueltig
    assert pruefung.archiv.anzahl == 2
    assert "Archivzeitstempel: 2, zuletzt erneuert am" in _seite(sachbearbeitung, dok)

    # sha256 listed as weak: one more document time-stamp with sha512 over the whole file
    settings.LANGZEIT_SCHWACHE_ALGORITHMEN = ["sha256"]
    settings.LANGZEIT_HASHVERFAHREN = "sha512"
    assert archivzeitstempel_erneuern() == 1
    assert archivzeitstempel_erneuern() == 0
    siegel.refresh_from_db()
    stempel = PdfFileReader(io.BytesIO(bytes(siegel.nachweis))).embedded_timestamp_signatures
    assert [s.md_algorithm for s in stempel] == ["sha256", "sha256", "sha512"]
    assert siegel.archiv_algorithmus == "sha512"
    [pruefung] = [p for p in siegel_pruefen(siegel.version) if p.id == siegel.pk]
    assert pruefung.gueltig and pruefung.archiv is not None and pruefung.archiv.gueltig

"""RFC 3161 time-stamps in seals, from a fake TSA (a real HTTP server): the seal carries a token that pyHanko
validates; a TSA that is down loses no scan (sealed without, logged, fetched later by the retry)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from asn1crypto import cms
from django.test import Client
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

import dms.gericht.tasks  # noqa: F401 - registers the Celery tasks in this process (eager mode)
from dms.gericht.siegel import siegel_pruefen
from dms.gericht.zeitstempel import ZeitstempelFehler, siegel_zeitstempeln, zeitstempel_nachholen
from dms.models import Dokument, Siegel
from tests import factories as f

from .hilfen import scan_ablegen
from .pki import asn1_zertifikat

pytestmark = pytest.mark.django_db

VERMERK = {"posteingang": 7, "eingeliefert_von": "Poststelle Offenbach, M. Schmidt", "eingegangen_am": "2026-11-30"}


def _scan(akte) -> Dokument:  # type: ignore[no-untyped-def]
    return scan_ablegen(akte, vermerk=VERMERK)


def test_the_seal_carries_a_valid_time_stamp_token_fetched_after_the_filing_commits(
    siegel_pki, zeitstempeldienst, sachbearbeitung, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dok = _scan(f.AkteFactory(sachbearbeitung=sachbearbeitung))
    siegel = Siegel.objects.get(version__dokument=dok)
    # the signature time-stamp, then (after the validation data) the first archive time-stamp (`archiv.py`)
    assert siegel.zeitstempel_am is not None and zeitstempeldienst.anfragen == 2 and siegel.archiv_anzahl == 1

    # pyHanko itself: the signature time-stamp token is intact, valid and chains to the TSA's CA
    status = asyncio.run(
        async_validate_detached_cms(
            bytes(siegel.signiert_daten),
            cms.ContentInfo.load(bytes(siegel.signatur))["content"],
            signer_validation_context=ValidationContext(trust_roots=[asn1_zertifikat(siegel_pki)]),
            ts_validation_context=ValidationContext(trust_roots=[asn1_zertifikat(zeitstempeldienst.ca)]),
        )
    )
    assert status.intact and status.valid and status.trusted
    ts = status.timestamp_validity
    assert ts is not None and ts.intact and ts.valid and ts.trusted
    assert abs((ts.timestamp - siegel.zeitstempel_am).total_seconds()) < 1

    [pruefung] = siegel_pruefen(dok.versionen.get())
    assert pruefung.gueltig and pruefung.zeitstempel == ts.timestamp
    client = Client()
    client.force_login(sachbearbeitung)
    seite = client.get(f"/dokumente/{dok.pk}/").content.decode()
    assert "Signatur gültig" in seite and "Zeitstempel vom" in seite

    # stamping again changes nothing (idempotent task)
    assert siegel_zeitstempeln(siegel.pk) and zeitstempeldienst.anfragen == 2


def test_a_token_from_an_untrusted_tsa_is_not_shown_as_a_time_stamp(siegel_pki, zeitstempeldienst, settings):
    dok = _scan(f.AkteFactory())
    siegel = Siegel.objects.get(version__dokument=dok)
    assert siegel_zeitstempeln(siegel.pk)
    settings.ZEITSTEMPEL_VERTRAUENSANKER = []
    [pruefung] = siegel_pruefen(dok.versionen.get())
    assert pruefung.gueltig and pruefung.zeitstempel is None


def test_a_tsa_that_is_down_loses_no_scan_and_the_time_stamp_is_fetched_later(siegel_pki, zeitstempeldienst, caplog):
    zeitstempeldienst.ausfallen = True
    dok = _scan(f.AkteFactory())
    siegel = Siegel.objects.get(version__dokument=dok)
    with caplog.at_level(logging.WARNING, logger="dms.gericht"), pytest.raises(ZeitstempelFehler):
        siegel_zeitstempeln(siegel.pk)  # what the Celery task runs (and retries)
    assert f"Zeitstempel für Siegel {siegel.pk} fehlgeschlagen" in caplog.text
    siegel.refresh_from_db()
    assert siegel.zeitstempel_am is None and "HTTP" in siegel.zeitstempel_fehler
    [pruefung] = siegel_pruefen(dok.versionen.get())
    assert pruefung.gueltig and pruefung.zeitstempel is None  # the seal itself is there and valid
    assert zeitstempel_nachholen() == 0  # still down: nothing, no error

    zeitstempeldienst.ausfallen = False
    assert zeitstempel_nachholen() == 1  # the beat job
    siegel.refresh_from_db()
    assert siegel.zeitstempel_am is not None and siegel.zeitstempel_fehler == ""
    [pruefung] = siegel_pruefen(dok.versionen.get())
    assert pruefung.gueltig and pruefung.zeitstempel is not None

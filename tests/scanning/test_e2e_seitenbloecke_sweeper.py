"""Lost page blocks (issue 18): a long scan is fanned out in page blocks; one block's message is deleted from the real
broker queue before any worker takes it, so the document would stay "in Arbeit" for ever. The beat task
`seitenbloecke_sweeper`, run on the real worker, re-queues exactly the missing block; the document ends complete,
every page once, the join once. After OCR_BLOCK_VERSUCHE re-queues it gives up: the document's recognition is
marked failed, the caseworker reads a German sentence, operators get a log line and the failure metric."""

from __future__ import annotations

import io
import json
import logging
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from dms.models import Dokument, DokumentVersion, Rolle
from dms.services import dokument_anlegen
from scanning.models import Seitenverteilung
from scanning.pipeline import verteilung
from scanning.tasks import seitenbloecke_sweeper
from tests import factories as f
from tests.dms.betrieb.test_metriken import TOKEN, werte

from . import scans
from .hilfen import eindeutig, gestartet, person_mit_akte

SEITEN = 6
JE_BLOCK = 2
QUEUE = "ocr"


def _block_nachricht_loeschen(version_id: int, von: int, bis: int, bloecke: int) -> bool:
    """Take one block's message out of the broker's queue (what a broker failure does), before a worker takes it."""
    verbindung = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    schluessel = f"{django_settings.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix']}{QUEUE}"
    gesucht = f"[{version_id}, {von}, {bis}, {bloecke}]"
    frist = time.monotonic() + 20
    while time.monotonic() < frist:
        for roh in verbindung.lrange(schluessel, 0, -1):
            nachricht = json.loads(roh)
            if nachricht["headers"].get("argsrepr") == gesucht and verbindung.lrem(schluessel, 1, roh):
                return True
        time.sleep(0.02)
    return False


def _warten(dokument: Dokument, sekunden: float = 300) -> None:
    frist = time.monotonic() + sekunden
    while time.monotonic() < frist:
        dokument.refresh_from_db()
        if dokument.ocr_status in (Dokument.OcrStatus.FERTIG, Dokument.OcrStatus.FEHLER):
            return
        time.sleep(1)


@pytest.mark.e2e
@pytest.mark.xdist_group("scanning-ocr-queue")
def test_lost_block_is_requeued_by_the_sweeper_and_the_document_completes_once(e2e, settings):
    settings.OCR_SEITEN_JE_AUFGABE = JE_BLOCK
    marken = ["Apfelbaum", "Bahnhofstraße", "Dachziegel", "Fensterbank", "Gartenzaun", "Hafenkran"]
    bilder = [scans.brief_bild(scans.Brief(betreff=f"Betreff {m}"), seed=60 + i) for i, m in enumerate(marken)]
    akte = person_mit_akte(familienname=f"Sweeper{eindeutig()}")
    dokument = dokument_anlegen(akte=akte, register=f.register("03"), datei=io.BytesIO(scans.pdf_aus_bildern(bilder)),
                                dateiname="altakte.pdf", user=None, verarbeiten=False)  # fmt: skip
    version = DokumentVersion.objects.get(dokument=dokument)
    Dokument.objects.filter(pk=dokument.pk).update(ocr_status=Dokument.OcrStatus.IN_ARBEIT)  # as verarbeiten does

    verteilung.verteilen(version, SEITEN, QUEUE)  # three block messages on the real queue
    assert _block_nachricht_loeschen(version.pk, 5, 6, 3), "Nachricht des letzten Blocks nicht gefunden"

    # The worker does the two blocks it gets (their results in the store); without the third nothing joins.
    frist = time.monotonic() + 240
    while time.monotonic() < frist and len(verteilung._vorhandene_bloecke(version)) < 2:
        time.sleep(0.5)
    time.sleep(2)
    dokument.refresh_from_db()
    assert dokument.ocr_status == Dokument.OcrStatus.IN_ARBEIT
    assert [version.pk, 5, 6, 3] not in gestartet(e2e.log, "seiten_erkennen")
    # Younger than the threshold: the sweeper leaves it alone.
    assert seitenbloecke_sweeper() == 0

    # An hour and a half without progress: the beat task re-queues only the missing block, the worker does it.
    Seitenverteilung.objects.filter(version=version).update(fortschritt_am=timezone.now() - timedelta(minutes=90))
    assert seitenbloecke_sweeper() == 1
    _warten(dokument)
    assert dokument.ocr_status == Dokument.OcrStatus.FERTIG, e2e.log.read_text(errors="replace")[-5000:]

    bloecke = [a for a in gestartet(e2e.log, "seiten_erkennen") if a[0] == version.pk]
    assert sorted(bloecke) == [[version.pk, 1, 2, 3], [version.pk, 3, 4, 3], [version.pk, 5, 6, 3]]
    assert [a for a in gestartet(e2e.log, "zusammenfuehren") if a[0] == version.pk] == [[version.pk, 3]]
    version.refresh_from_db()
    assert version.seiten == SEITEN and dokument.seiten == SEITEN
    positionen = [version.text.find(m) for m in marken]
    assert all(p >= 0 for p in positionen) and positionen == sorted(positionen), version.text[:2000]
    assert all(version.text.count(m) == 1 for m in marken)  # no page twice
    assert not Seitenverteilung.objects.filter(version=version).exists()
    # A later sweep finds nothing to do.
    assert seitenbloecke_sweeper() == 0


@pytest.mark.django_db
def test_after_the_last_attempt_the_document_is_failed_with_a_german_message(settings, caplog):
    settings.OCR_BLOCK_VERSUCHE = 3
    settings.METRICS_TOKEN = TOKEN
    team = f.TeamFactory()
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    dokument = f.DokumentFactory(ocr_status=Dokument.OcrStatus.IN_ARBEIT)
    version = f.DokumentVersionFactory(dokument=dokument)
    lange_her = timezone.now() - timedelta(hours=3)
    Seitenverteilung.objects.create(version=version, seiten=30, je_block=10, bloecke=3, queue="altakten",
                                    verteilt_am=lange_her, fortschritt_am=lange_her, versuche=3)  # fmt: skip
    metriken = Client()

    def aufgegeben() -> float:
        w = werte(metriken.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
        gezaehlt = [
            v for k, v in w.items() if k[0] == "akte_verarbeitung_fehler_total" and ("grund", "aufgegeben") in k[1]
        ]
        return sum(gezaehlt)

    vorher = aufgegeben()
    with caplog.at_level(logging.ERROR, logger="scanning.pipeline"):
        assert verteilung.haengende_bloecke_einreihen() == 0
    dokument.refresh_from_db()
    assert dokument.ocr_status == Dokument.OcrStatus.FEHLER
    zeile = Seitenverteilung.objects.get(version=version)
    assert zeile.status == Seitenverteilung.Status.FEHLER
    assert "nach 3 erneuten Versuchen nicht fertig geworden" in zeile.fehler and "1–10, 11–20, 21–30" in zeile.fehler
    assert any("aufgegeben" in r.getMessage() and str(version.pk) in r.getMessage() for r in caplog.records)
    assert aufgegeben() == vorher + 1
    # Once failed, later sweeps leave it (no second failure, no re-queue).
    assert verteilung.haengende_bloecke_einreihen() == 0
    assert aufgegeben() == vorher + 1

    client = Client()
    client.force_login(sb)
    html = client.get(f"/dokumente/{dokument.pk}/").content.decode()
    assert "Die Texterkennung ist gescheitert" in html and str(dokument.pk) in html

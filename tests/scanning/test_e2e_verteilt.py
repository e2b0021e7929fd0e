"""Many workers, many machines: two real Celery workers that share nothing but PostgreSQL, Redis and an S3-compatible
object store process one long scanned legacy document page-parallel; one of them is killed (SIGKILL, the whole
worker) in the middle of its block, and the document still ends complete and searchable, exactly once.

The object store is moto in server mode (a real HTTP S3 endpoint in this test process): it stands in for the Land
IT provider's S3 (MinIO, Ceph RGW); no real S3 server installs here. Each worker has its own working folder and its
own MEDIA_ROOT, which must stay empty: nothing goes through a shared disk.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import time
from collections.abc import Iterator

import boto3
import pytest
from kombu import Connection

from dms.models import Dokument, DokumentVersion
from dms.services import dokument_anlegen
from tests import factories as f

from . import scans
from .conftest import Worker
from .hilfen import eindeutig, gestartet, person_mit_akte

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("scanning-verteilt")]

BUCKET = "akte-verteilt"
SEITEN = 6
JE_BLOCK = 2
SCHLUESSEL = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-central-1"}


def _freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """moto's S3 in server mode, reachable over HTTP like a real S3-compatible store."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
    port = _freier_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})  # fmt: skip
    yield url
    server.stop()


def _s3(url: str):  # type: ignore[no-untyped-def]
    return boto3.client("s3", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")  # fmt: skip


def _schluessel(url: str, praefix: str) -> list[str]:
    antwort = _s3(url).list_objects_v2(Bucket=BUCKET, Prefix=praefix)
    return [o["Key"] for o in antwort.get("Contents", [])]


@pytest.fixture
def zwei_worker(e2e_testdatenbank, django_db_blocker, s3_server, settings, tmp_path) -> Iterator[dict]:
    from django.conf import settings as django_settings
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_"), "e2e-Tests nie gegen die Entwicklungsdatenbank"
    db = django_settings.DATABASES["default"]
    praefix = f"{os.environ['CELERY_KEY_PREFIX']}verteilt-{eindeutig()}:"  # queues no other worker listens on
    gemeinsam = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_KEY_PREFIX": praefix,
        # A killed worker's message comes back after 15 s, looked for every 10 s (production: 1 h, ~100 s).
        "CELERY_VISIBILITY_TIMEOUT": "15",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "OCR_SEITEN_JE_AUFGABE": str(JE_BLOCK),
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": "eu-central-1",
        **SCHLUESSEL,
        "OMP_THREAD_LIMIT": "1",
        "PYTHONUNBUFFERED": "1",
        "ALLOW_EXAMPLE_SECRET_KEY": "1",
    }
    worker: dict[str, Worker] = {}
    for name in ("a", "b"):
        (tmp_path / name / "media").mkdir(parents=True)
        env = {**gemeinsam, "MEDIA_ROOT": str(tmp_path / name / "media"), "OCR_WORK_DIR": str(tmp_path / name / "ocr")}
        worker[name] = Worker(env, tmp_path / name / "worker.log", name=f"verteilt-{name}", queues="altakten,ocr")
    # This test process stores into the same bucket (the web machine's upload).
    for name, wert in SCHLUESSEL.items():
        os.environ.setdefault(name, wert)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_S3_REGION_NAME = "eu-central-1"
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "dms.betrieb.speicher.S3Speicher"}}
    try:
        for w in worker.values():
            w.start()
        with django_db_blocker.unblock():
            yield {"worker": worker, "praefix": praefix, "tmp": tmp_path, "s3": s3_server}
    finally:
        for w in worker.values():
            w.stop()
        print(f"Worker-Logs: {[str(w.log) for w in worker.values()]}")


def _senden(praefix: str, version_id: int) -> None:
    """Queue the document's OCR on the legacy queue, on this test's own broker keys."""
    from django.conf import settings as django_settings

    from scanning.tasks import dokument_verarbeiten

    optionen = {**django_settings.CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": praefix}
    with Connection(django_settings.CELERY_BROKER_URL, transport_options=optionen) as verbindung:
        dokument_verarbeiten.apply_async(args=[version_id], queue="altakten", connection=verbindung)


def test_long_scan_runs_page_parallel_on_two_workers_and_survives_one_killed(zwei_worker):
    marken = ["Apfelbaum", "Bahnhofstraße", "Dachziegel", "Fensterbank", "Gartenzaun", "Hafenkran"][:SEITEN]
    bilder = [scans.brief_bild(scans.Brief(betreff=f"Betreff {m}"), seed=40 + i) for i, m in enumerate(marken)]
    akte = person_mit_akte(familienname=f"Verteilt{eindeutig()}")
    dokument = dokument_anlegen(akte=akte, register=f.register("03"), datei=io.BytesIO(scans.pdf_aus_bildern(bilder)),
                                dateiname="altakte.pdf", user=None, verarbeiten=False)  # fmt: skip
    version = DokumentVersion.objects.get(dokument=dokument)
    assert version.original.name in _schluessel(zwei_worker["s3"], "dokumente/")  # the original is in the bucket

    _senden(zwei_worker["praefix"], version.pk)
    a, b = zwei_worker["worker"]["a"], zwei_worker["worker"]["b"]
    # Kill whichever worker first takes a block, while it works on it (SIGKILL to the whole worker).
    frist = time.monotonic() + 120
    opfer = None
    while opfer is None and time.monotonic() < frist:
        for w in (a, b):
            if gestartet(w.log, "dokument_seiten_erkennen"):
                opfer = w
                break
        time.sleep(0.2)
    assert opfer is not None, a.log.read_text()[-3000:] + b.log.read_text()[-3000:]
    time.sleep(1.0)  # inside the block: rasterising / Tesseract
    opfer.kill9_alles()
    ueberlebender = b if opfer is a else a
    abgebrochen = gestartet(opfer.log, "dokument_seiten_erkennen")[-1]

    frist = time.monotonic() + 300
    while time.monotonic() < frist:
        dokument.refresh_from_db()
        if dokument.ocr_status in (Dokument.OcrStatus.FERTIG, Dokument.OcrStatus.FEHLER):
            break
        time.sleep(1)
    assert dokument.ocr_status == Dokument.OcrStatus.FERTIG, ueberlebender.log.read_text()[-5000:]

    # The killed worker's block was done again by the survivor; the join ran on the survivor.
    assert abgebrochen in gestartet(ueberlebender.log, "dokument_seiten_erkennen")
    assert gestartet(ueberlebender.log, "dokument_zusammenfuehren")
    # Every page in order, searchable, with a thumbnail each, all in the bucket.
    version.refresh_from_db()
    assert version.seiten == SEITEN and dokument.seiten == SEITEN
    positionen = [version.text.find(m) for m in marken]
    assert all(p >= 0 for p in positionen) and positionen == sorted(positionen), version.text[:2000]
    bucket = _schluessel(zwei_worker["s3"], "")
    assert version.pdf.name in bucket and len(version.vorschaubilder) == SEITEN
    assert set(version.vorschaubilder) <= set(bucket)
    pdf = _s3(zwei_worker["s3"]).get_object(Bucket=BUCKET, Key=version.pdf.name)["Body"].read()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert all(m in text for m in marken)
    assert text.count("\f") == SEITEN
    # No block results left behind; no worker wrote to a local media folder (nothing shared but the store).
    assert not [k for k in bucket if k.startswith("arbeit/")]
    for name in ("a", "b"):
        assert not any((zwei_worker["tmp"] / name / "media").rglob("*"))
    # The killed worker had begun in its own working folder (nothing of it reached the other worker but the queue).
    assert (zwei_worker["tmp"] / ("a" if opfer is a else "b") / "ocr" / f"version-{version.uuid}").is_dir()

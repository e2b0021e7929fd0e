"""S3-compatible object storage: the same upload/download path as local files, against moto (an outside system)."""

from __future__ import annotations

import hashlib
import io

import boto3
import pytest
from moto import mock_aws

from dms.models import DokumentVersion
from tests import factories as f

pytestmark = pytest.mark.django_db

BUCKET = "akte-test"
PDF = f.pdf_eine_seite(b"\xe4\xf6\xfc binary \x00\x01\x02")


@pytest.fixture
def s3(settings, monkeypatch):
    for name, wert in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }.items():
        monkeypatch.setenv(name, wert)
    with mock_aws():
        client = boto3.client("s3", region_name="eu-central-1")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        # The settings a production deployment sets through AWS_STORAGE_BUCKET_NAME (see docs/operations.md).
        settings.AWS_STORAGE_BUCKET_NAME = BUCKET
        settings.AWS_S3_REGION_NAME = "eu-central-1"
        settings.AWS_DEFAULT_ACL = None
        settings.AWS_QUERYSTRING_AUTH = True
        settings.AWS_S3_FILE_OVERWRITE = False
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
        yield client


def test_upload_lands_in_bucket_and_download_gives_identical_bytes(api, s3, settings):
    akte = f.AkteFactory()
    upload = io.BytesIO(PDF)
    upload.name = "Bescheid Öztürk.pdf"
    r = api.post("/api/v1/dokumente/", {"datei": upload, "akte": akte.id, "register": "03"}, format="multipart")
    assert r.status_code == 201, r.content
    dok = r.json()
    assert dok["sha256"] == hashlib.sha256(PDF).hexdigest()

    version = DokumentVersion.objects.get(dokument_id=dok["id"])
    schluessel = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert version.original.name in schluessel
    assert s3.get_object(Bucket=BUCKET, Key=version.original.name)["Body"].read() == PDF
    assert not (settings.MEDIA_ROOT / version.original.name).exists()  # nothing written to local disk

    r = api.get(f"/api/v1/dokumente/{dok['id']}/datei/?original=1")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF


def test_second_version_does_not_overwrite_the_first_in_the_bucket(api, s3):
    akte = f.AkteFactory()
    erste = io.BytesIO(PDF)
    erste.name = "a.pdf"
    dok_id = api.post("/api/v1/dokumente/", {"datei": erste, "akte": akte.id, "register": "03"}).json()["id"]
    from dms.models import Dokument
    from dms.services import dokument_version_hinzufuegen

    zweite = PDF.replace(b"binary", b"zweite")
    dokument_version_hinzufuegen(
        dokument=Dokument.objects.get(pk=dok_id), datei=io.BytesIO(zweite), dateiname="b.pdf", user=None
    )
    v1, v2 = DokumentVersion.objects.filter(dokument_id=dok_id).order_by("nummer")
    assert v1.original.name != v2.original.name
    assert s3.get_object(Bucket=BUCKET, Key=v1.original.name)["Body"].read() == PDF
    assert s3.get_object(Bucket=BUCKET, Key=v2.original.name)["Body"].read() == zweite

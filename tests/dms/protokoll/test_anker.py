"""Checkpoints outside the database: the append-only file, S3 with Object Lock (moto's server: outside the system,
started by the test), the checkpoints' own chain, the command and the beat tasks with the stored result."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from moto.server import ThreadedMotoServer

from dms.audit import Aktion, protokollieren
from dms.models import ProtokollPruefung
from dms.protokoll import tasks
from dms.protokoll.anker import anker_lesen, verankern
from dms.protokoll.pruefung import letzte_pruefung, pruefung_ausfuehren

from .conftest import als_eigentuemer, befunde

pytestmark = pytest.mark.django_db


def _zeilen() -> list[dict]:
    return [json.loads(z) for z in Path(settings.AUDIT_ANCHOR_FILE).read_text().splitlines()]


def test_verankern_appends_a_keyed_checkpoint_of_every_chain_head(eintraege):
    out = io.StringIO()
    call_command("protokoll_verankern", stdout=out)
    call_command("protokoll_verankern", stdout=out)
    assert "Ankerpunkt 2 geschrieben (datei): 2 Ketten, 8 Einträge." in out.getvalue()
    erster, zweiter = _zeilen()
    of, hp = eintraege["OF"][-1], eintraege["HP"][-1]
    assert erster["ketten"][str(of.kette)] == {"anzahl": 5, "letzte_id": of.id, "kopf": of.hash}
    assert erster["ketten"][str(hp.kette)] == {"anzahl": 3, "letzte_id": hp.id, "kopf": hp.hash}
    assert zweiter["nummer"] == 2 and zweiter["vorheriger"] == erster["mac"]
    assert zweiter["schluessel_id"] == settings.AUDIT_HMAC_WRITE_KEY_ID and len(zweiter["mac"]) == 64
    assert anker_lesen().befunde == []


def test_a_forged_or_removed_checkpoint_line_is_reported(eintraege):
    for _ in range(3):
        verankern()
    pfad = Path(settings.AUDIT_ANCHOR_FILE)
    zeilen = pfad.read_text().splitlines()
    gefaelscht = json.loads(zeilen[2])
    gefaelscht["ketten"] = {}  # "nothing was there": without the key the MAC cannot be made to fit
    pfad.write_text("\n".join([zeilen[0], json.dumps(gefaelscht)]) + "\n")  # line 2 removed, line 3 forged
    gruende = [b.grund for b in befunde()]
    assert any("Ankerpunkt 3 (datei): Signatur (HMAC) passt nicht" in g for g in gruende)


def test_a_gap_in_the_checkpoint_sequence_is_reported(eintraege):
    for _ in range(3):
        verankern()
    pfad = Path(settings.AUDIT_ANCHOR_FILE)
    zeilen = pfad.read_text().splitlines()
    pfad.write_text("\n".join([zeilen[0], zeilen[2]]) + "\n")
    assert [b.grund for b in befunde()] == [
        "Ankerpunkt 3 (datei): folgt nicht auf Ankerpunkt 1 (entfernt oder eingefügt)"
    ]


def test_an_unwritable_anchor_file_fails_the_command(eintraege, settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path)  # a directory: cannot be appended to
    with pytest.raises(CommandError) as exc:
        call_command("protokoll_verankern")
    assert exc.value.returncode == 1 and "nicht beschreibbar" in str(exc.value)


@pytest.fixture
def s3_anker(settings, monkeypatch):
    """moto's S3 server on a free local port, a bucket with Object Lock, and the settings pointing at it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    client = boto3.client("s3", endpoint_url=url, region_name="eu-central-1")
    # moto keeps its buckets per process, across server instances: a bucket of its own for each test.
    client.bucket = f"akte-anker-{uuid.uuid4().hex[:12]}"
    client.create_bucket(
        Bucket=client.bucket,
        CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
        ObjectLockEnabledForBucket=True,
    )
    settings.AUDIT_ANCHOR_TARGETS = ["datei", "s3"]
    settings.AUDIT_ANCHOR_S3_BUCKET = client.bucket
    settings.AUDIT_ANCHOR_S3_ENDPOINT_URL = url
    settings.AUDIT_ANCHOR_S3_REGION_NAME = "eu-central-1"
    settings.AUDIT_ANCHOR_S3_RETENTION_DAYS = 30
    yield client
    server.stop()


def test_checkpoints_go_to_s3_under_object_lock_and_cannot_be_deleted(eintraege, s3_anker, settings):
    verankern()
    anker = verankern()
    objekte = s3_anker.list_objects_v2(Bucket=s3_anker.bucket)["Contents"]
    assert len(objekte) == 2
    neuester = objekte[0]["Key"]  # newest first
    assert neuester.startswith("protokoll-anker/") and neuester.endswith(f"-{anker.nummer}.json")
    kopf = s3_anker.head_object(Bucket=s3_anker.bucket, Key=neuester)
    assert kopf["ObjectLockMode"] == "COMPLIANCE"
    assert kopf["ObjectLockRetainUntilDate"] > dt.datetime.now(dt.UTC) + dt.timedelta(days=29)
    with pytest.raises(ClientError):
        s3_anker.delete_object(Bucket=s3_anker.bucket, Key=neuester, VersionId=kopf["VersionId"])
    assert json.loads(s3_anker.get_object(Bucket=s3_anker.bucket, Key=neuester)["Body"].read())["mac"] == anker.mac


def test_s3_checkpoint_alone_detects_deleted_newest_entries(eintraege, s3_anker, settings):
    """Even when the local anchor file is lost, the object in the bucket still shows the removed entries."""
    verankern()
    Path(settings.AUDIT_ANCHOR_FILE).unlink()
    settings.AUDIT_ANCHOR_TARGETS = ["s3"]
    als_eigentuemer("DELETE FROM dms_protokolleintrag WHERE id = %s", [eintraege["OF"][-1].id])
    gefunden = befunde()
    assert [b.eintrag_id for b in gefunden] == [eintraege["OF"][-1].id]
    assert "neueste Einträge entfernt" in gefunden[0].grund


def test_beat_runs_both_tasks_on_a_schedule():
    plan = {eintrag["task"]: eintrag["schedule"] for eintrag in settings.CELERY_BEAT_SCHEDULE.values()}
    assert plan["dms.protokoll.verankern"] == settings.AUDIT_ANCHOR_INTERVAL <= 600
    assert plan["dms.protokoll.pruefen"] == settings.AUDIT_CHECK_INTERVAL
    assert plan["dms.protokoll.pruefen_neue"] == settings.AUDIT_CHECK_RECENT_INTERVAL <= 3600
    assert "dms.protokoll.tasks" in settings.CELERY_IMPORTS


def test_the_check_task_stores_its_result_and_logs_a_failure_at_error(eintraege, caplog):
    assert tasks.protokoll_verankern() == 1
    assert tasks.protokoll_pruefen() is True
    ok = letzte_pruefung()
    assert ok.in_ordnung and ok.befunde == 0 and ok.eintraege == 8 and ok.ketten == 2 and ok.anker_nummer == 1
    als_eigentuemer("DELETE FROM dms_protokolleintrag WHERE id = %s", [eintraege["HP"][-1].id])
    with caplog.at_level(logging.ERROR, logger="dms.protokoll"):
        assert tasks.protokoll_pruefen() is False
    schlecht = letzte_pruefung()
    assert schlecht.pk != ok.pk and not schlecht.in_ordnung and schlecht.befunde == 1
    assert f"Eintrag {eintraege['HP'][-1].id}: neueste Einträge entfernt" in schlecht.erster_befund
    assert any(r.levelno == logging.ERROR and "NICHT in Ordnung" in r.getMessage() for r in caplog.records)
    assert ProtokollPruefung.objects.count() == 2


def test_the_anchor_task_logs_a_failure_at_error(eintraege, settings, tmp_path, caplog):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path)
    with caplog.at_level(logging.ERROR, logger="dms.protokoll"):
        assert tasks.protokoll_verankern() is None
    assert any("Ankerpunkt nicht geschrieben" in r.getMessage() for r in caplog.records)


def test_pruefen_reports_the_checkpoint_it_matched(eintraege, sachbearbeitung):
    verankern()
    protokollieren(aktion=Aktion.ABMELDUNG, user=sachbearbeitung)
    out = io.StringIO()
    call_command("protokoll_pruefen", stdout=out)
    assert "Protokoll in Ordnung: 9 Einträge in 2 Ketten geprüft" in out.getvalue()
    assert "passt zum Ankerpunkt 1 vom" in out.getvalue()


def test_the_quick_check_covers_the_entries_since_the_checkpoint_before_the_latest(eintraege, sachbearbeitung):
    verankern()
    neu = [protokollieren(aktion=Aktion.LESEN, user=sachbearbeitung, details={"neu": i}) for i in range(2)]
    verankern()
    schnell = pruefung_ausfuehren(nur_neue=True)
    assert schnell.in_ordnung and schnell.eintraege == 2 and not schnell.pruefung.vollstaendig
    # An old entry, before both checkpoints: only the full (nightly) check reads it.
    alt = eintraege["HP"][0]
    als_eigentuemer("UPDATE dms_protokolleintrag SET benutzername = 'x' WHERE id = %s", [alt.id])
    assert pruefung_ausfuehren(nur_neue=True).in_ordnung
    voll = pruefung_ausfuehren()
    assert voll.pruefung.vollstaendig and [b.eintrag_id for b in voll.befunde] == [alt.id]
    # A new entry changed, or the newest removed: the quick check sees both.
    als_eigentuemer("UPDATE dms_protokolleintrag SET benutzername = 'x' WHERE id = %s", [neu[0].id])
    als_eigentuemer("DELETE FROM dms_protokolleintrag WHERE id = %s", [neu[1].id])
    schnell = pruefung_ausfuehren(nur_neue=True)
    assert [b.eintrag_id for b in schnell.befunde] == [neu[0].id, neu[1].id]
    assert letzte_pruefung(vollstaendig=False).pk == schnell.pruefung.pk
    assert letzte_pruefung(vollstaendig=True).pk == voll.pruefung.pk


def test_the_quick_check_without_two_checkpoints_checks_everything(eintraege):
    ergebnis = pruefung_ausfuehren(nur_neue=True)
    assert ergebnis.pruefung.vollstaendig and ergebnis.eintraege == 8

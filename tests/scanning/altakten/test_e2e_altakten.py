"""End to end: a delivery started like the page does is imported by a REAL Celery worker listening only on the
queue `altakten`, and the same worker runs the pipeline over the legacy PDFs (their text layer is read).

No django_db mark: rows are committed so the worker sees them (the audit table refuses TRUNCATE, so no
`transaction=True`). The test uses its own authority (GI) and unique persons, so other tests do not see its rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from dms.models import Dokument, Rolle
from scanning.altakten import services as svc
from scanning.altakten.models import Lieferung
from tests import factories as f

from .lieferhilfen import Datei, lieferung_schreiben

# One xdist group with every test that touches the Redis queue `altakten`, so they never run at the same time.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("altakten-queue")]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def altakten_worker(e2e_testdatenbank, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Path]]:
    """`celery worker -Q altakten` on the test database, with its own media root and delivery inbox."""
    db = django_settings.DATABASES["default"]
    pfade = {
        "media": tmp_path_factory.mktemp("altakten-media"),
        "eingang": tmp_path_factory.mktemp("altakten-eingang"),
        "log": tmp_path_factory.mktemp("altakten-log") / "worker.log",
    }
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "MEDIA_ROOT": str(pfade["media"]),
        "LIEFERUNGEN_PATH": str(pfade["eingang"]),
        "OCR_WORK_DIR": str(tmp_path_factory.mktemp("altakten-ocr")),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "OMP_THREAD_LIMIT": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("ALLOW_EXAMPLE_SECRET_KEY", "1")
    celery = str(ROOT / ".venv/bin/celery")
    subprocess.run([celery, "-A", "auslaenderakte", "purge", "-f", "-Q", "altakten"], cwd=ROOT, env=env,
                   capture_output=True, timeout=60, check=False)  # fmt: skip
    with pfade["log"].open("wb") as out:
        proc = subprocess.Popen(
            [celery, "-A", "auslaenderakte", "worker", "-Q", "altakten", "-c", "1", "-P", "prefork",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"altakten-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        frist = time.monotonic() + 60
        while b"ready." not in pfade["log"].read_bytes():
            assert proc.poll() is None, pfade["log"].read_text()[-3000:]
            assert time.monotonic() < frist, "Celery-Worker nicht bereit"
            time.sleep(0.3)
        with django_db_blocker.unblock():
            yield pfade
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _warten(bedingung, sekunden: float = 180):  # type: ignore[no-untyped-def]
    frist = time.monotonic() + sekunden
    while time.monotonic() < frist:
        if wert := bedingung():
            return wert
        time.sleep(0.5)
    return None


def test_delivery_imported_and_ocrd_by_the_altakten_worker(altakten_worker, settings, django_db_blocker):
    # Rows are committed for the worker (no django_db mark), so the test opens the database itself.
    with django_db_blocker.unblock():
        settings.MEDIA_ROOT = altakten_worker["media"]
        settings.LIEFERUNGEN_PATH = str(altakten_worker["eingang"])
        leitung = f.benutzer("GI", Rolle.BEHOERDENADMIN, user__username=f"e2e-altakten-{uuid.uuid4().hex[:8]}")
        behoerde = f.behoerde("GI")
        akten = [f.AkteFactory(person=f.PersonFactory(behoerde=behoerde, familienname=f"E2e{uuid.uuid4().hex[:6]}"))
                 for _ in range(2)]  # fmt: skip
        los = svc.los_anlegen(behoerde=behoerde, akten=akten, user=leitung)
        los = svc.los_status_setzen(los=los, nach="abgeholt", user=leitung)
        name = f"L-{uuid.uuid4().hex[:6]}"
        lieferung_schreiben(
            altakten_worker["eingang"] / "GI" / name,  # the authority's own inbox subfolder
            [Datei(f"a{i}.pdf", 3, aktenzeichen=a.aktenzeichen) for i, a in enumerate(akten)],
        )
        # as the page does: register, the import itself runs in the worker
        lieferung = svc.lieferung_annehmen(los=los, quelle=name, user=leitung)
        fertig = _warten(
            lambda: Lieferung.objects.filter(pk=lieferung.pk, status__in=["importiert", "abgelehnt", "fehler"]).first()
        )
        assert fertig is not None, altakten_worker["log"].read_text()[-3000:]
        assert fertig.status == "importiert" and fertig.importiert == 2, fertig.fehler
        verarbeitet = _warten(
            lambda: Dokument.objects.filter(akte__in=akten, ocr_status__in=["fertig", "nicht_noetig"]).count() == 2
        )
        assert verarbeitet, (
            list(Dokument.objects.filter(akte__in=akten).values_list("ocr_status", flat=True)),
            altakten_worker["log"].read_text()[-3000:],
        )
        for akte in akten:
            dok = Dokument.objects.get(akte=akte)
            assert dok.quelle == "altakte" and dok.seiten == 3
            assert "Altakte" in dok.text and akte.aktenzeichen in dok.text
            assert dok.versionen.get().transfervermerk["scanner"] == "Fujitsu fi-7900"
        log = altakten_worker["log"].read_text()
        assert "scanning.altakten.lieferung_importieren" in log and "scanning.tasks.dokument_verarbeiten" in log

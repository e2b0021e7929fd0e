"""The approved letter's PDF/A conversion on a REAL Celery worker with the REAL LibreOffice: the approval returns at
once while LibreOffice hangs, the letter shows "wird umgewandelt", the hang ends in a clear German message after the
time limit, nothing is sent, and the caseworker's retry produces the PDF/A in the file, audited at every step.

The worker (tests/scanning/conftest.py's `Worker`) listens on a queue of its own (POSTAUSGANG_UMWANDLUNG_QUEUE), so
no other test worker takes these tasks. "LibreOffice hangs" is the real LibreOffice behind a wrapper that, while a
marker file exists, never answers (a sleeping process in its place)."""

from __future__ import annotations

import io
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from dms.konvertierung import soffice_pfad
from dms.models import Dokument, Protokolleintrag, Rolle
from dms.pdfa import pdfa_pruefen
from dms.postausgang import services
from dms.postausgang.models import Ausgangsschreiben
from tests import factories as f
from tests.dms.postausgang.vorlagen import vorlage_docx
from tests.scanning.conftest import Worker, e2e_testdatenbank  # noqa: F401  (the session's test database)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("postausgang-umwandlung")]
ZEITLIMIT = 20


@pytest.fixture(scope="module")
def umwandlung_worker(e2e_testdatenbank, django_db_blocker, tmp_path_factory) -> Iterator[dict]:  # noqa: F811
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_"), "e2e-Tests nie gegen die Entwicklungsdatenbank"
    tmp = tmp_path_factory.mktemp("postausgang-e2e")
    haengt = tmp / "libreoffice-haengt"
    wrapper = tmp / "soffice"
    wrapper.write_text(f'#!/bin/sh\nif [ -e "{haengt}" ]; then exec sleep 600; fi\nexec "{soffice_pfad()}" "$@"\n')
    wrapper.chmod(0o755)
    queue = f"postausgang-e2e-{uuid.uuid4().hex[:8]}"
    db = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "MEDIA_ROOT": str(tmp / "media"),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "SOFFICE_BINARY": str(wrapper),
        "SOFFICE_ZEITLIMIT": str(ZEITLIMIT),
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("ALLOW_EXAMPLE_SECRET_KEY", "1")
    worker = Worker(env, tmp / "worker.log", name="postausgang-e2e", queues=queue)
    worker.start()
    try:
        with django_db_blocker.unblock():
            yield {"queue": queue, "media": tmp / "media", "haengt": haengt}
    finally:
        worker.stop()
        print(f"Worker-Log: {worker.log}")


def _warten(sid: int, status: str, sekunden: float) -> Ausgangsschreiben:
    frist = time.monotonic() + sekunden
    while time.monotonic() < frist:
        s = Ausgangsschreiben.objects.get(pk=sid)
        if s.status == status:
            return s
        time.sleep(0.5)
    raise AssertionError(f"Schreiben {sid} nicht „{status}“, sondern „{Ausgangsschreiben.objects.get(pk=sid).status}“")


def test_approval_returns_at_once_a_hang_fails_clearly_and_the_retry_files_the_pdfa(umwandlung_worker, settings):
    settings.MEDIA_ROOT = umwandlung_worker["media"]
    settings.POSTAUSGANG_UMWANDLUNG_QUEUE = umwandlung_worker["queue"]
    settings.SOFFICE_ZEITLIMIT = ZEITLIMIT  # the worker's limit, for the message the test expects
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(
        person__familienname="Ŝuško", person__vornamen="Marta", person__anschrift="Frau Marta Ŝuško\n63065 Offenbach",
        sachbearbeitung=sb,
    )  # fmt: skip
    vorlage = services.vorlage_anlegen(
        behoerde=f.behoerde("OF"), name=f"Anhörung e2e {uuid.uuid4().hex[:6]}", datei=io.BytesIO(vorlage_docx()),
        user=None, betreff="Anhörung – {{ aktenzeichen }}", standardtext="Bitte reichen Sie Ihren Pass ein.",
    )  # fmt: skip
    api = APIClient()
    api.force_authenticate(sb)
    sid = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": vorlage.pk}, format="json").json()["id"]

    # LibreOffice hangs: the approval still returns at once, and the letter says it is being converted.
    Path(umwandlung_worker["haengt"]).touch()
    beginn = time.monotonic()
    r = api.post(f"/api/v1/postausgang/{sid}/freigeben/")
    dauer = time.monotonic() - beginn
    assert r.status_code == 200 and r.json()["status"] == "umwandlung", r.content
    assert dauer < 3, f"die Freigabe wartet nicht auf LibreOffice ({dauer:.1f} s)"
    from django.test import Client

    seite = Client()
    seite.force_login(sb)
    html = seite.get(f"/postausgang/{sid}/").content.decode()
    assert "wird in PDF/A umgewandelt" in html and 'hx-trigger="every 2s"' in html
    # Nothing can be sent before a PDF/A exists.
    r = api.post(f"/api/v1/postausgang/{sid}/versenden/", {"weg": "lokal"}, format="json")
    assert r.status_code == 400 and "noch in PDF/A umgewandelt" in str(r.json())

    # After the time limit: a clear German message on the letter, nothing filed, nothing sent.
    s = _warten(sid, "umwandlungsfehler", ZEITLIMIT + 60)
    assert f"nach {ZEITLIMIT} Sekunden abgebrochen" in s.umwandlung_meldung
    assert s.dokument_id is None and not Dokument.objects.filter(akte=akte).exists()
    html = seite.get(f"/postausgang/{sid}/").content.decode()
    assert "Umwandlung in PDF/A fehlgeschlagen" in html and "Umwandlung erneut versuchen" in html
    r = api.post(f"/api/v1/postausgang/{sid}/versenden/", {"weg": "lokal"}, format="json")
    assert r.status_code == 400 and "ohne gültiges PDF/A wird nichts versendet" in str(r.json())

    # LibreOffice answers again: the caseworker retries on the page; the worker files the PDF/A.
    Path(umwandlung_worker["haengt"]).unlink()
    antwort = seite.post(f"/postausgang/{sid}/", {"aktion": "umwandeln"})
    assert antwort.status_code == 302
    s = _warten(sid, "freigegeben", 180)
    assert s.umwandlung_versuche == 2 and s.umwandlung_meldung == ""
    dokument = Dokument.objects.get(pk=s.dokument_id, akte=akte)
    assert dokument.richtung == Dokument.Richtung.AUSGANG
    with dokument.versionen.get().original.open("rb") as fh:
        pdf = fh.read()
    assert b"pdfaid:part>2<" in pdf and pdfa_pruefen(pdf) == []
    assert "liegt als PDF/A in der Akte" in seite.get(f"/postausgang/{sid}/").content.decode()
    r = api.post(f"/api/v1/postausgang/{sid}/versenden/", {"weg": "lokal"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "lokal_gedruckt"

    # Every step is in the audit trail: approval, failure (system), retry, filing (system), printing.
    schritte = list(
        Protokolleintrag.objects.filter(objekt_typ="ausgangsschreiben", objekt_id=str(sid))
        .order_by("id")
        .values_list("details__status", "benutzername")
    )
    status = [st for st, _ in schritte if st]
    assert status[-5:] == ["umwandlung", "umwandlungsfehler", "umwandlung", "freigegeben", "lokal_gedruckt"], schritte
    assert [n for st, n in schritte if st in ("umwandlungsfehler", "freigegeben")] == [services.SYSTEM] * 2

"""Shared fixtures. Tests run against real PostgreSQL and Redis, as in production."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from dms.models import Rolle
from tests import factories as f
from tests.testlauf import LAUF


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Test databases named per run (test_<name>_gw0_<run>): two suites on one machine never share one."""
    from django.conf import settings

    for db in settings.DATABASES.values():
        test = db.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_{LAUF}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, and before they are dropped: end the connections that live-server threads
    and worker processes left open, or the drop fails and every run leaves its databases behind."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    # Audit checkpoints of this test only (never the checkout's file written by `make run`'s beat).
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "protokoll-anker.jsonl")
    settings.AUDIT_ANCHOR_TARGETS = ["datei"]


@pytest.fixture(autouse=True)
def _no_broker(request, settings, monkeypatch):
    """Unit tests do not need the OCR worker; scheduling is recorded instead (e2e tests use a real worker)."""
    geplant: list[int] = []
    if request.node.get_closest_marker("e2e"):
        return geplant
    monkeypatch.setattr("dms.hintergrund.verarbeitung_einreihen", lambda version_id: geplant.append(version_id))
    return geplant


@pytest.fixture
def eager():
    """Tasks run in this process at once (Celery's eager mode), e.g. those queued after a commit."""
    from celery import current_app

    vorher = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = vorher


@pytest.fixture
def sachbearbeitung(db):
    return f.benutzer("OF", Rolle.SACHBEARBEITUNG)


@pytest.fixture
def fremde_sachbearbeitung(db):
    """A caseworker of another authority (Kreis Bergstraße)."""
    return f.benutzer("HP", Rolle.SACHBEARBEITUNG)


@pytest.fixture
def api(sachbearbeitung):
    client = APIClient()
    client.force_authenticate(sachbearbeitung)
    return client


@pytest.fixture
def fremde_api(fremde_sachbearbeitung):
    client = APIClient()
    client.force_authenticate(fremde_sachbearbeitung)
    return client

"""/healthz and /readyz: no login, and readiness names what is down. The outages are real: the setting points at a
closed port in a separate process (nothing mocked)."""

from __future__ import annotations

import pytest

from .hilfen import geschlossener_port, sonde, umgebung

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login_and_without_asking_anything(client, settings):
    settings.ALLOWED_HOSTS = ["akte.example.de"]  # a probe on the pod's own address is answered anyway
    r = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_all_reachable(client):
    r = client.get("/readyz")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "ok" and body["fehlgeschlagen"] == []
    assert {name for name, p in body["pruefungen"].items() if p["ok"]} == {"datenbank", "redis", "speicher"}
    assert r["Cache-Control"] == "no-store"


def test_readyz_storage_unusable_is_503_naming_it(client, settings, tmp_path):
    keine_ordner = tmp_path / "eine-datei"
    keine_ordner.write_text("kein Verzeichnis")
    settings.MEDIA_ROOT = keine_ordner
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["fehlgeschlagen"] == ["speicher"]


def test_readyz_database_down_is_503_naming_it():
    port = geschlossener_port()
    status, body = sonde("/readyz", umgebung(DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/akte"))
    assert status == 503
    assert body["fehlgeschlagen"] == ["datenbank"]
    assert body["pruefungen"]["datenbank"]["fehler"] == "OperationalError"
    assert body["pruefungen"]["redis"]["ok"] and body["pruefungen"]["speicher"]["ok"]
    assert str(port) not in str(body)  # names the component, not the connection string


def test_readyz_redis_down_is_503_naming_it_and_healthz_still_200():
    env = umgebung(REDIS_URL=f"redis://127.0.0.1:{geschlossener_port()}/0", CELERY_BROKER_URL="", CACHE_URL="")
    env.pop("CELERY_BROKER_URL")
    env.pop("CACHE_URL")
    status, body = sonde("/readyz", env)
    assert status == 503 and body["fehlgeschlagen"] == ["redis"]
    assert body["pruefungen"]["datenbank"]["ok"]
    assert sonde("/healthz", env) == (200, {"status": "ok"})

"""docker-compose.yml, Dockerfile and scripts/run.sh checked against the code they start. A real `podman-compose up`
was run by hand (docs/operations.md, "Container"); this suite runs where no container engine is installed."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_TEXT = (ROOT / "auslaenderakte" / "settings.py").read_text(encoding="utf-8")
APP_SERVICES = ("web", "worker", "worker-altakten", "beat", "migrate", "hotfolder")
_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?::(?P<op>[-?])(?P<wert>[^}]*))?\}")


def _interpolieren(text: str) -> str:
    """Compose's ${VAR:-default} / ${VAR:?error} with an empty host environment (the defaults a newcomer gets)."""
    return _VARIABLE.sub(lambda m: m["wert"] if m["op"] == "-" else "x", text)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _befehl(service: dict) -> list[str]:
    cmd = service["command"]
    return [_interpolieren(t) for t in (cmd.split() if isinstance(cmd, str) else cmd)]


def test_required_services_and_volumes(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])
    volumes = set(compose["volumes"])
    assert {"pgdata", "media"} <= volumes
    pg = compose["services"]["postgres"]
    assert any(v.startswith("pgdata:") and v.endswith("/var/lib/postgresql/data") for v in pg["volumes"])
    for name in ("web", "worker"):
        mounts = compose["services"][name]["volumes"]
        media_root = compose["services"][name]["environment"]["MEDIA_ROOT"]
        assert f"media:{media_root}" in mounts, name
    for name in ("postgres", "redis"):
        assert "healthcheck" in compose["services"][name]


def test_every_app_variable_is_read_in_settings(compose):
    for name in APP_SERVICES:
        for variable in compose["services"][name]["environment"]:
            assert re.search(rf"""["']{variable}["']""", SETTINGS_TEXT), f"{variable} ({name}) not in settings.py"


def test_database_and_redis_urls_point_at_the_services(compose):
    env = {k: _interpolieren(str(v)) for k, v in compose["services"]["web"]["environment"].items()}
    pg = {k: _interpolieren(str(v)) for k, v in compose["services"]["postgres"]["environment"].items()}
    db = urlparse(env["DATABASE_URL"])
    assert db.scheme == "postgres" and db.hostname == "postgres" and db.port == 5432
    assert (db.username, db.password, db.path.lstrip("/")) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
        pg["POSTGRES_DB"],
    )
    assert urlparse(env["REDIS_URL"]).hostname == "redis"
    assert env["DEBUG"] == "false"
    assert "SECRET_KEY" in env and ":?" in compose_raw_secret()


def compose_raw_secret() -> str:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    return re.search(r"SECRET_KEY: (\S+)", text)[1]  # must refuse to start without a key, never default one


def test_web_runs_gunicorn_on_the_wsgi_application(compose):
    cmd = _befehl(compose["services"]["web"])
    assert cmd[0] == "gunicorn"
    modul, _, attribut = next(t for t in cmd if ":" in t and not t.startswith("-")).partition(":")
    assert modul == settings.WSGI_APPLICATION.rsplit(".", 1)[0]
    assert callable(getattr(importlib.import_module(modul), attribut))


def test_worker_and_beat_use_the_celery_app_and_all_queues(compose):
    routen = {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()}
    for name in ("worker", "beat"):
        cmd = _befehl(compose["services"][name])
        assert cmd[:3] == ["celery", "-A", "auslaenderakte"]
        app = importlib.import_module("auslaenderakte.celery").app
        assert app.main == "auslaenderakte"
    worker = _befehl(compose["services"]["worker"])
    assert worker[3] == "worker"
    assert {"ocr", "default"} <= set(worker[worker.index("-Q") + 1].split(","))
    served = set()
    for service in compose["services"].values():
        cmd = _befehl(service) if "command" in service else []
        if cmd[3:4] == ["worker"]:
            served |= set(cmd[cmd.index("-Q") + 1].split(","))
    from scanning.altakten.lieferung import ALTAKTEN_QUEUE

    # No task is sent to a queue that no worker serves (legacy OCR has its own worker).
    assert routen | {settings.CELERY_TASK_DEFAULT_QUEUE, ALTAKTEN_QUEUE} <= served
    assert _befehl(compose["services"]["beat"])[3] == "beat"


def test_management_commands_named_exist(compose):
    befehle = get_commands()
    genannt = []
    for service in compose["services"].values():
        if "command" in service:
            cmd = _befehl(service)
            if "manage.py" in cmd:
                genannt.append(cmd[cmd.index("manage.py") + 1])
    assert "migrate" in genannt
    for befehl in genannt:
        assert befehl in befehle, befehl
    # The commands documented in the compose header exist too.
    kopf = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for befehl in re.findall(r"manage\.py (\w+)", kopf):
        assert befehl in befehle, befehl


def test_dockerfile_matches_the_project():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG BASIS=python:3\.11-slim-bookworm$", text, re.MULTILINE)
    assert re.search(r"^FROM \$\{BASIS\}$", text, re.MULTILINE)
    for paket in ("tesseract-ocr-deu", "poppler-utils", "libmagic1", "postgresql-client", "tzdata"):
        assert paket in text
    # Reproducible: exact versions with hashes from the lock, never the ranges.
    assert (
        "pip install --require-hashes -r requirements.lock" in text and "COPY pyproject.toml requirements.lock" in text
    )
    assert "pip install ." not in text
    cmd = re.search(r"^CMD (\[.*\])$", text, re.MULTILINE)[1]
    assert "auslaenderakte.wsgi:application" in cmd
    assert "USER akte" in text  # not root
    eigene = {"MEDIA_ROOT", "STATIC_ROOT", "HOTFOLDER_PATH"}
    gesetzt = set(re.findall(r"^\s+(\w+)=", text, re.MULTILINE)) | set(re.findall(r"ENV (\w+)=", text))
    assert eigene <= gesetzt
    for variable in eigene:
        assert f'"{variable}"' in SETTINGS_TEXT


def test_operations_doc_lists_every_setting_variable():
    gelesen = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z0-9_]+)["']""", SETTINGS_TEXT))
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "MEDIA_ROOT"} <= gelesen
    doku = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    fehlend = sorted(v for v in gelesen if f"`{v}`" not in doku)
    assert fehlend == [], f"in docs/operations.md nicht beschrieben: {fehlend}"


def test_every_part_is_started_by_compose_and_run_sh(compose):
    """Hot folder, both workers, beat and web: in docker-compose.yml and in `make run` alike."""
    befehle = {name: " ".join(_befehl(s)) for name, s in compose["services"].items() if "command" in s}
    assert "manage.py hotfolder_abholen" in befehle["hotfolder"]
    hotfolder = compose["services"]["hotfolder"]
    assert f"hotfolder:{hotfolder['environment']['HOTFOLDER_PATH']}" in hotfolder["volumes"]
    assert f"media:{hotfolder['environment']['MEDIA_ROOT']}" in hotfolder["volumes"]
    assert "-Q altakten" in befehle["worker-altakten"]
    assert "python:dms.betrieb.gunicorn_konfig" in befehle["web"]
    assert "/readyz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
    run = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    for teil in ("manage.py hotfolder_abholen", "-Q ocr,default", "-Q altakten", " beat ", "gunicorn_konfig"):
        assert teil in run, teil
    assert '--bind "127.0.0.1:$PORT"' in run  # a second checkout: make run PORT=8001


def test_postgres_major_version_matches_the_images_pg_dump(compose):
    """Backups run pg_dump from the app image (Debian bookworm: PostgreSQL 15); pg_dump refuses newer servers."""
    assert compose["services"]["postgres"]["image"] == "postgres:15"


def test_lock_files_match_pyproject():
    """`make setup` refuses to install when pyproject.toml changed without `make lock` (scripts/lock_pruefen.py)."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "lock_pruefen.py")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name in ("requirements.lock", "requirements-dev.lock"):
        zeilen = (ROOT / name).read_text(encoding="utf-8").splitlines()
        pakete = [z for z in zeilen if re.match(r"^[a-z0-9][a-z0-9._-]*==", z)]
        assert pakete and all(z.endswith("\\") for z in pakete), name  # every pin is followed by its hashes
    laufzeit = {z.split("==")[0] for z in (ROOT / "requirements.lock").read_text().splitlines() if "==" in z}
    assert {"django", "celery", "gunicorn", "structlog", "prometheus-client"} <= laufzeit
    assert "pytest" not in laufzeit  # the image gets no test tools


def test_lock_check_names_the_fix_when_pyproject_changed(tmp_path):
    import shutil
    import subprocess
    import sys

    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "lock_pruefen.py", tmp_path / "scripts")
    for name in ("requirements.lock", "requirements-dev.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        text.replace('"whitenoise>=6.8,<7",', '"whitenoise>=6.8,<7",\n    "neu>=1",')
    )
    r = subprocess.run([sys.executable, str(tmp_path / "scripts" / "lock_pruefen.py")], capture_output=True, text=True)
    assert r.returncode == 1 and "make lock" in r.stderr

"""Login and session security: lockout, second factor, idle timeout, headers, and `check --deploy`."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from dms.middleware import IDLE_KEY
from dms.models import Behoerde, Rolle
from tests import factories as f

from .conftest import benutzer

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_an(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.handler = None  # re-read the settings
    yield
    AxesProxyHandler.handler = None


def _code(geraet: TOTPDevice, verschiebung: int = 0) -> str:
    return f"{totp(geraet.bin_key, step=geraet.step, t0=geraet.t0, digits=geraet.digits, drift=verschiebung):06d}"


def test_login_page_locks_out_after_repeated_failures(axes_an, sachbearbeitung):
    client = Client()
    for _ in range(3):
        r = client.post("/anmelden/", {"username": sachbearbeitung.username, "password": "falsch"})
    r = client.post("/anmelden/", {"username": sachbearbeitung.username, "password": f.PASSWORT})
    assert r.status_code == 429
    assert "vorübergehend gesperrt" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_token_endpoint_locks_out_too(axes_an, sachbearbeitung):
    api = APIClient()
    falsch = {"username": sachbearbeitung.username, "password": "x"}
    for _ in range(3):
        assert api.post("/api/v1/auth/token/", falsch).status_code == 400
    r = api.post("/api/v1/auth/token/", {"username": sachbearbeitung.username, "password": f.PASSWORT})
    assert r.status_code in (400, 403, 429)
    assert "token" not in r.json()


def test_password_rules_refuse_weak_passwords(sachbearbeitung):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for schwach in ("kurz", "123456789012345", "password1234", sachbearbeitung.username + "1"):
        with pytest.raises(ValidationError):
            validate_password(schwach, user=sachbearbeitung)
    validate_password("Lang-und-zufällig-7391!", user=sachbearbeitung)


def test_mandatory_second_factor_redirects_until_verified(sachbearbeitung):
    Behoerde.objects.filter(kuerzel="OF").update(totp_pflicht=True)
    client = Client()
    assert client.post("/anmelden/", {"username": sachbearbeitung.username, "password": f.PASSWORT}).status_code == 302
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/sicherheit/zweiter-faktor/")
    r = client.get("/api/v1/akten/")
    assert r.status_code == 403 and "zweiten Faktor" in r.json()["detail"]
    seite = client.get("/sicherheit/zweiter-faktor/?next=/")
    assert seite.status_code == 200 and b"<svg" in seite.content
    geraet = TOTPDevice.objects.get(user=sachbearbeitung)
    assert not geraet.confirmed
    r = client.post("/sicherheit/zweiter-faktor/", {"token": "000000" if _code(geraet) != "000000" else "111111"})
    assert r.status_code == 200 and "falsch" in r.content.decode()
    time.sleep(1.1)  # django-otp throttles after a failure (1 s, doubling)
    r = client.post("/sicherheit/zweiter-faktor/", {"token": _code(geraet), "next": "https://boese.example/"})
    assert r.status_code == 302 and r["Location"] == "/"  # no open redirect
    geraet.refresh_from_db()
    assert geraet.confirmed
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/akten/").status_code == 200


def test_token_for_a_user_with_second_factor_needs_the_code(sachbearbeitung):
    geraet = TOTPDevice.objects.create(user=sachbearbeitung, name="App", confirmed=True)
    api = APIClient()
    r = api.post("/api/v1/auth/token/", {"username": sachbearbeitung.username, "password": f.PASSWORT}, format="json")
    assert r.status_code == 403 and "otp" in r.json()
    r = api.post(
        "/api/v1/auth/token/",
        {"username": sachbearbeitung.username, "password": f.PASSWORT, "otp": _code(geraet)},
        format="json",
    )
    assert r.status_code == 200 and r.json()["token"]
    # A wrong password still answers as before (nothing about the second factor is revealed).
    r = api.post("/api/v1/auth/token/", {"username": sachbearbeitung.username, "password": "x"}, format="json")
    assert r.status_code == 400 and "otp" not in r.json()


def test_optional_second_factor_is_asked_once_set_up(sachbearbeitung):
    client = Client()
    client.force_login(sachbearbeitung)
    assert client.get("/").status_code == 200  # no factor, no duty: fine
    TOTPDevice.objects.create(user=sachbearbeitung, name="App", confirmed=True)
    # The answer is remembered for a few minutes per session; let them pass.
    from dms.middleware import ZWEITER_FAKTOR_KEY, ZWEITER_FAKTOR_NEU_PRUEFEN

    session = client.session
    session[ZWEITER_FAKTOR_KEY] = [time.time() - ZWEITER_FAKTOR_NEU_PRUEFEN - 1, False]
    session.save()
    r = client.get("/")
    assert r.status_code == 302 and "zweiter-faktor" in r["Location"]


def test_idle_session_is_logged_out(sachbearbeitung, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    client = Client()
    client.force_login(sachbearbeitung)
    assert client.get("/").status_code == 200
    session = client.session
    session[IDLE_KEY] = time.time() - 61
    session.save()
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/anmelden/")


def test_security_headers_on_pages_and_api(client, sachbearbeitung):
    client.force_login(sachbearbeitung)
    for pfad in ("/", "/api/v1/akten/", "/anmelden/"):
        r = client.get(pfad)
        assert r["X-Frame-Options"] == "DENY"
        assert r["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in r["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in r["Content-Security-Policy"]
        assert r["Referrer-Policy"] == "same-origin"


def test_nul_bytes_are_refused_not_a_500(api):
    assert api.get("/api/v1/akten/?q=%00").status_code == 400
    assert Client().get("/anmelden/?next=%00").status_code == 400


def _env_produktion() -> dict[str, str]:
    zeichen = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DEBUG"))}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "".join(secrets.choice(zeichen) for _ in range(50)),
            "HTTPS": "1",
            "ALLOWED_HOSTS": "akte.example",
            "ALLOW_EXAMPLE_SECRET_KEY": "0",
        }
    )
    return env


def test_check_deploy_is_clean_with_production_settings():
    r = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=_env_produktion(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_production_refuses_the_example_secret_key():
    env = _env_produktion()
    env["SECRET_KEY"] = "unsicher-nur-fuer-entwicklung-und-tests"
    r = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode != 0 and "SECRET_KEY" in r.stderr


def test_authority_admin_sets_totp_duty_only_as_data(db):
    """The duty is a flag of the authority (Land-maintained data), not code."""
    assert Behoerde._meta.get_field("totp_pflicht").default is False
    assert benutzer("OF", Rolle.BEHOERDENADMIN)

"""Issue 13: after the authority admin created a user or reset her password, the user chooses her own password at
the next login before any other page; API calls of that session get a German 403 (docs/rollen.md)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dms.models import Mitgliedschaft, Protokolleintrag, Rolle
from tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()
NEU = "Eigenes-Passwort-2026!"


def _zuruecksetzen(ziel) -> str:
    admin = f.benutzer("OF", Rolle.BEHOERDENADMIN)
    c = Client()
    c.force_login(admin)
    r = c.post(f"/verwaltung/benutzer/{ziel.pk}/", {"aktion": "passwort"})
    return re.search(r'<code class="einmalpasswort">([^<]+)</code>', r.content.decode()).group(1)


def _anmelden(username: str, passwort: str) -> Client:
    c = Client()
    r = c.post("/anmelden/", {"username": username, "password": passwort})
    assert r.status_code == 302, r.content.decode()[:500]
    return c


def test_after_a_reset_the_user_must_choose_her_own_password_first():
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    einmal = _zuruecksetzen(sb)
    assert Mitgliedschaft.objects.get(user=sb).passwort_wechsel_noetig
    c = _anmelden(sb.username, einmal)
    for pfad in ("/", "/suche/", "/postkorb/", "/verwaltung/benutzer/"):
        r = c.get(pfad)
        assert r.status_code == 302 and r["Location"] == "/sicherheit/passwort/", pfad
    seite = c.get("/sicherheit/passwort/").content.decode()
    assert "Bitte wählen Sie ein eigenes Passwort" in seite and 'autocomplete="new-password"' in seite
    # API calls with this session: 403 with a German message
    r = c.get("/api/v1/akten/")
    assert r.status_code == 403 and "eigenes Passwort" in r.json()["detail"]

    # The project's password rules, German messages
    r = c.post("/sicherheit/passwort/", {"alt": einmal, "neu": "kurz", "neu2": "kurz"})
    assert r.status_code == 200 and "zu kurz" in r.content.decode()
    r = c.post("/sicherheit/passwort/", {"alt": "falsch", "neu": NEU, "neu2": NEU})
    assert "Das bisherige Passwort stimmt nicht." in r.content.decode()
    r = c.post("/sicherheit/passwort/", {"alt": einmal, "neu": NEU, "neu2": NEU + "x"})
    assert "stimmen nicht überein" in r.content.decode()
    r = c.post("/sicherheit/passwort/", {"alt": einmal, "neu": einmal, "neu2": einmal})
    assert "anderes als das bisherige" in r.content.decode()

    r = c.post("/sicherheit/passwort/", {"alt": einmal, "neu": NEU, "neu2": NEU})
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/").status_code == 200  # the session goes on, every page open again
    sb.refresh_from_db()
    assert sb.check_password(NEU) and not Mitgliedschaft.objects.get(user=sb).passwort_wechsel_noetig
    eintrag = Protokolleintrag.objects.filter(objekt_typ="user", objekt_id=str(sb.pk), user=sb).latest("id")
    assert eintrag.aktion == "aendern" and eintrag.details == {"passwort_geaendert": True, "nach_zuruecksetzen": True}
    # Next login: no detour any more
    assert _anmelden(sb.username, NEU).get("/").status_code == 200


def test_a_new_user_chooses_her_password_at_the_first_login_and_may_log_out():
    admin = f.benutzer("OF", Rolle.BEHOERDENADMIN)
    c = Client()
    c.force_login(admin)
    r = c.post(
        "/verwaltung/benutzer/neu/",
        {"username": "neu.of", "vorname": "Nora", "nachname": "Neu", "rolle": Rolle.SACHBEARBEITUNG},
    )
    einmal = re.search(r'<code class="einmalpasswort">([^<]+)</code>', r.content.decode()).group(1)
    assert "ein eigenes Passwort wählen" in r.content.decode()
    neu = _anmelden("neu.of", einmal)
    assert neu.get("/")["Location"] == "/sicherheit/passwort/"
    r = neu.post("/abmelden/")
    assert r.status_code == 302 and r["Location"] == "/anmelden/"


def test_users_with_their_own_password_are_not_sent_anywhere():
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    sb.set_password(NEU)
    sb.save()
    c = _anmelden(sb.username, NEU)
    assert c.get("/").status_code == 200
    # The page is there for a voluntary change too, without the notice
    seite = c.get("/sicherheit/passwort/").content.decode()
    assert "Bitte wählen Sie ein eigenes Passwort" not in seite and "Passwort ändern" in seite

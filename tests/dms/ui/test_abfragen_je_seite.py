"""What a page view costs the database, per caseworker page (issue 18, Land scale): a ceiling of queries each, no
session write on an ordinary page view, one query for the access facts, and the cheaper password hash.

The ceilings are the counts measured in December 2026 plus one of headroom (docs/benchmarks.md, "Last"). A page
that needs more fails here first; raise a ceiling only with a reason in the commit.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from dms.access import zugang
from dms.middleware import IDLE_KEY, IDLE_SCHREIBABSTAND
from dms.models import Rolle
from dms.passwort import OWASP_DURCHLAEUFE, OWASP_SPEICHER_KIB
from dms.services.berechtigungen import vertretung_anlegen
from tests import factories as f

from .conftest import dokument_mit_text

pytestmark = pytest.mark.django_db

# Session, user, access facts (1 query), the page's own reads, and where the page reads a file, a document or
# searches, the audit entry (chain head + insert; in a test also SAVEPOINT and RELEASE, counted here).
# Before issue 18's cuts each page had two or three queries more (a session UPDATE on every view, a second query for
# the substitutions, a second document COUNT on the file page; docs/benchmarks.md, "vorher und nachher").
# Issue 12 added, each with its own query: the desk's new-mail part; on the file page the new-mail marks, the file's
# new-mail count and its open resubmissions; on the document page (which now edits its data and moves it to another
# file) the read mark, the automatic-filing check, the kinds, registers and procedures of the two forms. Issue 15 added
# the file's closing record (retention date and legal basis) on the file page. Issue 12 (notes, one search box) added
# two queries to each search: the matching notes and the matching in-tray items (the registered source). The desk's
# saved searches and the notes on the file and document pages load as htmx parts after the page: no query here. The
# page editor (issue 12) added the file's other documents for "Mit anderem Dokument zusammenführen" on the document
# page.
DECKE = {
    "arbeitsplatz": 9,
    "akte": 18,
    "dokument": 22,
    "suche_volltext": 16,
    "suche_name": 14,
}


@pytest.fixture
def seiten(akte, sb):
    dok = dokument_mit_text(akte, "Antrag auf Fiktionsbescheinigung\nBitte um Verlängerung", user=sb)
    return {
        "arbeitsplatz": "/",
        "akte": f"/akten/{akte.pk}/",
        "dokument": f"/dokumente/{dok.pk}/",
        "suche_volltext": "/suche/?q=Fiktionsbescheinigung",
        "suche_name": "/suche/?q=Öztürk",
    }


def _abfragen(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("seite", sorted(DECKE))
def test_each_caseworker_page_stays_under_its_query_ceiling(client_sb, seiten, seite):
    resolve(seiten[seite].split("?")[0])  # a removed page fails here, it is never skipped
    client_sb.get("/")  # the first request of a session writes its activity stamp
    abfragen = _abfragen(client_sb, seiten[seite])
    assert len(abfragen) <= DECKE[seite], "\n".join(abfragen)


def test_the_search_finds_by_name_and_by_full_text_with_the_indexed_queries(client_sb, seiten, akte):
    html = client_sb.get(seiten["suche_name"]).content.decode()
    assert akte.aktenzeichen in html
    html = client_sb.get(seiten["suche_volltext"]).content.decode()
    assert "<mark>Fiktionsbescheinigung</mark>" in html
    # An Aktenzeichen prefix, lower case, finds the file too (UPPER(...) LIKE on its own index).
    html = client_sb.get("/suche/", {"q": akte.aktenzeichen[:8].lower()}).content.decode()
    assert akte.aktenzeichen in html


def test_an_ordinary_page_view_does_not_write_the_session(client_sb, seiten):
    client_sb.get("/")
    for url in seiten.values():
        abfragen = _abfragen(client_sb, url)
        assert not [q for q in abfragen if q.startswith("UPDATE") and "django_session" in q], url


def test_the_activity_stamp_is_refreshed_once_a_minute_and_idle_logout_still_works(client_sb, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client_sb.get("/")
    session = client_sb.session
    session[IDLE_KEY] = time.time() - IDLE_SCHREIBABSTAND - 1
    session.save()
    vorher = client_sb.session[IDLE_KEY]
    assert client_sb.get("/").status_code == 200
    assert client_sb.session[IDLE_KEY] > vorher + IDLE_SCHREIBABSTAND  # refreshed: the user was active
    session = client_sb.session
    session[IDLE_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    r = client_sb.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/anmelden/")


def test_access_facts_are_one_query_with_the_substitutions(sb, kollegin):
    heute = dt.date.today()
    vertretung_anlegen(abwesend=kollegin, vertretung=sb, von=heute, bis=heute + dt.timedelta(days=3), user=kollegin)
    sb = type(sb).objects.get(pk=sb.pk)
    with CaptureQueriesContext(connection) as ctx:
        z = zugang(sb)
    assert len(ctx.captured_queries) == 1
    assert z.rolle == Rolle.SACHBEARBEITUNG and z.vertretene_ids == (kollegin.pk,)
    ohne = f.UserFactory()
    assert zugang(ohne).behoerde_id is None and zugang(ohne).vertretene_ids == ()


def test_new_passwords_are_argon2id_at_least_at_the_owasp_parameters_and_old_ones_upgrade(settings, sb):
    settings.PASSWORD_HASHERS = [
        "dms.passwort.Argon2idPasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    sb.set_password("Ein-langes-Passwort-2026")
    sb.save()
    assert sb.password.startswith("argon2$argon2id$")
    parameter = dict(p.split("=") for p in sb.password.split("$")[3].split(","))
    assert int(parameter["m"]) >= OWASP_SPEICHER_KIB and int(parameter["t"]) >= OWASP_DURCHLAEUFE
    # A hash of an earlier install (PBKDF2) still logs in and is replaced by Argon2id at that login.
    sb.password = PBKDF2PasswordHasher().encode("Altes-Passwort-2020!", "salzsalzsalz")
    sb.save()
    c = Client()
    antwort = c.post("/anmelden/", {"username": sb.username, "password": "Altes-Passwort-2020!"})
    assert antwort.status_code == 302
    sb.refresh_from_db()
    assert identify_hasher(sb.password).algorithm == "argon2"

"""CSRF on every state-changing request with a session, stored XSS everywhere, and loosely typed input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from dms.models import Akte, Dokument, DokumentVersion, Person, Rolle, Vorgang, Wiedervorlage
from tests import factories as f

from .conftest import EIGEN, eigene_daten
from .routen import alle_routen, id_wert

pytestmark = pytest.mark.django_db

SCHREIBEND = ("post", "put", "patch", "delete")
# Routes of outside systems that authenticate by a signature over the body, never by the session cookie (so CSRF
# does not apply): with a session and no signature they must refuse (401/403) or not allow the method (405).
SIGNIERT = {"postausgang-rueckmeldung", "eingang-einreichung"}
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def _text(r) -> str:
    if getattr(r, "streaming", False):
        return b"".join(r.streaming_content).decode(errors="replace")
    return r.content.decode(errors="replace")


def test_csrf_is_enforced_on_every_state_changing_request_with_a_session():
    """Every route, every writing method, logged in by session, no token: 403 from the CSRF check, nothing changes."""
    w = eigene_daten()
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.rollen[Rolle.BEHOERDENADMIN])
    vorher = (Akte.objects.count(), Person.objects.count(), Dokument.objects.count(), Vorgang.objects.count())
    fehler = []
    for route in alle_routen():
        url = route.url(id_wert(EIGEN))
        for methode in SCHREIBEND:
            r = getattr(client, methode)(url, data={"x": "1"})
            if route.name in SIGNIERT and r.status_code in (401, 403, 405):
                continue
            if r.status_code != 403:
                fehler.append(f"{methode.upper()} {url}: {r.status_code} ohne CSRF-Token")
    assert not fehler, "\n".join(fehler)
    assert vorher == (Akte.objects.count(), Person.objects.count(), Dokument.objects.count(), Vorgang.objects.count())


def test_api_with_session_needs_csrf_but_with_token_not(sachbearbeitung):
    from rest_framework.authtoken.models import Token

    person = f.PersonFactory()
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(sachbearbeitung)
    r = session.post("/api/v1/akten/", {"person": person.pk}, format="json")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    token = Token.objects.create(user=sachbearbeitung)
    mit_token = APIClient(enforce_csrf_checks=True)
    r = mit_token.post("/api/v1/akten/", {"person": person.pk}, format="json", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert r.status_code == 201


def test_a_session_request_without_token_is_403_whatever_its_body_and_cookie(sachbearbeitung):
    """A JSON-only API view answered a form body without token with 415 once the browser held a CSRF cookie (the
    token check parsed the body first): the refusal must be the CSRF 403, with and without a cookie."""
    for mit_cookie in (False, True):
        session = APIClient(enforce_csrf_checks=True)
        session.force_login(sachbearbeitung)
        if mit_cookie:
            assert session.get("/").status_code == 200  # a page with a form sets the CSRF cookie
            assert "csrftoken" in session.cookies
        for daten, format_ in (({"azr_nummer": "1", "kennung": "x"}, "multipart"), ({"azr_nummer": "1"}, "json")):
            r = session.post("/api/v1/fachverfahren/verknuepfen/", daten, format=format_)
            assert r.status_code == 403 and "CSRF" in r.json()["detail"], (mit_cookie, format_, r.status_code)


def _xss_welt():
    """Payloads in names, titles, file names, notes, recognised text, procedure subjects and user names."""
    w = eigene_daten()
    a, b = XSS
    p = w.eigen.person
    Person.objects.filter(pk=p.pk).update(familienname=a, vornamen=b, geburtsort=a, namensvarianten=[b])
    Dokument.objects.filter(pk=w.eigen.dokument.pk).update(titel=a, text=f"Erkannt {b} {a}", art=b)
    DokumentVersion.objects.filter(dokument=w.eigen.dokument).update(dateiname=b + ".pdf", text=a)
    Vorgang.objects.filter(pk=w.eigen.vorgang.pk).update(betreff=b)
    Wiedervorlage.objects.create(
        akte=w.eigen.akte, vorgang=w.eigen.vorgang, faellig_am=dt.date(2026, 1, 1), notiz=a,
        zustaendig=w.sachbearbeitung, angelegt_von=w.sachbearbeitung,
    )  # fmt: skip
    vermerk = f.DokumentFactory(akte=w.eigen.akte, titel=b, text=a, quelle=Dokument.Quelle.VERMERK)
    f.DokumentVersionFactory(dokument=vermerk, dateiname=a)
    w.sachbearbeitung.first_name = a
    w.sachbearbeitung.last_name = b
    w.sachbearbeitung.save()
    w.team.name = b
    w.team.save()
    return w


def test_stored_xss_payloads_render_escaped_on_every_page():
    w = _xss_welt()
    client = Client()
    client.force_login(w.sachbearbeitung)
    fehler = []
    gesehen_escaped = 0
    for route in alle_routen():
        if route.ist_api or route.ist_admin:
            continue
        url = route.url(id_wert(EIGEN))
        for params in ({}, {"q": "Erkannt"}):
            r = client.get(url, params)
            if not r.get("Content-Type", "").startswith("text/html"):
                continue
            text = _text(r)
            for payload in XSS:
                if payload in text or "<img src=x onerror" in text:
                    fehler.append(f"{url}: ungeschützt {payload}")
            gesehen_escaped += "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert not fehler, "\n".join(fehler)
    assert gesehen_escaped >= 2, "die Nutzlast erscheint auf keiner Seite: Testaufbau prüfen"


def test_stored_xss_in_admin_renders_escaped():
    w = _xss_welt()
    admin_user = w.rollen[Rolle.BEHOERDENADMIN]
    admin_user.is_superuser = True  # sees every admin page; escaping is what is tested here
    admin_user.is_staff = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    fehler = []
    for route in alle_routen():
        if not route.ist_admin:
            continue
        url = route.url(id_wert(EIGEN))
        r = client.get(url)
        if r.status_code == 200 and r.get("Content-Type", "").startswith("text/html"):
            text = _text(r)
            for payload in XSS:
                if payload in text:
                    fehler.append(f"{url}: ungeschützt {payload}")
    assert not fehler, "\n".join(fehler)


def test_api_returns_payloads_as_plain_json_strings():
    w = _xss_welt()
    api = APIClient()
    api.force_authenticate(w.sachbearbeitung)
    r = api.get(f"/api/v1/akten/{EIGEN}/")
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["person_daten"]["familienname"] == XSS[0]
    r = api.get(f"/api/v1/dokumente/{EIGEN}/")
    assert r.json()["titel"] == XSS[0]
    r = api.get("/api/v1/personen/")
    assert XSS[1] in json.dumps(r.json(), ensure_ascii=False)


# --- input coercion --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wert", ["true", "1", 1, True, ["true"], {"a": 1}, "ja", 10**30])
def test_loose_restriction_flags_never_restrict_for_a_caseworker(api, sachbearbeitung, wert):
    person = f.PersonFactory()
    fremde_vorher = Akte.objects.exclude(behoerde__kuerzel="OF").count()
    r = api.post(
        "/api/v1/akten/",
        {"person": person.pk, "gesperrt": wert, "behoerde": f.behoerde("HP").pk, "is_superuser": True},
        format="json",
    )
    assert r.status_code in (201, 400), r.content
    assert not Akte.objects.filter(person=person, gesperrt=True).exists()
    assert Akte.objects.exclude(behoerde__kuerzel="OF").count() == fremde_vorher
    sachbearbeitung.refresh_from_db()
    assert not sachbearbeitung.is_superuser and not sachbearbeitung.is_staff


@pytest.mark.parametrize(
    "extra",
    [
        {"behoerde": "HP"},
        {"behoerde": [1, 2]},
        {"is_superuser": "true", "is_staff": "1"},
        {"status": "abgegeben"},
        {"aktenzeichen": "HP-2026-1"},
        {"version": 10**30},
        {"rolle": "behoerdenadmin"},
        {"team": 10**20},
        {"sachbearbeitung": "1 OR 1=1"},
    ],
)
def test_unknown_or_read_only_fields_never_raise_privileges(api, sachbearbeitung, extra):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    r = api.patch(f"/api/v1/akten/{akte.pk}/", {"medium": "hybrid", "version": 1, **extra}, format="json")
    assert r.status_code in (200, 400, 409), r.content
    akte.refresh_from_db()
    assert akte.behoerde.kuerzel == "OF" and akte.status == "aktiv" and akte.aktenzeichen.startswith("OF-")
    sachbearbeitung.refresh_from_db()
    assert not sachbearbeitung.is_superuser and not sachbearbeitung.is_staff
    assert sachbearbeitung.mitgliedschaft.rolle == Rolle.SACHBEARBEITUNG


@pytest.mark.parametrize(
    "pfad",
    [
        "/api/v1/akten/99999999999999999999999999/",
        "/api/v1/akten/-1/",
        "/api/v1/akten/1e5/",
        "/api/v1/akten/?akte=99999999999999999999999",
        "/api/v1/dokumente/?akte=99999999999999999999999",
        "/api/v1/vorgaenge/?akte=99999999999999999999999",
        "/api/v1/akten/?geburtsdatum=2026-13-45",
        "/api/v1/akten/?q=%00",
        "/api/v1/protokoll/?user=99999999999999999999999",
        "/api/v1/dokumente/99999999999999999999999/datei/",
        "/api/v1/personen/99999999999999999999999/",
    ],
)
def test_huge_and_malformed_ids_never_give_500(api, pfad):
    r = api.get(pfad)
    assert r.status_code in (200, 400, 403, 404), (pfad, r.status_code)


def test_substitution_dates_and_grant_end_from_the_form_are_validated(client, sachbearbeitung):
    client.force_login(sachbearbeitung)
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    r = client.post(
        f"/sicherheit/akten/{akte.pk}/einsichten/",
        {"behoerde": f.behoerde("HP").pk, "bis": (dt.date.today() - dt.timedelta(days=3)).isoformat(), "grund": "x"},
    )
    assert r.status_code == 200 and "Zukunft" in r.content.decode()
    assert not akte.einsichten.exists()
    r = client.post(
        f"/sicherheit/akten/{akte.pk}/einsichten/",
        {"behoerde": f.behoerde("HP").pk, "bis": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "grund": "x"},
    )
    assert r.status_code == 302 and akte.einsichten.count() == 1

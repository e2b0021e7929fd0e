"""ACCESS MATRIX: every URL pattern and API route, walked automatically, against anonymous users, another
authority, restricted files and ended inspection grants. A route added later is covered the day it is added.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dms.models import Akte, Dokument, Vorgang

from .conftest import (
    EIGEN,
    EIGEN_MARKER,
    EINSICHT_ABGELAUFEN,
    EINSICHT_MARKER,
    EINSICHT_WIDERRUFEN,
    FREMD,
    FREMD_MARKER,
    GESPERRT,
    GESPERRT_MARKER,
    eigene_daten,
    fremde_daten,
)
from .routen import Route, alle_routen, id_wert

pytestmark = pytest.mark.django_db

ROUTEN = alle_routen()
GESCHUETZT = [r for r in ROUTEN if not r.oeffentlich]
ID_ROUTEN = [r for r in GESCHUETZT if r.hat_ids]
LISTEN = [r for r in GESCHUETZT if not r.hat_ids]
NIE_VERGEBEN = 123456789
VERBORGEN = (FREMD_MARKER, GESPERRT_MARKER, EINSICHT_MARKER)
# Query strings every list, search and autocomplete gets, aimed at the hidden objects.
SUCHPARAMETER: list[dict[str, Any]] = [
    {},
    {"q": FREMD_MARKER},
    {"q": GESPERRT_MARKER},
    {"q": EINSICHT_MARKER},
    {"q": f"HP-2026-{FREMD}"},
    {"aktenzeichen": f"HP-2026-{FREMD}"},
    {"azr_nummer": f"{FREMD:012d}"},
    {"familienname": FREMD_MARKER},
    {"akte": FREMD},
    {"akte": GESPERRT},
    {"term": FREMD_MARKER},
    {"search": FREMD_MARKER},
    {"behoerde": "HP"},
]


def _ids(routen: list[Route]) -> list[str]:
    return [r.name or r.regex for r in routen]


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _login_urls() -> tuple[str, ...]:
    return (reverse("login"), reverse("admin:login"))


def test_the_walk_finds_the_routes_of_every_app():
    """Guards the walker itself: if it found nothing, every other test here would pass vacuously."""
    namen = {r.name for r in ROUTEN}
    assert {"akte-list", "akte-detail", "dokument-datei", "api-protokoll", "vertretungen"} <= namen
    assert len(ID_ROUTEN) >= 10 and len(LISTEN) >= 5
    for r in ROUTEN:
        if r.hat_ids:
            assert r.url(id_wert(1)) is not None, f"Route {r.regex} lässt sich nicht bilden: Walker erweitern"


@pytest.mark.parametrize("route", GESCHUETZT, ids=_ids(GESCHUETZT))
def test_anonymous_is_sent_to_login_or_refused(route: Route, client: Client):
    url = route.url(id_wert(FREMD))
    assert url is not None
    for methode in ("get", "post"):
        r = getattr(client, methode)(url)
        if route.ist_api:
            assert r.status_code in (401, 403), f"{methode.upper()} {url}: {r.status_code}"
        elif r.status_code == 405:
            continue  # the method is not offered at all
        else:
            assert r.status_code == 302, f"{methode.upper()} {url}: {r.status_code}"
            assert r["Location"].startswith(_login_urls()), f"{url} leitet nach {r['Location']} um"
        assert FREMD_MARKER not in _text(r)


def _zustand(w: Any) -> tuple:
    """What a refused write must leave untouched on the other authority's file."""
    akte = Akte.objects.get(pk=w.fremd.akte.pk)
    return (
        akte.version,
        akte.status,
        akte.gesperrt,
        akte.sachbearbeitung_id,
        Dokument.objects.filter(akte=akte).count(),
        Vorgang.objects.filter(akte=akte).count(),
        Vorgang.objects.get(pk=FREMD).version,
        akte.einsichten.count(),
    )


def test_other_authoritys_objects_are_404_for_every_route(welt):
    """One world, every id route; all findings are collected and reported together."""
    client = Client()
    client.force_login(welt.sachbearbeitung)
    vorher = _zustand(welt)
    fehler: list[str] = []
    for route in ID_ROUTEN:
        url = route.url(id_wert(FREMD))
        url_fehlt = route.url(id_wert(NIE_VERGEBEN))
        r = client.get(url)
        # 405: the route offers no GET at all, whatever the object (its POST is checked below).
        erwartet = (302, 404, 405) if route.ist_admin else (404, 405)  # admin: not staff -> admin login
        if r.status_code not in erwartet:
            fehler.append(f"GET {url}: {r.status_code} (erwartet {erwartet})")
        if any(m in _text(r) for m in VERBORGEN):
            fehler.append(f"GET {url} zeigt fremde Daten")
        for methode in ("post", "patch", "put", "delete"):
            r = getattr(client, methode)(url, data={}, content_type="application/json")
            if r.status_code not in (302, 403, 404, 405):
                # Anything else must not depend on the object existing: compare with an id nobody has.
                leer = getattr(client, methode)(url_fehlt, data={}, content_type="application/json")
                if r.status_code != leer.status_code:
                    fehler.append(
                        f"{methode.upper()} {url}: {r.status_code}, für eine nie vergebene id {leer.status_code}"
                    )
            if any(m in _text(r) for m in VERBORGEN):
                fehler.append(f"{methode.upper()} {url} zeigt fremde Daten")
        if _zustand(welt) != vorher:
            fehler.append(f"{url} hat die fremde Akte verändert")
            vorher = _zustand(welt)
    assert not fehler, "\n".join(fehler)


def _zeigt_fremde_zeilen(r: Any) -> bool:
    """A changelist's rows (not the page text: the search box echoes the query) hold another authority's data."""
    cl = (r.context or {}).get("cl") if hasattr(r, "context") and r.context is not None else None
    if cl is None:
        return False
    return any(m in str(obj) for obj in cl.result_list for m in VERBORGEN)


def test_authority_admin_sees_no_other_authoritys_objects_in_admin(welt):
    from dms.admin import behoerdenadmin_gruppe
    from dms.models import Rolle

    admin_user = welt.rollen[Rolle.BEHOERDENADMIN]
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    admin_user.groups.add(behoerdenadmin_gruppe())  # her real admin rights, so the filtering itself is exercised
    client = Client()
    client.force_login(admin_user)
    fehler: list[str] = []
    listen_gesehen = 0
    admin_routen = [r for r in ROUTEN if r.ist_admin and not r.oeffentlich]
    assert admin_routen
    for route in admin_routen:
        url = route.url(id_wert(FREMD))
        r = client.get(url)
        # The app index (/admin/dms/) takes the app label, not an object id.
        if route.hat_ids and not (route.name or "").endswith("app_list") and r.status_code not in (302, 403, 404):
            fehler.append(f"GET {url}: {r.status_code}")
        if r.status_code == 302 and r["Location"] == f"{url}change/":
            r = client.get(r["Location"])  # Django's redirect of the old object URL, whether it exists or not
            if r.status_code not in (302, 403, 404):
                fehler.append(f"GET {url}change/: {r.status_code}")
        if r.status_code == 302 and str(FREMD) in r["Location"] and not r["Location"].startswith(_login_urls()):
            fehler.append(f"GET {url} leitet zum fremden Objekt weiter: {r['Location']}")
        if any(m in _text(r) for m in VERBORGEN) or _zeigt_fremde_zeilen(r):
            fehler.append(f"GET {url} zeigt fremde Daten")
        if not route.hat_ids:
            r = client.get(url, {"q": FREMD_MARKER})
            if _zeigt_fremde_zeilen(r):
                fehler.append(f"GET {url}?q= zeigt fremde Daten")
            if r.status_code == 200 and r.context is not None and r.context.get("cl") is not None:
                listen_gesehen += 1
    assert not fehler, "\n".join(fehler)
    # Not vacuous: she really opens her authority's change lists (Akten, Personen, Dokumente, ...).
    assert listen_gesehen >= 5, listen_gesehen


def _ausgenommen(route: Route, rolle: str) -> str | None:
    """The only exemptions from "nothing changes", each with its reason."""
    if rolle == "land" and "foerderung" in (route.name or route.regex) + route.regex:
        return "Matrix foerderung_alle: das Land sieht die Förderzahlen aller Behörden"
    if "protokoll" in (route.name or "") + route.regex:
        return "das Protokoll wächst mit jeder Abfrage (auch dieser) und zeigt die eigenen Suchbegriffe"
    return None


def _abfragen(client: Client, rolle: str) -> dict[tuple[str, str], tuple[int, Any]]:
    """Every list/search/count/autocomplete route with every query string: status and count (API) per URL."""
    ergebnis = {}
    for route in LISTEN:
        if _ausgenommen(route, rolle):
            continue
        url = route.url(id_wert(FREMD))
        for params in SUCHPARAMETER if not route.ist_admin else SUCHPARAMETER[:2]:
            r = client.get(url, params)
            text = _text(r)
            # A page may repeat the query itself ("nothing found for X"); what must not appear is the hidden data.
            echo = " ".join(str(v) for v in params.values())
            verboten = [m for m in VERBORGEN if m not in echo] + [
                f"{m}{suffix}" for m in VERBORGEN for suffix in ("vorname", " Schreiben", " Betreff")
            ]
            for marker in verboten:
                assert marker not in text, f"GET {url}?{params} zeigt {marker}"
            anzahl = None
            if r.status_code == 200 and r.get("Content-Type", "").startswith("application/json"):
                daten = json.loads(text)
                if isinstance(daten, dict):
                    anzahl = daten.get("count", len(daten.get("results", [])) if "results" in daten else None)
                elif isinstance(daten, list):
                    anzahl = len(daten)
            ergebnis[(url, json.dumps(params))] = (r.status_code, anzahl)
    return ergebnis


@pytest.mark.parametrize(
    "rolle", ["sachbearbeitung", "poststelle", "teamleitung", "behoerdenadmin", "land", "revision"]
)
def test_other_authoritys_data_is_absent_from_every_list_search_and_count(rolle, db):
    """Each list is asked twice: before and after the other authority's data exist. Nothing may change."""
    w = eigene_daten()
    user = w.rollen[rolle]
    user.is_staff = rolle == "behoerdenadmin"
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    vorher = _abfragen(client, rolle)
    fremde_daten(w)
    nachher = _abfragen(client, rolle)
    fehler = [f"{k}: vorher {vorher[k]}, nachher {v}" for k, v in nachher.items() if v != vorher[k]]
    assert not fehler, "\n".join(fehler)


def test_restricted_file_and_ended_grants_are_404(welt):
    """Where a route shows our ordinary file, it must hide a restricted one (unless named) and ended grants."""
    sb = Client()
    sb.force_login(welt.sachbearbeitung)
    namentlich = Client()
    namentlich.force_login(welt.namentlich)
    fehler: list[str] = []
    geprueft = 0
    for route in ID_ROUTEN:
        if route.ist_admin:
            continue
        url_eigen = route.url(id_wert(EIGEN))
        if sb.get(url_eigen).status_code != 200:
            continue  # the route is about another kind of object, or needs POST
        geprueft += 1
        for pk in (GESPERRT, EINSICHT_ABGELAUFEN, EINSICHT_WIDERRUFEN):
            url = route.url(id_wert(pk))
            r = sb.get(url)
            if r.status_code != 404:
                fehler.append(f"GET {url}: {r.status_code} (erwartet 404)")
            if any(m in _text(r) for m in VERBORGEN):
                fehler.append(f"GET {url} zeigt verborgene Daten")
        if namentlich.get(url_eigen).status_code == 200:
            url = route.url(id_wert(GESPERRT))
            if namentlich.get(url).status_code != 200:
                fehler.append(f"namentlich Freigegebene sieht {url} nicht")
    assert geprueft >= 4, "zu wenige Routen zeigen die eigene Akte: Testaufbau prüfen"
    assert not fehler, "\n".join(fehler)


@pytest.mark.parametrize("rolle", ["land", "revision"])
def test_land_and_revision_see_no_personal_file_content_anywhere(rolle, welt):
    client = Client()
    client.force_login(welt.rollen[rolle])
    fehler: list[str] = []
    for route in GESCHUETZT:
        url = route.url(id_wert(EIGEN))
        r = client.get(url)
        if EIGEN_MARKER in _text(r):
            fehler.append(f"{rolle} sieht personenbezogene Daten unter {url}")
        if route.hat_ids and not route.ist_admin and r.status_code == 200 and route.name != "behoerde-detail":
            fehler.append(f"{rolle}: GET {url} = 200")
    assert not fehler, "\n".join(fehler)

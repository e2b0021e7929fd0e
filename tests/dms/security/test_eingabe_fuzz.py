"""Issue 10, item 8: no query parameter of any route answers 500, whatever digits it gets.

The parameter names are read from the source (every `GET.get("…")`, `query_params.get("…")`, `params.get("…")`), and
the routes come from the URL walker: a new parameter or a new endpoint is fuzzed the day it is added.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from dms.eingaben import id_lesen

from .conftest import EIGEN
from .routen import alle_routen, id_wert

pytestmark = pytest.mark.django_db

_PARAMETER = re.compile(r"""(?:GET|query_params|params|POST)\.get\(\s*["']([a-z_]+)["']""")
# Unicode digits that str.isdigit() accepts but int() refuses or misreads, a bigint overflow, and odd numbers.
WERTE = ["²", "١٢", "9" * 30, "-1", "1e3", "0x10", " 1 "]


def parameter_namen() -> list[str]:
    namen: set[str] = set()
    for app in ("dms", "scanning", "foerderung"):
        for datei in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            namen.update(_PARAMETER.findall(datei.read_text(encoding="utf-8")))
    return sorted(namen)


def test_the_parameter_list_is_read_from_the_source():
    namen = parameter_namen()
    assert {"akte", "vorgang", "user", "q", "status"} <= set(namen), namen


def test_id_lesen_takes_only_plain_ascii_ids():
    assert [id_lesen(w) for w in WERTE] == [None, None, None, None, None, None, 1]
    assert id_lesen("42") == 42 and id_lesen(None) is None and id_lesen(True) is None


def test_no_route_answers_500_for_any_parameter_with_odd_digits(welt):
    client = Client(raise_request_exception=False)
    client.force_login(welt.sachbearbeitung)
    namen = parameter_namen()
    fehler: list[str] = []
    geprueft = 0
    for route in alle_routen():
        if route.oeffentlich or route.ist_admin:
            continue
        url = route.url(id_wert(EIGEN))
        if url is None or client.get(url).status_code in (404, 405):
            continue  # the route is about another kind of object, or offers no GET
        for wert in WERTE:
            r = client.get(url, dict.fromkeys(namen, wert))
            geprueft += 1
            if r.status_code >= 500:
                fehler.append(f"GET {url} mit {wert!r}: {r.status_code}")
        # One parameter at a time too (a parameter refused early could hide a later one): the Unicode digit.
        for name in namen:
            r = client.get(url, {name: "²"})
            if r.status_code >= 500:
                fehler.append(f"GET {url}?{name}=²: {r.status_code}")
    assert geprueft > 50
    assert not fehler, "\n".join(sorted(set(fehler)))

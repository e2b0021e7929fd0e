"""Issue 10, item 9: the API schema and docs are behind login, Swagger UI comes from our own origin, same CSP."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from dms.models import Rolle
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script="])
def test_schema_and_docs_refuse_anonymous_users(client, url):
    r = client.get(url)
    assert r.status_code in (401, 403), r.status_code
    assert b"openapi" not in r.content.lower()


def test_docs_load_only_own_assets_under_the_same_csp():
    client = Client()
    client.force_login(f.benutzer("OF", Rolle.SACHBEARBEITUNG))
    r = client.get("/api/v1/docs/")
    assert r.status_code == 200
    assert r["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    html = r.content.decode()
    quellen = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert quellen, html
    for quelle in quellen:
        assert quelle.startswith("/"), f"fremder Ursprung: {quelle}"
    assert not re.search(r"<script>\s*\S", html), "Inline-Skript verstößt gegen script-src 'self'"
    for quelle in quellen:
        if quelle.startswith(settings.STATIC_URL):
            pfad = quelle[len(settings.STATIC_URL) :].split("?")[0]
            assert finders.find(pfad), f"nicht mitgeliefert: {pfad}"
    # The start script is a file of its own, behind login too.
    skript = next(q for q in quellen if "script" in q and q.startswith("/api/v1/docs/"))
    assert client.get(skript).status_code == 200
    assert client.get("/api/v1/schema/").status_code == 200

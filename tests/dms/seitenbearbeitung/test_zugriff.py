"""Who may edit pages: another authority and a restricted file answer 404, a read-only role 403, a handed-over or
closed file is refused; nothing changes in any of these cases."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from dms.models import Akte, Rolle
from dms.services.berechtigungen import freigabe_erteilen
from tests import factories as f

from .hilfen import ablegen

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    c = APIClient()
    c.force_authenticate(user)
    return c


def _drehen(user, dok):  # type: ignore[no-untyped-def]
    return _api(user).post(f"/api/v1/dokumente/{dok.pk}/seiten/", {"aktion": "drehen", "seiten": [1], "grad": 90})


def test_other_authority_gets_404_api_page_and_thumbnail(sachbearbeitung, fremde_sachbearbeitung):
    dok = ablegen(f.AkteFactory(sachbearbeitung=sachbearbeitung), "Brief", 2)
    assert _drehen(fremde_sachbearbeitung, dok).status_code == 404
    c = Client()
    c.force_login(fremde_sachbearbeitung)
    antwort = c.post(f"/dokumente/{dok.pk}/seiten/bearbeiten/", {"aktion": "links", "seite": 1, "version": 1})
    assert antwort.status_code == 404
    assert c.get(f"/dokumente/{dok.pk}/vorschau/1.png").status_code == 404
    assert dok.versionen.count() == 1


def test_restricted_file_is_404_for_those_not_named_on_it(sachbearbeitung):
    kollegin = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung, gesperrt=True)
    dok = ablegen(akte, "Gesperrt", 2)
    assert _drehen(kollegin, dok).status_code == 404
    freigabe_erteilen(akte=akte, person=kollegin, user=f.benutzer("OF", Rolle.TEAMLEITUNG))
    assert _drehen(kollegin, dok).status_code == 200
    assert dok.versionen.count() == 2


def test_read_only_role_is_refused(sachbearbeitung):
    dok = ablegen(f.AkteFactory(sachbearbeitung=sachbearbeitung), "Brief", 2)
    assert _drehen(f.benutzer("OF", Rolle.POSTSTELLE), dok).status_code == 403  # sees the file, may not change it
    for rolle in (Rolle.REVISION, Rolle.LAND):  # never see file content
        assert _drehen(f.benutzer("OF", rolle), dok).status_code in (403, 404)
    assert dok.versionen.count() == 1


@pytest.mark.parametrize("status", [Akte.Status.ABGEGEBEN, Akte.Status.GESCHLOSSEN])
def test_handed_over_or_closed_file_is_refused(sachbearbeitung, status):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dok = ablegen(akte, "Brief", 2)
    Akte.objects.filter(pk=akte.pk).update(status=status)
    antwort = _drehen(sachbearbeitung, dok)
    assert antwort.status_code in (400, 403, 404)
    assert antwort.status_code != 500
    assert dok.versionen.count() == 1


def test_merge_with_a_document_of_a_file_one_cannot_see_says_nothing_about_it(sachbearbeitung):
    dok = ablegen(f.AkteFactory(sachbearbeitung=sachbearbeitung), "Brief", 1)
    fremd = ablegen(f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP"))), "Fremd", 1)
    antwort = _api(sachbearbeitung).post(
        f"/api/v1/dokumente/{dok.pk}/seiten/", {"aktion": "zusammenfuehren", "dokument": fremd.pk}, format="json"
    )
    assert antwort.status_code == 400
    assert antwort.json() == {"dokument": ["In dieser Akte gibt es kein solches Dokument."]}
    fremd.refresh_from_db()
    assert fremd.ersetzt_am is None

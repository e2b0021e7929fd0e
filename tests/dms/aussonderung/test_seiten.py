"""The pages: the file shows its retention date and legal basis; the records officer's page lists, holds, offers and
asks for deletion; the Land's page shows numbers only; other roles are refused."""

from __future__ import annotations

import pytest
from django.test import Client

from dms.aussonderung.models import Anbietung, Loeschsperre
from dms.models import Rolle
from tests import factories as f

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_the_file_page_shows_date_and_legal_basis(akte_faellig):
    seite = _client(akte_faellig.sachbearbeitung).get(f"/akten/{akte_faellig.pk}/").content.decode()
    assert "Aufbewahrung bis" in seite and "§ 68 Abs. 2 AufenthV" in seite and "Tod am" in seite


def test_the_officer_page_lists_holds_and_offers(akte_faellig, beamter, archiv):
    c = _client(beamter)
    seite = c.get("/aussonderung/").content.decode()
    assert akte_faellig.aktenzeichen in seite and "§ 68 Abs. 2 AufenthV" in seite
    assert ">Aussonderung</a>" in seite  # in the navigation for the officer
    c.post("/aussonderung/sperren/", {"akte": akte_faellig.pk, "art": "ermittlung", "grund": "StA Darmstadt"})
    sperre = Loeschsperre.objects.get(akte=akte_faellig)
    seite = c.get("/aussonderung/").content.decode()
    assert "Ermittlungsverfahren" in seite and "StA Darmstadt" in seite
    assert f'name="akten" value="{akte_faellig.pk}"' not in seite  # a held file cannot be chosen
    c.post(f"/aussonderung/sperren/{sperre.pk}/aufheben/", {"grund": "eingestellt"})
    antwort = c.post("/aussonderung/anbieten/", {"akten": [akte_faellig.pk]}, follow=True)
    assert "angeboten" in antwort.content.decode()
    assert Anbietung.objects.filter(posten__akte=akte_faellig).exists()
    assert archiv.empfangen[-1][0] == "Aussonderung.Anbieteverzeichnis.0501"


def test_other_roles_get_no_aussonderung_page_and_no_navigation_entry(akte_faellig):
    c = _client(f.benutzer("OF", Rolle.SACHBEARBEITUNG))
    assert c.get("/aussonderung/").status_code == 403
    assert ">Aussonderung</a>" not in c.get("/").content.decode()
    assert c.post("/aussonderung/anbieten/", {"akten": [akte_faellig.pk]}).status_code == 403


def test_the_land_page_shows_numbers(akte_faellig):
    seite = _client(f.benutzer("OF", Rolle.LAND)).get("/aussonderung/land/").content.decode()
    assert "Offenbach" in seite and akte_faellig.aktenzeichen not in seite
    assert _client(f.benutzer("OF", Rolle.SCHRIFTGUTVERWALTUNG)).get("/aussonderung/land/").status_code == 403


def test_the_caseworker_closes_a_file_on_its_page_and_sees_its_end(db):
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(sachbearbeitung=sb)
    c = _client(sb)
    assert "Akte abschließen" in c.get(f"/akten/{akte.pk}/").content.decode()
    seite = c.post(
        f"/akten/{akte.pk}/abschluss/", {"grund": "einreisesperre", "datum": "2020-03-01"}, follow=True
    ).content.decode()
    assert "Aufbewahrung bis" in seite and "01.03.2030" in seite and "§ 91 Abs. 1 AufenthG" in seite
    fehler = c.post(f"/akten/{akte.pk}/abschluss/", {"grund": "tod", "datum": "kein Datum"}, follow=True)
    assert "gültiges Datum" in fehler.content.decode()
    fremd = _client(f.benutzer("HP", Rolle.SACHBEARBEITUNG))
    assert fremd.post(f"/akten/{akte.pk}/abschluss/", {"grund": "tod", "datum": "2020-01-01"}).status_code == 404

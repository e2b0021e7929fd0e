"""Applications, deadline, grants within the budget (also under concurrency), visibility."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dms.models import Protokolleintrag, Rolle
from foerderung import services
from foerderung.models import Foerderantrag, Zuwendungsbescheid
from tests import factories as f

from .conftest import client_fuer

pytestmark = pytest.mark.django_db


def test_application_after_deadline_is_refused_in_german(programm, admin_of):
    assert programm.antragsfrist == dt.date(2020, 12, 31)
    with pytest.raises(ValidationError) as err:
        services.antrag_stellen(behoerde=f.behoerde("OF"), akten_geplant=21000, blatt_geplant=3_525_000, user=admin_of)
    assert "Antragsfrist" in err.value.messages[0] and "31.12.2020" in err.value.messages[0]
    assert not Foerderantrag.objects.exists()


def test_land_records_paper_application_received_in_time(programm, land):
    antrag = services.antrag_stellen(
        behoerde=f.behoerde("HP"),
        akten_geplant=30_000,
        blatt_geplant=2_950_000,
        user=land,
        eingereicht_am=dt.date(2020, 3, 20),
    )
    assert antrag.betrag == Decimal("52000.00")
    assert (antrag.betrag_akten, antrag.betrag_blatt) == (Decimal("22500.00"), Decimal("29500.00"))
    assert Protokolleintrag.objects.filter(objekt_typ="foerderantrag", objekt_id=str(antrag.pk)).exists()
    # ...but never a receipt date after the deadline
    with pytest.raises(ValidationError, match="Antragsfrist"):
        services.antrag_stellen(
            behoerde=f.behoerde("OF"), akten_geplant=1, blatt_geplant=1, user=land, eingereicht_am=dt.date(2021, 1, 1)
        )


def test_authority_applies_before_deadline_once_and_cannot_backdate(offenes_programm, admin_of, admin_hp):
    antrag = services.antrag_stellen(behoerde=f.behoerde("OF"), akten_geplant=10, blatt_geplant=100, user=admin_of)
    assert antrag.betrag == Decimal("8.50") and antrag.eingereicht_am == dt.date.today()
    with pytest.raises(ValidationError, match="bereits einen Förderantrag"):
        services.antrag_stellen(behoerde=f.behoerde("OF"), akten_geplant=10, blatt_geplant=100, user=admin_of)
    with pytest.raises(ValidationError, match="Land"):
        services.antrag_stellen(
            behoerde=f.behoerde("HP"),
            akten_geplant=1,
            blatt_geplant=1,
            user=admin_hp,
            eingereicht_am=dt.date(2020, 1, 1),
        )
    # another authority's admin cannot apply for OF; a caseworker cannot apply at all
    with pytest.raises(ValidationError):
        services.antrag_stellen(behoerde=f.behoerde("OF"), akten_geplant=1, blatt_geplant=1, user=admin_hp)
    with pytest.raises(ValidationError):
        services.antrag_stellen(
            behoerde=f.behoerde("HP"), akten_geplant=1, blatt_geplant=1, user=f.benutzer("HP", Rolle.SACHBEARBEITUNG)
        )


def _antrag(land, kuerzel: str, akten: int, blatt: int = 0) -> Foerderantrag:
    return services.antrag_stellen(
        behoerde=f.behoerde(kuerzel),
        akten_geplant=akten,
        blatt_geplant=blatt,
        user=land,
        eingereicht_am=dt.date(2020, 5, 1),
    )


def test_grant_within_budget_and_not_more_than_applied(programm, land, admin_of):
    a = _antrag(land, "OF", 21000, 3_525_000)
    with pytest.raises(ValidationError, match="höchstens der beantragte"):
        services.bescheid_erteilen(
            antrag=a, betrag=Decimal("51000.01"), nummer="Z-1", datum=dt.date(2020, 3, 27), user=land
        )
    with pytest.raises(ValidationError, match="nur das Land"):
        services.bescheid_erteilen(
            antrag=a, betrag=Decimal("51000"), nummer="Z-1", datum=dt.date(2020, 3, 27), user=admin_of
        )
    b = services.bescheid_erteilen(
        antrag=a, betrag=Decimal("51000"), nummer="Z-1", datum=dt.date(2020, 3, 27), user=land
    )
    assert b.betrag == Decimal("51000.00")
    a.refresh_from_db()
    assert a.status == Foerderantrag.Status.BEWILLIGT
    with pytest.raises(ValidationError, match="bereits einen Zuwendungsbescheid"):
        services.bescheid_erteilen(antrag=a, betrag=Decimal("1"), nummer="Z-2", datum=dt.date(2020, 3, 27), user=land)


def test_sum_of_grants_never_exceeds_budget(programm, land):
    gross = _antrag(land, "F", 2_000_000)  # EUR 1.5 million applied
    klein = _antrag(land, "WI", 2)
    services.bescheid_erteilen(
        antrag=gross, betrag=Decimal("1499999.00"), nummer="Z-F", datum=dt.date(2020, 4, 1), user=land
    )
    with pytest.raises(ValidationError) as err:
        services.bescheid_erteilen(
            antrag=klein, betrag=Decimal("1.50"), nummer="Z-WI", datum=dt.date(2020, 4, 2), user=land
        )
    assert "Budget" in err.value.messages[0] and "1,00 EUR" in err.value.messages[0]
    services.bescheid_erteilen(
        antrag=klein, betrag=Decimal("1.00"), nummer="Z-WI", datum=dt.date(2020, 4, 2), user=land
    )
    summe = sum(b.betrag for b in Zuwendungsbescheid.objects.all())
    assert summe == programm.budget


def test_land_sees_all_authority_only_its_own(programm, land, admin_of, admin_hp):
    a_of = _antrag(land, "OF", 100, 1000)
    a_hp = _antrag(land, "HP", 200, 2000)
    assert set(Foerderantrag.objects.visible_to(land)) == {a_of, a_hp}
    assert list(Foerderantrag.objects.visible_to(admin_of)) == [a_of]
    assert list(Foerderantrag.objects.visible_to(f.benutzer("OF", Rolle.SACHBEARBEITUNG))) == []

    api_hp = client_fuer(admin_hp)
    assert api_hp.get(f"/api/v1/foerderung/antraege/{a_of.pk}/").status_code == 404
    r = api_hp.get("/api/v1/foerderung/antraege/")
    assert r.json()["count"] == 1 and r.json()["results"][0]["behoerde"] == "HP"
    assert client_fuer(land).get("/api/v1/foerderung/antraege/").json()["count"] == 2

    from django.test import Client

    web = Client()
    web.force_login(admin_hp)
    assert web.get(f"/foerderung/antrag/{a_of.pk}/").status_code == 404
    seite = web.get(f"/foerderung/antrag/{a_hp.pk}/")
    assert seite.status_code == 200 and "Einheitliche Aktenstruktur" in seite.content.decode()
    web.force_login(land)
    assert web.get(f"/foerderung/antrag/{a_of.pk}/").status_code == 200
    uebersicht = web.get("/foerderung/").content.decode()
    assert "Kreis Bergstraße" in uebersicht and "Offenbach" in uebersicht

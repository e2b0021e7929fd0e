"""Two grants racing for the last of the budget: the programme row lock lets exactly one through.

Runs with committed data and real concurrent connections (threads), so it does not use the `db` fixture.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dms.models import Mitgliedschaft, Rolle
from foerderung import services
from foerderung.models import Foerderantrag, Foerderprogramm, Zuwendungsbescheid
from tests import factories as f


def _antrag(land, kuerzel: str, akten: int) -> Foerderantrag:
    return services.antrag_stellen(
        behoerde=f.behoerde(kuerzel),
        akten_geplant=akten,
        blatt_geplant=0,
        user=land,
        eingereicht_am=dt.date(2020, 5, 1),
    )


@pytest.fixture
def echte_transaktionen(django_db_setup, django_db_blocker):
    """Committed rows that other connections can see, without pytest-django's flush (the audit table refuses
    TRUNCATE by design). The test's own rows are deleted afterwards; audit entries stay, as they must."""
    with django_db_blocker.unblock():
        from django.contrib.auth import get_user_model

        vorher = set(get_user_model().objects.values_list("pk", flat=True))
        yield
        Zuwendungsbescheid.objects.all().delete()
        Foerderantrag.objects.all().delete()
        neu = get_user_model().objects.exclude(pk__in=vorher)
        Mitgliedschaft.objects.filter(user__in=neu).delete()
        neu.update(is_active=False)  # the audit trail keeps referring to them


def test_two_grants_racing_for_the_budget_exactly_one_fits(echte_transaktionen):
    programm = Foerderprogramm.objects.get(aktiv=True)
    land = f.benutzer("RPDA", Rolle.LAND, user__username=f"rennen-{uuid.uuid4().hex[:8]}")
    a1 = _antrag(land, "OF", 1_200_000)  # EUR 900,000 each; budget 1.5 million: only one fits
    a2 = _antrag(land, "HP", 1_200_000)
    barriere = threading.Barrier(2)
    ergebnisse: list[str] = []

    def erteilen(antrag: Foerderantrag, nummer: str) -> None:
        try:
            barriere.wait(timeout=10)
            services.bescheid_erteilen(
                antrag=antrag, betrag=Decimal("900000"), nummer=nummer, datum=dt.date(2020, 5, 2), user=land
            )
            ergebnisse.append("ok")
        except ValidationError as exc:
            ergebnisse.append(exc.messages[0])
        except Exception as exc:  # surfaced in the assertion below
            ergebnisse.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=erteilen, args=(a, n)) for a, n in ((a1, "Z-OF"), (a2, "Z-HP"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert ergebnisse.count("ok") == 1, ergebnisse
    assert len(ergebnisse) == 2 and any("Budget" in e for e in ergebnisse), ergebnisse
    assert Zuwendungsbescheid.objects.count() == 1
    assert sum(b.betrag for b in Zuwendungsbescheid.objects.all()) <= programm.budget

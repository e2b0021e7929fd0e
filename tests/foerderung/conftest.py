from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from dms.models import Rolle
from foerderung.models import Foerderprogramm
from tests import factories as f


@pytest.fixture
def programm(db):
    """The programme loaded by the data migration from fixtures/foerderprogramm.json."""
    return Foerderprogramm.objects.get(aktiv=True)


@pytest.fixture
def offenes_programm(programm):
    """The same programme with a deadline not yet passed, for tests of what happens before the deadline."""
    programm.antragsfrist = dt.date.today() + dt.timedelta(days=30)
    programm.save()
    return programm


@pytest.fixture
def land(db):
    return f.benutzer("RPDA", Rolle.LAND)


@pytest.fixture
def admin_of(db):
    return f.benutzer("OF", Rolle.BEHOERDENADMIN)


@pytest.fixture
def admin_hp(db):
    return f.benutzer("HP", Rolle.BEHOERDENADMIN)


def client_fuer(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c

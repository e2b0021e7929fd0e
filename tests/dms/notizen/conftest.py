"""The desk tests' small authority (tests/dms/schreibtisch/conftest.py), plus a team lead who may restrict files."""

from __future__ import annotations

import pytest

from dms.models import Rolle
from tests import factories as f
from tests.dms.schreibtisch.conftest import amt  # noqa: F401 - the shared fixture


@pytest.fixture
def leitung(amt):  # noqa: F811
    return f.benutzer("OF", Rolle.TEAMLEITUNG, team=amt.team)

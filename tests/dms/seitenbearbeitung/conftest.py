"""A file of the logged-in caseworker for the page-editing tests."""

from __future__ import annotations

import pytest

from tests import factories as f


@pytest.fixture
def akte(sachbearbeitung):
    return f.AkteFactory(sachbearbeitung=sachbearbeitung)

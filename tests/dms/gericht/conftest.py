"""A test PKI for seals, qualified signatures and time-stamps, and the fake TSA (a real HTTP server)."""

from __future__ import annotations

import pytest

from .fake_dienste import FakeZeitstempeldienst
from .pki import blatt_erzeugen, ca_erzeugen, pem_schreiben, pkcs12_schreiben


@pytest.fixture
def siegel_pki(settings, tmp_path):
    ca = ca_erzeugen()
    siegel = blatt_erzeugen(ca, "Siegel Ausländerbehörde Offenbach")
    pkcs12_schreiben(tmp_path / "siegel.p12", siegel, ca, b"geheim")
    pem_schreiben(tmp_path / "ca.pem", ca)
    settings.SIEGEL_PKCS12 = str(tmp_path / "siegel.p12")
    settings.SIEGEL_PASSWORT = "geheim"
    settings.SIEGEL_VERTRAUENSANKER = [str(tmp_path / "ca.pem")]
    return ca


@pytest.fixture
def zeitstempeldienst(settings, tmp_path):
    """A TSA with its own CA (ZEITSTEMPEL_VERTRAUENSANKER), reachable at ZEITSTEMPEL_URL."""
    tsa_ca = ca_erzeugen("Test-TSA-CA")
    pem_schreiben(tmp_path / "tsa-ca.pem", tsa_ca)
    with FakeZeitstempeldienst(blatt_erzeugen(tsa_ca, "Test-Zeitstempeldienst", zeitstempel=True), tsa_ca) as dienst:
        settings.ZEITSTEMPEL_URL = dienst.url
        settings.ZEITSTEMPEL_VERTRAUENSANKER = [str(tmp_path / "tsa-ca.pem")]
        yield dienst

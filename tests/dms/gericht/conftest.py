"""A test PKI for seals, qualified signatures and time-stamps whose CAs publish CRLs and answer OCSP (a fake
CA server), and the fake TSA (real HTTP servers)."""

from __future__ import annotations

import pytest

from .fake_dienste import FakeZeitstempeldienst, FakeZertifizierungsstelle
from .pki import ca_erzeugen, pem_schreiben, pkcs12_schreiben


@pytest.fixture
def zertifizierungsstelle():
    """The test PKI's CRL and OCSP services (certificates issued by it name them)."""
    with FakeZertifizierungsstelle() as stelle:
        yield stelle


@pytest.fixture
def siegel_pki(settings, tmp_path, zertifizierungsstelle):
    ca = ca_erzeugen()
    siegel = zertifizierungsstelle.ausstellen(ca, "Siegel Ausländerbehörde Offenbach")
    zertifizierungsstelle.siegel = siegel
    pkcs12_schreiben(tmp_path / "siegel.p12", siegel, ca, b"geheim")
    pem_schreiben(tmp_path / "ca.pem", ca)
    settings.SIEGEL_PKCS12 = str(tmp_path / "siegel.p12")
    settings.SIEGEL_PASSWORT = "geheim"
    settings.SIEGEL_VERTRAUENSANKER = [str(tmp_path / "ca.pem")]
    return ca


@pytest.fixture
def zeitstempeldienst(settings, tmp_path, zertifizierungsstelle):
    """A TSA with its own CA (ZEITSTEMPEL_VERTRAUENSANKER), reachable at ZEITSTEMPEL_URL."""
    tsa_ca = ca_erzeugen("Test-TSA-CA")
    pem_schreiben(tmp_path / "tsa-ca.pem", tsa_ca)
    # the TSA's CA publishes only a CRL (the seal's and the QES CA answer OCSP): both protocols are exercised
    tsa = zertifizierungsstelle.ausstellen(tsa_ca, "Test-Zeitstempeldienst", zeitstempel=True, ocsp=False)
    with FakeZeitstempeldienst(tsa, tsa_ca) as dienst:
        settings.ZEITSTEMPEL_URL = dienst.url
        settings.ZEITSTEMPEL_VERTRAUENSANKER = [str(tmp_path / "tsa-ca.pem")]
        yield dienst

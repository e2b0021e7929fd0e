"""A test PKI for seals, qualified signatures and time-stamps whose CAs publish CRLs and answer OCSP (a fake
CA server), the fake TSA (real HTTP servers), and filing a sealed scan with its seal task run (`ablegen`)."""

from __future__ import annotations

import pytest

from dms.models import Dokument
from tests import factories as f

from .fake_dienste import FakeZeitstempeldienst, FakeZertifizierungsstelle
from .hilfen import scan_ablegen
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


POSTVERMERK = {"posteingang": 9, "eingeliefert_von": "Poststelle Offenbach, M. Schmidt", "eingegangen_am": "2026-11-30"}


@pytest.fixture
def ablegen(siegel_pki, zeitstempeldienst, sachbearbeitung, eager, django_capture_on_commit_callbacks):
    """File a scan as the Poststelle does; the seal's task (time-stamp, then validation data) runs after the
    commit as a worker would run it."""

    def ablegen() -> Dokument:
        with django_capture_on_commit_callbacks(execute=True):
            return scan_ablegen(f.AkteFactory(sachbearbeitung=sachbearbeitung), vermerk=POSTVERMERK)

    return ablegen

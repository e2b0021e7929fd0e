from __future__ import annotations

import json

import pytest
import redis
from django.conf import settings as django_settings

from dms.models import Rolle
from scanning.altakten import services as svc
from tests import factories as f


@pytest.fixture
def eingang(settings, tmp_path):
    """Authority OF's delivery folder `LIEFERUNGEN_PATH/OF` for this test (one subfolder per authority)."""
    settings.LIEFERUNGEN_PATH = str(tmp_path / "lieferungen")
    (tmp_path / "lieferungen" / "OF").mkdir(parents=True)
    return tmp_path / "lieferungen" / "OF"


@pytest.fixture
def projektleitung(db):
    return f.benutzer("OF", Rolle.BEHOERDENADMIN)


@pytest.fixture
def pruefer(db):
    return f.benutzer("OF", Rolle.SACHBEARBEITUNG)


@pytest.fixture
def akten(db):
    return [f.AkteFactory() for _ in range(3)]


@pytest.fixture
def los(projektleitung, akten):
    """A lot of three files, picked up by the provider."""
    los = svc.los_anlegen(behoerde=f.behoerde("OF"), akten=akten, user=projektleitung, blatt_geplant=30)
    return svc.los_status_setzen(los=los, nach="abgeholt", user=projektleitung)


@pytest.fixture
def altakten_queue():
    """The real Redis broker queue `altakten` under this test run's key prefix: emptied before and after."""
    r = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    schluessel = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] + "altakten"
    r.delete(schluessel)
    yield lambda: [json.loads(m) for m in r.lrange(schluessel, 0, -1)]
    r.delete(schluessel)


from tests.scanning.klassifikation.conftest import klassifikator_test, modell_datei, trainiert  # noqa: E402, F401

"""Adapter to an external signing service for the responsible person's QUALIFIED signature over a scan's transfer
note. No qualified trust service is reachable from this system; the tests run a fake service speaking this
protocol (tests/dms/gericht/fake_signaturdienst.py). A real provider (e.g. a CSC-API remote signing service) is
wired in here, behind the same two calls.

Protocol: POST {QES_DIENST_URL}/signaturen, `Authorization: Bearer {QES_DIENST_TOKEN}`, JSON
`{"referenz": <version uuid>, "unterzeichner": <user name>, "daten": <base64 of the bytes to sign>}`;
answer 200 `{"cms": <base64 DER of a detached CMS SignedData over the data>}`. The answer is checked (intact, valid,
chaining to SIEGEL_VERTRAUENSANKER) before it is stored: a service that signs something else is refused.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings

from dms.models import DokumentVersion

from .models import Siegel
from .siegel import _original_sha256, siegel_speichern, signatur_gueltig, signierte_daten

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SignaturdienstFehler(Exception):
    """The signing service could not be reached or answered with something unusable."""


def _anfragen(daten: bytes, referenz: str, unterzeichner: str) -> bytes:
    if not settings.QES_DIENST_URL:
        raise SignaturdienstFehler("Kein Signaturdienst eingerichtet (QES_DIENST_URL).")
    nutzlast = json.dumps(
        {"referenz": referenz, "unterzeichner": unterzeichner, "daten": base64.b64encode(daten).decode()}
    ).encode()
    anfrage = urllib.request.Request(  # noqa: S310 - URL from the operator's settings
        settings.QES_DIENST_URL.rstrip("/") + "/signaturen",
        data=nutzlast,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.QES_DIENST_TOKEN}"},
    )
    try:
        with urllib.request.urlopen(anfrage, timeout=settings.QES_ZEITLIMIT) as antwort:  # noqa: S310
            return base64.b64decode(json.loads(antwort.read(1 << 20))["cms"])
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError) as exc:
        raise SignaturdienstFehler(f"Signaturdienst: {type(exc).__name__}") from exc


def qes_anfordern(*, version: DokumentVersion, user: User) -> Siegel:
    """Have `user` confirm with a qualified signature that the scan matches the original."""
    daten = signierte_daten(version, _original_sha256(version))
    name = user.get_full_name() or user.get_username()
    signatur = _anfragen(daten, str(version.uuid), user.get_username())
    if not signatur_gueltig(daten, signatur):
        raise SignaturdienstFehler("Die Signatur des Dienstes ist ungültig oder nicht vertrauenswürdig.")
    return siegel_speichern(
        version=version,
        art=Siegel.Art.QES,
        daten=daten,
        signatur=signatur,
        unterzeichner=name,
        user=user,
        bestaetigt=name,
    )

"""Adapter to the state archive's transfer interface (the archive is outside this system).

Interface (docs/aussonderung.md): `POST {STAATSARCHIV_URL}/nachrichten` with the xdomea zip as body
(`Content-Type: application/zip`, header `X-Dateiname`), answered 2xx; `GET {STAATSARCHIV_URL}/antworten` lists the
archive's pending answers as JSON `[{"id", "dateiname", "inhalt" (base64 zip)}]`; `DELETE …/antworten/{id}` after
an answer has been processed. Bearer token `STAATSARCHIV_TOKEN`. The tests run it against a fake archive server
they start themselves (tests/dms/aussonderung/fake_archiv.py) that answers with schema-valid
0502, 0504, 0506 and 0507.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass

import requests
from django.conf import settings

logger = logging.getLogger("dms.aussonderung")


class ArchivFehler(Exception):
    def __init__(self, meldung: str) -> None:
        self.meldung = meldung
        super().__init__(meldung)


@dataclass(frozen=True)
class Antwort:
    id: str
    dateiname: str
    inhalt: bytes


def ist_konfiguriert() -> bool:
    return bool(settings.STAATSARCHIV_URL)


def _url(pfad: str) -> str:
    if not ist_konfiguriert():
        raise ArchivFehler("Für diese Installation ist keine Schnittstelle zum Staatsarchiv eingerichtet.")
    return settings.STAATSARCHIV_URL.rstrip("/") + pfad


def _kopf() -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.STAATSARCHIV_TOKEN}"}


def senden(dateiname: str, inhalt: bytes) -> None:
    """Hand one message (zip) to the archive."""
    try:
        antwort = requests.post(
            _url("/nachrichten"),
            data=inhalt,
            headers={**_kopf(), "Content-Type": "application/zip", "X-Dateiname": dateiname},
            timeout=settings.STAATSARCHIV_ZEITLIMIT,
        )
    except requests.RequestException as exc:
        raise ArchivFehler(f"Das Staatsarchiv ist nicht erreichbar ({type(exc).__name__}).") from exc
    if not 200 <= antwort.status_code < 300:
        raise ArchivFehler(f"Das Staatsarchiv hat die Nachricht abgelehnt (HTTP {antwort.status_code}).")
    logger.info("Aussonderung: Nachricht %s an das Staatsarchiv übergeben", dateiname)


def antworten_abholen() -> list[Antwort]:
    try:
        antwort = requests.get(_url("/antworten"), headers=_kopf(), timeout=settings.STAATSARCHIV_ZEITLIMIT)
        antwort.raise_for_status()
        daten = antwort.json()
        return [Antwort(str(a["id"]), str(a["dateiname"]), base64.b64decode(a["inhalt"], validate=True)) for a in daten]
    except (requests.RequestException, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ArchivFehler(
            f"Die Antworten des Staatsarchivs konnten nicht abgeholt werden ({type(exc).__name__})."
        ) from exc


def antwort_quittieren(antwort_id: str) -> None:
    try:
        requests.delete(_url(f"/antworten/{antwort_id}"), headers=_kopf(), timeout=settings.STAATSARCHIV_ZEITLIMIT)
    except requests.RequestException as exc:
        raise ArchivFehler(f"Das Staatsarchiv ist nicht erreichbar ({type(exc).__name__}).") from exc

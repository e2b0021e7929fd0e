"""Adapter to the hybrid-mail provider (E-Post style: the provider prints, inserts and posts the letter).

The provider is outside this system; the HTTP interface it must speak is written down in docs/postausgang.md. The
tests run it against a fake provider server (tests/dms/postausgang/fake_anbieter.py) started by the test itself.
Every error becomes `AnbieterFehler` with a German sentence; `endgueltig` says whether trying again can help.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

logger = logging.getLogger("dms.postausgang")


class AnbieterFehler(Exception):
    def __init__(self, meldung: str, *, endgueltig: bool = False) -> None:
        self.meldung = meldung
        self.endgueltig = endgueltig
        super().__init__(meldung)


@dataclass(frozen=True)
class Einlieferung:
    sendungsnummer: str
    status: str


def ist_konfiguriert() -> bool:
    return bool(settings.HYBRIDPOST_URL)


def einliefern(
    *, pdf: bytes, idempotenz_schluessel: str, referenz: str, empfaenger_name: str, anschrift: list[str]
) -> Einlieferung:
    """Hand one letter to the provider. The same key always yields the same shipment (never posted twice)."""
    if not ist_konfiguriert():
        raise AnbieterFehler("Für diese Installation ist kein Hybridpost-Dienstleister eingerichtet (HYBRIDPOST_URL).")
    nutzlast: dict[str, Any] = {
        "referenz": referenz,
        "empfaenger": {"name": empfaenger_name, "anschrift": anschrift},
        "dokument": base64.b64encode(pdf).decode("ascii"),
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "optionen": {"farbe": False, "duplex": True},
    }
    try:
        antwort = requests.post(
            settings.HYBRIDPOST_URL.rstrip("/") + "/v1/sendungen",
            json=nutzlast,
            headers={
                "Authorization": f"Bearer {settings.HYBRIDPOST_TOKEN}",
                "Idempotency-Key": idempotenz_schluessel,
            },
            timeout=settings.HYBRIDPOST_ZEITLIMIT,
        )
    except requests.Timeout as exc:
        logger.warning("Hybridpost: Zeitueberschreitung bei %s (Schluessel %s)", referenz, idempotenz_schluessel)
        raise AnbieterFehler(
            "Der Versanddienstleister hat nicht rechtzeitig geantwortet. Der Brief bleibt in der Warteschlange "
            "und wird automatisch erneut übergeben (ohne doppelten Versand)."
        ) from exc
    except requests.RequestException as exc:
        logger.warning("Hybridpost nicht erreichbar: %s", exc)
        raise AnbieterFehler(
            "Der Versanddienstleister ist nicht erreichbar. Der Brief bleibt in der Warteschlange und wird "
            "automatisch erneut übergeben."
        ) from exc
    if 400 <= antwort.status_code < 500 and antwort.status_code not in (408, 409, 425, 429):
        grund = _grund(antwort)
        logger.warning("Hybridpost lehnt %s ab: HTTP %s %s", referenz, antwort.status_code, grund)
        raise AnbieterFehler(f"Der Versanddienstleister hat den Brief abgelehnt: {grund}", endgueltig=True)
    if antwort.status_code not in (200, 201, 202):
        logger.warning("Hybridpost: HTTP %s fuer %s", antwort.status_code, referenz)
        raise AnbieterFehler(
            f"Der Versanddienstleister meldet einen Fehler (HTTP {antwort.status_code}). Der Brief bleibt in der "
            "Warteschlange und wird automatisch erneut übergeben."
        )
    try:
        daten = antwort.json()
        nummer = str(daten["sendungsnummer"]).strip()
        status = str(daten.get("status") or "angenommen")
        if not nummer or len(nummer) > 100:
            raise ValueError("sendungsnummer")
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("Hybridpost: unverstaendliche Antwort fuer %s: %r", referenz, antwort.text[:300])
        raise AnbieterFehler(
            "Die Antwort des Versanddienstleisters war unverständlich. Der Brief bleibt in der Warteschlange und wird "
            "erneut übergeben (derselbe Idempotenzschlüssel verhindert doppelten Versand)."
        ) from exc
    return Einlieferung(sendungsnummer=nummer, status=status)


def _grund(antwort: requests.Response) -> str:
    try:
        daten = antwort.json()
        return str(daten.get("fehler") or daten.get("detail") or "")[:300] or f"HTTP {antwort.status_code}"
    except ValueError:
        return f"HTTP {antwort.status_code}"


def signatur(body: bytes) -> str:
    return hmac.new(settings.HYBRIDPOST_RUECKMELDUNG_SCHLUESSEL.encode(), body, hashlib.sha256).hexdigest()


def signatur_gueltig(body: bytes, angegeben: str) -> bool:
    """Status callbacks are signed with a shared key (HMAC-SHA256 over the raw body)."""
    if not settings.HYBRIDPOST_RUECKMELDUNG_SCHLUESSEL or not angegeben:
        return False
    return hmac.compare_digest(signatur(body), angegeben.removeprefix("sha256="))

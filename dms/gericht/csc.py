"""Client of a qualified trust service's remote signing API: Cloud Signature Consortium API v2 ("CSC API").

Calls (all POST with JSON, below QES_DIENST_URL, e.g. https://qtsp.example/csc/v2):
- `auth/login` with HTTP Basic (QES_DIENST_BENUTZER/QES_DIENST_PASSWORT, the signature application's account)
  → `access_token`, sent as Bearer with every later call;
- `credentials/list` `{"userID"}` → `credentialIDs` (the signing keys of that person at the trust service);
- `credentials/info` `{"credentialID", "certificates": "chain", "certInfo": true, "authInfo": true}` → `cert`
  (`status`, `certificates`: base64 DER, signer first), `key` (`status`, `algo`), `multisign`;
- `credentials/authorize` `{"credentialID", "numSignatures", "hashes", "hashAlgorithmOID", "PIN"?, "OTP"?}` →
  `SAD` (signature activation data: the person's explicit consent, with her PIN/OTP, to exactly these hashes);
- `signatures/signHash` `{"credentialID", "SAD", "hashes", "hashAlgorithmOID", "signAlgo"}` → `signatures`
  (base64, one per hash, in order).
Errors come as `{"error", "error_description"}` with a 4xx status; they are turned into German messages.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from asn1crypto import x509
from django.conf import settings

SHA256_OID = "2.16.840.1.101.3.4.2.1"
SIGNATUR_OIDS = {"rsa": "1.2.840.113549.1.1.11", "ec": "1.2.840.10045.4.3.2"}  # sha256WithRSA, ecdsa-with-SHA256
_MELDUNGEN = {
    "invalid_pin": "Die PIN ist falsch.",
    "invalid_otp": "Das Einmalpasswort (TAN) ist falsch.",
    "invalid_token": "Die Anmeldung beim Vertrauensdienst ist abgelaufen oder ungültig.",
    "invalid_grant": "Die Anmeldung beim Vertrauensdienst ist fehlgeschlagen.",
    "access_denied": "Der Vertrauensdienst verweigert die Signatur.",
}


class SignaturdienstFehler(Exception):
    """The trust service could not be reached or refused; the message is German and may be shown to the user."""


@dataclass(frozen=True)
class Zugangsdaten:
    credential_id: str
    zertifikate: list[x509.Certificate]  # signer first, then its chain
    mehrfach: int  # how many hashes one authorisation may cover (multisign)
    pin: bool
    otp: bool

    @property
    def signatur_oid(self) -> str:
        return SIGNATUR_OIDS.get(self.zertifikate[0].public_key.algorithm, SIGNATUR_OIDS["rsa"])


def konfiguriert() -> bool:
    return bool(getattr(settings, "QES_DIENST_URL", ""))


class CscDienst:
    def __init__(self, basis: str, benutzer: str, passwort: str, zeitlimit: float) -> None:
        if urlsplit(basis).scheme not in ("http", "https"):
            raise SignaturdienstFehler("QES_DIENST_URL muss eine http(s)-Adresse sein.")
        self.basis = basis.rstrip("/")
        self.benutzer = benutzer
        self.passwort = passwort
        self.zeitlimit = zeitlimit
        self.token = ""

    @classmethod
    def aus_einstellungen(cls) -> CscDienst:
        if not konfiguriert():
            raise SignaturdienstFehler("Es ist kein qualifizierter Vertrauensdienst eingerichtet.")
        return cls(
            settings.QES_DIENST_URL, settings.QES_DIENST_BENUTZER, settings.QES_DIENST_PASSWORT, settings.QES_ZEITLIMIT
        )

    def _post(self, pfad: str, nutzlast: dict[str, Any], *, basic: bool = False) -> dict[str, Any]:
        if basic:
            zugang = base64.b64encode(f"{self.benutzer}:{self.passwort}".encode()).decode()
            kopf = f"Basic {zugang}"
        else:
            kopf = f"Bearer {self.token}"
        anfrage = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            f"{self.basis}/{pfad}",
            data=json.dumps(nutzlast).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": kopf},
        )
        try:
            with urllib.request.urlopen(anfrage, timeout=self.zeitlimit) as antwort:  # noqa: S310
                daten = json.loads(antwort.read(4 << 20))
        except urllib.error.HTTPError as exc:
            raise SignaturdienstFehler(_fehlertext(exc)) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SignaturdienstFehler("Der Vertrauensdienst ist nicht erreichbar.") from exc
        except ValueError as exc:
            raise SignaturdienstFehler("Der Vertrauensdienst antwortet unlesbar.") from exc
        if not isinstance(daten, dict):
            raise SignaturdienstFehler("Der Vertrauensdienst antwortet unlesbar.")
        return daten

    def anmelden(self) -> None:
        self.token = str(self._post("auth/login", {}, basic=True).get("access_token") or "")
        if not self.token:
            raise SignaturdienstFehler("Die Anmeldung beim Vertrauensdienst ist fehlgeschlagen.")

    def zugangsdaten(self, benutzerkennung: str) -> Zugangsdaten:
        """The person's first usable signing credential with its certificate chain."""
        kennungen = self._post("credentials/list", {"userID": benutzerkennung}).get("credentialIDs") or []
        for kennung in kennungen:
            info = self._post(
                "credentials/info",
                {"credentialID": kennung, "certificates": "chain", "certInfo": True, "authInfo": True},
            )
            zert = info.get("cert") or {}
            if (info.get("key") or {}).get("status") != "enabled" or zert.get("status") != "valid":
                continue
            try:
                kette = [x509.Certificate.load(base64.b64decode(c)) for c in zert.get("certificates") or []]
            except ValueError as exc:
                raise SignaturdienstFehler("Der Vertrauensdienst liefert kein lesbares Zertifikat.") from exc
            if kette:
                return Zugangsdaten(
                    credential_id=str(kennung),
                    zertifikate=kette,
                    mehrfach=int(info.get("multisign") or 1),
                    pin=(info.get("PIN") or {}).get("presence") == "true",
                    otp=(info.get("OTP") or {}).get("presence") == "true",
                )
        raise SignaturdienstFehler(
            "Für Sie ist beim Vertrauensdienst kein gültiges qualifiziertes Signaturzertifikat hinterlegt."
        )

    def autorisieren(self, zugang: Zugangsdaten, hashes: list[bytes], *, pin: str, otp: str) -> str:
        nutzlast: dict[str, Any] = {
            "credentialID": zugang.credential_id,
            "numSignatures": len(hashes),
            "hashes": [base64.b64encode(h).decode() for h in hashes],
            "hashAlgorithmOID": SHA256_OID,
        }
        if pin:
            nutzlast["PIN"] = pin
        if otp:
            nutzlast["OTP"] = otp
        sad = str(self._post("credentials/authorize", nutzlast).get("SAD") or "")
        if not sad:
            raise SignaturdienstFehler("Der Vertrauensdienst hat die Signatur nicht freigegeben.")
        return sad

    def hashes_signieren(self, zugang: Zugangsdaten, sad: str, hashes: list[bytes]) -> list[bytes]:
        antwort = self._post(
            "signatures/signHash",
            {
                "credentialID": zugang.credential_id,
                "SAD": sad,
                "hashes": [base64.b64encode(h).decode() for h in hashes],
                "hashAlgorithmOID": SHA256_OID,
                "signAlgo": zugang.signatur_oid,
            },
        )
        try:
            signaturen = [base64.b64decode(s) for s in antwort.get("signatures") or []]
        except ValueError as exc:
            raise SignaturdienstFehler("Der Vertrauensdienst liefert unlesbare Signaturen.") from exc
        if len(signaturen) != len(hashes):
            raise SignaturdienstFehler("Der Vertrauensdienst liefert nicht für jedes Dokument eine Signatur.")
        return signaturen


def _fehlertext(exc: urllib.error.HTTPError) -> str:
    try:
        fehler = json.loads(exc.read(65536))
        code = str(fehler.get("error", ""))
    except (ValueError, AttributeError):
        code = ""
    return _MELDUNGEN.get(code, f"Der Vertrauensdienst lehnt ab (HTTP {exc.code}{', ' + code if code else ''}).")

"""FAKE external systems as real HTTP servers on localhost: a time-stamping authority speaking RFC 3161 (tokens
signed by pyHanko's DummyTimeStamper with a TSA certificate of the test PKI), a qualified trust service speaking
the CSC API v2 (auth/login, credentials/list|info|authorize, signatures/signHash) with a key of the test PKI, and
the test PKI's certification authorities publishing a CRL (RFC 5280, HTTP GET) and answering OCSP (RFC 6960, HTTP
POST `application/ocsp-request`). No real TSA, trust service or CA is reachable from tests."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps import DummyTimeStamper

from .pki import Zertifikat, asn1_schluessel, asn1_zertifikat, blatt_erzeugen


class _Server:
    """A threading HTTP server on a free port; `antworten` answers POSTs, `abrufen` GETs."""

    def antworten(self, pfad: str, kopf: dict[str, str], rumpf: bytes) -> tuple[int, str, bytes]:
        raise NotImplementedError

    def abrufen(self, pfad: str) -> tuple[int, str, bytes]:
        return 404, "text/plain", b"nicht gefunden"

    def __enter__(self):  # type: ignore[no-untyped-def]
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._senden(*server.abrufen(self.path))

            def do_POST(self) -> None:
                rumpf = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._senden(*server.antworten(self.path, dict(self.headers), rumpf))

            def _senden(self, status: int, art: str, antwort: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", art)
                self.send_header("Content-Length", str(len(antwort)))
                self.end_headers()
                self.wfile.write(antwort)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *args: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeZeitstempeldienst(_Server):
    """RFC 3161 over HTTP; `ausfallen = True` makes it answer 503 like a TSA that is down."""

    def __init__(self, tsa: Zertifikat, ca: Zertifikat) -> None:
        self.stempler = DummyTimeStamper(tsa_cert=asn1_zertifikat(tsa), tsa_key=asn1_schluessel(tsa))
        self.ca = ca
        self.ausfallen = False
        self.anfragen = 0

    def antworten(self, pfad: str, kopf: dict[str, str], rumpf: bytes) -> tuple[int, str, bytes]:
        self.anfragen += 1
        if self.ausfallen:
            return 503, "text/plain", b"TSA nicht verfuegbar"
        if kopf.get("Content-Type") != "application/timestamp-query":
            return 415, "text/plain", b"falscher Inhaltstyp"
        antwort = self.stempler.request_tsa_response(tsp.TimeStampReq.load(rumpf))
        return 200, "application/timestamp-reply", antwort.dump()


class FakeCscDienst(_Server):
    """A remote signing service (CSC API v2) holding one signing key per userID; PIN 1234, OTP 654321."""

    PIN = "1234"
    OTP = "654321"

    def __init__(self, personen: dict[str, Zertifikat], ca: Zertifikat, *, falsch_signieren: bool = False) -> None:
        self.benutzer, self.passwort = "fachverfahren", "geheim-csc"
        self.personen = personen
        self.ca = ca
        self.falsch_signieren = falsch_signieren
        self.falsch_fuer: set[int] = set()  # positions of hashes in a signHash call that get a wrong signature
        self.multisign = 50
        self.token = ""
        self.sad: dict[str, tuple[str, list[str]]] = {}
        self.aufrufe: list[tuple[str, dict[str, Any]]] = []

    def _fehler(self, status: int, code: str) -> tuple[int, str, bytes]:
        return status, "application/json", json.dumps({"error": code, "error_description": code}).encode()

    def antworten(self, pfad: str, kopf: dict[str, str], rumpf: bytes) -> tuple[int, str, bytes]:
        anfrage = json.loads(rumpf or b"{}")
        self.aufrufe.append((pfad, anfrage))
        if pfad == "/csc/v2/auth/login":
            erwartet = base64.b64encode(f"{self.benutzer}:{self.passwort}".encode()).decode()
            if kopf.get("Authorization") != f"Basic {erwartet}":
                return self._fehler(401, "invalid_grant")
            self.token = secrets.token_urlsafe(16)
            return self._json({"access_token": self.token, "expires_in": 3600})
        if not self.token or kopf.get("Authorization") != f"Bearer {self.token}":
            return self._fehler(401, "invalid_token")
        if pfad == "/csc/v2/credentials/list":
            return self._json(
                {"credentialIDs": [f"qes-{anfrage['userID']}"] if anfrage["userID"] in self.personen else []}
            )
        person = self.personen.get(str(anfrage.get("credentialID", "")).removeprefix("qes-"))
        if person is None:
            return self._fehler(400, "invalid_request")
        if pfad == "/csc/v2/credentials/info":
            kette = [z.zertifikat.public_bytes(serialization.Encoding.DER) for z in (person, self.ca)]
            return self._json(
                {
                    "key": {"status": "enabled", "algo": ["1.2.840.113549.1.1.11"], "len": 2048},
                    "cert": {"status": "valid", "certificates": [base64.b64encode(c).decode() for c in kette]},
                    "authMode": "explicit",
                    "PIN": {"presence": "true", "format": "N", "label": "PIN"},
                    "OTP": {"presence": "true", "type": "offline"},
                    "multisign": self.multisign,
                    "SCAL": "SCAL2",
                }
            )
        if pfad == "/csc/v2/credentials/authorize":
            if anfrage.get("PIN") != self.PIN:
                return self._fehler(400, "invalid_pin")
            if anfrage.get("OTP") != self.OTP:
                return self._fehler(400, "invalid_otp")
            if int(anfrage["numSignatures"]) != len(anfrage["hashes"]) or anfrage["numSignatures"] > self.multisign:
                return self._fehler(400, "invalid_request")
            sad = secrets.token_urlsafe(16)
            self.sad[sad] = (anfrage["credentialID"], list(anfrage["hashes"]))
            return self._json({"SAD": sad, "expiresIn": 300})
        if pfad == "/csc/v2/signatures/signHash":
            # SCAL2: the SAD is bound to exactly the hashes the person authorised (and used once).
            if self.sad.pop(anfrage.get("SAD", ""), None) != (anfrage["credentialID"], anfrage["hashes"]):
                return self._fehler(400, "invalid_request")
            signaturen = []
            for n, h in enumerate(anfrage["hashes"]):
                digest = base64.b64decode(h)
                if self.falsch_signieren or n in self.falsch_fuer:
                    digest = hashlib.sha256(digest).digest()
                wert = person.schluessel.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
                signaturen.append(base64.b64encode(wert).decode())
            return self._json({"signatures": signaturen})
        return self._fehler(404, "invalid_request")

    def _json(self, daten: dict[str, Any]) -> tuple[int, str, bytes]:
        return 200, "application/json", json.dumps(daten).encode()


class FakeZertifizierungsstelle(_Server):
    """The test PKI's CAs as their revocation services: `GET /crl/<ca>.crl` is the CA's current CRL (DER),
    `POST /ocsp/<ca>` answers an OCSP request (signed by the CA itself, nonce echoed). `ausstellen` issues a leaf
    certificate that names both; `sperren` revokes one (from the given time on). `ausfallen = True`: 503 for all."""

    def __init__(self) -> None:
        self.cas: dict[str, Zertifikat] = {}
        self.gesperrt: dict[int, dt.datetime] = {}
        self.ausgestellt: set[int] = set()
        self.ausfallen = False
        self.abrufe: list[str] = []
        self.siegel: Zertifikat | None = None  # the authority's seal certificate (fixture siegel_pki)

    def ausstellen(self, ca: Zertifikat, cn: str, *, zeitstempel: bool = False, ocsp: bool = True) -> Zertifikat:
        """A leaf certificate naming this CA's CRL and (unless `ocsp` is False: then only the CRL) its OCSP."""
        kennung = f"ca{ca.zertifikat.serial_number:x}"[:20]
        self.cas[kennung] = ca
        blatt = blatt_erzeugen(
            ca,
            cn,
            zeitstempel=zeitstempel,
            crl_url=f"{self.url}/crl/{kennung}.crl",
            ocsp_url=f"{self.url}/ocsp/{kennung}" if ocsp else "",
        )
        self.ausgestellt.add(blatt.zertifikat.serial_number)
        return blatt

    def sperren(self, z: Zertifikat, seit: dt.datetime | None = None) -> None:
        self.gesperrt[z.zertifikat.serial_number] = seit or dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)

    def _zeiten(self) -> tuple[dt.datetime, dt.datetime]:
        jetzt = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return jetzt - dt.timedelta(minutes=1), jetzt + dt.timedelta(days=1)

    def abrufen(self, pfad: str) -> tuple[int, str, bytes]:
        self.abrufe.append(pfad)
        ca = self.cas.get(pfad.removeprefix("/crl/").removesuffix(".crl"))
        if self.ausfallen or ca is None:
            return (503 if self.ausfallen else 404), "text/plain", b"keine Sperrliste"
        seit, bis = self._zeiten()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(ca.zertifikat.subject)
            .last_update(seit)
            .next_update(bis)
            .add_extension(x509.CRLNumber(len(self.abrufe)), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.schluessel.public_key()), False)
        )
        for seriennummer, zeit in self.gesperrt.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(seriennummer).revocation_date(zeit).build()
            )
        crl = builder.sign(ca.schluessel, hashes.SHA256())
        return 200, "application/pkix-crl", crl.public_bytes(serialization.Encoding.DER)

    def antworten(self, pfad: str, kopf: dict[str, str], rumpf: bytes) -> tuple[int, str, bytes]:
        self.abrufe.append(pfad)
        ca = self.cas.get(pfad.removeprefix("/ocsp/"))
        if self.ausfallen or ca is None:
            return (503 if self.ausfallen else 404), "text/plain", b"kein OCSP-Dienst"
        if kopf.get("Content-Type") != "application/ocsp-request":
            return 415, "text/plain", b"falscher Inhaltstyp"
        anfrage = ocsp.load_der_ocsp_request(rumpf)
        seit, bis = self._zeiten()
        seriennummer = anfrage.serial_number
        gesperrt = self.gesperrt.get(seriennummer)
        if gesperrt is not None:
            status = ocsp.OCSPCertStatus.REVOKED
        elif seriennummer in self.ausgestellt:
            status = ocsp.OCSPCertStatus.GOOD
        else:
            status = ocsp.OCSPCertStatus.UNKNOWN
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=anfrage.issuer_name_hash,
                issuer_key_hash=anfrage.issuer_key_hash,
                serial_number=seriennummer,
                algorithm=anfrage.hash_algorithm,
                cert_status=status,
                this_update=seit,
                next_update=bis,
                revocation_time=gesperrt,
                revocation_reason=None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, ca.zertifikat)
        )
        for erweiterung in anfrage.extensions:
            if isinstance(erweiterung.value, x509.OCSPNonce):
                builder = builder.add_extension(erweiterung.value, critical=False)
        antwort = builder.sign(ca.schluessel, hashes.SHA256())
        return 200, "application/ocsp-response", antwort.public_bytes(serialization.Encoding.DER)

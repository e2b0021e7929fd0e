"""A FAKE remote signing service speaking the protocol of dms/gericht/qes.py: an HTTP server on localhost that
signs with a key of the test PKI (pyHanko). No qualified trust service is reachable from tests."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import keys, x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pki import Zertifikat


class FakeSignaturdienst:
    def __init__(self, person: Zertifikat, ca: Zertifikat, *, falsch_signieren: bool = False) -> None:
        self.token = "dienst-token"
        self.anfragen: list[dict[str, Any]] = []
        self.falsch_signieren = falsch_signieren
        self.signer = signers.SimpleSigner(
            signing_cert=x509.Certificate.load(person.zertifikat.public_bytes(serialization.Encoding.DER)),
            signing_key=keys.PrivateKeyInfo.load(
                person.schluessel.private_bytes(
                    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs(
                [x509.Certificate.load(ca.zertifikat.public_bytes(serialization.Encoding.DER))]
            ),
        )

    def __enter__(self) -> FakeSignaturdienst:
        dienst = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                if self.headers.get("Authorization") != f"Bearer {dienst.token}" or self.path != "/signaturen":
                    self.send_response(401)
                    self.end_headers()
                    return
                anfrage = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                dienst.anfragen.append(anfrage)
                daten = base64.b64decode(anfrage["daten"]) + (b"x" if dienst.falsch_signieren else b"")
                cms = asyncio.run(dienst.signer.async_sign_general_data(daten, "sha256", detached=True))
                antwort = json.dumps({"cms": base64.b64encode(cms.dump()).decode()}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(antwort)))
                self.end_headers()
                self.wfile.write(antwort)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.shutdown()
        self.server.server_close()

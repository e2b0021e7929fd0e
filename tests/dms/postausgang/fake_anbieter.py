"""A FAKE hybrid-mail provider (the real one is outside the system): an HTTP server on 127.0.0.1 speaking the
interface of docs/postausgang.md, started by the tests. It can be told to time out, answer garbage, fail or refuse.
It 'prints' each letter once per Idempotency-Key and remembers what it received."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeAnbieter:
    def __init__(self, token: str = "test-token") -> None:  # noqa: S107 - a fake's fixed token
        self.token = token
        self.modus = "ok"  # ok | timeout | muell | fehler500 | ablehnen
        self.sendungen: dict[str, dict[str, Any]] = {}  # Idempotency-Key -> shipment
        self.anfragen = 0
        self._nummern = itertools.count(1)
        self._lock = threading.Lock()
        anbieter = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _antwort(self, code: int, daten: Any, roh: bytes | None = None) -> None:
                body = roh if roh is not None else json.dumps(daten).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                laenge = int(self.headers.get("Content-Length") or 0)
                daten = json.loads(self.rfile.read(laenge) or b"{}")
                with anbieter._lock:
                    anbieter.anfragen += 1
                if self.path != "/v1/sendungen":
                    return self._antwort(404, {"fehler": "unbekannt"})
                if self.headers.get("Authorization") != f"Bearer {anbieter.token}":
                    return self._antwort(401, {"fehler": "nicht angemeldet"})
                schluessel = self.headers.get("Idempotency-Key", "")
                if not schluessel:
                    return self._antwort(400, {"fehler": "Idempotency-Key fehlt"})
                if anbieter.modus == "timeout":
                    time.sleep(3)
                    return self._antwort(504, {"fehler": "zu spaet"})
                if anbieter.modus == "fehler500":
                    return self._antwort(500, {"fehler": "intern"})
                if anbieter.modus == "ablehnen":
                    return self._antwort(422, {"fehler": "Anschrift unvollständig (Postleitzahl fehlt)"})
                with anbieter._lock:
                    # Accepted (and 'printed' once) even when the answer below is garbage: the retry must not
                    # make a second letter.
                    if schluessel not in anbieter.sendungen:
                        anbieter.sendungen[schluessel] = {
                            "sendungsnummer": f"EP-{next(anbieter._nummern):06d}",
                            "empfaenger": daten.get("empfaenger"),
                            "referenz": daten.get("referenz"),
                            "sha256": daten.get("sha256"),
                        }
                    sendung = anbieter.sendungen[schluessel]
                if anbieter.modus == "muell":
                    return self._antwort(200, None, roh=b"<html>Wartungsarbeiten</html>")
                return self._antwort(201, {"sendungsnummer": sendung["sendungsnummer"], "status": "angenommen"})

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # the adapter hung up first (timeout test): expected, nothing to report

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeAnbieter:
        self.thread.start()
        return self

    def __exit__(self, *args: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def signiert(schluessel: str, daten: dict[str, Any]) -> tuple[bytes, str]:
    body = json.dumps(daten).encode()
    return body, "sha256=" + hmac.new(schluessel.encode(), body, hashlib.sha256).hexdigest()

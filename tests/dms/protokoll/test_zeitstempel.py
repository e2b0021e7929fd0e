"""RFC 3161 time-stamps of checkpoints against a fake time-stamping authority (outside the system): a local HTTP server
started by the test that answers with `openssl ts -reply`, i.e. genuine RFC 3161 replies signed by a test TSA."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from dms.protokoll.anker import verankern

from .conftest import befunde

pytestmark = pytest.mark.django_db


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def tsa_dateien(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tsa")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
             "-subj", "/CN=Test-CA", "-days", "2", cwd=d)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
             "-subj", "/CN=Test-TSA", cwd=d)  # fmt: skip
    (d / "ext.cnf").write_text("extendedKeyUsage = critical,timeStamping\n")
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "tsa.crt", "-days", "2", "-extfile", "ext.cnf", cwd=d)  # fmt: skip
    (d / "serial").write_text("01\n")
    (d / "tsa.cnf").write_text(
        f"""[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {d}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""
    )
    return d


@pytest.fixture
def tsa(tsa_dateien, settings):
    """The fake TSA: POST application/timestamp-query -> application/timestamp-reply (or 'rejection' on request)."""
    zustand = {"ablehnen": False, "anfragen": 0}
    sperre = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            roh = self.rfile.read(int(self.headers["Content-Length"]))
            with sperre:
                zustand["anfragen"] += 1
                (tsa_dateien / "anfrage.tsq").write_bytes(roh)
                _openssl("ts", "-reply", "-config", "tsa.cnf", "-queryfile", "anfrage.tsq", "-out", "antwort.tsr",
                         cwd=tsa_dateien)  # fmt: skip
                antwort = (tsa_dateien / "antwort.tsr").read_bytes()
            if zustand["ablehnen"]:
                antwort = bytes.fromhex("30053003020102")  # TimeStampResp { PKIStatusInfo { rejection } }, no token
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(antwort)))
            self.end_headers()
            self.wfile.write(antwort)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.AUDIT_TSA_URL = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    yield zustand
    server.shutdown()
    server.server_close()


def test_checkpoints_carry_a_time_stamp_that_openssl_verifies(eintraege, tsa, tsa_dateien):
    anker = verankern()
    assert tsa["anfragen"] == 1
    zeile = json.loads(Path(settings.AUDIT_ANCHOR_FILE).read_text().splitlines()[-1])
    assert zeile["zeitstempel"]["zeit"] and zeile["zeitstempel"]["tsa"] == settings.AUDIT_TSA_URL
    (tsa_dateien / "token.der").write_bytes(base64.b64decode(zeile["zeitstempel"]["token"]))
    pruefung = subprocess.run(
        ["openssl", "ts", "-verify", "-token_in", "-in", "token.der",
         "-digest", hashlib.sha256(anker.mac.encode()).hexdigest(), "-CAfile", "ca.crt", "-untrusted", "tsa.crt"],
        cwd=tsa_dateien, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "Verification: OK" in pruefung.stdout, pruefung.stdout + pruefung.stderr
    assert befunde() == []


def test_a_time_stamp_moved_to_another_checkpoint_is_reported(eintraege, tsa):
    verankern()
    verankern()
    pfad = Path(settings.AUDIT_ANCHOR_FILE)
    erste, zweite = (json.loads(z) for z in pfad.read_text().splitlines())
    zweite["zeitstempel"] = erste["zeitstempel"]
    pfad.write_text(json.dumps(erste) + "\n" + json.dumps(zweite) + "\n")
    assert [b.grund for b in befunde()] == ["Ankerpunkt 2 (datei): Zeitstempel gehört nicht dazu"]


def test_a_refusing_tsa_fails_the_run_and_writes_no_checkpoint(eintraege, tsa):
    tsa["ablehnen"] = True
    with pytest.raises(CommandError) as exc:
        call_command("protokoll_verankern")
    assert "Zeitstempeldienst" in str(exc.value) and "lehnt ab" in str(exc.value)
    assert not Path(settings.AUDIT_ANCHOR_FILE).exists()

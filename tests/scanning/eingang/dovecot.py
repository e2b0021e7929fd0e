"""A private dovecot IMAP server (Debian's dovecot-imapd) on a free port with its own configuration and mail directory;
used by the e-mail intake tests (tests/scanning/eingang/conftest.py) and bench/bench_postausgang.py. Any user name
logs in with KENNWORT, so each test takes its own mailbox."""

from __future__ import annotations

import imaplib
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

KENNWORT = "imap-test-geheim"


@dataclass
class Dovecot:
    port: int
    verzeichnis: Path

    def konto(self) -> str:
        return f"postfach-{uuid.uuid4().hex[:10]}"

    def verbinden(self, benutzer: str) -> imaplib.IMAP4:
        c = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        c.login(benutzer, KENNWORT)
        return c

    def einliefern(self, benutzer: str, roh: bytes, ordner: str = "INBOX") -> None:
        c = self.verbinden(benutzer)
        typ, antwort = c.append(ordner, None, None, roh)
        assert typ == "OK", antwort
        c.logout()

    def anzahl(self, benutzer: str, ordner: str) -> int:
        c = self.verbinden(benutzer)
        typ, daten = c.select(f'"{ordner}"', readonly=True)
        c.logout()
        return int(daten[0]) if typ == "OK" else -1


def _freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


KONFIG = """
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u
first_valid_uid = 0
mail_uid = dovecot
mail_gid = dovecot
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = static
  args = password={kennwort}
}}
userdb {{
  driver = static
  args = home={d}/mail/%u
}}
"""


def starten(d: Path) -> tuple[Dovecot, subprocess.Popen[bytes]]:
    """Start dovecot in the foreground (a child of this process) in directory `d`; stop it with `stoppen`."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(binary).exists():
        raise RuntimeError("dovecot fehlt: bitte `make setup` ausführen (APT-Paket dovecot-imapd)")
    for unter in ("run", "state", "mail"):
        (d / unter).mkdir(exist_ok=True)
    shutil.chown(d / "mail", "dovecot", "dovecot")
    tmp = Path(tempfile.gettempdir())
    for ordner in (d, *d.parents):  # the mail user must reach its directory (only inside the temp directory)
        if not ordner.is_relative_to(tmp) or ordner == tmp:
            break
        ordner.chmod(ordner.stat().st_mode | 0o005)
    port = _freier_port()
    konfig = d / "dovecot.conf"
    konfig.write_text(KONFIG.format(d=d, port=port, kennwort=KENNWORT))
    proc = subprocess.Popen([binary, "-F", "-c", str(konfig)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    frist = time.monotonic() + 20
    while time.monotonic() < frist:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return Dovecot(port=port, verzeichnis=d), proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((d / "dovecot.log").read_text()[-2000:]) from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("dovecot startet nicht")


def stoppen(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)

"""A REAL IMAP server for the e-mail intake tests: Debian's dovecot, started here as a private instance on a free
port with its own configuration and mail directory (no system service touched), stopped after the session."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scanning.eingang.dovecot import KENNWORT, Dovecot, starten, stoppen


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    # Its own directory right under /tmp, not pytest's basetemp: other pytest sessions on the machine rotate and
    # re-protect /tmp/pytest-of-<user>, and dovecot's mail user must be able to reach the mail directory.
    verzeichnis = Path(tempfile.mkdtemp(prefix="akte-dovecot-"))
    server, proc = starten(verzeichnis)
    yield server
    stoppen(proc)
    shutil.rmtree(verzeichnis, ignore_errors=True)


@pytest.fixture
def postfach(dovecot, monkeypatch, db):
    """A functional mailbox of Offenbach on the private dovecot (own account per test)."""
    from scanning.eingang.models import Postfach
    from tests import factories as f

    benutzer = dovecot.konto()
    monkeypatch.setenv("IMAP_TEST_KENNWORT", KENNWORT)
    return Postfach.objects.create(
        behoerde=f.behoerde("OF"),
        name="Funktionspostfach Ausländerbehörde",
        host="127.0.0.1",
        port=dovecot.port,
        verschluesselung="keine",
        benutzer=benutzer,
        kennwort_variable="IMAP_TEST_KENNWORT",
    )

"""A REAL IMAP server for the e-mail intake tests: Debian's dovecot, started here as a private instance on a free
port with its own configuration and mail directory (no system service touched), stopped after the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.scanning.eingang.dovecot import KENNWORT, Dovecot, starten, stoppen


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    server, proc = starten(tmp_path_factory.mktemp("dovecot"))
    yield server
    stoppen(proc)


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

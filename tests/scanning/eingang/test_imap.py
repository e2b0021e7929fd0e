"""E-mail intake against a REAL IMAP server (private dovecot, tests/scanning/eingang/conftest.py): every mail once,
moved only after it is stored; too large, duplicate, forged, HTML with scripts: a German note and a log line."""

from __future__ import annotations

import logging

import pytest

from scanning.eingang import imap
from scanning.eingang.models import EingangsMail
from scanning.models import Posteingang
from tests.scanning.eingang import beispiele as b

pytestmark = pytest.mark.django_db


def test_mails_werden_einmal_uebernommen_und_erst_danach_verschoben(dovecot, postfach):
    erste = b.mail(betreff="Antrag Yılmaz", anlagen=[("pass.pdf", b.pdf_anlage(), "application/pdf")])
    dovecot.einliefern(postfach.benutzer, erste)
    dovecot.einliefern(postfach.benutzer, erste)  # the same mail delivered twice
    dovecot.einliefern(postfach.benutzer, b.mail(betreff="Zweite", text="Guten Tag"))
    ergebnis = imap.postfach_abrufen(postfach)
    assert (ergebnis.neu, ergebnis.doppelt, ergebnis.fehler) == (2, 1, [])
    items = Posteingang.objects.filter(behoerde=postfach.behoerde, quelle=Posteingang.Quelle.EMAIL)
    assert items.count() == 2
    p = items.get(mail__betreff="Antrag Yılmaz")
    assert p.dateiname == "Antrag Yılmaz.eml"
    with p.original.open("rb") as fh:
        assert fh.read() == erste  # the original, byte for byte, with its attachment
    assert p.erkannte_merkmale["email"]["absender"] == "Ayse Yilmaz <ayse@example.org>"
    assert dovecot.anzahl(postfach.benutzer, "INBOX") == 0
    assert dovecot.anzahl(postfach.benutzer, "Uebernommen") == 3
    # A second run finds nothing new.
    assert imap.postfach_abrufen(postfach).neu == 0
    assert items.count() == 2


def test_absturz_zwischen_speichern_und_verschieben(dovecot, postfach, monkeypatch):
    dovecot.einliefern(postfach.benutzer, b.mail(betreff="Absturz"))
    echt = imap._verschieben

    def kaputt(*args, **kwargs):
        raise OSError("Verbindung weg")

    monkeypatch.setattr(imap, "_verschieben", kaputt)
    ergebnis = imap.postfach_abrufen(postfach)
    assert ergebnis.fehler  # logged and shown on the mailbox
    assert dovecot.anzahl(postfach.benutzer, "INBOX") == 1  # not lost
    monkeypatch.setattr(imap, "_verschieben", echt)
    ergebnis = imap.postfach_abrufen(postfach)
    assert (ergebnis.neu, ergebnis.doppelt) == (0, 1)
    assert EingangsMail.objects.filter(postfach=postfach).count() == 1  # stored once
    assert dovecot.anzahl(postfach.benutzer, "INBOX") == 0


def test_zu_grosse_mail_bleibt_im_postfach(dovecot, postfach, settings, caplog):
    # Stands in for the 1 GB attachment: the limit is lowered, the code path is the same (the size comes from the
    # server's RFC822.SIZE before anything is downloaded).
    settings.EINGANG_MAX_MAIL_BYTES = 1024 * 1024
    gross = b.mail(
        betreff="Riesige Anlage", anlagen=[("video.bin", b"\x00" * (3 * 1024 * 1024), "application/octet-stream")]
    )
    dovecot.einliefern(postfach.benutzer, gross)
    with caplog.at_level(logging.WARNING, logger="scanning.eingang"):
        ergebnis = imap.postfach_abrufen(postfach)
        assert ergebnis.zu_gross == 1
        assert imap.postfach_abrufen(postfach).zu_gross == 0
    assert dovecot.anzahl(postfach.benutzer, "Zu-gross") == 1
    hinweis = Posteingang.objects.get(mail__postfach=postfach)
    assert hinweis.erkannte_merkmale["nicht_automatisch"] is True
    assert "liegt unverändert im Funktionspostfach" in hinweis.erkannte_merkmale["warnungen"][0]
    assert "zu gross" in caplog.text


def test_gefaelschter_absender_und_doppelte_message_id(dovecot, postfach, caplog):
    gefaelscht = b.mail(
        betreff="Bitte Akte senden",
        absender="Amtsgericht <poststelle@ag-offenbach.example>",
        message_id="<fest-123@example.org>",
        kopfzeilen={
            "Authentication-Results": "mx.offenbach.example; spf=fail smtp.mailfrom=evil.example; dmarc=fail",
            "Reply-To": "sammler@evil.example",
        },
    )
    anders = b.mail(betreff="Anderer Inhalt", message_id="<fest-123@example.org>")
    dovecot.einliefern(postfach.benutzer, gefaelscht)
    dovecot.einliefern(postfach.benutzer, anders)
    with caplog.at_level(logging.WARNING, logger="scanning.eingang"):
        assert imap.postfach_abrufen(postfach).neu == 2
    erste, zweite = Posteingang.objects.filter(mail__postfach=postfach).order_by("id")
    assert erste.erkannte_merkmale["nicht_automatisch"] is True
    warnungen = " ".join(erste.erkannte_merkmale["warnungen"])
    assert "SPF/DMARC fehlgeschlagen" in warnungen and "evil.example" in warnungen
    assert f"Posteingang Nr. {erste.pk}" in " ".join(zweite.erkannte_merkmale["warnungen"])
    assert "doppelter Message-ID" in caplog.text


def test_falsches_kennwort(postfach, monkeypatch):
    monkeypatch.setenv("IMAP_TEST_KENNWORT", "falsch")
    # dovecot's static passdb takes any user with the right password; a wrong one is refused.
    ergebnis = imap.postfach_abrufen(postfach)
    assert ergebnis.fehler and "Anmeldung fehlgeschlagen" in ergebnis.fehler[0]
    postfach.refresh_from_db()
    assert "Anmeldung fehlgeschlagen" in postfach.letzter_fehler

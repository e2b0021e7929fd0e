"""End to end with a REAL Celery worker, the REAL IMAP server (private dovecot) and the FAKE hybrid-mail provider:
a mail is polled, converted and filed by the normal pipeline; a forged one waits in the in-tray; an undeliverable
letter comes back into its author's in-tray."""

from __future__ import annotations

import io
import time

import pytest

from dms.models import Dokument, Rolle
from dms.postausgang import services as postausgang
from dms.postausgang import umwandlung
from dms.postausgang.models import Ausgangsschreiben
from scanning.eingang import imap
from scanning.eingang.models import Postfach
from scanning.models import Posteingang
from tests import factories as f
from tests.dms.postausgang.fake_anbieter import FakeAnbieter
from tests.dms.postausgang.vorlagen import vorlage_docx
from tests.scanning.eingang import beispiele as b
from tests.scanning.eingang.dovecot import KENNWORT
from tests.scanning.hilfen import person_mit_akte, warten

# No django_db mark: rows are committed for the worker through the `e2e` fixture (tests/scanning/conftest.py).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("scanning-ocr-queue")]


def _postfach(dovecot, monkeypatch) -> Postfach:
    monkeypatch.setenv("IMAP_E2E_KENNWORT", KENNWORT)
    return Postfach.objects.create(
        behoerde=f.behoerde("OF"), name="Funktionspostfach", host="127.0.0.1", port=dovecot.port,
        verschluesselung="keine", benutzer=dovecot.konto(), kennwort_variable="IMAP_E2E_KENNWORT",
    )  # fmt: skip


def test_mail_wird_abgerufen_umgewandelt_und_abgelegt(e2e, dovecot, monkeypatch):
    akte = person_mit_akte()
    person = akte.person
    text = (
        f"Sehr geehrte Damen und Herren,\n\nich bitte um Verlängerung meiner Aufenthaltserlaubnis.\n"
        f"Name: {person.vornamen} {person.familienname}, geb. {person.geburtsdatum:%d.%m.%Y}\n"
        f"AZR-Nummer: {person.azr_nummer}\n\nMit freundlichen Grüßen"
    )
    echt = b.mail(betreff="Verlängerung", text=text,
                  anlagen=[("arbeitsvertrag.docx", b.docx_bytes("Arbeitsvertrag unbefristet"), "application/"
                            "vnd.openxmlformats-officedocument.wordprocessingml.document")])  # fmt: skip
    gefaelscht = b.mail(betreff="Verlängerung (gefälscht)", text=text,
                        kopfzeilen={"Authentication-Results": "mx.example; dmarc=fail"})  # fmt: skip
    pf = _postfach(dovecot, monkeypatch)
    dovecot.einliefern(pf.benutzer, echt)
    dovecot.einliefern(pf.benutzer, gefaelscht)
    assert imap.postfach_abrufen(pf).neu == 2
    items = list(Posteingang.objects.filter(mail__postfach=pf).order_by("id"))
    erste = warten(items[0].pk)
    assert erste.status == "zugeordnet", (erste.status, erste.fehler, erste.hinweis)
    assert erste.akte_id == akte.pk
    dokument = Dokument.objects.get(pk=erste.dokument_id)
    version = dokument.versionen.get()
    assert version.mime_type == "message/rfc822"  # the original mail, unchanged
    with version.original.open("rb") as fh:
        assert fh.read() == echt
    assert "Arbeitsvertrag unbefristet" in dokument.text and "Verlängerung meiner" in dokument.text
    zweite = warten(items[1].pk)
    assert zweite.status == "zu_pruefen"  # same content, but the sender is not confirmed
    assert "gefälscht" in zweite.hinweis


def test_unzustellbarer_brief_kommt_in_den_postkorb_der_verfasserin(e2e, settings):
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = person_mit_akte()
    akte.sachbearbeitung = sb
    akte.person.anschrift = "Kaiserstraße 1\n63065 Offenbach am Main"
    akte.person.save(update_fields=["anschrift"])
    vorlage = postausgang.vorlage_anlegen(
        behoerde=akte.behoerde, name=f"E2E {time.time_ns()}", datei=io.BytesIO(vorlage_docx()), user=None
    )
    with FakeAnbieter() as anbieter:
        settings.HYBRIDPOST_URL, settings.HYBRIDPOST_TOKEN = anbieter.url, anbieter.token
        s = postausgang.schreiben_anlegen(akte=akte, vorlage=vorlage, user=sb)
        s = postausgang.schreiben_freigeben(schreiben=s, user=sb)
        # The approval returns at once; the PDF/A is made in the background (done here, in this process, so the
        # test does not depend on which queues the e2e worker listens to). Nothing is sent before it is filed.
        s = umwandlung.schreiben_umwandeln(schreiben_id=s.pk)
        assert s is not None and s.status == Ausgangsschreiben.Status.FREIGEGEBEN and s.dokument_id
        Ausgangsschreiben.objects.filter(pk=s.pk).update(status=Ausgangsschreiben.Status.IN_VERSAND,
                                                         versandweg="hybridpost")  # fmt: skip
        s = postausgang.schreiben_einliefern(schreiben_id=s.pk)
    assert s is not None and s.status == "angenommen"
    postausgang.rueckmeldung_verarbeiten(sendungsnummer=s.sendungsnummer, status="unzustellbar", grund="verzogen")
    frist = time.monotonic() + 120
    while not (p := Posteingang.objects.filter(erkannte_merkmale__ruecklaeufer=s.pk).first()):
        assert time.monotonic() < frist, "kein Rückläufer im Postkorb"
        time.sleep(0.3)
    p = warten(p.pk)
    assert p.status == "zu_pruefen" and p.zugewiesen_an_id == sb.pk
    assert "verzogen" in p.hinweis
    assert Posteingang.objects.visible_to(sb).filter(pk=p.pk).exists()

"""Postausgang: a letter from a template, four eyes, PDF/A filed as `richtung=ausgang`, dispatch through the FAKE
hybrid-mail provider (tests/dms/postausgang/fake_anbieter.py, an HTTP server started here; the real provider is
outside the system), status callbacks, bad input. Real LibreOffice, real PostgreSQL. The PDF/A conversion after the
approval is a Celery task: here it runs in this process (eager, after the commit); test_umwandlung_e2e.py runs it on
a real worker."""

from __future__ import annotations

import io
import logging
import subprocess

import pytest
from rest_framework.test import APIClient

from dms.models import Dokument, Rolle
from dms.postausgang import services
from dms.postausgang import tasks as _tasks  # noqa: F401  (registers the tasks, so eager mode runs them here)
from dms.postausgang.models import Ausgangsschreiben, Briefvorlage
from tests import factories as f
from tests.dms.postausgang.fake_anbieter import FakeAnbieter, signiert
from tests.dms.postausgang.vorlagen import vorlage_docx

pytestmark = pytest.mark.django_db
SCHLUESSEL = "rueckmeldung-geheim"


@pytest.fixture
def anbieter(settings):
    with FakeAnbieter() as fake:
        settings.HYBRIDPOST_URL = fake.url
        settings.HYBRIDPOST_TOKEN = fake.token
        settings.HYBRIDPOST_ZEITLIMIT = 1.0
        settings.HYBRIDPOST_RUECKMELDUNG_SCHLUESSEL = SCHLUESSEL
        yield fake


@pytest.fixture
def freigeben(eager, django_capture_on_commit_callbacks):
    """Approve through the API; the conversion task queued after the commit runs at once in this process."""

    def _freigeben(client: APIClient, sid: int):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/postausgang/{sid}/freigeben/")

    return _freigeben


def _vorlage(vier_augen: bool = False, kuerzel: str = "OF", **kw) -> Briefvorlage:
    return services.vorlage_anlegen(
        behoerde=f.behoerde(kuerzel),
        name=kw.pop("name", f"Anhörung {vier_augen}"),
        datei=io.BytesIO(kw.pop("docx", vorlage_docx())),
        user=None,
        vier_augen=vier_augen,
        betreff="Anhörung zur Verlängerung – {{ aktenzeichen }}",
        standardtext="Ihr Antrag vom {{ datum }} liegt uns vor.\nBitte reichen Sie Ihren Pass ein.",
        **kw,
    )


def _akte(sachbearbeitung):
    team = f.TeamFactory()
    akte = f.AkteFactory(
        person__familienname="Yılmaz",
        person__vornamen="Ayşe",
        person__geschlecht="w",
        person__anschrift="Frau Ayşe Yılmaz\nKaiserstraße 12\n63065 Offenbach am Main",
        team=team,
        sachbearbeitung=sachbearbeitung,
    )
    return akte


def _pdftext(dokument: Dokument) -> str:
    with dokument.versionen.get().original.open("rb") as fh:
        daten = fh.read()
    aus = subprocess.run(["pdftotext", "-", "-"], input=daten, capture_output=True, check=True).stdout.decode()
    return " ".join(aus.split())


def test_brief_schreiben_freigeben_versenden_zustellen(api, sachbearbeitung, anbieter, client, freigeben):
    akte = _akte(sachbearbeitung)
    vorlage = _vorlage()
    r = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": vorlage.pk}, format="json")
    assert r.status_code == 201, r.content
    s = r.json()
    assert s["status"] == "entwurf"
    assert s["felder"]["anrede"] == "Sehr geehrte Frau Yılmaz,"
    assert s["felder"]["aktenzeichen"] == akte.aktenzeichen
    assert s["felder"]["betreff"] == f"Anhörung zur Verlängerung – {akte.aktenzeichen}"
    # The caseworker edits the text (markup-like characters stay text).
    text = "Ihr Antrag ist unvollständig.\nBitte reichen Sie <Pass & Foto> bis zum 31.03.2026 ein."
    r = api.patch(f"/api/v1/postausgang/{s['id']}/", {"felder": {"text": text}}, format="json")
    assert r.status_code == 200
    r = freigeben(api, s["id"])
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "umwandlung"  # the approval returns before LibreOffice runs
    s = api.get(f"/api/v1/postausgang/{s['id']}/").json()
    assert s["status"] == "freigegeben" and s["umwandlung_versuche"] == 1
    dokument = Dokument.objects.get(pk=s["dokument"])
    assert dokument.richtung == Dokument.Richtung.AUSGANG
    assert dokument.quelle == Dokument.Quelle.POSTAUSGANG
    assert dokument.akte_id == akte.pk and dokument.register.nummer == "12"
    inhalt = _pdftext(dokument)
    assert "Bitte reichen Sie <Pass & Foto> bis zum 31.03.2026 ein." in inhalt
    assert "Kaiserstraße 12" in inhalt and akte.aktenzeichen in inhalt
    with dokument.versionen.get().original.open("rb") as fh:
        assert b"pdfaid:part>2<" in fh.read()

    r = api.post(f"/api/v1/postausgang/{s['id']}/versenden/", {"weg": "hybridpost"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "in_versand"
    services.schreiben_einliefern(schreiben_id=s["id"])
    r = api.get(f"/api/v1/postausgang/{s['id']}/")
    assert r.json()["status"] == "angenommen"
    nummer = r.json()["sendungsnummer"]
    assert len(anbieter.sendungen) == 1
    gesendet = next(iter(anbieter.sendungen.values()))
    assert gesendet["empfaenger"]["anschrift"][-1] == "63065 Offenbach am Main"

    # Callbacks: printed, posted; an old 'gedruckt' arriving late does not move it back.
    for status in ("gedruckt", "versendet", "gedruckt"):
        body, sig = signiert(SCHLUESSEL, {"sendungsnummer": nummer, "status": status})
        antwort = client.post(
            "/api/v1/postausgang/rueckmeldung/", body, content_type="application/json", HTTP_X_HYBRIDPOST_SIGNATUR=sig
        )
        assert antwort.status_code == 204
    s = api.get(f"/api/v1/postausgang/{s['id']}/").json()
    assert s["status"] == "versendet"
    assert [v["status"] for v in s["statusverlauf"]] == [
        "entwurf", "umwandlung", "freigegeben", "in_versand", "angenommen", "gedruckt", "versendet"
    ]  # fmt: skip


def test_vier_augen(sachbearbeitung, anbieter, freigeben):
    akte = _akte(sachbearbeitung)
    vorlage = _vorlage(vier_augen=True, name="Ausweisungsverfügung")
    kollegin = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    leitung = f.benutzer("OF", Rolle.TEAMLEITUNG)
    fremde_leitung = f.benutzer("HP", Rolle.TEAMLEITUNG)
    api = APIClient()
    api.force_authenticate(sachbearbeitung)
    sid = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": vorlage.pk}, format="json").json()["id"]
    r = api.post(f"/api/v1/postausgang/{sid}/freigeben/")
    assert r.json()["status"] == "zur_freigabe"
    assert not Dokument.objects.filter(akte=akte).exists()
    # Not yet approved: cannot be sent.
    r = api.post(f"/api/v1/postausgang/{sid}/versenden/", {}, format="json")
    assert r.status_code == 400 and "zuerst freigegeben" in str(r.json())
    # A colleague without the role may not approve; a team lead of another authority does not even see it.
    andere = APIClient()
    andere.force_authenticate(kollegin)
    assert andere.post(f"/api/v1/postausgang/{sid}/freigeben/").status_code == 403
    andere.force_authenticate(fremde_leitung)
    assert andere.post(f"/api/v1/postausgang/{sid}/freigeben/").status_code == 404
    andere.force_authenticate(leitung)
    r = freigeben(andere, sid)
    assert r.status_code == 200 and r.json()["status"] == "umwandlung"
    r = andere.get(f"/api/v1/postausgang/{sid}/")
    assert r.json()["status"] == "freigegeben" and r.json()["freigegeben_von"] == leitung.username
    assert Dokument.objects.get(pk=r.json()["dokument"]).akte_id == akte.pk
    # A team lead writing her own four-eyes letter still needs a second person.
    eigene = APIClient()
    eigene.force_authenticate(leitung)
    akte.sachbearbeitung = leitung
    sid2 = eigene.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": vorlage.pk}, format="json").json()["id"]
    assert eigene.post(f"/api/v1/postausgang/{sid2}/freigeben/").json()["status"] == "zur_freigabe"


def test_lokal_drucken(api, sachbearbeitung, settings, freigeben):
    settings.HYBRIDPOST_URL = ""
    akte = _akte(sachbearbeitung)
    sid = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": _vorlage().pk}, format="json").json()["id"]
    freigeben(api, sid)
    r = api.post(f"/api/v1/postausgang/{sid}/versenden/", {"weg": "hybridpost"}, format="json")
    assert r.status_code == 400 and "lokal" in str(r.json())
    r = api.post(f"/api/v1/postausgang/{sid}/versenden/", {"weg": "lokal"}, format="json")
    assert r.json()["status"] == "lokal_gedruckt"
    pdf = api.get(f"/api/v1/postausgang/{sid}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("modus", ["timeout", "muell", "fehler500"])
def test_anbieter_stoerung_bleibt_in_warteschlange_und_nichts_doppelt(
    api, sachbearbeitung, anbieter, modus, caplog, freigeben
):
    akte = _akte(sachbearbeitung)
    sid = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": _vorlage().pk}, format="json").json()["id"]
    freigeben(api, sid)
    api.post(f"/api/v1/postausgang/{sid}/versenden/", {}, format="json")
    anbieter.modus = modus
    with caplog.at_level(logging.WARNING, logger="dms.postausgang"):
        for _ in range(2):
            with pytest.raises(services.anbieter.AnbieterFehler):
                services.schreiben_einliefern(schreiben_id=sid)
    s = api.get(f"/api/v1/postausgang/{sid}/").json()
    assert s["status"] == "in_versand"  # still queued, nothing lost
    assert "Warteschlange" in s["anbieter_meldung"]
    assert s["versandversuche"] == 2
    assert caplog.records, "eine Logzeile fuer den Betrieb"
    anbieter.modus = "ok"
    services.schreiben_einliefern(schreiben_id=sid)
    services.schreiben_einliefern(schreiben_id=sid)  # a late duplicate task changes nothing
    assert api.get(f"/api/v1/postausgang/{sid}/").json()["status"] == "angenommen"
    assert len(anbieter.sendungen) <= 1  # the garbage answer's shipment is the same one: never posted twice
    assert len({v["sendungsnummer"] for v in anbieter.sendungen.values()}) == 1


def test_anbieter_lehnt_ab_und_unzustellbar_zurueck(api, sachbearbeitung, anbieter, client, freigeben):
    akte = _akte(sachbearbeitung)
    vorlage = _vorlage()
    sid = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": vorlage.pk}, format="json").json()["id"]
    freigeben(api, sid)
    api.post(f"/api/v1/postausgang/{sid}/versenden/", {}, format="json")
    anbieter.modus = "ablehnen"
    services.schreiben_einliefern(schreiben_id=sid)
    s = api.get(f"/api/v1/postausgang/{sid}/").json()
    assert s["status"] == "abgelehnt" and "Postleitzahl fehlt" in s["anbieter_meldung"]

    anbieter.modus = "ok"
    sid = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": vorlage.pk}, format="json").json()["id"]
    freigeben(api, sid)
    api.post(f"/api/v1/postausgang/{sid}/versenden/", {}, format="json")
    services.schreiben_einliefern(schreiben_id=sid)
    nummer = Ausgangsschreiben.objects.get(pk=sid).sendungsnummer
    # Forged callback: refused.
    body, _ = signiert("falsch", {"sendungsnummer": nummer, "status": "unzustellbar"})
    r = client.post("/api/v1/postausgang/rueckmeldung/", body, content_type="application/json",
                    HTTP_X_HYBRIDPOST_SIGNATUR="sha256=00")  # fmt: skip
    assert r.status_code == 403
    body, sig = signiert(
        SCHLUESSEL, {"sendungsnummer": nummer, "status": "unzustellbar", "grund": "Empfänger verzogen"}
    )
    r = client.post("/api/v1/postausgang/rueckmeldung/", body, content_type="application/json",
                    HTTP_X_HYBRIDPOST_SIGNATUR=sig)  # fmt: skip
    assert r.status_code == 204
    s = Ausgangsschreiben.objects.get(pk=sid)
    assert s.status == "unzustellbar" and s.anbieter_meldung == "Empfänger verzogen"


def test_kaputte_vorlage_wird_abgewiesen(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as e:
        _vorlage(docx=vorlage_docx("Hallo {{ name }", "x"), name="kaputt")
    assert "fehlerhaftes Feld" in str(e.value)
    with pytest.raises(ValidationError) as e:
        _vorlage(docx=vorlage_docx("Hallo {{ kontonummer }}"), name="unbekannt")
    assert "unbekannte Felder: {{ kontonummer }}" in str(e.value)
    with pytest.raises(ValidationError) as e:
        _vorlage(docx=b"kein docx", name="nichts")
    assert "keine lesbare Word-Vorlage" in str(e.value)
    _vorlage(name="doppelt")
    with pytest.raises(ValidationError) as e:
        _vorlage(name="doppelt")
    assert "gibt es bereits" in str(e.value)


def test_fremde_akte_und_fremde_vorlage(api, sachbearbeitung):
    fremde = f.AkteFactory(person__behoerde=f.behoerde("HP"))
    eigene = _akte(sachbearbeitung)
    r = api.post("/api/v1/postausgang/", {"akte": fremde.pk, "vorlage": _vorlage().pk}, format="json")
    assert r.status_code == 400
    fremde_vorlage = _vorlage(kuerzel="HP", name="HP-Vorlage")
    r = api.post("/api/v1/postausgang/", {"akte": eigene.pk, "vorlage": fremde_vorlage.pk}, format="json")
    assert r.status_code == 400
    r = api.post("/api/v1/postausgang/", {"akte": eigene.pk, "vorlage": _vorlage(name="zwei").pk,
                                          "felder": {"iban": "x"}}, format="json")  # fmt: skip
    assert r.status_code == 400 and "Unbekannte Felder" in str(r.json())


@pytest.fixture
def libreoffice_haengt(settings, tmp_path):
    """LibreOffice that never answers (a sleeping process in its place), with a 1-second limit."""
    wrapper = tmp_path / "soffice"
    wrapper.write_text("#!/bin/sh\nexec sleep 600\n")
    wrapper.chmod(0o755)
    settings.SOFFICE_BINARY = str(wrapper)
    settings.SOFFICE_ZEITLIMIT = 1
    return settings


def test_haengende_umwandlung_wird_gemeldet_nichts_versandt_und_nach_aenderung_neu_freigegeben(
    api, sachbearbeitung, freigeben, libreoffice_haengt, client
):
    akte = _akte(sachbearbeitung)
    sid = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": _vorlage().pk}, format="json").json()["id"]
    assert freigeben(api, sid).json()["status"] == "umwandlung"
    s = api.get(f"/api/v1/postausgang/{sid}/").json()
    assert s["status"] == "umwandlungsfehler" and "nach 1 Sekunden abgebrochen" in s["umwandlung_meldung"]
    assert s["dokument"] is None and not Dokument.objects.filter(akte=akte).exists()
    r = api.post(f"/api/v1/postausgang/{sid}/versenden/", {"weg": "lokal"}, format="json")
    assert r.status_code == 400 and "ohne gültiges PDF/A" in str(r.json())
    client.force_login(sachbearbeitung)
    assert "Umwandlung in PDF/A fehlgeschlagen" in client.get(f"/postausgang/{sid}/").content.decode()

    # Editing the text voids the approval; approved again with LibreOffice working, the new text is filed.
    r = api.patch(f"/api/v1/postausgang/{sid}/", {"felder": {"text": "Neuer Text nach Fehler."}}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "entwurf" and r.json()["freigegeben_von"] is None
    libreoffice_haengt.SOFFICE_BINARY = ""
    libreoffice_haengt.SOFFICE_ZEITLIMIT = 120
    freigeben(api, sid)
    s = api.get(f"/api/v1/postausgang/{sid}/").json()
    assert s["status"] == "freigegeben" and s["umwandlung_versuche"] == 2
    assert "Neuer Text nach Fehler." in _pdftext(Dokument.objects.get(pk=s["dokument"]))


def test_umwandlung_ohne_ergebnis_wird_nach_frist_gemeldet_und_kann_wiederholt_werden(
    api, sachbearbeitung, eager, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from dms.postausgang import tasks

    akte = _akte(sachbearbeitung)
    sid = api.post("/api/v1/postausgang/", {"akte": akte.pk, "vorlage": _vorlage().pk}, format="json").json()["id"]
    api.post(f"/api/v1/postausgang/{sid}/freigeben/")  # queued after a commit that never comes: the task is lost
    Ausgangsschreiben.objects.filter(pk=sid).update(geaendert_am=timezone.now() - timedelta(hours=1))
    assert tasks.sweeper() == 1
    s = api.get(f"/api/v1/postausgang/{sid}/").json()
    assert s["status"] == "umwandlungsfehler" and "nicht abgeschlossen" in s["umwandlung_meldung"]
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/postausgang/{sid}/umwandeln/")
    assert r.status_code == 200 and r.json()["status"] == "umwandlung"
    assert api.get(f"/api/v1/postausgang/{sid}/").json()["status"] == "freigegeben"
    # Nothing left to retry: a clear message, no change.
    r = api.post(f"/api/v1/postausgang/{sid}/umwandeln/")
    assert r.status_code == 400 and "keine Umwandlung zu wiederholen" in str(r.json())

"""Messages to the state archive that do not arrive are kept and sent again (dms/aussonderung/ausgang.py): our
receipt of the evaluation (0505) and the hand-over (0503). The FAKE archive (fake_archiv.py, real HTTP) is told to
answer 503 first and then to take the message; nothing of our own code is mocked."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from dms.aussonderung import ausgang, tasks
from dms.aussonderung.models import Anbietung, Archivausgang
from dms.models import Protokolleintrag, Rolle
from tests import factories as f
from tests.dms.test_aktenzeichen import _flush_trotz_protokollschutz, _gleichzeitig  # noqa: F401 - fixture

from .conftest import api_fuer

TOKEN = "betrieb-token-aussonderung-0123456789"
BEWERTUNG_EMPFANGEN = "Aussonderung.BewertungEmpfangBestaetigen.0505"
AUSSONDERUNG = "Aussonderung.Aussonderung.0503"


def empfangen(archiv, art: str) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for a, _, _ in archiv.empfangen if a == art)


def metrik(client, settings, name: str, **labels: str) -> float:  # type: ignore[no-untyped-def]
    settings.METRICS_TOKEN = TOKEN
    antwort = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert antwort.status_code == 200
    for familie in text_string_to_metric_families(antwort.content.decode()):
        for probe in familie.samples:
            if probe.name == name and probe.labels == labels:
                return probe.value
    return 0.0


def zurueckdrehen(eintrag: Archivausgang) -> None:
    """Time passes: the pause before the next attempt is over."""
    Archivausgang.objects.filter(pk=eintrag.pk).update(naechster_versuch_am=timezone.now() - dt.timedelta(seconds=1))


def versuche_im_protokoll(eintrag: Archivausgang) -> list[dict]:
    return [
        e.details
        for e in Protokolleintrag.objects.filter(objekt_typ="anbietung", objekt_id=str(eintrag.anbietung_id)).order_by(
            "zeitpunkt", "id"
        )
        if e.details.get("ausgang") == eintrag.pk
    ]


def bewertet_ohne_empfangsbestaetigung(akte, beamter, archiv) -> Archivausgang:  # type: ignore[no-untyped-def]
    """Offered (0501); the archive's 0502 asks for our receipt, but the archive is in maintenance when we send it."""
    antwort = api_fuer(beamter).post("/api/v1/aussonderung/anbietungen/", {"akten": [akte.pk]}, format="json")
    assert antwort.status_code == 201, antwort.content
    archiv.ausfall = 1
    assert tasks.fristen()["antworten"] == 2  # 0504, 0502 (processed although our 0505 did not arrive)
    return Archivausgang.objects.get(anbietung_id=antwort.json()["id"], art="0505")


@pytest.mark.django_db
def test_a_0505_that_fails_is_kept_shown_and_sent_again_with_growing_pauses_until_the_archive_takes_it(
    akte_faellig, beamter, archiv, client, settings, caplog
):
    fehler_vorher = metrik(client, settings, "akte_archivausgang_fehler_total", nachricht="0505")
    with caplog.at_level(logging.WARNING, logger="dms.aussonderung"):
        eintrag = bewertet_ohne_empfangsbestaetigung(akte_faellig, beamter, archiv)
    anbietung = Anbietung.objects.get(pk=eintrag.anbietung_id)

    # The evaluation stands; the receipt waits, with the error and the next attempt in 5 minutes.
    assert anbietung.status == Anbietung.Status.BEWERTET and anbietung.bewertung_bestaetigt_am is None
    assert empfangen(archiv, BEWERTUNG_EMPFANGEN) == 0 and archiv.abgewiesen == 1
    assert eintrag.status == "wartet" and eintrag.versuche == 1 and "HTTP 503" in eintrag.letzter_fehler
    pause = eintrag.naechster_versuch_am - eintrag.letzter_versuch_am
    assert pause == dt.timedelta(minutes=5)
    assert any("0505" in r.getMessage() and "nicht zugestellt" in r.getMessage() for r in caplog.records)

    # The operator sees it waiting and the failed attempt counted.
    assert metrik(client, settings, "akte_archivausgang_wartend", nachricht="0505") == 1
    assert metrik(client, settings, "akte_archivausgang_fehler_total", nachricht="0505") >= fehler_vorher + 1

    # The records officer sees it, with the date and time of the next attempt (local time, TT.MM.JJJJ HH:MM).
    client.force_login(beamter)
    seite = client.get("/aussonderung/").content.decode()
    naechster = timezone.localtime(eintrag.naechster_versuch_am).strftime("%d.%m.%Y %H:%M")
    assert f"Empfangsbestätigung nicht zugestellt – nächster Versuch am {naechster}" in seite
    assert re.search(rf'action="/aussonderung/ausgang/{eintrag.pk}/senden/".*?Jetzt erneut senden', seite, re.S)

    # Before the pause is over the beat task leaves it alone.
    assert tasks.ausgang_senden() == {"zugestellt": 0, "nicht_zugestellt": 0}
    assert empfangen(archiv, BEWERTUNG_EMPFANGEN) == 0

    # Second attempt, the archive still in maintenance: next pause 30 minutes.
    zurueckdrehen(eintrag)
    archiv.ausfall = 1
    assert tasks.ausgang_senden() == {"zugestellt": 0, "nicht_zugestellt": 1}
    eintrag.refresh_from_db()
    assert eintrag.versuche == 2
    assert eintrag.naechster_versuch_am - eintrag.letzter_versuch_am == dt.timedelta(minutes=30)

    # Third attempt: the archive takes it (and validates it against the schema).
    zurueckdrehen(eintrag)
    assert tasks.ausgang_senden() == {"zugestellt": 1, "nicht_zugestellt": 0}
    eintrag.refresh_from_db()
    anbietung.refresh_from_db()
    assert eintrag.status == "gesendet" and eintrag.versuche == 3 and eintrag.naechster_versuch_am is None
    assert empfangen(archiv, BEWERTUNG_EMPFANGEN) == 1 and anbietung.bewertung_bestaetigt_am is not None
    assert "nicht zugestellt" not in client.get("/aussonderung/").content.decode()
    assert metrik(client, settings, "akte_archivausgang_wartend", nachricht="0505") == 0

    # A run after that sends nothing twice.
    zurueckdrehen(eintrag)
    assert tasks.ausgang_senden() == {"zugestellt": 0, "nicht_zugestellt": 0}
    assert empfangen(archiv, BEWERTUNG_EMPFANGEN) == 1

    # Every attempt is in the audit trail of the offer.
    protokoll = versuche_im_protokoll(eintrag)
    assert [(d["versuch"], d["gesendet"]) for d in protokoll] == [(1, False), (2, False), (3, True)]
    assert all(d["format"].endswith(BEWERTUNG_EMPFANGEN) for d in protokoll)


def test_pauses_grow_to_every_six_hours():
    assert [ausgang.wartezeit(n) for n in range(1, 7)] == [
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=30),
        dt.timedelta(hours=2),
        dt.timedelta(hours=6),
        dt.timedelta(hours=6),
        dt.timedelta(hours=6),
    ]


@pytest.mark.django_db
def test_the_records_officer_sends_again_now_audited_under_her_name_others_get_404(
    akte_faellig, beamter, fremder_beamter, archiv
):
    eintrag = bewertet_ohne_empfangsbestaetigung(akte_faellig, beamter, archiv)
    url = f"/aussonderung/ausgang/{eintrag.pk}/senden/"

    # CSRF: a form post without the token is refused.
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(beamter)
    assert csrf_client.post(url).status_code == 403

    # Another authority's records officer and a caseworker of the same authority: 404, nothing sent.
    for fremd in (fremder_beamter, f.benutzer("OF", Rolle.SACHBEARBEITUNG)):
        andere = Client()
        andere.force_login(fremd)
        assert andere.post(url).status_code == 404
    assert api_fuer(fremder_beamter).get(f"/api/v1/aussonderung/ausgang/{eintrag.pk}/").status_code == 404
    assert api_fuer(fremder_beamter).post(f"/api/v1/aussonderung/ausgang/{eintrag.pk}/senden/").status_code == 404
    assert api_fuer(fremder_beamter).get("/api/v1/aussonderung/ausgang/").json()["results"] == []
    assert empfangen(archiv, BEWERTUNG_EMPFANGEN) == 0

    # Still in maintenance: the page says so with the next attempt.
    client = Client()
    client.force_login(beamter)
    archiv.ausfall = 1
    seite = client.post(url, follow=True).content.decode()
    assert "nicht angenommen" in seite and "Nächster Versuch am" in seite
    eintrag.refresh_from_db()
    assert eintrag.versuche == 2 and eintrag.status == "wartet"

    # Now it arrives, before the pause is over.
    seite = client.post(url, follow=True).content.decode()
    assert "hat die Nachricht (Empfangsbestätigung der Bewertung (0505)) angenommen" in seite
    assert empfangen(archiv, BEWERTUNG_EMPFANGEN) == 1
    eintrag.refresh_from_db()
    assert eintrag.status == "gesendet"
    eigene = Protokolleintrag.objects.filter(user_id=beamter.pk, objekt_typ="anbietung", aktion="export")
    assert sorted(e.details["versuch"] for e in eigene if e.details.get("ausgang") == eintrag.pk) == [2, 3]

    # Sent is sent: a further click sends no second copy.
    seite = client.post(url, follow=True).content.decode()
    assert "bereits angenommen" in seite and empfangen(archiv, BEWERTUNG_EMPFANGEN) == 1
    api = api_fuer(beamter).get(f"/api/v1/aussonderung/anbietungen/{eintrag.anbietung_id}/").json()
    assert api["ausgang"][0]["status"] == "gesendet" and api["ausgang"][0]["versuche"] == 3


@pytest.mark.django_db
def test_a_hand_over_the_archive_cannot_take_now_is_kept_and_sent_again_the_files_stay_until_0506(
    akte_faellig, beamter, archiv, client
):
    api = api_fuer(beamter)
    anbietung_id = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte_faellig.pk]}, format="json").json()[
        "id"
    ]
    assert tasks.fristen()["antworten"] == 2

    # Before: an unreachable archive refused the hand-over and the officer had to try again herself. Now the
    # hand-over is recorded, the 0503 waits in the outbox and the officer is told when it is tried again.
    archiv.ausfall = 1
    antwort = api.post(f"/api/v1/aussonderung/anbietungen/{anbietung_id}/uebergeben/")
    assert antwort.status_code == 200, antwort.content
    daten = antwort.json()
    assert daten["status"] == "uebergeben"
    assert [(a["status"], a["versuche"]) for a in daten["ausgang"] if a["art"] == "0503"] == [("wartet", 1)]
    assert empfangen(archiv, AUSSONDERUNG) == 0
    client.force_login(beamter)
    assert "Aussonderung (0503) nicht zugestellt – nächster Versuch am" in client.get("/aussonderung/").content.decode()
    # Not deletable: the archive has not even received it.
    loeschen = api.post("/api/v1/aussonderung/loeschungen/", {"akte": akte_faellig.pk}, format="json")
    assert loeschen.status_code == 400 and "noch nicht freigegeben" in str(loeschen.json())

    # The beat task sends it when the pause is over: written afresh from the files, with their documents.
    eintrag = Archivausgang.objects.get(anbietung_id=anbietung_id, art="0503")
    zurueckdrehen(eintrag)
    assert tasks.ausgang_senden() == {"zugestellt": 1, "nicht_zugestellt": 0}
    assert empfangen(archiv, AUSSONDERUNG) == 1
    _, _, dateien = next(e for e in archiv.empfangen if e[0] == AUSSONDERUNG)
    assert dateien, "the hand-over carries the documents' primary files"

    # The archive answers (0507, 0506): only now is the file released.
    assert tasks.fristen()["antworten"] == 2
    assert api.get(f"/api/v1/aussonderung/anbietungen/{anbietung_id}/").json()["posten"][0]["loeschung_freigegeben"]
    assert api.post("/api/v1/aussonderung/loeschungen/", {"akte": akte_faellig.pk}, format="json").status_code == 201


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_flush_trotz_protokollschutz")
def test_two_runs_at_the_same_moment_send_one_copy(akte_faellig, beamter, archiv):
    eintrag = bewertet_ohne_empfangsbestaetigung(akte_faellig, beamter, archiv)
    zurueckdrehen(eintrag)
    archiv.verzoegerung = 1.5  # a slow archive: the first run still holds the message when the second starts

    ergebnisse, fehler = _gleichzeitig(2, lambda i: tasks.ausgang_senden())

    assert fehler == []
    assert sorted(e["zugestellt"] for e in ergebnisse) == [0, 1]
    assert empfangen(archiv, BEWERTUNG_EMPFANGEN) == 1
    eintrag.refresh_from_db()
    assert eintrag.status == "gesendet" and eintrag.versuche == 2
    assert [d["versuch"] for d in versuche_im_protokoll(eintrag)] == [1, 2]

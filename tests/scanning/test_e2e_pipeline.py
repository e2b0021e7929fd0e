"""End to end: real API upload, real Redis, a real Celery worker subprocess, real Tesseract on generated scans."""

from __future__ import annotations

import hashlib
import time
from datetime import date

import pytest

from dms.models import Dokument, Protokolleintrag, Rolle, Team
from dms.suche import dokumente_volltext
from scanning.models import Posteingang
from tests import factories as f

from . import scans
from .hilfen import eindeutig, hochladen, person_mit_akte, poststelle_api, warten

# No django_db mark: rows are committed for the worker through the `e2e` fixture (see conftest.py).
# One xdist group: a second Celery worker (another xdist process, another test database) on the same Redis queue
# would take this worker's messages and drop them as unknown ids.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("scanning-ocr-queue")]


def _brief_pdf(**felder) -> bytes:
    return scans.pdf_aus_bildern([scans.brief_bild(scans.Brief(**felder), seed=hash(eindeutig()) % 10_000)])


def test_filed_by_aktenzeichen_searchable_with_counts(e2e):
    akte = person_mit_akte(familienname=f"Öztürk{eindeutig()}", geburtsdatum=date(1990, 2, 1))
    client, _ = poststelle_api()
    brief = scans.brief_bild(
        scans.Brief(name=f"Ayşe {akte.person.familienname}", aktenzeichen=akte.aktenzeichen.replace("0", "O", 1),
                    betreff="Antrag auf Verlängerung der Aufenthaltserlaubnis"), seed=11
    )  # fmt: skip
    antwort = hochladen(client, scans.pdf_aus_bildern([brief, scans.leere_seite()]))
    assert antwort["status"] == "eingegangen"
    p = warten(antwort["id"])
    assert p.status == "zugeordnet", (p.fehler, p.vorschlaege, p.text[:300])
    assert p.akte_id == akte.pk and p.automatisch_zugeordnet
    assert (p.seiten, p.leere_seiten, p.blatt) == (2, 1, 1)
    dok = Dokument.objects.get(pk=p.dokument_id)
    assert dok.register.nummer == "03" and dok.quelle == "posteingang"
    assert dok.seiten == 2 and "Aufenthaltserlaubnis" in dok.text
    version = dok.versionen.get()
    assert version.sha256 == p.sha256 and version.pdf and len(version.vorschaubilder) == 2
    assert dokumente_volltext(Dokument.objects.filter(akte=akte), "Verlängerung").exists()
    detail = client.get(f"/api/v1/posteingang/{p.pk}/").json()
    assert detail["akte"] == akte.pk and detail["dokument"] == dok.pk and detail["blatt"] == 1
    assert "Aktenzeichen" in detail["vorschlaege"][0]["grund"]


def test_filed_by_azr_with_umlaut_variant_and_by_name_and_birthdate(e2e):
    client, _ = poststelle_api()
    a1 = person_mit_akte(familienname=f"Müller{eindeutig()}", geburtsdatum=date(1985, 7, 3))
    azr = a1.person.azr_nummer
    name_ue = a1.person.familienname.replace("ü", "ue")
    r1 = hochladen(client, _brief_pdf(name=f"Jörg {name_ue}", azr_nummer=f"{azr[:4]} {azr[4:8]} {azr[8:]}"))
    a2 = person_mit_akte(familienname=f"Kowalski{eindeutig()}", geburtsdatum=date(1979, 2, 1))
    r2 = hochladen(client, _brief_pdf(name=f"Anna {a2.person.familienname}", geburtsdatum="1. Februar 1979"))
    p1, p2 = warten(r1["id"]), warten(r2["id"])
    assert p1.status == "zugeordnet" and p1.akte_id == a1.pk, (p1.vorschlaege, p1.text[:400])
    assert p1.vorschlaege[0]["grund"].startswith(f"AZR-Nummer {azr[:4]}… auf Seite 1")
    assert p2.status == "zugeordnet" and p2.akte_id == a2.pk, (p2.vorschlaege, p2.text[:400])
    assert "Name und Geburtsdatum" in p2.vorschlaege[0]["grund"]


def test_unsure_goes_to_team_in_tray_and_never_to_other_authority(e2e):
    client, _ = poststelle_api()
    # Name only (no date of birth, no number): suggestion, not filed; routed by the surname's letter range.
    team_z = Team.objects.create(behoerde=f.behoerde("OF"), name=f"Z-Team {eindeutig()}", buchstaben_von="ZY",
                                 buchstaben_bis="ZYZ")  # fmt: skip
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team_z)  # only a staffed team receives mail (issue 13)
    # A real-looking name: a name alone must be read exactly to be found (there is no typo tolerance in SQL).
    akte = person_mit_akte(familienname="Zyganski", team=None)
    r1 = hochladen(client, _brief_pdf(name=f"Max {akte.person.familienname}"))
    # The Aktenzeichen and AZR-Nummer of ANOTHER authority's file (Kreis Bergstraße), uploaded in Offenbach.
    fremd = person_mit_akte("HP", familienname=f"Fremd{eindeutig()}")
    r2 = hochladen(client, _brief_pdf(name=f"Eva {fremd.person.familienname}", aktenzeichen=fremd.aktenzeichen,
                                      azr_nummer=fremd.person.azr_nummer))  # fmt: skip
    p1, p2 = warten(r1["id"]), warten(r2["id"])
    assert p1.status == "zu_pruefen" and p1.akte_id is None
    assert p1.vorschlaege and p1.vorschlaege[0]["akte"] == akte.pk and "Name" in p1.vorschlaege[0]["grund"]
    assert p1.team_id == team_z.pk
    assert p2.status == "zu_pruefen" and p2.akte_id is None
    assert all(v["akte"] != fremd.pk for v in p2.vorschlaege)
    assert not Dokument.objects.filter(akte=fremd).exists()


def test_cover_sheets_split_stack_and_file_each_part(e2e):
    client, _ = poststelle_api()
    a = person_mit_akte(familienname=f"Erstens{eindeutig()}")
    b = person_mit_akte(familienname=f"Zweitens{eindeutig()}")
    stapel = [
        scans.deckblatt_bild(a.aktenzeichen),
        scans.brief_bild(scans.Brief(betreff="Gehaltsabrechnung Arbeitgeber"), seed=21),
        scans.leere_seite(),
        scans.deckblatt_bild(b.aktenzeichen),
        scans.brief_bild(scans.Brief(betreff="Schreiben des Verwaltungsgericht zur Klage"), seed=22),
    ]
    r = hochladen(client, scans.pdf_aus_bildern(stapel), "stapel.pdf")
    p = warten(r["id"])
    assert p.status == "aufgeteilt" and p.seiten == 5
    teile = list(Posteingang.objects.filter(parent=p).order_by("teil_nummer"))
    assert len(teile) == 2
    t1, t2 = (warten(t.pk) for t in teile)
    assert (t1.status, t1.akte_id, t1.seiten, t1.leere_seiten) == ("zugeordnet", a.pk, 2, 1)
    assert (t2.status, t2.akte_id, t2.seiten) == ("zugeordnet", b.pk, 1)
    assert Dokument.objects.get(pk=t1.dokument_id).register.nummer == "05"
    assert Dokument.objects.get(pk=t2.dokument_id).register.nummer == "12"
    assert "Deckblatt" in t1.vorschlaege[0]["grund"]


def test_duplicate_is_not_filed_twice(e2e):
    client, _ = poststelle_api()
    akte = person_mit_akte()
    daten = _brief_pdf(name=f"Ali {akte.person.familienname}", aktenzeichen=akte.aktenzeichen)
    p1 = warten(hochladen(client, daten)["id"])
    p2 = warten(hochladen(client, daten)["id"])
    assert p1.status == "zugeordnet"
    assert p2.status == "zu_pruefen" and p2.duplikat_von_id == p1.pk and "bereits" in p2.hinweis
    assert Dokument.objects.filter(akte=akte).count() == 1


def test_worker_killed_mid_ocr_finishes_exactly_once(e2e):
    client, _ = poststelle_api()
    akte = person_mit_akte()
    seiten = [
        scans.brief_bild(scans.Brief(name=f"Ali {akte.person.familienname}", aktenzeichen=akte.aktenzeichen), seed=s)
        for s in range(31, 37)
    ]
    r = hochladen(client, scans.pdf_aus_bildern(seiten))
    frist = time.monotonic() + 120
    while time.monotonic() < frist:  # wait until the OCR step is running
        p = Posteingang.objects.get(pk=r["id"])
        if p.schritt == "aufgeteilt" and p.status == "in_verarbeitung":
            break
        time.sleep(0.1)
    time.sleep(2.5)  # inside Tesseract on page 1 or 2
    e2e.kill9_kind()
    p = warten(r["id"], timeout=240)
    assert p.status == "zugeordnet" and p.seiten == 6
    assert Dokument.objects.filter(akte=akte).count() == 1
    assert Protokolleintrag.objects.filter(objekt_typ="posteingang", objekt_id=str(p.pk),
                                           details__status="zugeordnet").count() == 1  # fmt: skip
    assert "WorkerLostError" in e2e.log.read_text() or "SIGKILL" in e2e.log.read_text()


def test_whole_worker_killed_and_restarted_then_sweeper_finishes_once(e2e):
    client, _ = poststelle_api()
    akte = person_mit_akte()
    seiten = [scans.brief_bild(scans.Brief(aktenzeichen=akte.aktenzeichen), seed=s) for s in range(41, 45)]
    r = hochladen(client, scans.pdf_aus_bildern(seiten))
    warten(r["id"], status={"in_verarbeitung"}, timeout=60)
    time.sleep(3)
    e2e.kill9_alles()
    e2e.start()
    from scanning.tasks import posteingang_sweeper

    posteingang_sweeper.delay(eingegangen_seit=0, in_verarbeitung_seit=0)
    p = warten(r["id"], timeout=240)
    assert p.status == "zugeordnet"
    assert Dokument.objects.filter(akte=akte).count() == 1


def test_upload_while_broker_down_is_kept_and_sweeper_processes_it(e2e, monkeypatch):
    from auslaenderakte.celery import app

    client, _ = poststelle_api()
    akte = person_mit_akte()
    gut = app.conf.broker_url
    # The broker becomes unreachable for the publish after commit: a dead port.
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        r = hochladen(client, _brief_pdf(name=f"Ali {akte.person.familienname}", aktenzeichen=akte.aktenzeichen))
    finally:
        app.conf.broker_url = gut
        app._pool = None
        app.amqp._producer_pool = None
    time.sleep(3)
    p = Posteingang.objects.get(pk=r["id"])
    assert p.status == "eingegangen" and p.original.size > 0  # committed, nothing lost, nothing queued
    from scanning.tasks import posteingang_sweeper

    posteingang_sweeper.delay(eingegangen_seit=0)
    p = warten(r["id"])
    assert p.status == "zugeordnet" and p.akte_id == akte.pk


SCHLECHT = [
    ("leer.pdf", lambda: b"", "leer"),
    ("abgeschnitten.pdf", scans.abgeschnittenes_pdf, "unvollständig"),
    ("verschluesselt.pdf", scans.verschluesseltes_pdf, "Kennwort"),
    ("javascript.pdf", scans.pdf_mit_javascript, "JavaScript"),
    ("riesig.pdf", lambda: scans.pdf_mit_seiten(5000), "5.000 Seiten"),
    ("bombe.png", scans.dekompressionsbombe_png, "Bildpunkte"),
    ("seite.pdf", lambda: scans.HTML_ALS_PDF, "HTML"),
    ("../../etc/<script>alert(1)</script>.pdf", scans.kleines_pdf, "Dateiname"),
]


def test_every_bad_input_ends_in_fehler_original_kept_and_worker_goes_on(e2e):
    client, _ = poststelle_api()
    ids = []
    for name, erzeugen, _ in SCHLECHT:
        daten = erzeugen() + (eindeutig().encode() if name.startswith("..") else b"")
        ids.append((hochladen(client, daten, name)["id"], daten))
    for (pid, daten), (name, _, erwartet) in zip(ids, SCHLECHT, strict=True):
        p = warten(pid)
        assert p.status == "fehler", (name, p.status)
        assert erwartet in p.fehler and p.fehler.endswith("."), (name, p.fehler)
        r = client.get(f"/api/v1/posteingang/{pid}/original/")
        assert r.status_code == 200 and r["Content-Type"] == "application/octet-stream"
        inhalt = b"".join(r.streaming_content)
        assert hashlib.sha256(inhalt).hexdigest() == hashlib.sha256(daten).hexdigest(), name
        assert "/" not in p.dateiname and "<" not in p.dateiname
    # The worker is still alive and files the next good letter.
    akte = person_mit_akte()
    p = warten(hochladen(client, _brief_pdf(name=f"Ali {akte.person.familienname}",
                                            aktenzeichen=akte.aktenzeichen))["id"])  # fmt: skip
    assert p.status == "zugeordnet"

"""Operations end to end with the real worker: a mail item's upload and every Celery step of its pipeline log the
same request id, and /metrics shows the item, its OCR timing and the upload's latency afterwards."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.dms.betrieb.test_metriken import TOKEN, werte

from . import scans
from .hilfen import eindeutig, hochladen, person_mit_akte, poststelle_api, warten

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("scanning-ocr-queue")]

SCHRITTE = ("pruefen", "aufteilen", "erkennen", "zuordnen")


def _zeilen(log: str) -> list[dict]:
    ergebnis = []
    for zeile in log.splitlines():
        if zeile.startswith("{"):
            try:
                ergebnis.append(json.loads(zeile))
            except json.JSONDecodeError:
                continue
    return ergebnis


def test_request_id_follows_the_mail_item_through_every_step_and_metrics_show_it(e2e, settings):
    akte = person_mit_akte(familienname=f"Yilmaz{eindeutig()}")
    client, _ = poststelle_api()
    pdf = scans.pdf_aus_bildern([scans.brief_bild(scans.Brief(name=f"Can {akte.person.familienname}",
                                                              aktenzeichen=akte.aktenzeichen), seed=7)])  # fmt: skip
    r = client.post(
        "/api/v1/posteingang/", {"datei": _datei(pdf)}, format="multipart", HTTP_X_REQUEST_ID="upload-0815-abcd"
    )
    assert r.status_code == 201, r.content
    assert r["X-Request-ID"] == "upload-0815-abcd"
    p = warten(r.json()["id"])
    assert p.status in {"zugeordnet", "zu_pruefen"}, p.fehler

    zeilen = [z for z in _zeilen(e2e.log.read_text(errors="replace")) if z.get("task_args") == [p.pk]]
    gestartet = {z["task"].rsplit("_", 1)[-1]: z["request_id"] for z in zeilen if z["event"] == "Aufgabe gestartet"}
    assert set(SCHRITTE) <= set(gestartet), zeilen
    assert {gestartet[s] for s in SCHRITTE} == {"upload-0815-abcd"}
    beendet = [z for z in zeilen if z["event"] == "Aufgabe beendet"]
    assert len(beendet) >= 4 and all(z["request_id"] == "upload-0815-abcd" and z["dauer_ms"] >= 0 for z in beendet)
    # No personal data in the worker's lines of this item: no name, no Aktenzeichen, no file name.
    text = json.dumps(zeilen, ensure_ascii=False)
    assert akte.person.familienname not in text and akte.aktenzeichen not in text and "brief.pdf" not in text

    settings.METRICS_TOKEN = TOKEN
    w = werte(Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    assert w[("akte_ocr_sekunden_pro_seite_count", (("quelle", "ocr"),))] >= 1
    assert w[("akte_ocr_seiten_total", (("quelle", "ocr"),))] >= 1
    assert w[("akte_ocr_seiten_letzte_stunde", ())] >= 1
    assert w[("akte_posteingang", (("status", p.status),))] >= 1
    hochgeladen = [k for k in w if k[0] == "akte_http_anfrage_sekunden_count" and ("view", "posteingang-list") in k[1]]
    assert hochgeladen, sorted(k for k in w if k[0].startswith("akte_http"))


def test_a_refused_item_is_counted_by_reason(e2e, settings):
    client, _ = poststelle_api()
    settings.METRICS_TOKEN = TOKEN
    metriken = Client()

    def abgewiesen() -> float:
        w = werte(metriken.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
        return sum(
            v for k, v in w.items() if k[0] == "akte_verarbeitung_fehler_total" and ("art", "posteingang") in k[1]
        )

    vorher = abgewiesen()
    p = warten(hochladen(client, b"", name="leer.pdf")["id"])
    assert p.status == "fehler"
    assert abgewiesen() == vorher + 1


def _datei(daten: bytes):
    import io

    f = io.BytesIO(daten)
    f.name = "brief.pdf"
    return f

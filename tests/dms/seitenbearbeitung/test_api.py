"""Page editing as a new version through POST /api/v1/dokumente/{id}/seiten/: what the caseworker sees afterwards
(pages, text, sheets, contents, search), the untouched original, strict input checks and optimistic locking."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest

from dms.models import Dokument, Protokolleintrag
from tests import factories as f

from .hilfen import ablegen, drehungen, lesen, vorschau_groessen
from .hilfen import seiten_aendern as _seiten

pytestmark = pytest.mark.django_db


def _inhalt(api, akte):
    return api.get(f"/api/v1/akten/{akte.pk}/inhaltsverzeichnis/").json()


def _suche(api, wort):
    return [t["id"] for t in api.get("/api/v1/dokumente/", {"q": wort}).json()["results"]]


def test_rotate_is_a_new_version_without_ocr_and_version_1_stays_unchanged(api, akte, _no_broker):
    dok = ablegen(akte, "Antrag", 4)
    v1 = dok.versionen.get()
    vorher = (hashlib.sha256(lesen(v1.original)).hexdigest(), hashlib.sha256(lesen(v1.pdf)).hexdigest())
    r = _seiten(api, dok, aktion="drehen", seiten=[2, 4], grad=90, version=1)
    assert r.status_code == 200, r.content
    assert r.json() == {"dokument": dok.pk, "version": 2, "seiten": 4, "blaetter": [1, 2, 3, 4], "neues_dokument": None}
    v2 = dok.versionen.get(nummer=2)
    assert drehungen(v2) == [0, 90, 0, 90]
    with pikepdf.open(io.BytesIO(lesen(v2.pdf))) as pdf:  # still marked PDF/A like the pipeline's copy
        assert "/OutputIntents" in pdf.Root and pdf.open_metadata()["pdfaid:part"] == "2"
    assert vorschau_groessen(v2) == [(70, 100), (100, 70), (70, 100), (100, 70)]  # thumbnails turned with the page
    assert _no_broker == []  # nothing queued for OCR
    dok.refresh_from_db()
    assert (
        dok.ocr_status == Dokument.OcrStatus.FERTIG and dok.text.split("\f")[1].strip() == "Antrag Seite2 WortAntrag2"
    )
    assert _suche(api, "WortAntrag2") == [dok.pk]
    # version 1 byte for byte as before, and downloadable
    v1.refresh_from_db()
    assert (v1.sha256, v1.seiten) == (vorher[0], 4)
    antwort = api.get(f"/api/v1/dokumente/{dok.pk}/datei/", {"version": 1, "original": 1})
    assert hashlib.sha256(b"".join(antwort.streaming_content)).hexdigest() == vorher[0]
    antwort = api.get(f"/api/v1/dokumente/{dok.pk}/datei/", {"version": 1})
    assert hashlib.sha256(b"".join(antwort.streaming_content)).hexdigest() == vorher[1]
    assert api.get(f"/api/v1/dokumente/{dok.pk}/datei/", {"version": 9}).status_code == 404
    eintrag = Protokolleintrag.objects.filter(
        objekt_typ="dokument", objekt_id=str(dok.pk), details__has_key="seitenbearbeitung"
    ).latest("id")
    assert eintrag.details["seitenbearbeitung"] == {"aktion": "drehen", "seiten": [2, 4], "grad": 90}


def test_delete_needs_a_reason_and_leaves_a_documented_gap(api, akte):
    davor = ablegen(akte, "Davor", 1)
    dok = ablegen(akte, "Scan", 4)  # sheets 2-5
    r = _seiten(api, dok, aktion="loeschen", seiten=[2, 3])
    assert r.status_code == 400 and "Grund" in r.json()["grund"][0]
    r = _seiten(api, dok, aktion="loeschen", seiten=[1, 2, 3, 4], grund="leer")
    assert r.status_code == 400 and "nicht alle Seiten" in r.json()["seiten"][0]
    r = _seiten(api, dok, aktion="loeschen", seiten=[3, 2], grund="Leerseiten")
    assert r.status_code == 200, r.content
    assert r.json()["blaetter"] == [2, 5] and r.json()["seiten"] == 2
    inhalt = _inhalt(api, akte)
    zeilen = {z["dokument"]: z for z in inhalt if z["dokument"]}
    assert zeilen[dok.pk]["blaetter"] == "2, 5" and zeilen[davor.pk]["blaetter"] == "1"
    luecke = next(z for z in inhalt if z.get("luecke"))
    assert luecke["titel"].startswith("Bl. 3–4 entfernt am ") and "Leerseiten" in luecke["titel"]
    assert _suche(api, "WortScan2") == [] and _suche(api, "WortScan4") == [dok.pk]
    dok.refresh_from_db()
    assert dok.seiten == 2 and "WortScan3" not in dok.text


def test_reorder_is_a_permutation_and_sheets_follow_their_pages(api, akte):
    dok = ablegen(akte, "Akte", 3)
    for falsch, text in (([1, 2], "genau einmal"), ([1, 1, 2], "mehrfach"), ([1, 2, 4], "gibt es nicht")):
        r = _seiten(api, dok, aktion="reihenfolge", seiten=falsch)
        assert r.status_code == 400 and text in r.json()["seiten"][0], r.json()
    assert _seiten(api, dok, aktion="reihenfolge", seiten=[1, 2, 3]).status_code == 400
    r = _seiten(api, dok, aktion="reihenfolge", seiten=[3, 1, 2])
    assert r.status_code == 200 and r.json()["blaetter"] == [3, 1, 2]
    dok.refresh_from_db()
    assert [t.strip() for t in dok.text.split("\f")] == [
        "Akte Seite3 WortAkte3",
        "Akte Seite1 WortAkte1",
        "Akte Seite2 WortAkte2",
    ]


def test_split_makes_a_second_document_that_keeps_its_sheets(api, akte, sachbearbeitung):
    dok = ablegen(akte, "Stapel", 5)
    for ungueltig in ([1], [6], [2, 3], []):
        assert _seiten(api, dok, aktion="teilen", seiten=ungueltig).status_code == 400
    r = _seiten(api, dok, aktion="teilen", seiten=[4], titel="Zweiter Brief")
    assert r.status_code == 200, r.content
    neu = Dokument.objects.get(pk=r.json()["neues_dokument"])
    assert (neu.akte_id, neu.register_id, neu.titel, neu.seiten) == (akte.pk, dok.register_id, "Zweiter Brief", 2)
    assert neu.versionen.get().blattnummern == [4, 5] and r.json()["blaetter"] == [1, 2, 3]
    zeilen = {z["dokument"]: z["blaetter"] for z in _inhalt(api, akte) if z["dokument"]}
    assert zeilen == {dok.pk: "1–3", neu.pk: "4–5"}
    assert not any(z.get("luecke") for z in _inhalt(api, akte))
    assert _suche(api, "WortStapel5") == [neu.pk] and _suche(api, "WortStapel1") == [dok.pk]
    assert len(vorschau_groessen(neu.versionen.get())) == 2


def test_merge_appends_the_other_document_which_ends(api, akte):
    a = ablegen(akte, "Antrag", 2)  # Bl. 1-2
    ablegen(akte, "Dazwischen", 1)  # Bl. 3
    b = ablegen(akte, "Anlage", 2)  # Bl. 4-5
    fremd = ablegen(f.AkteFactory(person=akte.person), "Fremd", 1)
    assert _seiten(api, a, aktion="zusammenfuehren", dokument=fremd.pk).status_code == 400
    assert _seiten(api, a, aktion="zusammenfuehren", dokument=a.pk).status_code == 400
    assert _seiten(api, a, aktion="zusammenfuehren").status_code == 400
    r = _seiten(api, a, aktion="zusammenfuehren", dokument=b.pk)
    assert r.status_code == 200, r.content
    assert r.json()["blaetter"] == [1, 2, 4, 5]
    b.refresh_from_db()
    assert b.ersetzt_durch_id == a.pk and b.ersetzt_am is not None
    zeilen = {z["dokument"]: z["blaetter"] for z in _inhalt(api, akte) if z["dokument"]}
    assert zeilen[a.pk] == "1–2, 4–5" and b.pk not in zeilen
    assert _suche(api, "WortAnlage2") == [a.pk]
    assert b.pk not in [d["id"] for d in api.get("/api/v1/dokumente/", {"akte": akte.pk}).json()["results"]]
    assert api.get(f"/api/v1/dokumente/{b.pk}/").status_code == 200  # its versions stay readable
    for d, schluessel in ((a, "aufgenommen"), (b, "aufgegangen_in")):
        eintrag = Protokolleintrag.objects.filter(
            objekt_typ="dokument", objekt_id=str(d.pk), details__has_key="seitenbearbeitung"
        ).latest("id")
        assert schluessel in eintrag.details["seitenbearbeitung"]
    # an ended document is not edited again
    assert _seiten(api, a, aktion="zusammenfuehren", dokument=b.pk).status_code == 400


def test_stale_version_is_a_409_in_german(api, akte):
    dok = ablegen(akte, "Brief", 2)
    assert _seiten(api, dok, aktion="drehen", seiten=[1], grad=180, version=1).status_code == 200
    r = _seiten(api, dok, aktion="drehen", seiten=[1], grad=180, version=1)
    assert r.status_code == 409 and r.json()["aktuelle_version"] == 2 and "zwischenzeitlich" in r.json()["detail"]
    assert dok.versionen.count() == 2


@pytest.mark.parametrize(
    "daten, feld",
    [
        ({"aktion": "spiegeln", "seiten": [1]}, "aktion"),
        ({"aktion": "drehen", "seiten": [1], "grad": 45}, "grad"),
        ({"aktion": "drehen", "seiten": [1]}, "grad"),
        ({"aktion": "drehen", "seiten": [], "grad": 90}, "seiten"),
        ({"aktion": "drehen", "seiten": ["x"], "grad": 90}, "seiten"),
        ({"aktion": "drehen", "seiten": "1", "grad": 90}, "seiten"),
        ({"aktion": "drehen", "seiten": [0], "grad": 90}, "seiten"),
        ({"aktion": "drehen", "seiten": [10**12], "grad": 90}, "seiten"),
        ({"aktion": "drehen", "seiten": [1], "grad": 90, "version": "abc"}, "version"),
        ({"aktion": "teilen", "seiten": [2], "vorgang": 999999}, "vorgang"),
        ({"aktion": "teilen", "seiten": [2], "vorgang": 10**20}, "vorgang"),
        ({"aktion": "zusammenfuehren", "dokument": 10**20}, "dokument"),
    ],
)
def test_bad_input_is_a_german_400(api, akte, daten, feld):
    dok = ablegen(akte, "Brief", 2)
    r = _seiten(api, dok, **daten)
    assert r.status_code == 400 and feld in r.json(), r.content
    assert dok.versionen.count() == 1


def test_not_while_ocr_runs(api, akte):
    dok = ablegen(akte, "Brief", 2)
    Dokument.objects.filter(pk=dok.pk).update(ocr_status=Dokument.OcrStatus.IN_ARBEIT)
    r = _seiten(api, dok, aktion="drehen", seiten=[1], grad=90)
    assert r.status_code == 400 and "Texterkennung" in r.json()["dokument"][0]


def test_text_follows_pages_when_blank_end_pages_lost_their_separators(api, akte):
    dok = ablegen(akte, "Leer", 3)
    # the pipeline strips the joined text: a blank last page leaves only two parts for three pages
    dok.versionen.update(text="Leer Seite1 WortLeer1\n\f\nLeer Seite2 WortLeer2")
    r = _seiten(api, dok, aktion="loeschen", seiten=[1], grund="Deckblatt")
    assert r.status_code == 200, r.content
    dok.refresh_from_db()
    teile = [t.strip() for t in dok.text.split("\f")]
    assert len(teile) == 2 and "WortLeer2" in teile[0] and "WortLeer1" not in dok.text


def test_merged_legacy_document_counts_once_for_the_subsidy_and_leaves_the_desk(api, akte):
    from dms.neueingaenge.models import Neueingang
    from foerderung.queries import digitalisiert

    a = ablegen(akte, "Altakte1", 2, quelle=Dokument.Quelle.ALTAKTE)
    b = ablegen(akte, "Altakte2", 3, quelle=Dokument.Quelle.ALTAKTE)
    vorher = digitalisiert(akte.behoerde_id)
    assert (vorher.akten, vorher.blatt) == (1, 5)
    assert Neueingang.objects.filter(dokument=b).exists()
    assert _seiten(api, a, aktion="zusammenfuehren", dokument=b.pk).status_code == 200
    nachher = digitalisiert(akte.behoerde_id)
    assert (nachher.akten, nachher.blatt) == (1, 5)  # the Land pays each sheet once
    assert not Neueingang.objects.filter(dokument=b).exists()  # nothing left to read on the desk

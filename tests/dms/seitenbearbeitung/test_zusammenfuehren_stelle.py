"""Merging puts the other document's pages where the caseworker chooses: before the first page, after page N or at
the end (API `nach_seite`, the editor's "Wohin mit seinen Seiten?"); every page keeps its sheet number, and the new
version shows its sheets in page order."""

from __future__ import annotations

import pytest
from django.test import Client

from dms.models import Protokolleintrag

from .hilfen import ablegen
from .hilfen import seiten_aendern as _seiten

pytestmark = pytest.mark.django_db


def _seitenwoerter(dok) -> list[str]:
    """The marker word of each page's text, in page order (text follows its page)."""
    dok.refresh_from_db()
    return [teil.strip().split()[-1] for teil in dok.text.split("\f")]


@pytest.mark.parametrize(
    "nach_seite, blaetter, woerter",
    [
        (0, [4, 5, 1, 2, 3], ["WortAnlage1", "WortAnlage2", "WortBrief1", "WortBrief2", "WortBrief3"]),
        (1, [1, 4, 5, 2, 3], ["WortBrief1", "WortAnlage1", "WortAnlage2", "WortBrief2", "WortBrief3"]),
        (3, [1, 2, 3, 4, 5], ["WortBrief1", "WortBrief2", "WortBrief3", "WortAnlage1", "WortAnlage2"]),
        (None, [1, 2, 3, 4, 5], ["WortBrief1", "WortBrief2", "WortBrief3", "WortAnlage1", "WortAnlage2"]),
    ],
)
def test_api_puts_the_pages_where_asked_and_every_page_keeps_its_sheet(api, akte, nach_seite, blaetter, woerter):
    brief = ablegen(akte, "Brief", 3)  # Bl. 1-3
    anlage = ablegen(akte, "Anlage", 2)  # Bl. 4-5
    daten = {"aktion": "zusammenfuehren", "dokument": anlage.pk, "version": 1}
    if nach_seite is not None:
        daten["nach_seite"] = nach_seite
    r = _seiten(api, brief, **daten)
    assert r.status_code == 200, r.content
    assert r.json()["blaetter"] == blaetter and r.json()["seiten"] == 5
    assert _seitenwoerter(brief) == woerter
    v2 = brief.versionen.get(nummer=2)
    assert v2.blattnummern == blaetter and len(v2.vorschaubilder) == 5
    eintrag = Protokolleintrag.objects.filter(
        objekt_typ="dokument", objekt_id=str(brief.pk), details__has_key="seitenbearbeitung"
    ).latest("id")
    assert eintrag.details["seitenbearbeitung"]["nach_seite"] == (3 if nach_seite is None else nach_seite)
    toc = {z["dokument"]: z["blaetter"] for z in api.get(f"/api/v1/akten/{akte.pk}/inhaltsverzeichnis/").json()}
    assert toc[brief.pk] == "1–5" and anlage.pk not in toc


@pytest.mark.parametrize("nach_seite", [4, -1, "vorne", 10**12])
def test_a_place_outside_the_document_is_a_german_400_and_nothing_changes(api, akte, nach_seite):
    brief = ablegen(akte, "Brief", 3)
    anlage = ablegen(akte, "Anlage", 1)
    r = _seiten(api, brief, aktion="zusammenfuehren", dokument=anlage.pk, nach_seite=nach_seite)
    assert r.status_code == 400 and "nach_seite" in r.json(), r.content
    if nach_seite == 4:
        assert "das Dokument hat 3 Seite(n)" in r.json()["nach_seite"][0]
    assert brief.versionen.count() == 1
    anlage.refresh_from_db()
    assert anlage.ersetzt_am is None


def test_the_editor_offers_the_places_and_says_where_the_pages_went(sachbearbeitung, akte):
    brief = ablegen(akte, "Brief", 2)  # Bl. 1-2
    anlage = ablegen(akte, "Anlage", 1)  # Bl. 3
    c = Client()
    c.force_login(sachbearbeitung)
    editor = c.get(f"/dokumente/{brief.pk}/").content.decode()
    assert '<label class="kern-label" for="zusammenfuehren-stelle">Wohin mit seinen Seiten?</label>' in editor
    assert '<option value="0">Vor Seite 1 (an den Anfang)</option>' in editor
    assert '<option value="1">Nach Seite 1 (Bl. 1)</option>' in editor
    assert '<option value="" selected>Am Ende (nach Seite 2)</option>' in editor
    antwort = c.post(
        f"/dokumente/{brief.pk}/seiten/bearbeiten/",
        {"aktion": "zusammenfuehren", "dokument": anlage.pk, "nach_seite": "0", "version": 1},
        follow=True,
    ).content.decode()
    assert "Die Seiten von „Anlage“ stehen jetzt vor Seite 1 (Version 2); alle Seiten behalten ihr Blatt." in antwort
    assert "Blatt 1–3 (Version 2; Blätter unveränderter Seiten aus der Vorversion beibehalten; " in antwort
    assert "in Seitenfolge Bl. 3, 1, 2)" in antwort
    assert "Seite 1</strong> · Bl. 3" in antwort

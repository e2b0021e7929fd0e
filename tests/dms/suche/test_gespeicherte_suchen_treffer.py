"""Hit counts of saved searches on the desk: each saved search fetches its count after the desk's part is in place
(the desk itself runs no search), counts only what its owner may see now, and says what is new since she last ran
it from the desk."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dms.models import GespeicherteSuche, Protokolleintrag
from dms.services.berechtigungen import sperrvermerk_setzen
from dms.services.dokumente import suchvektor_aktualisieren
from tests.dms.schreibtisch.conftest import ablegen, client_fuer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _dokument(akte, user, titel: str):
    dok = ablegen(akte, user, titel=titel)
    suchvektor_aktualisieren(dokument_ids=[dok.pk])  # searchable by its title, as after the pipeline
    return dok


def _speichern(user, name: str, q: str) -> GespeicherteSuche:
    client_fuer(user).post("/suche/gespeichert/neu/", {"name": name, "q": q})
    return GespeicherteSuche.objects.get(user=user, name=name)


def _zahl(user, suche: GespeicherteSuche) -> str:
    r = client_fuer(user).get(f"/suche/gespeichert/{suche.pk}/treffer/", **HTMX)
    assert r.status_code == 200
    return r.content.decode()


def test_the_desk_part_asks_for_each_count_later_and_runs_no_search_itself(amt):
    for i in range(1, 4):
        _speichern(amt.anna, f"Suche {i}", f"Wort{i}")
    anna = client_fuer(amt.anna)
    with CaptureQueriesContext(connection) as drei:
        teil = anna.get("/suche/gespeichert/", **HTMX).content.decode()
    for suche in GespeicherteSuche.objects.all():
        assert f'hx-get="/suche/gespeichert/{suche.pk}/treffer/" hx-trigger="load"' in teil
        # without JavaScript a link to the count; the entry is a polite live region for the number that arrives
        assert f'<a class="kern-link" href="/suche/gespeichert/{suche.pk}/treffer/">Treffer zählen' in teil
    assert teil.count('aria-live="polite"') == 3
    for i in range(4, 9):
        _speichern(amt.anna, f"Suche {i}", f"Wort{i}")
    with CaptureQueriesContext(connection) as acht:
        anna.get("/suche/gespeichert/", **HTMX)
    assert len(acht) == len(drei)  # constant: no search per saved search
    assert not any("ts_rank" in q["sql"] or "@@" in q["sql"] for q in acht.captured_queries)


def test_counts_show_only_what_the_owner_may_see_restricted_files_never_for_the_unnamed(amt, leitung):
    _dokument(amt.akte, amt.anna, "Mietvertrag Ahmadi")
    _dokument(amt.akte2, amt.anna, "Mietvertrag Nachtrag")
    sperrvermerk_setzen(akte=amt.akte, user=leitung)  # Anna (responsible) stays named, Bernd is not
    annas = _speichern(amt.anna, "Mieten", "Mietvertrag")
    bernds = _speichern(amt.bernd, "Mieten", "Mietvertrag")
    fremde = _speichern(amt.fremd, "Mieten", "Mietvertrag")

    assert "2 Akten gefunden, 2 Dokumente" in _zahl(amt.anna, annas)
    assert "1 Akte gefunden, 1 Dokument" in _zahl(amt.bernd, bernds)
    assert "keine Treffer" in _zahl(amt.fremd, fremde)  # another authority: nothing of hers
    # nobody asks for another's count: her saved search is hers alone
    for wer in (amt.bernd, amt.vera, amt.fremd):
        assert client_fuer(wer).get(f"/suche/gespeichert/{annas.pk}/treffer/", **HTMX).status_code == 404


def test_new_since_the_last_run_from_the_desk(amt):
    _dokument(amt.akte, amt.anna, "Widerspruch erster")
    suche = _speichern(amt.anna, "Widersprüche", "Widerspruch")
    html = _zahl(amt.anna, suche)
    assert "1 Akte gefunden, 1 Dokument" in html and "neu" not in html

    _dokument(amt.akte2, amt.bernd, "Widerspruch zweiter")
    html = _zahl(amt.anna, suche)
    assert "2 Akten gefunden, 2 Dokumente" in html and "1 neu</strong> seit" in html

    # she runs it from the desk: the search page shows the hits, and they are no longer new
    anna = client_fuer(amt.anna)
    r = anna.get(f"/suche/gespeichert/{suche.pk}/", follow=True)
    assert r.redirect_chain[-1][0] == "/suche/?q=Widerspruch" and "Widerspruch zweiter" in r.content.decode()
    suche.refresh_from_db()
    assert suche.zuletzt_ausgefuehrt_am is not None
    assert "neu" not in _zahl(amt.anna, suche)
    assert client_fuer(amt.bernd).get(f"/suche/gespeichert/{suche.pk}/").status_code == 404


def test_nothing_found_and_the_page_without_javascript(amt):
    suche = _speichern(amt.anna, "Leer <i>x</i>", "Quxxelwort")
    assert "keine Treffer" in _zahl(amt.anna, suche)
    seite = client_fuer(amt.anna).get(f"/suche/gespeichert/{suche.pk}/treffer/").content.decode()
    assert "<h1" in seite and "Gespeicherte Suche „Leer &lt;i&gt;x&lt;/i&gt;“" in seite and "keine Treffer" in seite
    assert f'href="/suche/gespeichert/{suche.pk}/"' in seite


def test_each_count_is_audited_like_a_search_without_the_term(amt):
    _dokument(amt.akte, amt.anna, "Passersatzpapier beantragt")
    suche = _speichern(amt.anna, "Pässe", "Passersatzpapier")
    _zahl(amt.anna, suche)
    eintrag = Protokolleintrag.objects.filter(aktion="suche", details__trefferzahl=True).get()
    assert eintrag.details["gespeicherte_suche"] == suche.pk and eintrag.details["akten"] == 1
    assert "Passersatz" not in str(eintrag.details) and "q_hmac" in eintrag.details

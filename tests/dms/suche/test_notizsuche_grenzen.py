"""The notes' part of the search at Land scale (issue 18): the newest notes come from the notes' full-text index, the
access rules are asked per candidate's file. What a caseworker notices: she sees (and the count includes) only her
authority's notes in files she may see; restricted files' notes, other authorities' notes and the notes of a file
she only has an inspection grant for are never shown nor counted, however many and however new they are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dms.models import Rolle
from dms.notizen.models import Notiz
from dms.notizen.services import notiz_anlegen
from dms.services import berechtigungen as b
from dms.services.berechtigungen import sperrvermerk_setzen
from dms.suche import suchen
from tests import factories as f
from tests.dms.schreibtisch.conftest import api_fuer

pytestmark = pytest.mark.django_db


def _notizen(user, q: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [n.id for g in suchen(user, q).gruppen for n in g.notizen]


def _juenger(notiz: Notiz, minuten: int) -> Notiz:
    Notiz.objects.filter(pk=notiz.pk).update(angelegt_am=timezone.now() + dt.timedelta(minutes=minuten))
    return notiz


def test_newer_notes_of_restricted_files_and_other_authorities_never_take_the_places_of_her_notes(
    amt, leitung, monkeypatch
):
    """Fewer places than hits: the newest notes of a restricted file and of another authority come first in the
    index, yet the page shows her own note and counts one note."""
    monkeypatch.setattr("dms.suche.MAX_NOTIZEN", 1)
    eigene = notiz_anlegen(user=amt.anna, akte=amt.akte2, text="Rückruf Quittenbaum vereinbart")
    gesperrt = f.AkteFactory(team=amt.team, sachbearbeitung=amt.anna)
    geheim = [
        _juenger(notiz_anlegen(user=amt.anna, akte=gesperrt, text="Quittenbaum geheim"), 10 + i) for i in range(3)
    ]
    sperrvermerk_setzen(akte=gesperrt, user=leitung)  # Anna stays named, Bernd is not
    fremde_akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    fremd = [
        _juenger(notiz_anlegen(user=amt.fremd, akte=fremde_akte, text="Quittenbaum fremd"), 20 + i) for i in range(3)
    ]

    ergebnis = suchen(amt.bernd, "Quittenbaum")
    assert [(g.akte.pk, [n.id for n in g.notizen]) for g in ergebnis.gruppen] == [(amt.akte2.pk, [eigene.pk])]
    assert ergebnis.notizen_gesamt == 1
    api = api_fuer(amt.bernd).get("/api/v1/suche/", {"q": "Quittenbaum"}).json()
    assert api["notizen_gesamt"] == 1 and "geheim" not in str(api) and "fremd" not in str(api)
    # Those named on the restricted file see its newest note; the other authority only its own.
    assert _notizen(amt.anna, "Quittenbaum") == [geheim[-1].pk]
    assert _notizen(amt.fremd, "Quittenbaum") == [fremd[-1].pk]


def test_an_inspection_grant_shows_the_file_and_its_documents_but_never_its_notes(amt):
    notiz_anlegen(user=amt.anna, akte=amt.akte, text="Interne Einschätzung Mispelstrauch")
    hp_leitung = f.benutzer("HP", Rolle.TEAMLEITUNG)
    leitung_of = f.benutzer("OF", Rolle.TEAMLEITUNG, team=amt.team)
    b.akteneinsicht_erteilen(
        akte=amt.akte, user=leitung_of, bis=timezone.now() + dt.timedelta(days=3), grund="Amtshilfe", person=hp_leitung
    )
    ergebnis = suchen(hp_leitung, "Mispelstrauch")
    assert (ergebnis.gruppen, ergebnis.notizen_gesamt) == ([], 0)
    assert api_fuer(hp_leitung).get("/api/v1/suche/", {"q": "Mispelstrauch"}).json()["count"] == 0
    # the file itself she finds by its Aktenzeichen
    assert [g.akte.pk for g in suchen(hp_leitung, amt.akte.aktenzeichen).gruppen] == [amt.akte.pk]
    assert len(_notizen(amt.bernd, "Mispelstrauch")) == 1


def test_notes_of_a_handed_over_file_leave_the_old_authoritys_search(amt):
    notiz_anlegen(user=amt.anna, akte=amt.akte, text="Übergabe Kornelkirsche vorbereitet")
    assert len(_notizen(amt.bernd, "Kornelkirsche")) == 1
    type(amt.akte).objects.filter(pk=amt.akte.pk).update(status="abgegeben")
    bernd = type(amt.bernd).objects.get(pk=amt.bernd.pk)
    ergebnis = suchen(bernd, "Kornelkirsche")
    assert (ergebnis.gruppen, ergebnis.notizen_gesamt) == ([], 0)


def test_the_newest_notes_are_looked_at_first_and_older_ones_when_those_are_not_hers(amt, monkeypatch):
    """The notes are searched in windows of the newest notes of the table (Land scale: sorting every match of a
    common word among a million notes cost ~0.4 s). The page still shows the newest notes she may see: when the
    newest window holds other authorities' notes only, the next window (and finally the whole table) is asked."""
    monkeypatch.setattr("dms.suche.MAX_NOTIZEN", 2)
    monkeypatch.setattr("dms.suche.NOTIZ_FENSTER", (3, 6))
    alt = [notiz_anlegen(user=amt.anna, akte=amt.akte2, text=f"Hagebutte alt {i}") for i in range(2)]
    fremde_akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    for i in range(8):  # the newest eight notes of the table: another authority's
        notiz_anlegen(user=amt.fremd, akte=fremde_akte, text=f"Hagebutte fremd {i}")
    assert sorted(_notizen(amt.bernd, "Hagebutte")) == sorted(n.pk for n in alt)  # found in the whole table
    neu = [notiz_anlegen(user=amt.anna, akte=amt.akte2, text=f"Hagebutte neu {i}") for i in range(2)]
    assert _notizen(amt.bernd, "Hagebutte") == [neu[1].pk, neu[0].pk]  # the first window suffices
    ergebnis = suchen(amt.bernd, "Hagebutte")
    assert ergebnis.notizen_gesamt == 2 and "fremd" not in str([n.snippet for g in ergebnis.gruppen for n in g.notizen])


def test_an_edited_note_is_found_by_its_new_words_and_no_longer_by_the_old_ones(amt):
    """The notes' search vector is stored and kept by PostgreSQL (dms 0033) on every way a note's text is written."""
    from dms.notizen.services import notiz_aendern

    notiz = notiz_anlegen(user=amt.anna, akte=amt.akte2, text="Termin Sanddorn vereinbart")
    assert _notizen(amt.bernd, "Sanddorn") == [notiz.pk]
    notiz_aendern(notiz=notiz, user=amt.anna, text="Termin Holunderblüte verschoben", erwartete_version=notiz.version)
    assert _notizen(amt.bernd, "Sanddorn") == []
    assert _notizen(amt.bernd, "Holunderblüte") == [notiz.pk]
    Notiz.objects.filter(pk=notiz.pk).update(text="Rückruf Felsenbirne")  # any UPDATE of the text, not only services
    assert _notizen(amt.bernd, "Felsenbirne") == [notiz.pk] and _notizen(amt.bernd, "Holunderblüte") == []

"""The full-text search per authority (issue 18): candidates come from one GIN index over (authority, words), the
access rules run on the candidates. What a caseworker notices: she finds her authority's documents, documents of
files she has an inspection grant for, and never a restricted file's or a handed-over file's documents; the
document's authority follows its file on every way a document is written (PostgreSQL trigger, migration 0024)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from dms import services
from dms.models import Akte, Dokument, Rolle
from dms.services import berechtigungen as b
from dms.suche import suchen
from tests import factories as f
from tests.dms.ui.conftest import dokument_mit_text

pytestmark = pytest.mark.django_db


def _behoerde_der_dokumente(akte: Akte) -> set[int]:
    return set(Dokument.objects.filter(akte=akte).values_list("behoerde_id", flat=True))


def _treffer(user, q: str) -> set[int]:  # type: ignore[no-untyped-def]
    return {d.id for g in suchen(user, q).gruppen for d in g.dokumente}


def _seite(user, q: str) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    antwort = client.get("/suche/", {"q": q})
    assert antwort.status_code == 200
    return antwort.content.decode()


@pytest.fixture
def team_of(db):  # type: ignore[no-untyped-def]
    return f.TeamFactory(behoerde=f.behoerde("OF"))


@pytest.fixture
def sb(team_of):  # type: ignore[no-untyped-def]
    return f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team_of)


@pytest.fixture
def leitung(team_of):  # type: ignore[no-untyped-def]
    return f.benutzer("OF", Rolle.TEAMLEITUNG, team=team_of)


def test_every_new_document_carries_its_files_authority_whatever_writes_it(sb):
    of, hp = f.AkteFactory(), f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    ueber_service = dokument_mit_text(of, "Fiktionsbescheinigung Amt")
    Dokument.objects.bulk_create([Dokument(akte=hp, register=f.register(), titel="roh")])  # no model code at all
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO dms_dokument (uuid, akte_id, register_id, titel, art, richtung, quelle, ocr_status, seiten, "
            "blatt, text, angelegt_am, version) SELECT gen_random_uuid(), %s, %s, 'sql', '', 'eingang', 'upload', "
            "'fertig', 0, 0, '', now(), 1",
            [hp.pk, f.register().pk],
        )
    ueber_service.refresh_from_db()
    assert ueber_service.behoerde_id == of.behoerde_id
    assert _behoerde_der_dokumente(hp) == {hp.behoerde_id}


def test_found_in_own_authority_not_in_another(sb):
    akte = f.AkteFactory()
    dok = dokument_mit_text(akte, "Verpflichtungserklärung Zebrastreifen")
    fremd = f.benutzer("HP", Rolle.SACHBEARBEITUNG)
    assert _treffer(sb, "Zebrastreifen") == {dok.pk}
    assert "<mark>Zebrastreifen</mark>" in _seite(sb, "Zebrastreifen")
    assert _treffer(fremd, "Zebrastreifen") == set()
    assert akte.aktenzeichen not in _seite(fremd, "Zebrastreifen")


def test_restricted_files_document_is_not_found_by_an_unnamed_caseworker(sb, leitung):
    gesperrt = f.AkteFactory(gesperrt=True)
    offen = f.AkteFactory()
    geheim = dokument_mit_text(gesperrt, "Zeugenschutz Quittenbaum")
    sichtbar = dokument_mit_text(offen, "Antrag Quittenbaum")
    assert _treffer(sb, "Quittenbaum") == {sichtbar.pk}
    html = _seite(sb, "Quittenbaum")
    assert gesperrt.aktenzeichen not in html and "Zeugenschutz" not in html
    # Named on the file, she finds it through the same path.
    b.freigabe_erteilen(akte=gesperrt, person=sb, user=leitung)
    sb_neu = type(sb).objects.get(pk=sb.pk)  # fresh access facts
    assert _treffer(sb_neu, "Quittenbaum") == {sichtbar.pk, geheim.pk}


def test_handed_over_files_documents_follow_it_and_leave_the_old_authoritys_search(sb):
    akte = f.AkteFactory()
    dok = dokument_mit_text(akte, "Wohnsitzauflage Kastanienallee")
    hp_team = f.TeamFactory(behoerde=f.behoerde("HP"))
    hp = f.benutzer("HP", Rolle.SACHBEARBEITUNG, team=hp_team)
    assert _treffer(sb, "Kastanienallee") == {dok.pk}

    abgabe = services.abgabe_anbieten(akte=akte, ziel_behoerde=f.behoerde("HP"), user=sb, neue_anschrift="Ring 1")
    services.abgabe_annehmen(abgabe=abgabe, user=hp, team=hp_team)

    assert _behoerde_der_dokumente(akte) == {f.behoerde("HP").pk}
    assert _treffer(sb, "Kastanienallee") == set()
    assert "<mark>Kastanienallee</mark>" not in _seite(sb, "Kastanienallee")
    assert _treffer(hp, "Kastanienallee") == {dok.pk}


def test_file_handed_out_of_the_system_is_not_found(sb):
    akte = f.AkteFactory(status=Akte.Status.ABGEGEBEN)
    dokument_mit_text(akte, "Abgegeben Holunderweg")
    assert _treffer(sb, "Holunderweg") == set()


def test_moved_document_is_found_in_its_new_file(sb, leitung):
    von, nach = f.AkteFactory(), f.AkteFactory()
    dok = dokument_mit_text(von, "Meldebescheinigung Lindenhof")
    services.dokument_umlegen(dokument=dok, akte=nach, grund="falsch abgelegt", user=sb)
    gruppen = suchen(sb, "Lindenhof").gruppen
    assert [(g.akte.pk, [d.id for d in g.dokumente]) for g in gruppen] == [(nach.pk, [dok.pk])]
    assert _behoerde_der_dokumente(nach) == {nach.behoerde_id}


def test_inspection_grant_from_another_authority_is_searchable_and_ends_with_it(sb, leitung):
    hp_akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    hp_leitung = f.benutzer("HP", Rolle.TEAMLEITUNG)
    dok = dokument_mit_text(hp_akte, "Einbürgerung Mirabellenweg")
    assert _treffer(sb, "Mirabellenweg") == set()
    einsicht = b.akteneinsicht_erteilen(
        akte=hp_akte, user=hp_leitung, bis=timezone.now() + dt.timedelta(days=3), grund="Amtshilfe", person=sb
    )
    assert _treffer(sb, "Mirabellenweg") == {dok.pk}
    b.akteneinsicht_widerrufen(einsicht=einsicht, user=hp_leitung)
    sb_neu = type(sb).objects.get(pk=sb.pk)
    assert _treffer(sb_neu, "Mirabellenweg") == set()


# Both ways of the name look-up in the own authority: the matching persons' ids (few persons) and the name condition
# on the files (more than PERSONEN_GRENZE persons, here: any); the results are the same.
BEIDE_WEGE = pytest.mark.parametrize("grenze", [5000, 0], ids=["personen", "bedingung"])


@BEIDE_WEGE
def test_several_words_find_a_file_by_first_and_family_name(sb, grenze, monkeypatch):
    monkeypatch.setattr("dms.queries.PERSONEN_GRENZE", grenze)
    person = f.PersonFactory(familienname="Quenzel", vornamen="Ramona Eleonore")
    akte = f.AkteFactory(person=person)
    f.AkteFactory(person=f.PersonFactory(familienname="Quenzel", vornamen="Peter"))
    gefunden = [g.akte.pk for g in suchen(sb, "Eleonore Quenzel").gruppen]
    assert gefunden == [akte.pk]
    assert [g.akte.pk for g in suchen(sb, "leonor quenzel").gruppen] == [akte.pk]  # anywhere in the first names


def test_restricted_and_foreign_documents_never_count_towards_the_shown_or_the_limited_hits(sb, monkeypatch):
    """The access rules run before the best documents are picked: a page of hits is full of documents she may see,
    and "more hits than shown" is never said because of documents she may not see."""
    monkeypatch.setattr("dms.suche.MAX_DOKUMENTE", 2)
    offen = f.AkteFactory()
    sichtbar = {dokument_mit_text(offen, f"Schlehenhecke Nummer {i}").pk for i in range(2)}
    gesperrt = f.AkteFactory(gesperrt=True)
    for i in range(3):
        dokument_mit_text(gesperrt, f"Schlehenhecke Schlehenhecke Schlehenhecke geheim {i}")  # ranked higher
    fremd = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    dokument_mit_text(fremd, "Schlehenhecke Schlehenhecke Schlehenhecke fremd")
    ergebnis = suchen(sb, "Schlehenhecke")
    assert {d.id for g in ergebnis.gruppen for d in g.dokumente} == sichtbar
    assert (ergebnis.dokumente_gesamt, ergebnis.begrenzt) == (2, False)
    assert "geheim" not in _seite(sb, "Schlehenhecke")


def test_best_ranked_documents_come_first_and_the_rest_is_announced(sb, monkeypatch):
    monkeypatch.setattr("dms.suche.MAX_DOKUMENTE", 2)
    akte = f.AkteFactory()
    selten = dokument_mit_text(akte, "Holzapfel einmal und sonst nichts weiter")
    oft = dokument_mit_text(akte, "Holzapfel Holzapfel Holzapfel Holzapfel")
    mittel = dokument_mit_text(akte, "Holzapfel Holzapfel und anderes")
    ergebnis = suchen(sb, "Holzapfel")
    assert [d.id for d in ergebnis.gruppen[0].dokumente] == [oft.pk, mittel.pk]
    assert ergebnis.begrenzt and selten.pk not in {d.id for d in ergebnis.gruppen[0].dokumente}


def test_snippet_of_a_long_text_shows_the_hit_at_its_start_and_deep_inside(sb):
    """The snippet is taken from the start of a long text when the hit is there, from the whole text otherwise."""
    akte = f.AkteFactory()
    fuell = "Seite mit gewöhnlichem Verwaltungstext ohne Besonderheiten. " * 400  # ~24,000 characters
    vorn = dokument_mit_text(akte, "Ginsterbusch steht vorn. " + fuell)
    hinten = dokument_mit_text(akte, fuell + "Erst ganz am Ende: Wacholderzweig.")
    (gruppe,) = suchen(sb, "Ginsterbusch").gruppen
    assert [d.id for d in gruppe.dokumente] == [vorn.pk]
    assert "<mark>Ginsterbusch</mark>" in gruppe.dokumente[0].snippet
    (gruppe,) = suchen(sb, "Wacholderzweig").gruppen
    assert [d.id for d in gruppe.dokumente] == [hinten.pk]
    assert "<mark>Wacholderzweig</mark>" in gruppe.dokumente[0].snippet


@BEIDE_WEGE
def test_a_common_name_shows_her_newest_files_never_restricted_or_foreign_ones(sb, leitung, monkeypatch, grenze):
    """The newest files per branch of the name look-up: restricted files and another authority's files, however
    new, neither appear nor take places; a file of another authority with an inspection grant is found by name."""
    monkeypatch.setattr("dms.queries.PERSONEN_GRENZE", grenze)
    monkeypatch.setattr("dms.suche.MAX_AKTEN", 2)
    alt = [f.AkteFactory(person=f.PersonFactory(familienname="Wöhler")) for _ in range(3)]
    gesperrt = [f.AkteFactory(person=f.PersonFactory(familienname="Wöhler"), gesperrt=True) for _ in range(2)]
    hp = f.behoerde("HP")
    fremd = [f.AkteFactory(person=f.PersonFactory(familienname="Wöhler", behoerde=hp)) for _ in range(2)]
    eingesehen = f.AkteFactory(person=f.PersonFactory(familienname="Woehler", behoerde=hp))
    jetzt = timezone.now()
    for i, akte in enumerate([*alt, eingesehen, *gesperrt, *fremd]):  # the later, the newer
        Akte.objects.filter(pk=akte.pk).update(geaendert_am=jetzt + dt.timedelta(minutes=i))
    assert [g.akte.pk for g in suchen(sb, "Wöhler").gruppen] == [alt[2].pk, alt[1].pk]
    b.akteneinsicht_erteilen(
        akte=eingesehen,
        user=f.benutzer("HP", Rolle.TEAMLEITUNG),
        bis=timezone.now() + dt.timedelta(days=3),
        grund="Amtshilfe",
        person=sb,
    )
    sb_neu = type(sb).objects.get(pk=sb.pk)
    # "Woehler" finds "Wöhler" too (umlaut spellings); the inspected file is newer than her own ones
    assert [g.akte.pk for g in suchen(sb_neu, "woehler").gruppen] == [eingesehen.pk, alt[2].pk]
    monkeypatch.setattr("dms.suche.MAX_AKTEN", 50)
    gefunden = {g.akte.pk for g in suchen(sb_neu, "Wöhler").gruppen}
    assert gefunden == {eingesehen.pk, *(a.pk for a in alt)}


@BEIDE_WEGE
def test_names_dates_and_file_numbers_together_find_only_the_file_matching_all(sb, grenze, monkeypatch):
    """Several words: a family name with a date of birth, a file number with a name, a family name in umlaut
    spelling with a first name; a word that is nobody's name finds nothing."""
    monkeypatch.setattr("dms.queries.PERSONEN_GRENZE", grenze)
    gesucht = f.AkteFactory(
        person=f.PersonFactory(familienname="Jürgensmeier", vornamen="Lale Özlem", geburtsdatum=dt.date(1988, 3, 12))
    )
    f.AkteFactory(
        person=f.PersonFactory(familienname="Jürgensmeier", vornamen="Lale", geburtsdatum=dt.date(1990, 1, 1))
    )
    f.AkteFactory(
        person=f.PersonFactory(familienname="Brandhorst", vornamen="Özlem", geburtsdatum=dt.date(1988, 3, 12))
    )

    def akten(q: str) -> list[int]:
        return [g.akte.pk for g in suchen(sb, q).gruppen if g.grund]

    assert akten("Jürgensmeier 12.03.1988") == [gesucht.pk]
    assert akten("juergensmeier Özlem") == [gesucht.pk]
    assert akten(f"{gesucht.aktenzeichen} Lale") == [gesucht.pk]
    assert akten("Meldebescheinigung") == []
    assert akten("Jürgensmeier Meldebescheinigung") == []


def test_a_word_that_is_nobodys_name_reads_the_name_indexes_not_the_authoritys_files(sb):
    """Before, PostgreSQL guessed from the statistics that a word would be some persons' name and walked every file
    of the authority newest first looking for them (190-230 ms at 100,000 files for "Meldebescheinigung"): now the
    persons come first from the name indexes, and with none of them the own authority's files are asked by file
    number only; with some, by those persons' ids."""
    from dms.access import zugang
    from dms.queries import akte_schnellsuche_zweige

    personen = [f.PersonFactory(familienname="Quittenbaum") for _ in range(3)]
    for person in personen:
        f.AkteFactory(person=person)
    f.AkteFactory(person=f.PersonFactory(familienname="Quittenbaum", behoerde=f.behoerde("HP")))
    behoerde_id = zugang(sb).behoerde_id
    (nur_aktenzeichen,) = akte_schnellsuche_zweige("Meldebescheinigung", behoerde_id)
    assert "aktenzeichen__istartswith" in str(nur_aktenzeichen)
    assert [g.akte.pk for g in suchen(sb, "Meldebescheinigung").gruppen if g.grund] == []
    _, nach_personen = akte_schnellsuche_zweige("Quittenbaum", behoerde_id)
    (bedingung,) = nach_personen.children
    assert sorted(bedingung.werte) == sorted(p.pk for p in personen)  # hers only, not the other authority's
    assert len([g for g in suchen(sb, "Quittenbaum").gruppen if g.grund]) == 3


def test_a_handed_over_file_goes_to_the_new_authority_without_the_old_authoritys_notes(sb):
    """Notes are the writing authority's internal working aid, never part of the file (dms 0034): after an accepted
    hand-over the receiving authority sees the file and its documents, but neither in the file nor in the search
    the sender's notes; its own new notes it does see."""
    from dms.notizen.models import Notiz
    from dms.notizen.services import notiz_anlegen

    akte = f.AkteFactory(sachbearbeitung=sb)
    notiz_anlegen(user=sb, akte=akte, text="Interne Einschätzung Schlehdorn: Vorsicht")
    hp_team = f.TeamFactory(behoerde=f.behoerde("HP"))
    hp = f.benutzer("HP", Rolle.SACHBEARBEITUNG, team=hp_team)
    abgabe = services.abgabe_anbieten(akte=akte, ziel_behoerde=f.behoerde("HP"), user=sb, neue_anschrift="Ring 1")
    services.abgabe_annehmen(abgabe=abgabe, user=hp, team=hp_team)

    assert not Notiz.objects.visible_to(hp).filter(akte=akte).exists()
    ergebnis = suchen(hp, "Schlehdorn")
    assert (ergebnis.notizen_gesamt, ergebnis.gruppen) == (0, [])
    client = Client()
    client.force_login(hp)
    seite = client.get(f"/akten/{akte.pk}/")
    assert seite.status_code == 200 and "Schlehdorn" not in seite.content.decode()
    eigene = notiz_anlegen(user=hp, akte=akte, text="Neue Notiz Schlehdorn Rückruf")
    assert [n.id for g in suchen(hp, "Schlehdorn").gruppen for n in g.notizen] == [eigene.pk]


def test_several_words_one_on_few_persons_one_on_many_find_the_same_files(sb, monkeypatch):
    """The limit is per word: a word on more persons than PERSONEN_GRENZE keeps its name condition, the other word
    is asked by its persons' ids; together they find exactly the files matching both."""
    monkeypatch.setattr("dms.queries.PERSONEN_GRENZE", 1)
    gesucht = f.AkteFactory(person=f.PersonFactory(familienname="Eibenhof", vornamen="Mirella"))
    f.AkteFactory(person=f.PersonFactory(familienname="Eibenhof", vornamen="Konstantin"))  # two persons "Eibenhof"
    f.AkteFactory(person=f.PersonFactory(familienname="Brandt", vornamen="Mirella"))
    from dms.access import zugang
    from dms.queries import personen_begrenzt

    eibenhof, mirella = personen_begrenzt(["Eibenhof", "Mirella"], zugang(sb).behoerde_id, vornamen=True)
    assert eibenhof is None and mirella is None  # both over the limit of 1 here
    monkeypatch.setattr("dms.queries.PERSONEN_GRENZE", 2)
    eibenhof, mirella = personen_begrenzt(["Eibenhof", "Mirella"], zugang(sb).behoerde_id, vornamen=True)
    assert eibenhof is not None and len(eibenhof) == 2 and mirella is not None and len(mirella) == 2
    monkeypatch.setattr("dms.queries.PERSONEN_GRENZE", 1)
    f.AkteFactory(person=f.PersonFactory(familienname="Ulmenried", vornamen="Mirella"))
    gefunden = [g.akte.pk for g in suchen(sb, "Eibenhof Mirella").gruppen if g.grund]
    assert gefunden == [gesucht.pk]
    einzeln = f.AkteFactory(person=f.PersonFactory(familienname="Zirbelkamp", vornamen="Mirella Sophie"))
    assert personen_begrenzt(["Zirbelkamp"], zugang(sb).behoerde_id, vornamen=True) == [[einzeln.person_id]]
    assert [g.akte.pk for g in suchen(sb, "Zirbelkamp Mirella").gruppen if g.grund] == [einzeln.pk]

"""Attacker's probes of the ways added with the search rewrite, saved-search counts, note versions and page merging:
hostile search input against the raw SQL, another user's saved search, script in names and notes, and odd
`nach_seite` values. Each must end in a German answer or a 404, never a 500 or another person's data."""

from __future__ import annotations

import pytest

from dms.models import GespeicherteSuche
from dms.services.berechtigungen import sperrvermerk_setzen
from dms.services.dokumente import suchvektor_aktualisieren
from dms.suche import Filter, suchanfrage, suchen
from tests.dms.schreibtisch.conftest import ablegen, amt, client_fuer

__all__ = ["amt"]  # the fixture, imported

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

FEINDLICH = [
    "'",
    "''",
    "\\",
    "\\'",
    "%",
    "%%",
    "%s",
    "%(x)s",
    "Geheimwort' OR 1=1 --",
    "Geheimwort'); DROP TABLE dms_dokument; --",
    "Geheimwort\x00",
    "\x00",
    "Gehei*",
    "*",
    "***:*",
    "a:* & !b | (c",
    '"Geheimwort" OR -Geheimwort',
    "-",
    "geh* & ' | \\ *",
    "\ue000Geheimwort\ue001",  # the snippet markers themselves
    "Geheimwort " * 400,
    "x" * 5000,
]


@pytest.fixture
def geheim(amt, leitung):
    """A restricted file of Anna's authority that names only Anna, with a document Bernd must never find."""
    dok = ablegen(amt.akte2, amt.anna, titel="Geheimwort Bescheid")
    suchvektor_aktualisieren(dokument_ids=[dok.pk])
    sperrvermerk_setzen(akte=amt.akte2, user=leitung)  # Anna (responsible) stays named
    offen = ablegen(amt.akte, amt.anna, titel="Geheimwort Vermerk")
    suchvektor_aktualisieren(dokument_ids=[offen.pk])
    return dok, offen


@pytest.mark.parametrize("q", FEINDLICH, ids=range(len(FEINDLICH)))
def test_hostile_search_input_never_breaks_the_raw_sql_nor_opens_a_restricted_file(amt, geheim, q):
    dok, _offen = geheim
    for user in (amt.bernd, amt.fremd):
        r = client_fuer(user).get("/suche/", {"q": q})
        assert r.status_code in (200, 400), (q, r.status_code)
        assert "Geheimwort Bescheid" not in r.content.decode()
        if "\x00" not in q:
            ergebnis = suchen(user, q, Filter())
            assert dok.pk not in {d.id for g in ergebnis.gruppen for d in g.dokumente}


def test_the_named_colleague_finds_it_through_the_same_statement(amt, geheim):
    dok, offen = geheim
    anna = {d.id for g in suchen(amt.anna, "Geheimwort", Filter()).gruppen for d in g.dokumente}
    bernd = {d.id for g in suchen(amt.bernd, "Geheimwort", Filter()).gruppen for d in g.dokumente}
    assert anna == {dok.pk, offen.pk}
    assert bernd == {offen.pk}
    assert suchanfrage("Gehei*") is not None
    assert {d.id for g in suchen(amt.bernd, "Gehei*", Filter()).gruppen for d in g.dokumente} == {offen.pk}


def test_another_users_saved_search_is_a_404_for_its_run_and_leaves_her_new_mark(amt):
    suche = GespeicherteSuche.objects.create(user=amt.anna, name="Annas", q="Geheimwort")
    for user in (amt.bernd, amt.fremd):
        c = client_fuer(user)
        assert c.get(f"/suche/gespeichert/{suche.pk}/").status_code == 404
        assert c.get(f"/suche/gespeichert/{suche.pk}/treffer/").status_code == 404
    suche.refresh_from_db()
    assert suche.zuletzt_ausgefuehrt_am is None  # her "new since" mark untouched by others
    assert client_fuer(amt.anna).post(f"/suche/gespeichert/{suche.pk}/").status_code == 405


def test_a_saved_search_name_and_term_with_markup_are_shown_as_text(amt):
    name = '<img src=x onerror="alert(1)">'
    suche = GespeicherteSuche.objects.create(user=amt.anna, name=name, q='"><script>alert(2)</script>')
    anna = client_fuer(amt.anna)
    for url in (f"/suche/gespeichert/{suche.pk}/treffer/", "/suche/gespeichert/"):
        seite = anna.get(url).content.decode()
        assert "<img src=x" not in seite and "<script>alert(2)" not in seite
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in seite


def test_a_note_with_markup_is_text_in_the_part_and_in_the_conflict(amt):
    from dms.notizen.models import Notiz

    text = "<script>alert(1)</script><b onmouseover=x>fett</b>"
    notiz = Notiz.objects.create(akte=amt.akte, text=text, verfasst_von=amt.anna)
    anna = client_fuer(amt.anna)
    teil = anna.get(f"/akten/{amt.akte.pk}/notizen/", **HTMX).content.decode()
    assert "<script>alert(1)" not in teil and "&lt;script&gt;alert(1)&lt;/script&gt;" in teil
    # a stale edit shows the saved text and keeps hers: both escaped
    r = anna.post(f"/notizen/{notiz.pk}/aendern/", {"text": "<svg onload=alert(3)>", "version": "0"}, **HTMX)
    assert r.status_code == 409
    seite = r.content.decode()
    assert "<svg onload" not in seite and "&lt;svg onload=alert(3)&gt;" in seite
    assert "<script>alert(1)" not in seite


def test_notes_of_a_restricted_file_are_404_for_the_unnamed_on_every_new_way(amt, leitung):
    from dms.notizen.models import Notiz

    notiz = Notiz.objects.create(akte=amt.akte2, text="Geheime Notiz", verfasst_von=amt.anna)
    sperrvermerk_setzen(akte=amt.akte2, user=leitung)  # Anna (responsible) stays named
    bernd = client_fuer(amt.bernd)
    assert bernd.post(f"/notizen/{notiz.pk}/aendern/", {"text": "x", "version": "1"}).status_code == 404
    assert bernd.post(f"/notizen/{notiz.pk}/loeschen/", {"version": "1"}).status_code == 404
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(amt.bernd)
    assert api.patch(f"/api/v1/notizen/{notiz.pk}/", {"text": "x", "version": 1}, format="json").status_code == 404
    assert api.delete(f"/api/v1/notizen/{notiz.pk}/?version=1").status_code == 404
    assert api.delete(f"/api/v1/notizen/{notiz.pk}/?version=abc").status_code == 404
    notiz.refresh_from_db()
    assert notiz.text == "Geheime Notiz" and notiz.version == 1


def test_a_qes_job_page_shows_titles_names_and_reasons_as_text_and_only_to_who_may_change_it(amt):
    """The signer's name comes from the trust service's certificate, the reason from the task: untrusted text. A
    same-authority user without file access (the audit office) gets 404 for the job, like another authority."""
    from dms.gericht.models import Bestaetigungsauftrag, Bestaetigungsposten
    from dms.models import Rolle
    from tests import factories as f

    dok = ablegen(amt.akte, amt.anna, titel="<script>alert('titel')</script>")
    auftrag = Bestaetigungsauftrag.objects.create(
        akte=amt.akte, name="<img src=x onerror=alert('name')>", erstellt_von=amt.anna
    )
    Bestaetigungsposten.objects.create(
        auftrag=auftrag,
        version=dok.versionen.get(),
        status=Bestaetigungsposten.Status.FEHLER,
        fehler="<svg onload=alert('grund')>",
        daten=b"x",
    )
    anna = client_fuer(amt.anna)
    for url in (f"/uebereinstimmung/auftraege/{auftrag.pk}/", f"/uebereinstimmung/auftraege/{auftrag.pk}/stand/"):
        seite = anna.get(url).content.decode()
        assert "<script>alert" not in seite and "<img src=x" not in seite and "<svg onload" not in seite
        assert "&lt;svg onload=alert(&#x27;grund&#x27;)&gt;" in seite
    revision = client_fuer(f.benutzer("OF", Rolle.REVISION))
    # the mail room sees files (docs/permissions.md) and so the job, but may not ask for a confirmation
    poststelle = client_fuer(f.benutzer("OF", Rolle.POSTSTELLE))
    assert poststelle.get(f"/uebereinstimmung/auftraege/{auftrag.pk}/").status_code == 200
    assert poststelle.post(f"/akten/{amt.akte.pk}/uebereinstimmung/", {"dokumente": [dok.pk]}).status_code in (403, 404)
    for c in (revision, client_fuer(amt.fremd)):
        assert c.get(f"/uebereinstimmung/auftraege/{auftrag.pk}/").status_code == 404
        assert c.get(f"/api/v1/uebereinstimmungen/{auftrag.pk}/").status_code == 404
        assert c.post(
            f"/api/v1/akten/{amt.akte.pk}/uebereinstimmung/", {"dokumente": [dok.pk], "verglichen": True}
        ).status_code in (403, 404)

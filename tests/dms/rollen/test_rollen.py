"""Issue 13 "Every role at home": menus per role, German error pages, the team lead's pages, the authority admin's
user administration, the Revision's audit page, and mail that reaches people (docs/rollen.md)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dms.models import Protokolleintrag, Rolle
from dms.queries import besetzte_teams, zustaendiges_team_id
from scanning.merkmale import familienname_finden
from tests import factories as f
from tests.dms.ui.conftest import pdf_mit_text

pytestmark = pytest.mark.django_db
User = get_user_model()

ENGLISCH = re.compile(r"\b(Not Found|Forbidden|Server Error|Page not found|Bad Request)\b")


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _menue(c: Client) -> list[tuple[str, str]]:
    html = c.get("/").content.decode()
    nav = re.search(r'<nav class="hauptnavigation".*?</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))


ERWARTET = {
    Rolle.POSTSTELLE: {"Mein Arbeitsplatz", "Suche", "Poststelle", "Altakten"},
    Rolle.SACHBEARBEITUNG: {"Mein Arbeitsplatz", "Postkorb", "Suche", "Postausgang", "Abwesenheit", "Akteneinsichten"},
    Rolle.TEAMLEITUNG: {"Postkorb", "Vertretungen", "Akteneinsichten", "Aktenabgaben", "Förderung"},
    Rolle.BEHOERDENADMIN: {"Postkorb", "Vertretungen", "Benutzerverwaltung", "Förderung"},
    Rolle.REVISION: {"Mein Arbeitsplatz", "Protokoll", "Förderung", "Altakten"},
    Rolle.LAND: {"Mein Arbeitsplatz", "Förderung", "Altakten"},
}
NIE = {
    Rolle.POSTSTELLE: {"Förderung", "Postkorb", "Protokoll", "Benutzerverwaltung", "Vertretungen"},
    Rolle.SACHBEARBEITUNG: {"Förderung", "Protokoll", "Benutzerverwaltung", "Vertretungen"},
    Rolle.TEAMLEITUNG: {"Protokoll", "Benutzerverwaltung"},
    Rolle.BEHOERDENADMIN: {"Protokoll"},
    Rolle.REVISION: {"Poststelle", "Postkorb", "Suche", "Benutzerverwaltung"},
    Rolle.LAND: {"Poststelle", "Postkorb", "Suche", "Protokoll", "Benutzerverwaltung"},
}


@pytest.mark.parametrize("rolle", list(ERWARTET))
def test_each_role_sees_its_menu_and_every_entry_answers_in_german(rolle):
    c = _client(f.benutzer("OF", rolle))
    menue = _menue(c)
    namen = {text for _, text in menue}
    assert ERWARTET[rolle] <= namen, namen
    assert not (NIE[rolle] & namen), namen
    for href, text in menue:
        r = c.get(href)
        assert r.status_code == 200, (text, href, r.status_code)
        assert not ENGLISCH.search(r.content.decode()), (text, href)


@pytest.mark.parametrize(
    ("rolle", "pfad", "status", "titel"),
    [
        (Rolle.POSTSTELLE, "/foerderung/", 404, "Seite nicht gefunden"),
        (Rolle.SACHBEARBEITUNG, "/foerderung/", 404, "Seite nicht gefunden"),
        (Rolle.LAND, "/poststelle/", 403, "Kein Zugriff"),
        (Rolle.REVISION, "/poststelle/", 403, "Kein Zugriff"),
        (Rolle.SACHBEARBEITUNG, "/protokoll/", 403, "Kein Zugriff"),
        (Rolle.SACHBEARBEITUNG, "/gibt-es-nicht/", 404, "Seite nicht gefunden"),
    ],
)
def test_error_pages_are_german_in_the_design_system_and_say_what_to_do(rolle, pfad, status, titel):
    r = _client(f.benutzer("OF", rolle)).get(pfad)
    html = r.content.decode()
    assert r.status_code == status
    assert f">{titel}</h1>" in html and "Was Sie jetzt tun können" in html
    assert "kern.min.css" in html and 'lang="de"' in html and 'class="hauptnavigation"' in html
    assert not ENGLISCH.search(html)


def test_500_and_csrf_pages_are_german():
    from django.template.loader import render_to_string

    for name, titel in (("500.html", "Technischer Fehler"), ("403_csrf.html", "Formular abgelaufen")):
        html = render_to_string(name)
        assert f">{titel}</h1>" in html and "kern.min.css" in html and "Was Sie jetzt tun können" in html
        assert not ENGLISCH.search(html)
    c = Client(enforce_csrf_checks=True)
    c.force_login(f.benutzer("OF", Rolle.SACHBEARBEITUNG))
    r = c.post("/abwesenheit/", {})
    assert r.status_code == 403 and "Formular abgelaufen" in r.content.decode()


def test_favicon_is_served():
    r = Client().get("/favicon.ico")
    assert r.status_code == 301 and r["Location"].endswith("favicon.svg")
    html = _client(f.benutzer("OF", Rolle.SACHBEARBEITUNG)).get("/").content.decode()
    assert 'rel="icon"' in html


# --- Mail that reaches people ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Name: Yılmaz, Ayşe", "Yılmaz"),
        ("Sehr geehrte Frau Ayşe Öztürk,\nbitte", "Öztürk"),
        ("Antragsteller: Ahmad Mohammed, geboren am 1.1.1990", "Mohammed"),
        ("Familienname: Nguyễn\nVorname: Lan", "Nguyễn"),
        ("Herrn Dr. Jürgen Müller\nHauptstraße 1", "Müller"),
        ("Sehr geehrte Damen und Herren,\nanbei die Unterlagen", ""),
    ],
)
def test_surname_is_recognised_in_letters(text, name):
    assert familienname_finden(text) == name


def _teams():
    ak = f.TeamFactory(name="Team A-K", buchstaben_von="A", buchstaben_bis="K")
    lz = f.TeamFactory(name="Team L-Z", buchstaben_von="L", buchstaben_bis="Z")
    allgemein = f.TeamFactory(name="Allgemein", ist_standard=True)
    return ak, lz, allgemein


def test_unmatched_mail_goes_to_a_staffed_team_by_letter_range():
    ak, lz, allgemein = _teams()
    b = ak.behoerde_id
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=ak)
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=lz)
    f.benutzer("OF", Rolle.REVISION, team=allgemein)  # Revision cannot act on mail: the team stays unstaffed
    assert set(besetzte_teams(b)) == {ak, lz}
    assert zustaendiges_team_id(b, "Müller") == lz.pk
    assert zustaendiges_team_id(b, "Abdullah") == ak.pk
    # No surname and an unstaffed default team: a staffed team gets it, never the empty one.
    assert zustaendiges_team_id(b, "") in {ak.pk, lz.pk}
    f.benutzer("OF", Rolle.TEAMLEITUNG, team=allgemein)
    assert zustaendiges_team_id(b, "") == allgemein.pk


def test_pipeline_routes_a_letter_without_identifiers_by_the_named_surname():
    from scanning import services as scanning
    from scanning.models import Posteingang
    from scanning.tasks import posteingang_aufteilen, posteingang_erkennen, posteingang_pruefen, posteingang_zuordnen

    ak, lz, _ = _teams()
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=ak)
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=lz)
    text = "Sehr geehrte Damen und Herren,\nName: Lindqvist, Sven\nich bitte um einen Termin."
    p = scanning.posteingang_annehmen(
        behoerde=f.behoerde("OF"), datei=io.BytesIO(pdf_mit_text(*text.split("\n"))), dateiname="b.pdf", einreihen=False
    )
    for schritt in (posteingang_pruefen, posteingang_aufteilen, posteingang_erkennen, posteingang_zuordnen):
        schritt.apply(args=[p.pk])
    p.refresh_from_db()
    assert p.status == Posteingang.Status.ZU_PRUEFEN and p.team_id == lz.pk
    assert p.erkannte_merkmale["familienname"] == "Lindqvist"


def test_forward_targets_are_only_people_and_teams_who_can_act_on_mail():
    from scanning import services as scanning

    ak, lz, allgemein = _teams()
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=ak)
    kollegin = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=lz)
    land = f.benutzer("OF", Rolle.LAND)
    revision = f.benutzer("OF", Rolle.REVISION)
    p = scanning.posteingang_annehmen(
        behoerde=f.behoerde("OF"), datei=io.BytesIO(pdf_mit_text("Brief")), dateiname="x.pdf", einreihen=False
    )
    p = scanning.posteingang_zur_pruefung(posteingang_id=p.pk, vorschlaege=[], team=ak)
    c = _client(sb)
    html = c.get(f"/postkorb/{p.pk}/").content.decode()
    assert f'value="u{kollegin.pk}"' in html and f'value="t{lz.pk}"' in html
    assert f'value="u{land.pk}"' not in html and f'value="u{revision.pk}"' not in html
    assert f'value="t{allgemein.pk}"' not in html  # nobody there
    for ziel in (f"u{land.pk}", f"u{revision.pk}", f"t{allgemein.pk}"):
        c.post(f"/postkorb/{p.pk}/weiterleiten/", {"an": ziel})
        p.refresh_from_db()
        assert p.team_id == ak.pk and p.zugewiesen_an_id is None, ziel
    # The substitute lists offer neither.
    for pfad in ("/abwesenheit/",):
        html = c.get(pfad).content.decode()
        assert f'value="{kollegin.pk}"' in html and f'value="{land.pk}"' not in html
        assert f'value="{revision.pk}"' not in html
    tl = f.benutzer("OF", Rolle.TEAMLEITUNG, team=ak)
    html = _client(tl).get("/sicherheit/vertretungen/").content.decode()
    vertretung = html.split('name="vertretung"')[1].split("</select>")[0]
    assert f'value="{kollegin.pk}"' in vertretung and f'value="{revision.pk}"' not in vertretung


# --- The team lead's pages ---------------------------------------------------------------------------------------


def test_team_lead_reaches_grants_overview_and_opens_a_file_by_its_number():
    team = f.TeamFactory(name="Team A-Z", buchstaben_von="A", buchstaben_bis="Z")
    tl = f.benutzer("OF", Rolle.TEAMLEITUNG, team=team)
    akte = f.AkteFactory(team=team)
    fremde = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    c = _client(tl)
    r = c.get("/einsichten/")
    assert r.status_code == 200 and "Gültige Akteneinsichten" in r.content.decode()
    r = c.get("/einsichten/", {"aktenzeichen": akte.aktenzeichen})
    assert r.status_code == 302 and r["Location"] == f"/sicherheit/akten/{akte.pk}/einsichten/"
    r = c.get("/einsichten/", {"aktenzeichen": fremde.aktenzeichen})
    assert r.status_code == 200 and "Keine Akte mit diesem Aktenzeichen" in r.content.decode()
    html = c.get(f"/sicherheit/akten/{akte.pk}/einsichten/").content.decode()
    assert "kern-table" in html and "kern-btn" in html


# --- The authority admin's user administration ---------------------------------------------------------------------


def test_admin_adds_a_user_of_her_authority_and_the_new_user_can_log_in():
    team = f.TeamFactory(name="Team A-Z", buchstaben_von="A", buchstaben_bis="Z")
    admin = f.benutzer("OF", Rolle.BEHOERDENADMIN)
    c = _client(admin)
    html = c.get("/verwaltung/benutzer/neu/").content.decode()
    rollen = html.split('name="rolle"')[1].split("</select>")[0]
    assert "Sachbearbeitung" in rollen and "Revision" not in rollen and "Land" not in rollen
    r = c.post(
        "/verwaltung/benutzer/neu/",
        {"username": "neu.of", "vorname": "Nora", "nachname": "Neu", "rolle": Rolle.SACHBEARBEITUNG, "team": team.pk},
    )
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    passwort = re.search(r'<code class="einmalpasswort">([^<]+)</code>', r.content.decode()).group(1)
    neu = User.objects.get(username="neu.of")
    assert neu.mitgliedschaft.behoerde.kuerzel == "OF" and neu.mitgliedschaft.team == team
    assert Client().login(username="neu.of", password=passwort) or neu.check_password(passwort)
    eintrag = Protokolleintrag.objects.filter(objekt_typ="user", objekt_id=str(neu.pk)).latest("id")
    assert eintrag.aktion == "anlegen" and eintrag.user_id == admin.pk
    # An existing user name (here: of another authority) is never taken over.
    fremd = f.benutzer("HP", Rolle.SACHBEARBEITUNG)
    r = c.post(
        "/verwaltung/benutzer/neu/",
        {"username": fremd.username, "vorname": "X", "nachname": "Y", "rolle": Rolle.SACHBEARBEITUNG},
    )
    assert "gibt es schon" in r.content.decode()
    fremd.refresh_from_db()
    assert fremd.mitgliedschaft.behoerde.kuerzel == "HP"


def test_admin_cannot_give_more_rights_than_she_has():
    admin = f.benutzer("OF", Rolle.BEHOERDENADMIN)
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    c = _client(admin)
    for rolle in (Rolle.REVISION, Rolle.LAND):
        r = c.post(f"/verwaltung/benutzer/{sb.pk}/", {"vorname": "A", "nachname": "B", "rolle": rolle, "aktiv": "on"})
        assert r.status_code == 200
        sb.refresh_from_db()
        assert sb.mitgliedschaft.rolle == Rolle.SACHBEARBEITUNG
    r = c.post("/verwaltung/benutzer/neu/", {"username": "r.of", "vorname": "R", "nachname": "R", "rolle": "revision"})
    assert not User.objects.filter(username="r.of").exists()
    # Land and Revision users are not hers to manage; neither are other authorities' users (404, no leak).
    revision = f.benutzer("OF", Rolle.REVISION)
    fremd = f.benutzer("HP", Rolle.SACHBEARBEITUNG)
    for ziel in (revision, fremd):
        assert c.get(f"/verwaltung/benutzer/{ziel.pk}/").status_code == 404
        assert c.post(f"/verwaltung/benutzer/{ziel.pk}/", {"aktion": "passwort"}).status_code == 404
    liste = c.get("/verwaltung/benutzer/").content.decode()
    assert fremd.username not in liste and sb.username in liste
    # Other roles do not reach the page at all.
    assert _client(sb).get("/verwaltung/benutzer/").status_code == 403


def test_admin_deactivates_a_leaver_and_resets_a_password():
    admin = f.benutzer("OF", Rolle.BEHOERDENADMIN)
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    sitzung = _client(sb)
    assert sitzung.get("/").status_code == 200
    c = _client(admin)
    r = c.post(f"/verwaltung/benutzer/{sb.pk}/", {"aktion": "passwort"})
    passwort = re.search(r'<code class="einmalpasswort">([^<]+)</code>', r.content.decode()).group(1)
    sb.refresh_from_db()
    assert sb.check_password(passwort)
    r = c.post(
        f"/verwaltung/benutzer/{sb.pk}/",
        {"vorname": "Sabine", "nachname": "Weg", "rolle": Rolle.SACHBEARBEITUNG, "email": ""},
    )
    assert r.status_code == 302
    sb.refresh_from_db()
    assert not sb.is_active
    assert sitzung.get("/").status_code == 302  # the running session ends with the deactivation
    details = [e.details for e in Protokolleintrag.objects.filter(objekt_typ="user", objekt_id=str(sb.pk))]
    assert any(d.get("passwort_zurueckgesetzt") for d in details)
    assert any(d.get("nachher", {}).get("aktiv") is False for d in details)
    # She cannot lock herself out.
    r = c.post(f"/verwaltung/benutzer/{admin.pk}/", {"vorname": "A", "nachname": "B", "rolle": Rolle.BEHOERDENADMIN})
    admin.refresh_from_db()
    assert admin.is_active and "eigene" in r.content.decode()


# --- The Revision's audit page -----------------------------------------------------------------------------------


def test_revision_reads_filters_and_exports_the_audit_trail():
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    person = f.PersonFactory(familienname="Schäfer", vornamen="Käthe")
    akte = f.AkteFactory(person=person)
    andere = f.AkteFactory()
    fremd = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    sbc = _client(sb)
    sbc.get(f"/akten/{akte.pk}/")
    sbc.get(f"/akten/{andere.pk}/")
    _client(f.benutzer("HP", Rolle.SACHBEARBEITUNG)).get(f"/akten/{fremd.pk}/")
    c = _client(f.benutzer("OF", Rolle.REVISION))
    r = c.get("/protokoll/", {"person": "Schäfer", "aktion": "lesen"})
    html = r.content.decode()
    assert r.status_code == 200 and akte.aktenzeichen in html
    assert andere.aktenzeichen not in html and fremd.aktenzeichen not in html
    assert "gelesen" in html and sb.username in html and "{&quot;" not in html
    assert c.get("/protokoll/", {"user": sb.username, "von": "01.01.2999"}).content.decode().count("<tr") == 2
    fehler = c.get("/protokoll/", {"von": "gestern"}).content.decode()
    assert "ist kein Datum" in fehler and 'role="alert"' in fehler
    assert (
        "Keine Einträge für diese Filter" in c.get("/protokoll/", {"aktenzeichen": fremd.aktenzeichen}).content.decode()
    )
    export = re.search(r'href="(/api/v1/protokoll/export\.csv[^"]*)"', html).group(1).replace("&amp;", "&")
    antwort = c.get(export)
    text = b"".join(antwort.streaming_content).decode("utf-8-sig")
    zeilen = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert zeilen and all(z["aktenzeichen"] == akte.aktenzeichen for z in zeilen)
    assert all(isinstance(json.loads(z["details"]), dict) for z in zeilen)
    assert Protokolleintrag.objects.filter(aktion="suche", details__protokoll__person="Schäfer").exists()


# --- Filing with a title ---------------------------------------------------------------------------------------


def _im_postkorb(team, art: str):
    from scanning import services as scanning
    from scanning.models import Posteingang

    p = scanning.posteingang_annehmen(
        behoerde=f.behoerde("OF"), datei=io.BytesIO(pdf_mit_text("Brief")), dateiname="v.pdf", einreihen=False
    )
    p = scanning.posteingang_zur_pruefung(posteingang_id=p.pk, vorschlaege=[], team=team)
    Posteingang.objects.filter(pk=p.pk).update(dokumentart=art)
    p.refresh_from_db()
    return p


def test_filing_from_the_in_tray_sets_title_and_kind_and_automatic_titles_use_the_label():
    from dms.models import Dokument

    team = f.TeamFactory(name="Team A-Z", buchstaben_von="A", buchstaben_bis="Z")
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akte = f.AkteFactory(team=team)
    c = _client(sb)
    p = _im_postkorb(team, "verpflichtungserklaerung")
    html = c.get(f"/postkorb/{p.pk}/").content.decode()
    assert 'value="Verpflichtungserklärung vom' in html and "Verpflichtungserklaerung" not in html
    c.post(f"/postkorb/{p.pk}/zuordnen/", {"akte": akte.pk, "register": "05", "titel": "", "art": ""})
    p.refresh_from_db()
    assert Dokument.objects.get(pk=p.dokument_id).titel.startswith("Verpflichtungserklärung vom ")
    p2 = _im_postkorb(team, "schreiben")
    c.post(
        f"/postkorb/{p2.pk}/zuordnen/", {"akte": akte.pk, "register": "05", "titel": "Mietvertrag", "art": "familie"}
    )
    p2.refresh_from_db()
    dok = Dokument.objects.get(pk=p2.dokument_id)
    assert dok.titel == "Mietvertrag" and dok.art == "familie"


def test_posteingangsbuch_links_the_result_to_the_file():
    from scanning import services as scanning

    team = f.TeamFactory(name="Team A-Z", buchstaben_von="A", buchstaben_bis="Z")
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akte = f.AkteFactory(team=team)
    gesperrt = f.AkteFactory(team=team, gesperrt=True)
    for ziel in (akte, gesperrt):
        p = _im_postkorb(team, "schreiben")
        scanning.posteingang_zuordnen(posteingang=p, akte=ziel, user=None, automatisch=True)
    html = _client(f.benutzer("OF", Rolle.POSTSTELLE)).get("/poststelle/buch/").content.decode()
    assert f'href="/akten/{akte.pk}/">Akte {akte.aktenzeichen}</a>' in html
    assert f'href="/akten/{gesperrt.pk}/"' not in html


def test_poststelle_today_table_reloads_in_place_with_new_uploads():
    c = _client(f.benutzer("OF", Rolle.POSTSTELLE))
    html = c.get("/poststelle/").content.decode()
    assert 'hx-get="/poststelle/heute/"' in html and 'hx-trigger="every 5s"' in html
    assert "Heute ist noch nichts eingegangen" in c.get("/poststelle/heute/").content.decode()
    r = c.post("/poststelle/hochladen/", {"datei": io.BytesIO(pdf_mit_text("Brief"))})
    assert r.status_code == 201
    teil = c.get("/poststelle/heute/").content.decode()
    assert f'data-posteingang="{r.json()["id"]}"' in teil and "<html" not in teil
    assert _client(f.benutzer("OF", Rolle.LAND)).get("/poststelle/heute/").status_code == 403

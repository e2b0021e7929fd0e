"""Issue 13: the authority admin keeps teams, members and letter ranges in the UI (no longer only in Django admin):
her own authority only (others: 404), ranges without overlap, gaps reported in German, audit entries; mail routing
follows the ranges she sets (docs/rollen.md)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from dms.models import Protokolleintrag, Rolle, Team
from dms.queries import zustaendiges_team_id
from dms.services.organisation import buchstaben_pruefen
from tests import factories as f

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_gaps_and_overlaps_of_letter_ranges():
    p = buchstaben_pruefen([("A-K", "A", "K"), ("M-R", "M", "R"), ("T", "T", "T"), ("Allgemein", "", "")])
    assert p.luecken == ["L", "S", "U–Z"] and p.ueberschneidungen == []
    assert p.hinweise("Allgemein") == [
        "Für die Anfangsbuchstaben L, S, U–Z ist kein Team zuständig; diese Post geht an das Standardteam „Allgemein“."
    ]
    p = buchstaben_pruefen([("A-K", "A", "K"), ("H-Z", "H", "Z"), ("Sch", "SCH", "SCHZ")])
    assert p.luecken == [] and p.ueberschneidungen == ["A-K und H-Z (H–K)"]  # "Sch" is a deliberate exception


def test_admin_creates_and_changes_teams_of_her_authority():
    admin = f.benutzer("OF", Rolle.BEHOERDENADMIN)
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    tl = f.benutzer("OF", Rolle.TEAMLEITUNG)
    f.TeamFactory(name="Team A-K", buchstaben_von="A", buchstaben_bis="K")
    f.TeamFactory(name="Allgemein", buchstaben_von="", buchstaben_bis="", ist_standard=True)
    c = _client(admin)
    menue = c.get("/").content.decode()
    assert 'href="/verwaltung/teams/"' in menue
    seite = c.get("/verwaltung/teams/").content.decode()
    assert "Für die Anfangsbuchstaben L–Z ist kein Team zuständig" in seite and "Allgemein" in seite

    # An overlapping range is refused in German, nothing is created
    r = c.post("/verwaltung/teams/neu/", {"name": "Team H-Z", "buchstaben_von": "H", "buchstaben_bis": "Z"})
    assert r.status_code == 200 and "überschneidet sich mit Team A-K (H–K)" in r.content.decode()
    assert not Team.objects.filter(name="Team H-Z").exists()
    r = c.post("/verwaltung/teams/neu/", {"name": "Team L-Z", "buchstaben_von": "Z", "buchstaben_bis": "L"})
    assert "liegt vor dem Anfang" in r.content.decode()
    r = c.post("/verwaltung/teams/neu/", {"name": "Team L-Z", "buchstaben_von": "Ö", "buchstaben_bis": ""})
    assert "Buchstaben A–Z" in r.content.decode()

    r = c.post(
        "/verwaltung/teams/neu/",
        {"name": "Team L-Z", "buchstaben_von": "l", "buchstaben_bis": "z", "mitglieder": [sb.pk, tl.pk]},
    )
    assert r.status_code == 302 and r["Location"] == "/verwaltung/teams/"
    team = Team.objects.get(name="Team L-Z")
    assert (team.buchstaben_von, team.buchstaben_bis) == ("L", "Z")
    sb.refresh_from_db()
    tl.refresh_from_db()
    assert sb.mitgliedschaft.team == team and tl.mitgliedschaft.team == team
    # Mail for "Lang" now reaches the new, staffed team
    assert zustaendiges_team_id(team.behoerde_id, "Lang") == team.pk
    seite = c.get("/verwaltung/teams/").content.decode()
    assert "lückenlos und ohne Überschneidung" in seite
    zeile = re.search(r"Team L-Z</a>.*?</tr>", seite, re.S).group(0)
    assert tl.get_full_name() in zeile and "erhält Post" in zeile  # the team lead is shown
    eintrag = Protokolleintrag.objects.filter(objekt_typ="team", objekt_id=str(team.pk)).latest("id")
    assert eintrag.aktion == "anlegen" and eintrag.user_id == admin.pk

    # Change: the team lead leaves, the range narrows; audit with before/after
    r = c.post(
        f"/verwaltung/teams/{team.pk}/",
        {"name": "Team L-Z", "buchstaben_von": "L", "buchstaben_bis": "R", "mitglieder": [sb.pk], "ist_standard": ""},
    )
    assert r.status_code == 302
    tl.refresh_from_db()
    assert tl.mitgliedschaft.team is None
    eintrag = Protokolleintrag.objects.filter(objekt_typ="team", objekt_id=str(team.pk)).latest("id")
    assert eintrag.aktion == "aendern" and eintrag.details["vorher"]["bereich"] == ["L", "Z"]
    assert eintrag.details["nachher"]["bereich"] == ["L", "R"]
    assert "S–Z" in c.get("/verwaltung/teams/").content.decode()


def test_other_authorities_teams_and_users_are_invisible_and_other_roles_are_refused():
    admin = f.benutzer("OF", Rolle.BEHOERDENADMIN)
    fremdes = f.TeamFactory(behoerde=f.behoerde("HP"), name="Team HP geheim")
    fremd = f.benutzer("HP", Rolle.SACHBEARBEITUNG)
    c = _client(admin)
    assert "Team HP geheim" not in c.get("/verwaltung/teams/").content.decode()
    assert c.get(f"/verwaltung/teams/{fremdes.pk}/").status_code == 404
    r = c.post(f"/verwaltung/teams/{fremdes.pk}/", {"name": "Übernommen", "buchstaben_von": "A"})
    assert r.status_code == 404
    fremdes.refresh_from_db()
    assert fremdes.name == "Team HP geheim"
    assert fremd.username not in c.get("/verwaltung/teams/neu/").content.decode()
    # A member of another authority sent by hand is refused
    r = c.post("/verwaltung/teams/neu/", {"name": "X", "mitglieder": [fremd.pk]})
    assert r.status_code == 200 and not Team.objects.filter(name="X").exists()
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    assert _client(sb).get("/verwaltung/teams/").status_code == 403
    assert 'href="/verwaltung/teams/"' not in _client(sb).get("/").content.decode()

"""Issue 13: every role's journey is walkable on the demo data (`manage.py demo_daten`, as after `make run`):
paper files to form a legacy lot from, an open subsidy round (the 2020 round kept), mail in every team's in-tray,
staffed teams; and the command stays idempotent with its new parts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dms.models import Akte, Team
from dms.queries import besetzte_teams
from foerderung.models import Foerderantrag, Foerderprogramm
from scanning.altakten.models import Digitalisierungslos
from scanning.models import Posteingang

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def demo():
    call_command("demo_daten", "--ohne-verarbeitung", stdout=io.StringIO())


def _client(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def _stand() -> dict[str, int]:
    return {
        "akten": Akte.objects.count(),
        "papier": Akte.objects.filter(medium=Akte.Medium.PAPIER).count(),
        "post": Posteingang.objects.count(),
        "programme": Foerderprogramm.objects.count(),
        "aktiv": Foerderprogramm.objects.filter(aktiv=True).count(),
    }


def test_running_twice_gives_the_same_state(demo):
    erste = _stand()
    call_command("demo_daten", "--ohne-verarbeitung", stdout=io.StringIO())
    assert _stand() == erste
    assert erste["aktiv"] == 1 and erste["papier"] >= 12


@pytest.mark.parametrize("kuerzel", ["of", "hp"])
def test_poststelle_forms_a_legacy_lot_from_the_paper_files(demo, kuerzel):
    papier = Akte.objects.filter(behoerde__kuerzel=kuerzel.upper(), medium=Akte.Medium.PAPIER)
    assert papier.count() >= 6
    c = _client(f"ps.{kuerzel}")
    seite = c.get("/poststelle/altakten/").content.decode()
    assert f"{papier.count()} Papier- oder Hybridakten sind noch in keinem Los" in seite
    r = c.post("/poststelle/altakten/los/neu/", {"anzahl": "1000", "stichprobe_prozent": "5", "blatt_je_akte": "120"})
    assert r.status_code == 302, r.content.decode()[:500]
    los = Digitalisierungslos.objects.get(behoerde__kuerzel=kuerzel.upper())
    assert los.akten.count() == papier.count()
    assert c.get(r["Location"]).status_code == 200


def test_the_subsidy_round_is_open_and_the_2020_round_stays(demo):
    heute = timezone.localdate()
    aktiv = Foerderprogramm.objects.get(aktiv=True)
    assert aktiv.antragsfrist > heute
    assert Foerderprogramm.objects.filter(aktiv=False, antragsfrist=dt.date(2020, 12, 31)).exists()
    c = _client("admin.of")
    seite = c.get("/foerderung/antrag/neu/").content.decode()
    assert aktiv.antragsfrist.strftime("%d.%m.%Y") in seite
    r = c.post("/foerderung/antrag/neu/", {"akten_geplant": "1200", "blatt_geplant": "120000"})
    assert r.status_code == 302, r.content.decode()[:2000]
    antrag = Foerderantrag.objects.get(behoerde__kuerzel="OF")
    assert antrag.programm == aktiv and antrag.eingereicht_am == heute


@pytest.mark.parametrize("kuerzel", ["OF", "HP"])
def test_every_team_is_staffed_and_has_mail(demo, kuerzel):
    teams = Team.objects.filter(behoerde__kuerzel=kuerzel)
    assert set(besetzte_teams(teams[0].behoerde_id)) == set(teams)
    for team in teams:
        assert Posteingang.objects.im_postkorb().filter(team=team).count() >= 2, team.name
    # routed by the letter range of the surname the letter names
    assert Posteingang.objects.get(behoerde__kuerzel=kuerzel, dateiname="brief-bauer.pdf").team.name == "Team A-K"
    assert Posteingang.objects.get(behoerde__kuerzel=kuerzel, dateiname="brief-wagner.pdf").team.name == "Team L-Z"
    assert Posteingang.objects.get(behoerde__kuerzel=kuerzel, dateiname="brief-ohne-namen-1.pdf").team.ist_standard


@pytest.mark.parametrize(
    ("username", "brief"),
    [("sb.of", "brief-bauer.pdf"), ("sb2.of", "brief-wagner.pdf"), ("sb3.of", "brief-ohne-namen-1.pdf")],
)
def test_each_caseworker_finds_mail_in_her_in_tray_and_can_open_it(demo, username, brief):
    c = _client(username)
    seite = c.get("/postkorb/").content.decode()
    eintraege = Posteingang.objects.im_postkorb().filter(team__mitglieder__user__username=username)
    assert eintraege.count() >= 2
    for p in eintraege:
        assert c.get(f"/postkorb/{p.pk}/").status_code == 200
    assert brief in seite

"""Management commands: benutzer_anlegen, demo_daten, testbestand_erzeugen (idempotent, German errors)."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pypdf import PdfReader

from dms.access import zugang
from dms.admin import BEHOERDENADMIN_GRUPPE
from dms.aktenzeichen import AKTENZEICHEN_RE
from dms.aussonderung.queries import faellige
from dms.management.commands.demo_daten import DEMO_PASSWORT
from dms.management.commands.testbestand_erzeugen import namensvarianten, team_fuer
from dms.models import (
    Akte,
    AktenzeichenZaehler,
    Dokument,
    DokumentVersion,
    Mitgliedschaft,
    Person,
    Protokolleintrag,
    Rolle,
    Team,
    Vorgang,
    Wiedervorlage,
)
from dms.services import akte_anlegen
from tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _schnelle_passwoerter(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _befehl(*args: str, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


# --- benutzer_anlegen ------------------------------------------------------------------------------------------


def test_benutzer_anlegen_creates_and_updates_idempotently():
    team = f.TeamFactory(name="Team A-K", buchstaben_von="A", buchstaben_bis="K")
    args = ["--behoerde", "of", "--rolle", "sachbearbeitung", "--username", "anna", "--password", "Erstes-Passwort-26"]
    assert "angelegt" in _befehl("benutzer_anlegen", *args, "--team", "Team A-K")
    user = User.objects.get(username="anna")
    assert zugang(user).behoerde_id == f.behoerde("OF").pk and zugang(user).team_id == team.pk
    assert authenticate(username="anna", password="Erstes-Passwort-26")
    assert not user.is_staff

    args[-1] = "Zweites-Passwort-26"
    args[3] = "behoerdenadmin"
    assert "aktualisiert" in _befehl("benutzer_anlegen", *args)
    assert User.objects.filter(username="anna").count() == 1
    assert Mitgliedschaft.objects.filter(user__username="anna").count() == 1
    user.refresh_from_db()
    assert user.mitgliedschaft.rolle == Rolle.BEHOERDENADMIN and user.mitgliedschaft.team is None
    assert user.is_staff and user.groups.filter(name=BEHOERDENADMIN_GRUPPE).exists()
    assert authenticate(username="anna", password="Zweites-Passwort-26")
    assert not authenticate(username="anna", password="Erstes-Passwort-26")

    args[3] = "poststelle"
    _befehl("benutzer_anlegen", *args)
    user.refresh_from_db()
    assert not user.is_staff and not user.groups.exists()
    assert (
        Protokolleintrag.objects.filter(aktion="berechtigung", objekt_typ="user", objekt_id=str(user.pk)).count() == 3
    )


@pytest.mark.parametrize(
    ("behoerde", "rolle", "team", "passwort", "meldung"),
    [
        ("XX", "sachbearbeitung", None, "Gutes-Passwort-2026", "Die Behörde „XX“ gibt es nicht"),
        ("OF", "chef", None, "Gutes-Passwort-2026", "Unbekannte Rolle „chef“"),
        ("OF", "poststelle", "Gibtsnicht", "Gutes-Passwort-2026", "Das Team „Gibtsnicht“ gibt es in der Behörde OF"),
        ("OF", "poststelle", None, "kurz", "Passwort ist nicht sicher genug"),
    ],
)
def test_benutzer_anlegen_refuses_bad_input_in_german(behoerde, rolle, team, passwort, meldung):
    args = ["--behoerde", behoerde, "--rolle", rolle, "--username", "bert", "--password", passwort]
    if team:
        args += ["--team", team]
    with pytest.raises(CommandError, match=re.escape(meldung)):
        _befehl("benutzer_anlegen", *args)
    assert not User.objects.filter(username="bert").exists()


def test_team_of_another_authority_is_refused():
    f.TeamFactory(behoerde=f.behoerde("HP"), name="Team HP")
    with pytest.raises(CommandError, match="gibt es in der Behörde OF nicht"):
        _befehl(
            "benutzer_anlegen",
            *["--behoerde", "OF", "--rolle", "sachbearbeitung", "--username", "c", "--password", "Gutes-Passwort-2026"],
            "--team",
            "Team HP",
        )


# --- demo_daten -------------------------------------------------------------------------------------------------


def _zaehlung() -> dict[str, int]:
    return {
        "user": User.objects.count(),
        "team": Team.objects.count(),
        "person": Person.objects.count(),
        "akte": Akte.objects.count(),
        "vorgang": Vorgang.objects.count(),
        "dokument": Dokument.objects.count(),
        "version": DokumentVersion.objects.count(),
    }


def test_demo_daten_is_complete_and_idempotent(django_capture_on_commit_callbacks, _no_broker):
    with django_capture_on_commit_callbacks(execute=True):
        _befehl("demo_daten")
    erste = _zaehlung()
    papier = Akte.objects.filter(medium=Akte.Medium.PAPIER).count()
    assert papier >= 12  # Altakten for the Poststelle's digitisation lot (tests/dms/rollen/test_demo_daten.py)
    geschlossen = Akte.objects.filter(aktenschluss__isnull=False).count()  # due for disposal (Aussonderung)
    assert erste["person"] >= 42 and erste["akte"] == erste["person"]
    assert erste["vorgang"] == erste["akte"] - papier - geschlossen
    assert erste["dokument"] >= 10
    assert len(_no_broker) == erste["version"]  # every document goes to the OCR pipeline

    for kuerzel in ("of", "hp"):
        for praefix, rolle in [
            ("ps", "poststelle"),
            ("sb", "sachbearbeitung"),
            ("tl", "teamleitung"),
            ("sgv", "schriftgutverwaltung"),
            ("sgv2", "schriftgutverwaltung"),
        ]:
            user = authenticate(username=f"{praefix}.{kuerzel}", password=DEMO_PASSWORT)
            assert user is not None and zugang(user).rolle == rolle
        assert authenticate(username=f"admin.{kuerzel}", password=DEMO_PASSWORT).is_staff
        teams = Team.objects.filter(behoerde__kuerzel=kuerzel.upper())
        assert {(t.buchstaben_von, t.buchstaben_bis) for t in teams} == {("A", "K"), ("L", "Z"), ("", "")}
        assert teams.filter(ist_standard=True).count() == 1

    namen = set(Person.objects.values_list("familienname", flat=True))
    assert {"Yılmaz", "Öztürk", "Nguyễn", "Mohammed"} <= namen
    assert Person.objects.get(familienname="Öztürk").namensvarianten == ["Ozturk", "Oeztuerk"]
    assert "muhammad" in Person.objects.get(familienname="Mohammed").namen_normalisiert
    assert Wiedervorlage.objects.filter(vorgang__isnull=False).exclude(notiz="").count() == erste["vorgang"]
    # Files are assigned by letter range: Öztürk -> L-Z (Oe...), Yılmaz -> L-Z, Çelik -> A-K.
    assert Akte.objects.get(person__familienname="Çelik").team.name == "Team A-K"
    assert Akte.objects.get(person__familienname="Yılmaz").team.name == "Team L-Z"

    version = DokumentVersion.objects.filter(dokument__art="antrag").select_related("dokument__akte").first()
    with default_storage.open(version.original.name, "rb") as datei:
        text = PdfReader(datei).pages[0].extract_text()
    assert "Aufenthaltserlaubnis" in text and version.dokument.akte.aktenzeichen in text

    # The records officer finds files due for disposal (three per authority), with the legal basis.
    for kuerzel in ("of", "hp"):
        faellig = faellige(User.objects.get(username=f"sgv.{kuerzel}"))
        assert faellig.count() == 3 and all(s.rechtsgrundlage and s.status == "laufend" for s in faellig)

    with django_capture_on_commit_callbacks(execute=True):
        _befehl("demo_daten")
    assert _zaehlung() == erste


def test_demo_logins_work_through_the_login_page(client):
    _befehl("demo_daten", "--ohne-verarbeitung")
    r = client.post("/anmelden/", {"username": "sb.of", "password": DEMO_PASSWORT})
    assert r.status_code == 302


# --- testbestand_erzeugen ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "erwartet"),
    [
        ("Öztürk", ["Ozturk", "Oeztuerk"]),
        ("Mohammed", ["Muhammad", "Mohamad", "Mohamed", "Muhammed"]),
        ("Nguyễn", ["Nguyen"]),
        ("Şahin", ["Sahin"]),
        ("Müller", ["Muller", "Mueller"]),
        ("Haddad", ["Hadad"]),
    ],
)
def test_namensvarianten(name, erwartet):
    assert namensvarianten(name) == erwartet


@pytest.mark.parametrize(
    ("name", "team"), [("Abel", "A-K"), ("Kaya", "A-K"), ("Lang", "L-Z"), ("Öztürk", "L-Z"), ("Çelik", "A-K")]
)
def test_team_fuer_letter_ranges(name, team):
    teams = [
        f.TeamFactory.build(name="A-K", buchstaben_von="A", buchstaben_bis="K"),
        f.TeamFactory.build(name="L-Z", buchstaben_von="L", buchstaben_bis="Z"),
        f.TeamFactory.build(name="Rest", buchstaben_von="", buchstaben_bis="", ist_standard=True),
    ]
    assert team_fuer(teams, name).name == team


def test_testbestand_bulk_data_is_consistent_and_continues_numbering():
    f.TeamFactory(name="Team A-K", buchstaben_von="A", buchstaben_bis="K")
    vorher = _zaehlung()
    out = _befehl(
        "testbestand_erzeugen", "--akten", "120", "--dokumente-pro-akte", "2", "--stapel", "50", "--seed", "7"
    )
    assert "120 Akten mit 240 Dokumenten" in out
    _befehl("testbestand_erzeugen", "--akten", "30", "--dokumente-pro-akte", "1", "--jahr", "2026")
    nachher = _zaehlung()
    assert nachher["akte"] - vorher["akte"] == 150 and nachher["person"] - vorher["person"] == 150
    assert nachher["dokument"] - vorher["dokument"] == 270 == nachher["version"] - vorher["version"]

    akten = Akte.objects.filter(behoerde__kuerzel="OF")
    aktenzeichen = list(akten.values_list("aktenzeichen", flat=True))
    assert len(aktenzeichen) == len(set(aktenzeichen)) and all(AKTENZEICHEN_RE.match(a) for a in aktenzeichen)
    azr = list(Person.objects.values_list("azr_nummer", flat=True))
    assert len(azr) == len(set(azr)) and all(re.fullmatch(r"\d{12}", a) for a in azr)
    assert Person.objects.filter(namen_normalisiert=[]).count() == 0
    assert Akte.objects.filter(team__name="Team A-K").exists()

    # The counter was advanced: the next file created normally continues after the generated ones.
    zaehler = AktenzeichenZaehler.objects.get(behoerde__kuerzel="OF", jahr=2026)
    hoechste = max(int(AKTENZEICHEN_RE.match(a)["nummer"]) for a in aktenzeichen if "-2026-" in a)
    assert zaehler.letzte_nummer == hoechste
    neu = akte_anlegen(person=f.PersonFactory(), user=None, jahr=2026)
    assert int(AKTENZEICHEN_RE.match(neu.aktenzeichen)["nummer"]) == hoechste + 1

    # Full text works on generated documents (German stemming: "Aufenthaltserlaubnisse" finds the singular).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM dms_dokument WHERE suchvektor @@ plainto_tsquery('german', 'Aufenthaltserlaubnisse')"
        )
        assert cursor.fetchone()[0] > 0
    assert not Dokument.objects.filter(suchvektor__isnull=True).exists()
    dok = Dokument.objects.filter(akte__in=akten).select_related("akte__person").first()
    assert dok.akte.aktenzeichen in dok.text and 1500 < len(dok.text) < 3000
    version = dok.versionen.get()
    assert default_storage.exists(version.original.name)
    assert Protokolleintrag.objects.filter(objekt_typ="akte").count() == 1  # only the normal akte_anlegen


def test_testbestand_generated_document_is_downloadable(api):
    _befehl("testbestand_erzeugen", "--akten", "2", "--dokumente-pro-akte", "1")
    dok = Dokument.objects.order_by("-id").first()
    r = api.get(f"/api/v1/dokumente/{dok.pk}/datei/?original=1")
    assert r.status_code == 200
    assert b"".join(r.streaming_content).startswith(b"%PDF")


def test_testbestand_refuses_bad_arguments():
    with pytest.raises(CommandError, match="Behörde „ZZ“ gibt es nicht"):
        _befehl("testbestand_erzeugen", "--akten", "1", "--behoerde", "ZZ")
    with pytest.raises(CommandError, match="nicht negativ"):
        _befehl("testbestand_erzeugen", "--akten", "-1")

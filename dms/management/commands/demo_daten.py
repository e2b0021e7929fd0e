"""`manage.py demo_daten`: demo teams, users, persons, files, procedures and documents for OF and HP (idempotent).

Everything is written through the services (with audit entries), so the demo behaves like real data.
Running it again changes nothing except resetting the demo users' passwords and roles (and moving the open
subsidy round's deadline along with today). Besides the e-files: paper files to form a digitisation lot from
(Altakten), and through the parts registered in `dms.demo` letters in every team's in-tray (scanning) and an open
subsidy programme round (foerderung).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from dms import services
from dms.demo import DemoLauf, demo_pdf, demo_person, demo_teile
from dms.models import Akte, Behoerde, Person, Register, Rolle, Team, Vorgangsart
from dms.services.benutzer import benutzer_anlegen
from dms.services.organisation import team_einrichten
from dms.wiedervorlagen.services import wiedervorlage_anlegen

from .testbestand_erzeugen import namensvarianten, team_fuer

DEMO_PASSWORT = "Demo-Passwort-2026"  # documented demo login, only for demo installations

# (team name, letters from, letters to, default team)
TEAMS = [("Team A-K", "A", "K", False), ("Team L-Z", "L", "Z", False), ("Allgemein", "", "", True)]

# (username prefix, role, team name); the username is `<prefix>.<kürzel>`, e.g. sb.of
BENUTZER = [
    ("ps", Rolle.POSTSTELLE, None),
    ("sb", Rolle.SACHBEARBEITUNG, "Team A-K"),
    ("sb2", Rolle.SACHBEARBEITUNG, "Team L-Z"),
    ("sb3", Rolle.SACHBEARBEITUNG, "Allgemein"),  # the default team's in-tray has people (docs/rollen.md)
    ("tl", Rolle.TEAMLEITUNG, "Team A-K"),
    ("admin", Rolle.BEHOERDENADMIN, None),
    ("rev", Rolle.REVISION, None),
    # Two records officers: a deletion is requested by one and approved by the other (docs/aussonderung.md).
    ("sgv", Rolle.SCHRIFTGUTVERWALTUNG, None),
    ("sgv2", Rolle.SCHRIFTGUTVERWALTUNG, None),
    ("land", Rolle.LAND, None),
]
BEHOERDEN = ["OF", "HP"]

# familienname, vornamen, geburtsdatum, geburtsort, staatsangehörigkeit, geschlecht, geburtsname
PERSONEN: list[tuple[str, str, str, str, str, str, str]] = [
    ("Yılmaz", "Ayşe", "1988-03-14", "Ankara", "türkisch", "w", ""),
    ("Öztürk", "Mehmet", "1975-11-02", "İzmir", "türkisch", "m", ""),
    ("Mohammed", "Ahmad", "1993-07-21", "Aleppo", "syrisch", "m", ""),
    ("Al-Hassan", "Fatima", "1990-01-30", "Damaskus", "syrisch", "w", "Haddad"),
    ("Nguyễn", "Thị Lan", "1985-09-09", "Hà Nội", "vietnamesisch", "w", ""),
    ("Trần", "Văn Minh", "1979-04-17", "Hải Phòng", "vietnamesisch", "m", ""),
    ("Çelik", "Emre", "2001-12-24", "Gaziantep", "türkisch", "m", ""),
    ("Şahin", "Zeynep", "1996-06-05", "İstanbul", "türkisch", "w", ""),
    ("Khalil", "Muhammad", "1987-02-11", "Homs", "syrisch", "m", ""),
    ("Abdullah", "Layla", "2004-08-19", "Bagdad", "irakisch", "w", ""),
    ("Phạm", "Đức Anh", "1999-10-01", "Huế", "vietnamesisch", "m", ""),
    ("Kowalski", "Łukasz", "1983-05-27", "Kraków", "polnisch", "m", ""),
    ("Popescu", "Ioana", "1992-03-03", "București", "rumänisch", "w", ""),
    ("Schewtschenko", "Olena", "1978-12-12", "Charkiw", "ukrainisch", "w", ""),
    ("Tesfaye", "Yonas", "1997-09-15", "Asmara", "eritreisch", "m", ""),
    ("Doğan", "Hüseyin", "1969-01-08", "Trabzon", "türkisch", "m", ""),
    ("Ibrahim", "Mohamad", "1991-04-04", "Idlib", "syrisch", "m", ""),
    ("Müller", "Jürgen", "1965-07-07", "Wien", "österreichisch", "m", ""),
    ("Haddad", "Noor", "2000-02-29", "Damaskus", "syrisch", "w", ""),
    ("Lê", "Thu Trang", "1994-11-23", "Đà Nẵng", "vietnamesisch", "w", ""),
    ("Okafor", "Chiamaka", "1989-06-16", "Lagos", "nigerianisch", "w", ""),
    ("Aydın", "Büşra", "1998-08-08", "Diyarbakır", "türkisch", "w", "Kaya"),
    ("Nasser", "Omar", "1984-10-10", "Mossul", "irakisch", "m", ""),
    ("Hoàng", "Quốc Bảo", "2003-03-21", "Hà Nội", "vietnamesisch", "m", ""),
    ("Wiśniewska", "Małgorzata", "1976-05-05", "Łódź", "polnisch", "w", ""),
    ("Güneş", "Oğuz", "1995-12-01", "Ankara", "türkisch", "m", ""),
    ("Saleh", "Yusuf", "1986-09-29", "Aleppo", "syrisch", "m", ""),
    ("Schäfer", "Käthe", "1958-01-15", "Graz", "österreichisch", "w", ""),
    ("Iwanow", "Dmytro", "1990-07-30", "Kyjiw", "ukrainisch", "m", ""),
    ("Mensah", "Kwame", "1982-02-02", "Accra", "ghanaisch", "m", ""),
    ("Arslan", "Elif", "2002-04-12", "İzmir", "türkisch", "w", ""),
    ("Võ", "Thanh Hà", "1980-06-30", "Huế", "vietnamesisch", "w", ""),
]
# Paper files from before the e-file (Altakten): the Poststelle forms a digitisation lot from them (docs/altakten.md).
# familienname, vornamen, geburtsdatum, geburtsort, staatsangehörigkeit, geschlecht, year of the Aktenzeichen
PAPIERAKTEN: list[tuple[str, str, str, str, str, str, int]] = [
    ("Bajraktari", "Arben", "1971-02-14", "Prizren", "kosovarisch", "m", 2004),
    ("Demir", "Selin", "1983-08-30", "Konya", "türkisch", "w", 2006),
    ("Ferreira", "João", "1968-05-19", "Porto", "portugiesisch", "m", 2007),
    ("Gashi", "Drita", "1979-11-11", "Pristina", "kosovarisch", "w", 2008),
    ("Hosseini", "Reza", "1986-01-25", "Herat", "afghanisch", "m", 2009),
    ("Jovanović", "Milena", "1974-07-07", "Niš", "serbisch", "w", 2010),
    ("Morina", "Besnik", "1981-03-03", "Peja", "kosovarisch", "m", 2011),
    ("Novak", "Petra", "1977-09-21", "Maribor", "slowenisch", "w", 2012),
    ("Osmani", "Valon", "1990-12-02", "Gjilan", "kosovarisch", "m", 2013),
    ("Rahimi", "Soraya", "1988-04-16", "Kabul", "afghanisch", "w", 2014),
    ("Stojanović", "Dragan", "1966-10-08", "Belgrad", "serbisch", "m", 2015),
    ("Vasquez", "Lucía", "1992-06-12", "Bogotá", "kolumbianisch", "w", 2016),
]
PAPIER_AZR = 500  # AZR numbers of the paper files start here (azr_fuer), after those of the e-files

# (Vorgangsart, Betreff, Wiedervorlage in days from today (negative: overdue), reason)
VORGAENGE = [
    ("ae-verlaengerung", "Verlängerung der Aufenthaltserlaubnis", 14, "Nachweis Lebensunterhalt anfordern"),
    ("niederlassungserlaubnis", "Antrag auf Niederlassungserlaubnis", -3, "Rentenversicherungsverlauf fehlt"),
    ("familiennachzug", "Familiennachzug Ehegatte", 30, "Zustimmung Auslandsvertretung abwarten"),
    ("passersatz", "Passbeschaffung", 7, "Vorsprache bei der Botschaft prüfen"),
    ("fiktionsbescheinigung", "Fiktionsbescheinigung ausstellen", 0, "Fiktionsbescheinigung läuft ab"),
]


def azr_fuer(kuerzel: str, index: int) -> str:
    return f"{(100 if kuerzel == 'OF' else 200) * 10**9 + 4711_000 + index:012d}"


class Command(BaseCommand):
    help = (
        "Legt Demodaten für Stadt Offenbach (OF) und Kreis Bergstraße (HP) an: Teams, Benutzer jeder Rolle "
        f"(Passwort {DEMO_PASSWORT}), Personen, Akten, Vorgänge mit Wiedervorlagen und PDF-Dokumente. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ohne-verarbeitung",
            action="store_true",
            help="Dokumente nicht an die Texterkennung übergeben (ohne laufenden Worker/Redis).",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        verarbeiten = not o["ohne_verarbeitung"]
        for i, kuerzel in enumerate(BEHOERDEN):
            behoerde = Behoerde.objects.get(kuerzel=kuerzel)
            teams = self._teams(behoerde)
            benutzer = self._benutzer(kuerzel)
            personen = PERSONEN[i::2]
            neu = 0
            for j, daten in enumerate(personen):
                neu += self._person_mit_akte(behoerde, teams, benutzer, j, daten, verarbeiten)
            for j, papier in enumerate(PAPIERAKTEN[i::2]):
                neu += self._papierakte(behoerde, teams, benutzer, PAPIER_AZR + j, papier)
            self.stdout.write(f"{kuerzel}: {len(teams)} Teams, {len(benutzer)} Benutzer, {neu} neue Akten.")
            lauf = DemoLauf(behoerde=behoerde, benutzer=benutzer, verarbeiten=verarbeiten)
            for name, teil in demo_teile():
                self.stdout.write(f"{kuerzel}, {name}: {teil(lauf)}")
        self.stdout.write(self.style.SUCCESS(f"Demodaten bereit. Anmeldung z. B. mit sb.of / {DEMO_PASSWORT}."))

    def _teams(self, behoerde: Behoerde) -> list[Team]:
        teams = []
        for name, von, bis, standard in TEAMS:
            teams.append(
                team_einrichten(
                    behoerde=behoerde,
                    name=name,
                    buchstaben_von=von,
                    buchstaben_bis=bis,
                    ist_standard=standard,
                    benutzername="manage.py demo_daten",
                )
            )
        return teams

    def _benutzer(self, kuerzel: str) -> dict[str, Any]:
        benutzer = {}
        for praefix, rolle, team in BENUTZER:
            user, _ = benutzer_anlegen(
                behoerde=kuerzel,
                rolle=rolle,
                username=f"{praefix}.{kuerzel.lower()}",
                password=DEMO_PASSWORT,
                team=team,
                vorname=praefix.upper(),
                nachname=f"Demo {kuerzel}",
            )
            benutzer[praefix] = user
        return benutzer

    def _akte(
        self,
        behoerde: Behoerde,
        teams: list[Team],
        benutzer: dict[str, Any],
        index: int,
        daten: tuple[str, str, str, str, str, str, str],
        **akte: Any,
    ) -> tuple[Akte, Any] | None:
        """Person `index` of the authority with her file (team by letter range), or None if she exists already."""
        familienname, vornamen, geburtsdatum, ort, nationalitaet, geschlecht, geburtsname = daten
        azr = azr_fuer(behoerde.kuerzel, index)
        if Person.objects.filter(behoerde=behoerde, azr_nummer=azr).exists():
            return None
        admin = benutzer["admin"]
        person = demo_person(
            behoerde,
            admin,
            (familienname, vornamen, geburtsdatum, ort, nationalitaet, geschlecht),
            azr,
            geburtsname=geburtsname,
            namensvarianten=namensvarianten(familienname),
        )
        team = team_fuer(teams, familienname)
        sb = benutzer["sb2"] if team is not None and team.name == "Team L-Z" else benutzer["sb"]
        return services.akte_anlegen(person=person, user=admin, team=team, sachbearbeitung=sb, **akte), sb

    @transaction.atomic
    def _papierakte(
        self,
        behoerde: Behoerde,
        teams: list[Team],
        benutzer: dict[str, Any],
        index: int,
        daten: tuple[str, str, str, str, str, str, int],
    ) -> int:
        """A paper file (medium Papier) of an earlier year, not yet in a digitisation lot."""
        familienname, vornamen, geburtsdatum, ort, nationalitaet, geschlecht, jahr = daten
        person = (familienname, vornamen, geburtsdatum, ort, nationalitaet, geschlecht, "")
        angelegt = self._akte(behoerde, teams, benutzer, index, person, medium=Akte.Medium.PAPIER, jahr=jahr)
        return 0 if angelegt is None else 1

    @transaction.atomic
    def _person_mit_akte(
        self,
        behoerde: Behoerde,
        teams: list[Team],
        benutzer: dict[str, Any],
        index: int,
        daten: tuple[str, str, str, str, str, str, str],
        verarbeiten: bool,
    ) -> int:
        angelegt = self._akte(behoerde, teams, benutzer, index, daten)
        if angelegt is None:
            return 0
        akte, sb = angelegt
        person = akte.person
        heute = timezone.localdate()
        art, betreff, tage, grund = VORGAENGE[index % len(VORGAENGE)]
        vorgang = services.vorgang_anlegen(
            akte=akte,
            vorgangsart=Vorgangsart.objects.get(schluessel=art),
            user=sb,
            betreff=betreff,
        )
        wiedervorlage_anlegen(user=sb, vorgang=vorgang, faellig_am=heute + dt.timedelta(days=tage), notiz=grund)
        if index % 2 == 0:
            self._dokumente(akte, vorgang, person, sb, verarbeiten)
        return 1

    def _dokumente(self, akte: Any, vorgang: Any, person: Person, user: Any, verarbeiten: bool) -> None:
        geb = f"{person.geburtsdatum:%d.%m.%Y}" if person.geburtsdatum else "unbekannt"
        name = f"{person.vornamen} {person.familienname}"
        antrag = demo_pdf(
            "Antrag auf Verlängerung der Aufenthaltserlaubnis",
            [
                f"Antragsteller: {name}, geboren am {geb} in {person.geburtsort}",
                f"AZR-Nummer: {person.azr_nummer}",
                f"Aktenzeichen: {akte.aktenzeichen}",
                "Hiermit beantrage ich die Verlängerung meiner Aufenthaltserlaubnis.",
                "Anlagen: Nationalpass, Meldebescheinigung, Arbeitsvertrag, Gehaltsnachweise.",
            ],
        )
        vermerk = demo_pdf(
            "Vermerk",
            [
                f"Vorsprache von {name} am {timezone.localdate():%d.%m.%Y}.",
                f"Aktenzeichen: {akte.aktenzeichen}",
                "Der Reisepass wurde im Original vorgelegt; eine Kopie ist zur Akte genommen.",
            ],
        )
        for titel, inhalt, register, art, richtung in (
            ("Antrag auf Verlängerung der Aufenthaltserlaubnis", antrag, "03", "antrag", "eingang"),
            ("Vermerk zur Vorsprache", vermerk, "14", "vermerk", "intern"),
        ):
            services.dokument_anlegen(
                akte=akte,
                register=Register.objects.aktiv().get(nummer=register),
                vorgang=vorgang if register == "03" else None,
                datei=io.BytesIO(inhalt),
                dateiname=f"{art}.pdf",
                titel=titel,
                art=art,
                richtung=richtung,
                user=user,
                verarbeiten=verarbeiten,
            )

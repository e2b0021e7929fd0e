"""factory_boy factories with traits. Land-wide data (authorities, registers) comes from the migration."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from dms.aktenzeichen import aktenzeichen_formatieren
from dms.models import (
    Akte,
    Behoerde,
    Dokument,
    DokumentVersion,
    Mitgliedschaft,
    Person,
    Register,
    Rolle,
    Team,
    Vorgang,
    Vorgangsart,
)
from dms.namen import namensschluessel

PASSWORT = "Sicheres-Passwort-2026!"
_az = itertools.count(900000)


def behoerde(kuerzel: str = "OF") -> Behoerde:
    return Behoerde.objects.get(kuerzel=kuerzel)


def register(nummer: str = "03") -> Register:
    return Register.objects.aktiv().get(nummer=nummer)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    behoerde = factory.LazyFunction(lambda: behoerde("OF"))
    name = factory.Sequence(lambda n: f"Team {n}")
    buchstaben_von = "A"
    buchstaben_bis = "Z"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    # Unique across runs: some end-to-end tests commit their rows (see tests/scanning/conftest.py).
    username = factory.Sequence(lambda n: f"benutzer{n}-{uuid.uuid4().hex[:8]}")
    password = factory.django.Password(PASSWORT)


class MitgliedFactory(factory.django.DjangoModelFactory):
    """A user with a membership: `MitgliedFactory(behoerde=..., rolle=...)`; `.user` is the login."""

    class Meta:
        model = Mitgliedschaft

    user = factory.SubFactory(UserFactory)
    behoerde = factory.LazyFunction(lambda: behoerde("OF"))
    rolle = Rolle.SACHBEARBEITUNG
    team = None


def benutzer(kuerzel: str = "OF", rolle: str = Rolle.SACHBEARBEITUNG, **kwargs: object):  # type: ignore[no-untyped-def]
    """A logged-in-able user of an authority with a role."""
    return MitgliedFactory(behoerde=behoerde(kuerzel), rolle=rolle, **kwargs).user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    behoerde = factory.LazyFunction(lambda: behoerde("OF"))
    familienname = factory.Iterator(["Yılmaz", "Müller", "Mohammed", "Nguyễn", "Kowalski", "Öztürk"])
    vornamen = factory.Iterator(["Ayşe", "Jörg", "Ali", "Thi Lan", "Anna", "Mehmet"])
    geburtsdatum = factory.Sequence(
        lambda n: dt.date(1950, 1, 1) + dt.timedelta(days=(97 * n) % 20000)
    )  # never in the future
    geburtsort = "Ankara"
    staatsangehoerigkeiten = factory.LazyFunction(lambda: ["türkisch"])
    azr_nummer = factory.Sequence(lambda n: f"{100000000000 + n:012d}")
    namen_normalisiert = factory.LazyAttribute(
        lambda o: namensschluessel(o.familienname, o.geburtsname or "", *(o.namensvarianten or []))
    )
    namensvarianten = factory.LazyFunction(list)
    geburtsname = ""


class AkteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Akte

    person = factory.SubFactory(PersonFactory)
    behoerde = factory.LazyAttribute(lambda o: o.person.behoerde)
    aktenzeichen = factory.LazyAttribute(lambda o: aktenzeichen_formatieren(o.behoerde.kuerzel, 2026, next(_az)))

    class Params:
        abgegeben = factory.Trait(status=Akte.Status.ABGEGEBEN)
        gesperrt_ = factory.Trait(gesperrt=True)


class VorgangFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vorgang

    akte = factory.SubFactory(AkteFactory)
    vorgangsart = factory.LazyFunction(lambda: Vorgangsart.objects.get(schluessel="ae-verlaengerung"))
    nummer = factory.Sequence(lambda n: n + 1)
    aktenzeichen = factory.LazyAttribute(lambda o: f"{o.akte.aktenzeichen}/{o.nummer}")


class DokumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dokument

    akte = factory.SubFactory(AkteFactory)
    register = factory.LazyFunction(lambda: register("03"))
    titel = factory.Sequence(lambda n: f"Schreiben {n}")
    eingangsdatum = dt.date(2026, 3, 1)
    ocr_status = Dokument.OcrStatus.FERTIG


class DokumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DokumentVersion

    dokument = factory.SubFactory(DokumentFactory)
    nummer = 1
    original = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n% test\n", name="original"))
    dateiname = "scan.pdf"
    sha256 = "0" * 64
    groesse = 16
    mime_type = "application/pdf"


def pdf_eine_seite(kommentar: bytes = b"") -> bytes:
    """The smallest valid one-page PDF (A4, no content): passes the preflight every storing path runs (issue 10)."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n" + (b"% " + kommentar + b"\n" if kommentar else b"") + b"%%EOF\n"
    )

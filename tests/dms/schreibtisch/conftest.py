"""A small authority for the desk tests: a team with a caseworker, a colleague, a substitute and another team."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from dms import services
from dms.models import Akte, Dokument, Team, Vertretung
from tests import factories as f

PDF = f.pdf_eine_seite()


@dataclass
class Amt:
    team: Team
    anna: User  # the caseworker responsible for `akte`
    bernd: User  # a colleague in her team
    vera: User  # substitutes for Anna, in another team
    otto: User  # another team, not substituting
    fremd: User  # another authority
    akte: Akte
    akte2: Akte  # another file of Anna's, another person


def ablegen(akte: Akte, user: User | None, titel: str = "Schreiben", **extra: object) -> Dokument:
    return services.dokument_anlegen(
        akte=akte,
        register=f.register("03"),
        datei=io.BytesIO(PDF),
        dateiname="brief.pdf",
        titel=titel,
        user=user,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def amt(db) -> Amt:
    team = f.TeamFactory(name="Team A–K")
    anderes = f.TeamFactory(name="Team L–Z")
    anna = f.benutzer("OF", team=team)
    bernd = f.benutzer("OF", team=team)
    vera = f.benutzer("OF", team=anderes)
    otto = f.benutzer("OF", team=anderes)
    fremd = f.benutzer("HP")
    heute = timezone.localdate()
    Vertretung.objects.create(
        vertretene_person=anna, vertretung=vera, von=heute, bis=heute + dt.timedelta(days=5), angelegt_von=anna
    )
    akte = f.AkteFactory(team=team, sachbearbeitung=anna)
    akte2 = f.AkteFactory(team=team, sachbearbeitung=anna)
    return Amt(team, anna, bernd, vera, otto, fremd, akte, akte2)


def api_fuer(user: User) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def client_fuer(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c

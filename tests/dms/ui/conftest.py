"""Fixtures for the caseworker pages: a team, a caseworker, a file with real PDF documents."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from dms.models import Dokument, Rolle
from dms.services import ableitungen_speichern, dokument_anlegen
from tests import factories as f


def pdf_mit_text(*zeilen: str, seiten: int = 1) -> bytes:
    """A real PDF with a text layer (reportlab), one line per given string, on `seiten` pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4)
    for s in range(seiten):
        y = 800
        for z in zeilen:
            c.drawString(72, y, z)
            y -= 16
        c.drawString(72, 60, f"Seite {s + 1}")
        c.showPage()
    c.save()
    return puffer.getvalue()


def dokument_mit_text(akte, text: str, *, titel: str = "Schreiben", register: str = "03", user=None, seiten: int = 1):
    """A document filed through the service, with its derived text stored as the pipeline would."""
    inhalt = pdf_mit_text(*text.split("\n"), seiten=seiten)
    dok = dokument_anlegen(
        akte=akte,
        register=f.register(register),
        datei=io.BytesIO(inhalt),
        dateiname=f"{titel}.pdf",
        titel=titel,
        user=user,
        verarbeiten=False,
    )
    ableitungen_speichern(
        version=dok.versionen.get(), text=text, seiten=seiten, blatt=seiten, ocr_status=Dokument.OcrStatus.NICHT_NOETIG
    )
    dok.refresh_from_db()
    return dok


@pytest.fixture
def team(db):
    return f.TeamFactory(name="Team A–K", buchstaben_von="A", buchstaben_bis="K")


@pytest.fixture
def sb(team):
    user = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    user.first_name, user.last_name = "Sabine", "Becker"
    user.save()
    return user


@pytest.fixture
def kollegin(team):
    return f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)


@pytest.fixture
def fremd(db):
    return f.benutzer("HP", Rolle.SACHBEARBEITUNG)


@pytest.fixture
def akte(sb, team):
    person = f.PersonFactory(familienname="Öztürk", vornamen="Ayşe", azr_nummer="123456789012")
    return f.AkteFactory(person=person, team=team, sachbearbeitung=sb)


@pytest.fixture
def client_sb(sb) -> Client:
    c = Client()
    c.force_login(sb)
    return c


@pytest.fixture
def client_fremd(fremd) -> Client:
    c = Client()
    c.force_login(fremd)
    return c

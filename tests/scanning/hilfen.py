"""Helpers for the e2e tests: unique persons and files, upload through the real API, waiting for the worker."""

from __future__ import annotations

import io
import json
import random
import time
import uuid
from datetime import date
from pathlib import Path

from rest_framework.test import APIClient

from dms.aktenzeichen import aktenzeichen_formatieren
from dms.models import Akte, Person, Rolle, Team
from dms.namen import namensschluessel
from scanning.models import Posteingang
from tests import factories as f

FERTIG = {"zugeordnet", "zu_pruefen", "fehler", "aufgeteilt"}


def eindeutig() -> str:
    """Eight random lower-case letters (no digits: they would read like OCR confusions in a name)."""
    buchstaben = "abcdefghkmnoprstuvwxyz"  # no i, j, l, q: Tesseract confuses them with 1, I and g
    return "".join(buchstaben[b % len(buchstaben)] for b in uuid.uuid4().bytes[:8])


def azr_neu() -> str:
    return f"{random.randint(10**11, 10**12 - 1)}"


def person_mit_akte(kuerzel: str = "OF", familienname: str | None = None, vornamen: str = "Ayşe",
                    geburtsdatum: date | None = None, varianten: list[str] | None = None,
                    team: Team | None = None) -> Akte:  # fmt: skip
    behoerde = f.behoerde(kuerzel)
    name = familienname or f"Testname{eindeutig()}"
    person = Person.objects.create(
        behoerde=behoerde,
        familienname=name,
        vornamen=vornamen,
        geburtsdatum=geburtsdatum or date(1990, 2, 1),
        azr_nummer=azr_neu(),
        namensvarianten=varianten or [],
        namen_normalisiert=namensschluessel(name, *(varianten or [])),
    )
    aktenzeichen = aktenzeichen_formatieren(behoerde.kuerzel, 2026, random.randint(100_000, 899_999))
    return f.AkteFactory(person=person, team=team, aktenzeichen=aktenzeichen)


def poststelle_api(kuerzel: str = "OF") -> tuple[APIClient, object]:
    user = f.benutzer(kuerzel, Rolle.POSTSTELLE, user__username=f"post-{eindeutig()}")
    client = APIClient()
    client.force_authenticate(user)
    return client, user


def hochladen(client: APIClient, daten: bytes, name: str = "scan.pdf") -> dict:
    datei = io.BytesIO(daten)
    datei.name = name
    r = client.post("/api/v1/posteingang/", {"datei": datei}, format="multipart")
    assert r.status_code == 201, r.content
    return r.json()


def warten(pid: int, timeout: float = 180, status: set[str] | None = None) -> Posteingang:
    ziel = status or FERTIG
    frist = time.monotonic() + timeout
    while time.monotonic() < frist:
        p = Posteingang.objects.get(pk=pid)
        if p.status in ziel:
            return p
        time.sleep(0.3)
    raise AssertionError(f"Posteingang {pid} nicht fertig: {Posteingang.objects.get(pk=pid).status}")


def gestartet(log: Path, task: str) -> list[list[int]]:
    """The arguments of every start of `task` in a worker's JSON log, in order."""
    ergebnis = []
    for zeile in log.read_text(errors="replace").splitlines():
        if zeile.startswith("{") and '"Aufgabe gestartet"' in zeile and task in zeile:
            ergebnis.append(json.loads(zeile).get("task_args"))
    return ergebnis

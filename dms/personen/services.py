"""Writes: a walk-in's person and file in one step; a correction of person data with optimistic locking."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from dms.audit import Aktion, protokollieren
from dms.models import Akte, Behoerde, Person, Team
from dms.namen import team_fuer_name
from dms.queries import eigene_behoerde_id
from dms.services import akte_anlegen, person_aendern, person_anlegen
from dms.services.fehler import Konflikt

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def _team(behoerde_id: int, familienname: str) -> Team | None:
    teams = list(Team.objects.filter(behoerde_id=behoerde_id))
    team_id = team_fuer_name(familienname, [(t.pk, t.buchstaben_von, t.buchstaben_bis, t.ist_standard) for t in teams])
    return next((t for t in teams if t.pk == team_id), None)


def vorsprache_aufnehmen(*, user: User, request: HttpRequest | None = None, **personendaten: Any) -> Akte:
    """A person who walks in without a file: her person record and a new file, the team by the letter range, the
    caseworker who took her in responsible. One transaction (both or neither)."""
    behoerde = Behoerde.objects.get(pk=eigene_behoerde_id(user))
    with transaction.atomic():
        person = person_anlegen(behoerde=behoerde, user=user, request=request, **personendaten)
        return akte_anlegen(
            person=person,
            user=user,
            request=request,
            team=_team(behoerde.pk, person.familienname),
            sachbearbeitung=user,
        )


def person_korrigieren(
    *, person: Person, erwartete_version: int, user: User, request: HttpRequest | None = None, **daten: Any
) -> Person:
    """Correct person data (names, variants, date of birth, …). Refused with Konflikt when someone saved the person
    since `erwartete_version`. A corrected surname or birth name stays findable: the old spelling joins the
    name variants (the audit entry names the changed fields; the file's history shows them)."""
    with transaction.atomic():
        aktuell = Person.objects.select_for_update().get(pk=person.pk)
        if aktuell.version != erwartete_version:
            raise Konflikt(aktuell)
        varianten = list(daten.get("namensvarianten", aktuell.namensvarianten))
        for feld in ("familienname", "geburtsname"):
            alt = getattr(aktuell, feld)
            if feld in daten and alt and daten[feld] != alt and alt not in varianten:
                varianten.append(alt)
        if varianten != aktuell.namensvarianten:
            daten["namensvarianten"] = varianten
        geaendert = {k: v for k, v in daten.items() if getattr(aktuell, k) != v}
        if not geaendert:
            return aktuell
        person = person_aendern(person=aktuell, user=user, request=request, **geaendert)
        Person.objects.filter(pk=person.pk).update(version=erwartete_version + 1)
        person.refresh_from_db()
        # The person's files show the correction in their history (the person entry above has no file).
        felder = [f"Person: {feld}" for feld in sorted(geaendert)]
        for akte in Akte.objects.filter(person=person):
            protokollieren(aktion=Aktion.AENDERN, user=user, request=request, objekt=akte, details={"felder": felder})
    return person

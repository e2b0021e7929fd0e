"""Organisation of an authority: its teams with their letter ranges (Buchstabenzuständigkeit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from dms.audit import Aktion, protokollieren
from dms.models import Behoerde, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def team_einrichten(
    *,
    behoerde: Behoerde,
    name: str,
    buchstaben_von: str = "",
    buchstaben_bis: str = "",
    ist_standard: bool = False,
    user: User | None = None,
    benutzername: str = "",
) -> Team:
    """The team `name` of the authority with this letter range, created or brought up to date (idempotent)."""
    with transaction.atomic():
        team, neu = Team.objects.update_or_create(
            behoerde=behoerde,
            name=name,
            defaults={"buchstaben_von": buchstaben_von, "buchstaben_bis": buchstaben_bis, "ist_standard": ist_standard},
        )
        if neu:
            protokollieren(aktion=Aktion.ANLEGEN, user=user, benutzername=benutzername, objekt=team)
    return team

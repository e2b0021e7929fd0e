"""Possible duplicates of a person about to be created: by AZR-Nummer, by name (and variants) with date of birth."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q

from dms.models import Person
from dms.namen import namensschluessel
from dms.queries import eigene_behoerde_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

HOECHSTENS = 20


def moegliche_dubletten(
    user: AbstractBaseUser | AnonymousUser,
    *,
    familienname: str,
    geburtsdatum: date | None,
    azr_nummer: str | None = None,
    namensvarianten: list[str] | None = None,
    geburtsname: str = "",
) -> QuerySet[Person]:
    """Persons of the user's authority she may see that may be the same person: the same AZR-Nummer, or one of the
    names (surname, birth name, variants, each normalised) with the same date of birth (any date when none given).
    Persons only on restricted files stay hidden (`visible_to`); the AZR-Nummer stays unique by the service."""
    schluessel = namensschluessel(familienname, geburtsname, *(namensvarianten or []))
    treffer = Q(pk__in=[])
    if azr_nummer:
        treffer |= Q(azr_nummer=azr_nummer)
    if schluessel:
        name = Q(namen_normalisiert__overlap=schluessel)
        treffer |= name & Q(geburtsdatum=geburtsdatum) if geburtsdatum else name
    return (
        Person.objects.visible_to(user)
        .filter(treffer, behoerde_id=eigene_behoerde_id(user))
        .prefetch_related("akten")
        .order_by("familienname", "vornamen", "id")[:HOECHSTENS]
    )

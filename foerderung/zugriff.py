"""Who may see and do what in the subsidy programme, built on dms.access.zugang (see docs/foerderung.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dms.access import zugang
from dms.models import Rolle

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Roles of an authority that may read its own subsidy figures.
LESEN_EIGENE = frozenset({Rolle.BEHOERDENADMIN, Rolle.TEAMLEITUNG, Rolle.REVISION})
# Roles of an authority that may apply and draw up the proof of use.
ANTRAG_STELLEN = frozenset({Rolle.BEHOERDENADMIN})


def darf_alle_sehen(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """The Land (ministry) sees every authority's figures."""
    return zugang(user).rolle == Rolle.LAND


def darf_eigene_sehen(user: AbstractBaseUser | AnonymousUser | None) -> int | None:
    """The authority id whose figures the user may read, or None."""
    z = zugang(user)
    if z.behoerde_id is not None and z.rolle in LESEN_EIGENE:
        return z.behoerde_id
    return None


def darf_beantragen(user: AbstractBaseUser | AnonymousUser | None) -> int | None:
    """The authority id the user may apply for, or None."""
    z = zugang(user)
    if z.behoerde_id is not None and z.rolle in ANTRAG_STELLEN:
        return z.behoerde_id
    return None


def darf_bescheiden(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Only the Land issues grant notices."""
    return darf_alle_sehen(user)


def darf_foerderung_sehen(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return darf_alle_sehen(user) or darf_eigene_sehen(user) is not None

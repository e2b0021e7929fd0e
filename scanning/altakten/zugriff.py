"""Who may see and do what with digitisation lots (built on dms.access.zugang; decided in SQL where it filters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from dms.access import AKTEN_ROLLEN, zugang
from dms.models import Rolle

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The project lead and the mail room run the lots and import deliveries.
LOS_ROLLEN = frozenset({Rolle.BEHOERDENADMIN, Rolle.TEAMLEITUNG, Rolle.POSTSTELLE})


def los_sichtbar_q(user: AbstractBaseUser | AnonymousUser | None) -> Q:
    """Figures of lots: the Land all, an authority's file roles and revision their own."""
    z = zugang(user)
    if z.rolle == Rolle.LAND:
        return Q()
    if z.behoerde_id is not None and (z.rolle in AKTEN_ROLLEN or z.rolle == Rolle.REVISION):
        return Q(behoerde_id=z.behoerde_id)
    return Q(pk__in=[])


def darf_fortschritt_sehen(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    z = zugang(user)
    return z.rolle == Rolle.LAND or (
        z.behoerde_id is not None and (z.rolle in AKTEN_ROLLEN or z.rolle == Rolle.REVISION)
    )


def darf_inhalt_sehen(user: AbstractBaseUser | AnonymousUser | None, behoerde_id: int) -> bool:
    """File lists (Aktenzeichen, names) only for the authority's own file roles, never for the Land."""
    z = zugang(user)
    return z.behoerde_id == behoerde_id and z.rolle in AKTEN_ROLLEN


def darf_lose_fuehren(user: AbstractBaseUser | AnonymousUser | None, behoerde_id: int) -> bool:
    z = zugang(user)
    return z.behoerde_id == behoerde_id and z.rolle in LOS_ROLLEN


def darf_pruefen(user: AbstractBaseUser | AnonymousUser | None, behoerde_id: int) -> bool:
    """Anyone with file access in the authority may check samples (the 4-eyes rule is checked separately)."""
    return darf_inhalt_sehen(user, behoerde_id)

"""Who may do what in the Aussonderung: the records officer (role `schriftgutverwaltung`) of the file's authority."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from dms.models import Akte
from dms.permissions_matrix import darf
from dms.queries import eigene_behoerde_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from dms.models.akte import AkteQuerySet


def schriftgutverwaltung_pruefen(user: AbstractBaseUser | AnonymousUser | None) -> int:
    """The officer's authority id; PermissionDenied for any other role."""
    if not darf(user, "aussonderung"):
        raise PermissionDenied("Nur die Schriftgutverwaltung der Behörde darf Akten aussondern.")
    return eigene_behoerde_id(user)


def akten_der_behoerde(user: AbstractBaseUser | AnonymousUser) -> AkteQuerySet:
    """The officer's own authority's files she may see (Sperrvermerk: only where she is named); 404 beyond that."""
    return Akte.objects.visible_to(user).filter(behoerde_id=schriftgutverwaltung_pruefen(user))

"""Who may do what in the Aussonderung: the records officer (role `schriftgutverwaltung`) of the file's authority."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from dms.models import Akte
from dms.permissions_matrix import darf
from dms.queries import eigene_behoerde_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from dms.models.akte import AkteQuerySet

M = TypeVar("M", bound=Model)


def schriftgutverwaltung_pruefen(user: AbstractBaseUser | AnonymousUser | None) -> int:
    """The officer's authority id; PermissionDenied for any other role."""
    if not darf(user, "aussonderung"):
        raise PermissionDenied("Nur die Schriftgutverwaltung der Behörde darf Akten aussondern.")
    return eigene_behoerde_id(user)


def behoerde_oder_404(user: AbstractBaseUser | AnonymousUser | None) -> int:
    """For lookups of one object by id: a caller who may not use the Aussonderung gets a 404, like any object
    outside what she may see."""
    try:
        return schriftgutverwaltung_pruefen(user)
    except PermissionDenied as exc:
        raise Http404 from exc


def akten_der_behoerde(user: AbstractBaseUser | AnonymousUser) -> AkteQuerySet:
    """The officer's own authority's files she may see (Sperrvermerk: only where she is named); 404 beyond that."""
    return Akte.objects.visible_to(user).filter(behoerde_id=schriftgutverwaltung_pruefen(user))


def eigenes_objekt(qs: QuerySet[M], user: AbstractBaseUser | AnonymousUser | None, pk: int) -> M:
    """One object (with a `behoerde`) of the officer's own authority; 404 for any other and for every other role."""
    behoerde_id = behoerde_oder_404(user)
    try:
        return qs.get(pk=pk, behoerde_id=behoerde_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc

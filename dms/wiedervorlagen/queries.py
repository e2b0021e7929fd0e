"""Reads of resubmissions: the open ones of a user and the colleagues she substitutes for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from dms.access import zugang

from .models import Wiedervorlage, WiedervorlageQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def offene_wiedervorlagen(user: AbstractBaseUser | AnonymousUser) -> WiedervorlageQuerySet:
    """Open resubmissions for the user or whom she substitutes for, in files she may see; due first."""
    z = zugang(user)
    if not z.hat_aktenzugang:
        return Wiedervorlage.objects.none()
    return (
        Wiedervorlage.objects.visible_to(user)
        .offen()
        .filter(zustaendig_id__in=z.handelnde_ids)
        .select_related("akte", "akte__person", "vorgang", "dokument", "zustaendig")
        .order_by("faellig_am", "id")
    )


def faellige_wiedervorlagen(user: AbstractBaseUser | AnonymousUser) -> WiedervorlageQuerySet:
    return offene_wiedervorlagen(user).filter(faellig_am__lte=timezone.localdate())

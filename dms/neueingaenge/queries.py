"""Reads of new mail: what is new for a user, within the files she may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from dms.access import sichtbare_akten_ids, zugang

from .models import Neueingang, NeueingangGelesen

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet


def neueingaenge_fuer(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Neueingang]:
    """Unread new documents in files the user is responsible for, substitutes for, or her team holds.

    Not what she filed herself; read means read by her, or by the file's caseworker (then it is done for everyone;
    a substitute's read leaves it new for the caseworker when she returns). Restricted and foreign files never
    appear (the whole filter sits inside the files she may see, `sichtbare_akten_ids`).
    """
    z = zugang(user)
    if not z.hat_aktenzugang or z.user_id is None:
        return Neueingang.objects.none()
    zustaendig = Q(akte__sachbearbeitung_id__in=z.handelnde_ids)
    if z.team_id is not None:
        zustaendig |= Q(akte__team_id=z.team_id)
    gelesen_selbst = NeueingangGelesen.objects.filter(neueingang=OuterRef("pk"), user_id=z.user_id)
    gelesen_zustaendig = NeueingangGelesen.objects.filter(
        neueingang=OuterRef("pk"), user_id=OuterRef("akte__sachbearbeitung_id")
    )
    return (
        Neueingang.objects.filter(zustaendig, akte_id__in=sichtbare_akten_ids(user))
        .exclude(eingestellt_von_id=z.user_id)
        .exclude(Exists(gelesen_selbst))
        .exclude(Exists(gelesen_zustaendig))
    )


def ungelesene_dokument_ids(user: AbstractBaseUser | AnonymousUser, dokument_ids: Iterable[int]) -> set[int]:
    """Which of these documents are new for the user (the marks in a file's document list): one query."""
    ids = list(dokument_ids)
    if not ids:
        return set()
    return set(neueingaenge_fuer(user).filter(dokument_id__in=ids).values_list("dokument_id", flat=True))

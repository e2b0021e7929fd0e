"""Reads of notes: a file's and a document's, newest first (always on top of `Notiz.objects.visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Notiz, NotizQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from dms.models import Akte, Dokument


def _neueste_zuerst(user: AbstractBaseUser | AnonymousUser) -> NotizQuerySet:
    return Notiz.objects.visible_to(user).select_related("verfasst_von", "dokument").order_by("-angelegt_am", "-id")


def notizen_der_akte(user: AbstractBaseUser | AnonymousUser, akte: Akte) -> NotizQuerySet:
    """Every note of the file, those on its documents included (they name their document)."""
    return _neueste_zuerst(user).filter(akte=akte)


def notizen_des_dokuments(user: AbstractBaseUser | AnonymousUser, dokument: Dokument) -> NotizQuerySet:
    return _neueste_zuerst(user).filter(dokument=dokument)

"""Optimistic locking: an UPDATE that only succeeds when the row still has the version the editor loaded."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import F

from .fehler import Konflikt

M = TypeVar("M", bound=models.Model)


def update_if_unchanged(obj: M, *, erwartete_version: int, changes: dict[str, Any]) -> M:
    """Apply `changes` to `obj` in the database iff its version is still `erwartete_version`; return the fresh row."""
    model = type(obj)
    updated = model._default_manager.filter(pk=obj.pk, version=erwartete_version).update(
        **changes, version=F("version") + 1
    )
    fresh = model._default_manager.get(pk=obj.pk)
    if updated == 0:
        raise Konflikt(fresh)
    return fresh

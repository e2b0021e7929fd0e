"""Template context: whether the navigation shows the Aussonderung (records officers only); evaluated lazily."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dms.permissions_matrix import darf


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_aussonderung": SimpleLazyObject(lambda: darf(getattr(request, "user", None), "aussonderung"))}

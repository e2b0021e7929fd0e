"""Request types whose `.user` is the project's User (as Zulip types its views): every login-required page takes an
`AuthenticatedHttpRequest`, every DRF view of a signed-in user an `AuthenticatedRequest`, so mypy checks what views
pass on to services without `User | AnonymousUser` unions.

Only a type: `login_required` (pages) and `IsAuthenticated` (API) make it true at runtime; a view without them keeps
the plain `HttpRequest`/`Request`.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    user: User


def angemeldeter_benutzer(request: HttpRequest) -> User:
    """The user of a request only signed-in users reach, where the framework's hook signatures keep the plain
    request type (Django admin): checked, not assumed."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user

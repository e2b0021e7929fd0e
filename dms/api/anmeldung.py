"""Session authentication for the API whose CSRF check never depends on the body's format.

DRF's SessionAuthentication hands its own Request to Django's CSRF check, which reads `request.POST` for a form
token: on a JSON-only view a form body is then parsed by DRF and answered 415 *before* the missing token is noticed
(and only when a CSRF cookie exists, so the answer changed with what the browser did before). Checking the Django
request instead gives every state-changing session request without a token the same 403, whatever its body.
"""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck, SessionAuthentication
from rest_framework.request import Request


class SitzungAnmeldung(SessionAuthentication):
    def enforce_csrf(self, request: Request) -> None:
        def keine_antwort(_request: object) -> None:
            return None

        django_request = request._request
        pruefung = CSRFCheck(keine_antwort)  # type: ignore[arg-type]
        pruefung.process_request(django_request)
        grund = pruefung.process_view(django_request, None, (), {})  # type: ignore[arg-type]
        if grund:
            # German for the user; Django's English reason (e.g. "CSRF token missing.") only in the log
            raise exceptions.PermissionDenied(
                "Die Sicherheitsprüfung (CSRF) ist fehlgeschlagen. Bitte laden Sie die Seite neu und versuchen Sie "
                "es noch einmal."
            )


class SitzungSchema(SessionScheme):
    """The OpenAPI description of this session login: the same cookie scheme as DRF's own."""

    target_class = "dms.api.anmeldung.SitzungAnmeldung"

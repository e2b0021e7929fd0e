"""Security headers and the idle session timeout for home-office use."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

IDLE_KEY = "_zuletzt_aktiv"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class IdleTimeoutMiddleware:
    """Log a session out after SESSION_IDLE_TIMEOUT seconds without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and hasattr(request, "session")
            and IDLE_KEY in request.session
            and time.time() - float(request.session[IDLE_KEY]) > settings.SESSION_IDLE_TIMEOUT
        ):
            logout(request)
        if request.user.is_authenticated and hasattr(request, "session"):
            request.session[IDLE_KEY] = time.time()
        return self.get_response(request)


def zweiter_faktor_noetig(user: Any) -> bool:
    """A second factor is required for users of an authority with totp_pflicht and for anyone who set one up."""
    from django_otp import devices_for_user

    from dms.models import Mitgliedschaft

    if Mitgliedschaft.objects.filter(user_id=user.pk, behoerde__totp_pflicht=True).exists():
        return True
    return any(True for _ in devices_for_user(user, confirmed=True))


class ZweiterFaktorMiddleware:
    """Send logged-in users who need a second factor but have not verified one to the TOTP page.

    Runs after django_otp's OTPMiddleware (which sets `user.is_verified`). API requests with a session get a 403
    with a German message instead of a redirect; token-authenticated API requests are not sessions and are not
    affected here (tokens are issued only after a password check and are meant for machines).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == reverse("api-token"):
            return self._token_mit_zweitem_faktor(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._ausgenommen(request.path)
            and not (hasattr(user, "is_verified") and user.is_verified())
            and zweiter_faktor_noetig(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Bitte bestätigen Sie zuerst Ihren zweiten Faktor (TOTP) im Browser."}, status=403
                )
            ziel = reverse("zweiter-faktor")
            return HttpResponseRedirect(f"{ziel}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _token_mit_zweitem_faktor(self, request: HttpRequest) -> HttpResponse:
        """A token for a user who needs a second factor only with a valid `otp` code next to the password.

        Checked after the password (the view answers first), so the answer reveals nothing about unknown users.
        """
        from django.contrib.auth import get_user_model
        from django_otp import match_token

        try:
            daten = _formular_oder_json(request)
        except ValueError:
            return self.get_response(request)
        response = self.get_response(request)
        if response.status_code != 200:
            return response
        user = get_user_model().objects.filter(username=str(daten.get("username", ""))).first()
        if user is None or not zweiter_faktor_noetig(user):
            return response
        if match_token(user, str(daten.get("otp", ""))[:10]) is None:
            return JsonResponse(
                {
                    "otp": [
                        "Für dieses Konto ist ein zweiter Faktor nötig: bitte den aktuellen Einmalcode als otp senden."
                    ]
                },
                status=403,
            )
        return response

    @staticmethod
    def _ausgenommen(pfad: str) -> bool:
        frei = (reverse("login"), reverse("logout"), reverse("zweiter-faktor"), *settings.ZWEITER_FAKTOR_AUSNAHMEN)
        return any(pfad.startswith(p) for p in frei)


def _formular_oder_json(request: HttpRequest) -> dict[str, Any]:
    """The login fields of a token request (JSON or form), read before DRF consumes the body."""
    import json

    if request.content_type == "application/json":
        daten = json.loads(request.body or b"{}")
        if not isinstance(daten, dict):
            raise ValueError("JSON-Objekt erwartet")
        return daten
    return {k: request.POST.get(k, "") for k in ("username", "otp")}

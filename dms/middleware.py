"""Security headers and the idle session timeout for home-office use."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.urls import reverse

IDLE_KEY = "_zuletzt_aktiv"
IDLE_SCHREIBABSTAND = 60
"""Seconds between two writes of the activity stamp: a session is saved at most once a minute for it, not on every
request (a database UPDATE per page view), so the idle logout comes between SESSION_IDLE_TIMEOUT and one minute
later (docs/security.md)."""
logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:  # the API docs too: Swagger UI is served from our own static files
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class EingabePruefungMiddleware:
    """Refuse NUL bytes early: PostgreSQL cannot store them, so any lookup with one would end in a 500.

    Checked in path, query string and small form or JSON bodies (not in multipart uploads: files contain NULs).
    """

    MELDUNG = "Die Anfrage enthält ein unzulässiges Steuerzeichen (NUL)."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._hat_nul(request):
            logger.info(
                "Anfrage mit NUL-Byte abgewiesen: %s %s", request.method, request.path[:200].replace("\x00", "\\0")
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MELDUNG}, status=400)
            return HttpResponseBadRequest(self.MELDUNG)
        return self.get_response(request)

    @staticmethod
    def _hat_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
            return True
        if request.content_type not in ("application/x-www-form-urlencoded", "application/json"):
            return False
        try:
            body = request.body
        except RequestDataTooBig:
            return False  # Django answers the oversize request itself
        if request.content_type == "application/json":
            return b"\\u0000" in body.lower()
        return b"%00" in body.lower() or b"\x00" in body


class IdleTimeoutMiddleware:
    """Log a session out after SESSION_IDLE_TIMEOUT seconds without a request (stamp refreshed once a minute)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            jetzt = time.time()
            zuletzt = request.session.get(IDLE_KEY)
            if zuletzt is not None and jetzt - float(zuletzt) > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
            elif zuletzt is None or jetzt - float(zuletzt) >= IDLE_SCHREIBABSTAND:
                request.session[IDLE_KEY] = jetzt
        return self.get_response(request)


ZWEITER_FAKTOR_KEY = "_zweiter_faktor_noetig"
ZWEITER_FAKTOR_NEU_PRUEFEN = 300  # seconds: a newly set duty applies to running sessions within five minutes


def zweiter_faktor_noetig(user: Any) -> bool:
    """A second factor is required for users of an authority with totp_pflicht and for anyone who set one up."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Q(mitgliedschaft__behoerde__totp_pflicht=True) | Q(totpdevice__confirmed=True))
        .exists()
    )


def _zweiter_faktor_noetig_gemerkt(request: HttpRequest) -> bool:
    """The answer, remembered in the session for a few minutes (one query less on almost every request)."""
    session = getattr(request, "session", None)
    gemerkt = session.get(ZWEITER_FAKTOR_KEY) if session is not None else None
    if gemerkt and time.time() - gemerkt[0] < ZWEITER_FAKTOR_NEU_PRUEFEN:
        return bool(gemerkt[1])
    noetig = zweiter_faktor_noetig(request.user)
    if session is not None:
        session[ZWEITER_FAKTOR_KEY] = [time.time(), noetig]
    return noetig


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
            and _zweiter_faktor_noetig_gemerkt(request)
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
        code = str(daten.get("otp", "")).strip()[:10]
        # No code: answer without touching the device, so a bare password attempt does not feed its throttle.
        if not code or match_token(user, code) is None:
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


PASSWORT_WECHSEL = "_passwort_wechseln"
"""Session key set at login while the user still has the password the admin gave her (dms.signals)."""


class PasswortWechselMiddleware:
    """After the admin created the user or reset her password: no page but the password change (and logout, the
    second factor) until she has chosen her own. API calls with such a session get a 403 with a German message.

    Runs after ZweiterFaktorMiddleware: the second factor first, then the new password. The duty is read once at
    login (one query) and kept in the session; the admin's reset itself ends every running session of the user
    (Django's session hash follows the password)."""

    MELDUNG = (
        "Bitte wählen Sie zuerst im Browser ein eigenes Passwort (Ihr Passwort wurde von der Verwaltung vergeben)."
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and session.get(PASSWORT_WECHSEL)
            and user is not None
            and user.is_authenticated
            and not self._ausgenommen(request.path)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MELDUNG}, status=403)
            return HttpResponseRedirect(reverse("passwort-aendern"))
        return self.get_response(request)

    @staticmethod
    def _ausgenommen(pfad: str) -> bool:
        frei = (reverse("passwort-aendern"), reverse("logout"), reverse("zweiter-faktor"), settings.STATIC_URL)
        return any(pfad.startswith(p) for p in frei)

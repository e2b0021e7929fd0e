"""Security headers and the idle session timeout for home-office use."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

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
        if request.user.is_authenticated and hasattr(request, "session") and IDLE_KEY in request.session:
            if time.time() - float(request.session[IDLE_KEY]) > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
        if request.user.is_authenticated and hasattr(request, "session"):
            request.session[IDLE_KEY] = time.time()
        return self.get_response(request)

"""Login, logout and failed-login audit entries: a decoupled side concern, hence signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import Aktion, protokollieren


@receiver(user_logged_in)
def _login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from .middleware import PASSWORT_WECHSEL
    from .services.benutzer import muss_passwort_wechseln

    protokollieren(aktion=Aktion.ANMELDUNG, user=user, request=request)
    if request is not None and hasattr(request, "session") and muss_passwort_wechseln(user):
        request.session[PASSWORT_WECHSEL] = True


@receiver(user_logged_out)
def _logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        protokollieren(aktion=Aktion.ABMELDUNG, user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    protokollieren(
        aktion=Aktion.ANMELDUNG_FEHLGESCHLAGEN,
        user=None,
        request=request,
        benutzername=str(credentials.get("username", ""))[:150],
    )

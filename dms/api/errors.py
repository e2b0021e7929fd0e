"""API errors: field errors as 400 with the field, conflicts as 409, never a 500 for bad input."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dms.services.fehler import Konflikt


def konflikt_antwort(exc: Konflikt, **stand: Any) -> Response:
    """409 for a stale edit: the German message, the current version and, where the caller passes it, the saved
    state (`aktuell=` the serialised object), so a client can show both without a second request."""
    return Response(
        {"detail": str(exc), "aktuelle_version": getattr(exc.aktuell, "version", None), **stand},
        status=status.HTTP_409_CONFLICT,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Konflikt):
        return konflikt_antwort(exc)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data: Any = {feld: [str(m) for e in fehler for m in e.messages] for feld, fehler in exc.error_dict.items()}
            if "__all__" in data:
                data["non_field_errors"] = data.pop("__all__")
        else:
            data = {"non_field_errors": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)

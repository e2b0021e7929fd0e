"""Small helpers shared by the caseworker pages."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte

log = logging.getLogger("dms.views")


def sichtbare_akte(
    request: AuthenticatedHttpRequest, pk: int, *, aendern: bool = False, lesen_protokollieren: bool = True
) -> Akte:
    """The file if the user may see (or change) it, else 404; writes the read audit entry."""
    qs = Akte.objects.changeable_by(request.user) if aendern else Akte.objects.visible_to(request.user)
    akte = get_object_or_404(qs.with_person(), pk=pk)
    if lesen_protokollieren:
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=akte)
    return akte


def darf_aendern(request: AuthenticatedHttpRequest, akte: Akte) -> bool:
    z = zugang(request.user)
    return z.darf_aendern and akte.behoerde_id == z.behoerde_id and akte.status != Akte.Status.ABGEGEBEN


def fehlertexte(exc: ValidationError) -> list[str]:
    """German messages of a service's ValidationError, flattened for display."""
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def fehler_melden(request: HttpRequest, exc: Exception) -> None:
    """Show a refused action as error messages: each German text of a ValidationError, else the exception text."""
    if isinstance(exc, ValidationError):
        for m in fehlertexte(exc):
            messages.error(request, m)
    else:
        messages.error(request, str(exc) or "Diese Aktion ist Ihnen nicht erlaubt.")


def form_fehler_uebernehmen(form: Any, exc: ValidationError) -> None:
    """Attach a service's field errors to the form fields (unknown fields become non-field errors)."""
    if hasattr(exc, "message_dict"):
        for feld, msgs in exc.message_dict.items():
            for m in msgs:
                form.add_error(feld if feld in form.fields else None, m)
    else:
        for m in exc.messages:
            form.add_error(None, m)


def nicht_gefunden() -> Http404:
    return Http404("Nicht gefunden.")

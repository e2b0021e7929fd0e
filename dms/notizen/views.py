"""Note pages: the notes part of the file and the document page (an htmx partial, a page of its own without
JavaScript), creating one, editing and deleting one's own."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dms.eingaben import id_lesen
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument
from dms.services.fehler import Konflikt
from dms.views.common import darf_aendern, fehler_melden, fehlertexte

from . import services
from .models import TEXT_LAENGE, Notiz
from .queries import notizen_der_akte, notizen_des_dokuments

MAX_ANZEIGE = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notizkonflikt:
    """A stale edit or delete of note `notiz_id`: the part shows the saved text and keeps `eigener_text` (the
    user's own, unsaved) in the open edit form; None for a refused delete."""

    notiz_id: int
    eigener_text: str | None


def _antwort(
    request: AuthenticatedHttpRequest,
    akte: Akte,
    dokument: Dokument | None,
    fehler: list[str] | None = None,
    *,
    konflikt: Notizkonflikt | None = None,
    neuer_text: str = "",
    status: int = 200,
) -> HttpResponse:
    """The notes part (htmx) or a page around it. `neuer_text`: a refused new note stays in its field."""
    qs = notizen_des_dokuments(request.user, dokument) if dokument else notizen_der_akte(request.user, akte)
    ctx: dict[str, Any] = {
        "akte": akte,
        "dokument": dokument,
        "notizen": list(qs[:MAX_ANZEIGE]),
        "darf_schreiben": darf_aendern(request, akte),
        "text_laenge": TEXT_LAENGE,
        "fehler": fehler or [],
        "konflikt": konflikt,
        "neuer_text": neuer_text,
        "liste_url": reverse("dokument-notizen", args=[dokument.pk])
        if dokument
        else reverse("akte-notizen", args=[akte.pk]),
    }
    if getattr(request, "htmx", False):
        return render(request, "dms/teile/notizen.html", ctx, status=status)
    return render(request, "dms/notizen.html", ctx, status=status)


def _akte(request: AuthenticatedHttpRequest, pk: int) -> Akte:
    # The file's read was audited when its page was opened; the notes part is part of that page.
    return get_object_or_404(Akte.objects.visible_to(request.user).with_person(), pk=pk)


def _dokument(request: AuthenticatedHttpRequest, pk: int) -> Dokument:
    return get_object_or_404(Dokument.objects.visible_to(request.user).select_related("akte", "akte__person"), pk=pk)


@login_required
@require_GET
def akte_notizen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _antwort(request, _akte(request, pk), None)


@login_required
@require_GET
def dokument_notizen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dokument = _dokument(request, pk)
    return _antwort(request, dokument.akte, dokument)


def _zurueck(request: AuthenticatedHttpRequest, akte: Akte, dokument: Dokument | None) -> HttpResponse:
    return redirect(
        reverse("dokument-notizen", args=[dokument.pk]) if dokument else reverse("akte-notizen", args=[akte.pk])
    )


def _ausfuehren(
    request: AuthenticatedHttpRequest,
    akte: Akte,
    dokument: Dokument | None,
    aktion: Any,
    erfolg: str,
    *,
    eigener_text: str | None = None,
    neuer_text: str = "",
) -> HttpResponse:
    """Run a service; htmx gets the refreshed part (errors inside it), a plain form post a redirect with a message.
    A stale edit or delete (`Konflikt`) answers 409 with the part or page showing the saved note beside the user's
    own text, with or without JavaScript (app.js lets htmx swap a 409)."""
    try:
        aktion()
    except Konflikt as exc:
        log.info("Konflikt bei Notiz %s durch %s", exc.aktuell.pk, request.user.pk)
        return _antwort(
            request,
            akte,
            dokument,
            konflikt=Notizkonflikt(notiz_id=exc.aktuell.pk, eigener_text=eigener_text),
            status=409,
        )
    except (ValidationError, PermissionDenied) as exc:
        log.info("Notiz nicht gespeichert (%s) für %s", type(exc).__name__, request.user.pk)
        if getattr(request, "htmx", False):
            texte = fehlertexte(exc) if isinstance(exc, ValidationError) else [str(exc)]
            return _antwort(request, akte, dokument, fehler=texte, neuer_text=neuer_text)
        fehler_melden(request, exc)
    else:
        if not getattr(request, "htmx", False):
            messages.success(request, erfolg)
    if getattr(request, "htmx", False):
        return _antwort(request, akte, dokument)
    return _zurueck(request, akte, dokument)


@login_required
@require_POST
def notiz_anlegen(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The subject is a document or a file the user may see (else 404); the service checks she may change it."""
    dokument: Dokument | None = None
    if (i := id_lesen(request.POST.get("dokument"))) is not None:
        dokument = _dokument(request, i)
        akte = dokument.akte
    else:
        akte = _akte(request, id_lesen(request.POST.get("akte")) or 0)
    text = request.POST.get("text", "")
    return _ausfuehren(
        request,
        akte,
        dokument,
        lambda: services.notiz_anlegen(
            user=request.user,
            text=text,
            akte=None if dokument else akte,
            dokument=dokument,
            request=request,
        ),
        "Die Notiz ist gespeichert.",
        neuer_text=text,
    )


def _notiz(request: AuthenticatedHttpRequest, pk: int) -> Notiz:
    return get_object_or_404(
        Notiz.objects.visible_to(request.user).select_related("akte", "akte__person", "dokument"), pk=pk
    )


def _ansicht(request: AuthenticatedHttpRequest, notiz: Notiz) -> Dokument | None:
    """Answer in the part the form was sent from: the document's (`ansicht=dokument`) or the file's."""
    return notiz.dokument if request.POST.get("ansicht") == "dokument" and notiz.dokument_id else None


def _erwartete_version(request: AuthenticatedHttpRequest) -> int:
    """The version the form was loaded with; a form without one (a page from before versions) counts as stale."""
    return id_lesen(request.POST.get("version")) or 0


@login_required
@require_POST
def notiz_aendern(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notiz = _notiz(request, pk)
    text = request.POST.get("text", "")
    return _ausfuehren(
        request,
        notiz.akte,
        _ansicht(request, notiz),
        lambda: services.notiz_aendern(
            notiz=notiz, user=request.user, text=text, erwartete_version=_erwartete_version(request), request=request
        ),
        "Die Notiz ist geändert.",
        eigener_text=text,
    )


@login_required
@require_POST
def notiz_loeschen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notiz = _notiz(request, pk)
    return _ausfuehren(
        request,
        notiz.akte,
        _ansicht(request, notiz),
        lambda: services.notiz_loeschen(
            notiz=notiz, user=request.user, erwartete_version=_erwartete_version(request), request=request
        ),
        "Die Notiz ist gelöscht.",
    )

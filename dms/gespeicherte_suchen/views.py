"""Saving a search from the search page, deleting one from the desk; the desk part lists the user's own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.suche import Filter, protokoll_details
from dms.views.common import fehler_melden

from . import services
from .models import GespeicherteSuche
from .treffer import treffer_zaehlen

AUF_DEM_ARBEITSPLATZ = 50  # every one a user may keep (services.MAX_JE_BENUTZER)


@login_required
@require_GET
def gespeicherte_suchen(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _liste(request)


def _liste(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The desk part (htmx, loaded after the desk so its query budget stays) or a page: the user's own saved
    searches by name. Their hit counts are not computed here (each is a whole search): each entry fetches its own
    from `gespeicherte_suche_treffer` once the part is in place; without JavaScript it links there."""
    ctx: dict[str, Any] = {
        "gespeicherte_suchen": list(GespeicherteSuche.objects.visible_to(request.user)[:AUF_DEM_ARBEITSPLATZ])
    }
    if getattr(request, "htmx", False):
        return render(request, "dms/teile/gespeicherte_suchen.html", ctx)
    return render(request, "dms/gespeicherte_suchen.html", ctx)


def _eigene(request: AuthenticatedHttpRequest, pk: int) -> GespeicherteSuche:
    # Another user's saved search is a 404, never a 403: its existence is hers alone.
    return get_object_or_404(GespeicherteSuche.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def gespeicherte_suche_ausfuehren(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The desk's link: note the run (what comes after counts as new), then the search page repeats the search."""
    suche = _eigene(request, pk)
    services.suche_ausgefuehrt(suche=suche, user=request.user)
    return redirect(suche.url)


@login_required
@require_GET
def gespeicherte_suche_treffer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """How many hits the saved search has now (htmx: a short fragment for the desk entry; else a small page).
    Audited like the search page's search: the term as its keyed hash, the counts, the saved search's id."""
    suche = _eigene(request, pk)
    zahl = treffer_zaehlen(request.user, suche)
    ergebnis = zahl.ergebnis
    protokollieren(
        aktion=Aktion.SUCHE,
        request=request,
        objekt=suche,
        details=protokoll_details(
            suche.q,
            len(ergebnis.gruppen),
            notizen=ergebnis.notizen_gesamt,
            weitere=len(ergebnis.weitere),
            gespeicherte_suche=suche.pk,
            trefferzahl=True,
        ),
    )
    ctx = {"suche": suche, "zahl": zahl, "ergebnis": ergebnis}
    if getattr(request, "htmx", False):
        return render(request, "dms/teile/gespeicherte_suche_treffer.html", ctx)
    return render(request, "dms/gespeicherte_suche_treffer.html", ctx)


@login_required
@require_POST
def suche_speichern(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        suche = services.suche_speichern(
            user=request.user,
            name=request.POST.get("name", ""),
            q=request.POST.get("q", ""),
            filter_=Filter.aus(request.POST),
            request=request,
        )
    except ValidationError as exc:
        fehler_melden(request, exc)
        return redirect("suche")
    messages.success(request, f"Die Suche „{suche.name}“ ist gespeichert. Sie finden sie auf Ihrem Arbeitsplatz.")
    return redirect(suche.url)


@login_required
@require_POST
def suche_loeschen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    suche = _eigene(request, pk)
    try:
        services.suche_loeschen(suche=suche, user=request.user, request=request)
    except PermissionDenied as exc:
        fehler_melden(request, exc)
    else:
        if getattr(request, "htmx", False):
            return _liste(request)
        messages.success(request, f"Die gespeicherte Suche „{suche.name}“ ist gelöscht.")
    return redirect("arbeitsplatz")

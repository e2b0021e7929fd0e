"""New mail pages: the list of new documents, marking read; the desk part (`arbeitsplatz_abschnitt`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dms.eingaben import id_lesen
from dms.http import AuthenticatedHttpRequest
from dms.models import Dokument
from dms.queries import erste_mit_anzahl

from . import services
from .models import Neueingang
from .queries import neueingaenge_fuer

NEUEINGAENGE_AUF_DEM_ARBEITSPLATZ = 10
NEUEINGAENGE_JE_SEITE = 50


def _liste(request: AuthenticatedHttpRequest) -> Any:
    return (
        neueingaenge_fuer(request.user)
        .select_related("akte", "akte__person", "dokument", "eingestellt_von")
        .order_by("-eingestellt_am", "-id")
    )


# What the desk shows of each row: the window count makes PostgreSQL join every waiting row before the LIMIT, so
# the rows are kept narrow (about 100 bytes instead of 5 kB with every column of document, file, person and user).
DESK_FELDER = (
    "dokument_id",
    "akte_id",
    "quelle",
    "eingestellt_am",
    "dokument__titel",
    "akte__aktenzeichen",
    "akte__person__familienname",
)


def neueingaenge_abschnitt(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The desk's part: the newest few and the count (one query, whatever the number waiting)."""
    qs = (
        neueingaenge_fuer(request.user)
        .select_related("akte", "akte__person", "dokument")
        .only(*DESK_FELDER)
        .order_by("-eingestellt_am", "-id")
    )
    zeilen, anzahl = erste_mit_anzahl(qs, NEUEINGAENGE_AUF_DEM_ARBEITSPLATZ)
    return {"neueingaenge": zeilen, "neueingaenge_anzahl": anzahl}


@login_required
def neueingaenge_liste(request: AuthenticatedHttpRequest) -> HttpResponse:
    seite = Paginator(_liste(request), NEUEINGAENGE_JE_SEITE).get_page(request.GET.get("seite"))
    return render(request, "dms/neueingaenge.html", {"seite": seite, "quellen": dict(Neueingang.Quelle.choices)})


def _zurueck(request: AuthenticatedHttpRequest) -> HttpResponse:
    ziel = request.POST.get("weiter", "")
    if ziel and url_has_allowed_host_and_scheme(ziel, allowed_hosts={request.get_host()}):
        return redirect(ziel)
    return redirect("neueingaenge")


@login_required
@require_POST
def neueingang_gelesen_markieren(request: AuthenticatedHttpRequest, dokument: int) -> HttpResponse:
    gefunden = get_object_or_404(Dokument.objects.visible_to(request.user).select_related("akte"), pk=dokument)
    services.neueingang_gelesen(dokument=gefunden, user=request.user, request=request)
    messages.success(request, f"„{gefunden.titel}“ ist als gelesen markiert.")
    return _zurueck(request)


@login_required
@require_POST
def neueingaenge_gelesen_markieren(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark the listed ones read: only ids that are new for this user count (others are ignored)."""
    gewaehlt = [i for i in map(id_lesen, request.POST.getlist("dokument")) if i is not None][:1000]
    ids = list(neueingaenge_fuer(request.user).filter(dokument_id__in=gewaehlt).values_list("dokument_id", flat=True))
    anzahl = services.neueingaenge_gelesen(dokument_ids=ids, user=request.user, request=request)
    text = "Eingang" if anzahl == 1 else "Eingänge"
    messages.success(request, f"{anzahl} {text} als gelesen markiert.")
    return _zurueck(request)

"""Search page: one box for full text, names, AZR-Nummer, Aktenzeichen and date of birth."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Register, Vorgangsart
from dms.suche import Filter, protokoll_details, suchen


@login_required
@require_GET
def suche(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:500]
    filter_ = Filter.aus(request.GET)
    ergebnis = suchen(request.user, q, filter_) if q else None
    if q:
        protokollieren(
            aktion=Aktion.SUCHE,
            request=request,
            details=protokoll_details(
                q,
                len(ergebnis.gruppen) if ergebnis else 0,
                notizen=ergebnis.notizen_gesamt if ergebnis else 0,
                weitere=len(ergebnis.weitere) if ergebnis else 0,
            ),
        )
    ctx = {
        "suchen_speichern_url": reverse("suche-speichern"),
        "suchbegriff": q,
        "ergebnis": ergebnis,
        "filter": filter_,
        "register": Register.objects.aktiv().order_by("nummer"),
        "vorgangsarten": Vorgangsart.objects.filter(aktiv=True).order_by("bezeichnung"),
    }
    template = "dms/teile/suchergebnis.html" if getattr(request, "htmx", False) else "dms/suche.html"
    return render(request, template, ctx)

"""Mein Arbeitsplatz: the caseworker's start page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dms.access import zugang
from dms.models import Akte


@login_required
def arbeitsplatz(request: HttpRequest) -> HttpResponse:
    z = zugang(request.user)
    meine_akten = (
        Akte.objects.visible_to(request.user)
        .filter(sachbearbeitung=request.user)
        .with_person()
        .order_by("-geaendert_am")[:20]
    )
    return render(request, "dms/arbeitsplatz.html", {"zugang": z, "meine_akten": meine_akten})

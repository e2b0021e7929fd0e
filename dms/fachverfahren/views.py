"""Deep links from the Fachverfahren: open a file by AZR-Nummer or case id (404 when not visible)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect

from dms.http import AuthenticatedHttpRequest

from . import services


@login_required
def akte_per_azr(request: AuthenticatedHttpRequest, azr_nummer: str) -> HttpResponse:
    return redirect("akte", services.akte_finden(user=request.user, azr_nummer=azr_nummer).pk)


@login_required
def akte_per_kennung(request: AuthenticatedHttpRequest, kennung: str) -> HttpResponse:
    return redirect("akte", services.akte_finden(user=request.user, kennung=kennung).pk)

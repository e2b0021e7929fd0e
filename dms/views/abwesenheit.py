"""Absence: a caseworker enters her own absence and who substitutes her (service of dms.services.berechtigungen)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dms.access import zugang
from dms.http import AuthenticatedHttpRequest
from dms.models import Vertretung
from dms.services.berechtigungen import vertretung_anlegen, vertretung_beenden

from . import formulare as f
from .common import form_fehler_uebernehmen


@login_required
@require_http_methods(["GET", "POST"])
def abwesenheit(request: AuthenticatedHttpRequest) -> HttpResponse:
    z = zugang(request.user)
    status = 200
    if request.method == "POST":
        form = f.AbwesenheitForm(request.POST, user=request.user, behoerde_id=z.behoerde_id)
        if form.is_valid():
            d = form.cleaned_data
            try:
                vertretung_anlegen(
                    abwesend=request.user,
                    vertretung=d["vertretung"],
                    von=d["von"],
                    bis=d["bis"],
                    user=request.user,
                    request=request,
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "Sie dürfen keine Abwesenheit eintragen.")
            except ValidationError as exc:
                form_fehler_uebernehmen(form, exc)
            else:
                messages.success(request, "Ihre Abwesenheit und Vertretung wurden eingetragen.")
                return redirect("abwesenheit")
        status = 400
    else:
        heute = timezone.localdate()
        form = f.AbwesenheitForm(initial={"von": heute, "bis": heute}, user=request.user, behoerde_id=z.behoerde_id)
    heute = timezone.localdate()
    meine = (
        Vertretung.objects.filter(vertretene_person=request.user, bis__gte=heute)
        .select_related("vertretung")
        .order_by("von")
    )
    ich_vertrete = (
        Vertretung.objects.filter(vertretung=request.user, bis__gte=heute)
        .select_related("vertretene_person")
        .order_by("von")
    )
    ctx = {"form": form, "meine": meine, "ich_vertrete": ich_vertrete, "heute": heute}
    return render(request, "dms/abwesenheit.html", ctx, status=status)


@login_required
@require_POST
def abwesenheit_beenden(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    vertretung = get_object_or_404(Vertretung, pk=pk, vertretene_person=request.user)
    try:
        vertretung_beenden(vertretung=vertretung, user=request.user, request=request)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "Sie dürfen diese Vertretung nicht beenden.")
    else:
        messages.success(request, "Die Vertretung wurde beendet.")
    return redirect("abwesenheit")

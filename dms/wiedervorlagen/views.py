"""Resubmission pages: the list, creating one (from the file, procedure and document pages), done, postpone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dms.eingaben import id_lesen
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument, Vorgang
from dms.views.common import fehler_melden
from dms.views.formulare import DatumFeld

from . import services
from .models import Wiedervorlage
from .queries import offene_wiedervorlagen


class WiedervorlageForm(forms.Form):
    faellig_am = DatumFeld(label="Wiedervorlage am")
    notiz = forms.CharField(label="Notiz", max_length=services.NOTIZ_LAENGE, required=False)


def _weiter(request: AuthenticatedHttpRequest, sonst: str = "wiedervorlagen") -> HttpResponse:
    ziel = request.POST.get("weiter", "")
    if ziel and url_has_allowed_host_and_scheme(ziel, allowed_hosts={request.get_host()}):
        return redirect(ziel)
    return redirect(sonst)


@login_required
def wiedervorlagen_liste(request: AuthenticatedHttpRequest) -> HttpResponse:
    ctx: dict[str, Any] = {"liste": list(offene_wiedervorlagen(request.user)[:500]), "heute": timezone.localdate()}
    return render(request, "dms/wiedervorlagen.html", ctx)


@login_required
@require_POST
def wiedervorlage_anlegen(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The subject is one of akte/vorgang/dokument, looked up among what the user may change (else 404)."""
    aenderbar = Akte.objects.changeable_by(request.user)
    akte = vorgang = dokument = None
    if (i := id_lesen(request.POST.get("dokument"))) is not None:
        dokument = get_object_or_404(Dokument.objects.filter(akte__in=aenderbar).select_related("akte"), pk=i)
    elif (i := id_lesen(request.POST.get("vorgang"))) is not None:
        vorgang = get_object_or_404(Vorgang.objects.filter(akte__in=aenderbar).select_related("akte"), pk=i)
    else:
        akte = get_object_or_404(aenderbar, pk=id_lesen(request.POST.get("akte")) or 0)
    form = WiedervorlageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Bitte geben Sie ein gültiges Datum für die Wiedervorlage an (Format TT.MM.JJJJ).")
        return _weiter(request)
    try:
        wv = services.wiedervorlage_anlegen(
            user=request.user,
            akte=akte,
            vorgang=vorgang,
            dokument=dokument,
            faellig_am=form.cleaned_data["faellig_am"],
            notiz=form.cleaned_data["notiz"],
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
    else:
        messages.success(request, f"Wiedervorlage zum {wv.faellig_am:%d.%m.%Y} angelegt.")
    return _weiter(request)


def _wiedervorlage(request: AuthenticatedHttpRequest, pk: int) -> Wiedervorlage:
    return get_object_or_404(Wiedervorlage.objects.visible_to(request.user).select_related("akte"), pk=pk)


@login_required
@require_POST
def wiedervorlage_erledigen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wv = _wiedervorlage(request, pk)
    try:
        services.wiedervorlage_erledigen(wiedervorlage=wv, user=request.user, request=request)
    except PermissionDenied as exc:
        fehler_melden(request, exc)
    else:
        messages.success(request, "Die Wiedervorlage ist erledigt.")
    return _weiter(request)


@login_required
@require_POST
def wiedervorlage_verschieben(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wv = _wiedervorlage(request, pk)
    tage = id_lesen(request.POST.get("tage")) or 7
    try:
        wv = services.wiedervorlage_verschieben(
            wiedervorlage=wv, user=request.user, tage=min(tage, 365), request=request
        )
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
    else:
        messages.success(request, f"Die Wiedervorlage ist auf den {wv.faellig_am:%d.%m.%Y} verschoben.")
    return _weiter(request)

"""Moving a misfiled document into another file (the form on the document page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from dms import services
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument, Register, Vorgang

from .common import fehler_melden
from .formulare import auswahlfeld, kern


class UmlegenForm(forms.Form):
    ziel = forms.CharField(
        label="Zielakte oder Zielvorgang (Aktenzeichen)",
        max_length=60,
        help_text="z. B. OF-2026-000123 oder OF-2026-000123/2 für einen Vorgang dieser Akte.",
    )
    register = forms.ModelChoiceField(label="Register", queryset=Register.objects.none(), empty_label=None)
    grund = forms.CharField(label="Grund", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "register").queryset = Register.objects.aktiv().order_by("nummer")
        kern(self)


def ziel_finden(request: AuthenticatedHttpRequest, aktenzeichen: str) -> tuple[Akte | None, Vorgang | None]:
    """The target file (and procedure) by Aktenzeichen, only among the files the user may see."""
    aktenzeichen = aktenzeichen.strip().upper()
    sichtbar = Akte.objects.visible_to(request.user)
    vorgang = Vorgang.objects.filter(akte__in=sichtbar, aktenzeichen=aktenzeichen).select_related("akte").first()
    if vorgang is not None:
        return vorgang.akte, vorgang
    return sichtbar.filter(aktenzeichen=aktenzeichen).first(), None


@login_required
@require_POST
def dokument_umlegen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dokument = get_object_or_404(
        Dokument.objects.filter(akte__in=Akte.objects.changeable_by(request.user)).select_related("akte", "register"),
        pk=pk,
    )
    form = UmlegenForm(request.POST)
    if not form.is_valid():
        for feld in form:
            for m in feld.errors:
                messages.error(request, f"{feld.label}: {m}")
        return redirect("dokument", pk=dokument.pk)
    akte, vorgang = ziel_finden(request, form.cleaned_data["ziel"])
    if akte is None:
        messages.error(request, "Unter diesem Aktenzeichen ist keine Akte vorhanden, die Sie sehen dürfen.")
        return redirect("dokument", pk=dokument.pk)
    try:
        services.dokument_umlegen(
            dokument=dokument,
            akte=akte,
            vorgang=vorgang,
            register=form.cleaned_data["register"],
            grund=form.cleaned_data["grund"],
            user=request.user,
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
        return redirect("dokument", pk=dokument.pk)
    messages.success(request, f"„{dokument.titel}“ wurde in die Akte {akte.aktenzeichen} umgelegt.")
    return redirect("akte", pk=dokument.akte_id)  # back to the file being tidied up (the old one)

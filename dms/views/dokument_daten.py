"""Correcting a document's data (title, kind, date, register, procedure) from the document page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from dms import services
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument, Dokumentart, Register, Vorgang
from dms.services import Konflikt

from .common import fehler_melden
from .formulare import DatumFeld, auswahlfeld, kern


class DokumentDatenForm(forms.Form):
    titel = forms.CharField(label="Titel", max_length=300)
    art = forms.ChoiceField(label="Art", required=False)
    eingangsdatum = DatumFeld(label="Eingangsdatum", required=False)
    register = forms.ModelChoiceField(label="Register", queryset=Register.objects.none(), empty_label=None)
    vorgang = forms.ModelChoiceField(
        label="Vorgang", queryset=Vorgang.objects.none(), required=False, empty_label="– keinem Vorgang –"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, akte: Akte, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        arten = [("", "– keine –"), *Dokumentart.objects.values_list("schluessel", "bezeichnung")]
        feld = self.fields["art"]
        assert isinstance(feld, forms.ChoiceField)
        feld.choices = arten
        auswahlfeld(self, "register").queryset = Register.objects.aktiv().order_by("nummer")
        auswahlfeld(self, "vorgang").queryset = Vorgang.objects.filter(akte=akte).select_related("vorgangsart")
        kern(self)


def daten_auswahl(dokument: Dokument) -> dict[str, Any]:
    """The choices of the document-data and the moving form on the document page (written out in the template, the
    forms here validate the POST): document kinds, active registers (both forms) and the file's procedures."""
    return {
        "dokumentarten": list(Dokumentart.objects.values_list("schluessel", "bezeichnung")),
        "register": list(Register.objects.aktiv().order_by("nummer")),
        "vorgaenge": list(Vorgang.objects.filter(akte_id=dokument.akte_id).select_related("vorgangsart")),
    }


@login_required
@require_POST
def dokument_bearbeiten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dokument = get_object_or_404(
        Dokument.objects.filter(akte__in=Akte.objects.changeable_by(request.user)).select_related(
            "akte", "register", "vorgang"
        ),
        pk=pk,
    )
    form = DokumentDatenForm(request.POST, akte=dokument.akte, prefix="daten")
    if not form.is_valid():
        for feld in form:
            for m in feld.errors:
                messages.error(request, f"{feld.label}: {m}")
        return redirect("dokument", pk=dokument.pk)
    daten = dict(form.cleaned_data)
    version = daten.pop("version")
    geaendert = {
        k: v
        for k, v in daten.items()
        if (getattr(dokument, f"{k}_id") if k in ("register", "vorgang") else getattr(dokument, k))
        != (v.pk if hasattr(v, "pk") else v)
    }
    try:
        if geaendert or version != dokument.version:
            services.dokument_daten_aendern(
                dokument=dokument, erwartete_version=version, user=request.user, request=request, **geaendert
            )
    except Konflikt as exc:
        aktuell = exc.aktuell
        messages.error(request, f"{exc} Aktueller Titel: „{aktuell.titel}“.")
    except ValidationError as exc:
        fehler_melden(request, exc)
    else:
        messages.success(request, "Die Dokumentdaten wurden gespeichert.")
    return redirect("dokument", pk=dokument.pk)

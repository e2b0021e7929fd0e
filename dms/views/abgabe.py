"""Pages for hand-overs between authorities: incoming/outgoing list with accept/decline, and the hand-over form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dms import services
from dms.access import zugang
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Aktenabgabe, Behoerde, DateiBEintrag
from dms.queries import eigene_behoerde_id
from dms.services.abgabe import BereitsEntschieden

from .common import fehler_melden, form_fehler_uebernehmen
from .formulare import auswahlfeld


class AbgabeForm(forms.Form):
    ziel_behoerde = forms.ModelChoiceField(
        label="an Behörde", queryset=Behoerde.objects.none(), empty_label="Bitte wählen …"
    )
    grund = forms.ChoiceField(label="Grund", choices=Aktenabgabe.Grund.choices, initial=Aktenabgabe.Grund.FORTZUG)
    neue_anschrift = forms.CharField(
        label="neue Anschrift", max_length=500, required=False, help_text="Bei Fortzug Pflicht."
    )
    bemerkung = forms.CharField(
        label="Bemerkung", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, eigene_behoerde_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "ziel_behoerde").queryset = Behoerde.objects.filter(aktiv=True).exclude(pk=eigene_behoerde_id)


class AblehnenForm(forms.Form):
    ablehnungsgrund = forms.CharField(label="Grund der Ablehnung", max_length=500)


@login_required
def abgaben(request: AuthenticatedHttpRequest) -> HttpResponse:
    z = zugang(request.user)
    if not z.hat_aktenzugang:
        raise Http404
    basis = Aktenabgabe.objects.select_related("von_behoerde", "an_behoerde")
    kontext = {
        "eingehend": basis.eingehend(request.user).order_by("status", "-angeboten_am")[:200],
        "ausgehend": basis.ausgehend(request.user)[:200],
        "datei_b": DateiBEintrag.objects.visible_to(request.user).select_related("ziel_behoerde")[:200],
        "ablehnen_form": AblehnenForm(),
        "darf_aendern": z.darf_aendern,
    }
    return render(request, "abgabe/liste.html", kontext)


def _abgabe_fuer(request: AuthenticatedHttpRequest, pk: int) -> Aktenabgabe:
    return get_object_or_404(Aktenabgabe.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
def annehmen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    abgabe = _abgabe_fuer(request, pk)
    try:
        akte = services.abgabe_annehmen(abgabe=abgabe, user=request.user, request=request)
    except BereitsEntschieden as exc:
        messages.error(request, str(exc))
        return redirect("abgaben")
    except ValidationError as exc:
        fehler_melden(request, exc)
        return redirect("abgaben")
    messages.success(
        request,
        f"Die Akte wurde übernommen: neues Aktenzeichen {akte.aktenzeichen} (bisher {abgabe.aktenzeichen_alt}).",
    )
    return redirect("akte", pk=akte.pk)


@login_required
@require_POST
def ablehnen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    abgabe = _abgabe_fuer(request, pk)
    form = AblehnenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Bitte geben Sie einen Grund für die Ablehnung an.")
        return redirect("abgaben")
    try:
        services.abgabe_ablehnen(
            abgabe=abgabe, user=request.user, request=request, grund=form.cleaned_data["ablehnungsgrund"]
        )
    except (BereitsEntschieden, ValidationError) as exc:
        fehler_melden(request, exc)
        return redirect("abgaben")
    messages.success(
        request, f"Die Abgabe {abgabe.aktenzeichen_alt} wurde abgelehnt; die Akte bleibt bei der abgebenden Behörde."
    )
    return redirect("abgaben")


@login_required
@require_POST
def zurueckziehen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    abgabe = _abgabe_fuer(request, pk)
    try:
        services.abgabe_zurueckziehen(abgabe=abgabe, user=request.user, request=request)
    except (BereitsEntschieden, ValidationError) as exc:
        fehler_melden(request, exc)
        return redirect("abgaben")
    messages.success(request, "Das Angebot wurde zurückgezogen.")
    return redirect("abgaben")


@login_required
def akte_abgeben(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = get_object_or_404(Akte.objects.changeable_by(request.user).with_person(), pk=pk)
    form = AbgabeForm(request.POST or None, eigene_behoerde_id=eigene_behoerde_id(request.user))
    if request.method == "POST" and form.is_valid():
        daten = form.cleaned_data
        try:
            services.abgabe_anbieten(
                akte=akte,
                ziel_behoerde=daten["ziel_behoerde"],
                user=request.user,
                request=request,
                grund=daten["grund"],
                neue_anschrift=daten["neue_anschrift"],
                bemerkung=daten["bemerkung"],
            )
        except ValidationError as exc:
            form_fehler_uebernehmen(form, exc)
        else:
            messages.success(
                request,
                f"Die Akte {akte.aktenzeichen} wurde {daten['ziel_behoerde'].name} zur Übernahme angeboten.",
            )
            return redirect("abgaben")
    offen = (
        Aktenabgabe.objects.filter(akte=akte, status=Aktenabgabe.Status.ANGEBOTEN).select_related("an_behoerde").first()
    )
    return render(request, "abgabe/abgeben.html", {"akte": akte, "form": form, "offen": offen})

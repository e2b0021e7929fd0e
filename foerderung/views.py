"""Subsidy pages: overview, application, grant notice, proof of use with PDF/CSV export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Behoerde
from dms.views.common import fehlertexte

from . import services, zugriff
from .berechnung import abrechnung, foerderbetrag
from .export import als_csv, als_pdf
from .forms import AntragForm, BescheidForm, LandAntragForm
from .models import Foerderantrag, Verwendungsnachweis, Zuwendungsbescheid
from .queries import aktives_programm, bewilligt_summe, digitalisiert, konformitaet


def _nur_berechtigte(request: AuthenticatedHttpRequest) -> None:
    if not zugriff.darf_foerderung_sehen(request.user):
        raise Http404


@login_required
def uebersicht(request: AuthenticatedHttpRequest) -> HttpResponse:
    _nur_berechtigte(request)
    programm = aktives_programm()
    antraege = (
        Foerderantrag.objects.visible_to(request.user)
        .select_related("behoerde", "programm", "bescheid")
        .order_by("behoerde__kuerzel")
    )
    ctx: dict[str, Any] = {
        "programm": programm,
        "antraege": antraege,
        "ist_land": zugriff.darf_alle_sehen(request.user),
        "darf_beantragen": zugriff.darf_beantragen(request.user) is not None,
    }
    if programm is not None and ctx["ist_land"]:
        summe = bewilligt_summe(programm)
        beantragt = Foerderantrag.objects.filter(programm=programm).aggregate(s=Sum("betrag"))["s"] or 0
        ctx.update(bewilligt=summe, frei=programm.budget - summe, beantragt=beantragt)
    protokollieren(aktion=Aktion.LESEN, request=request, details={"seite": "foerderung-uebersicht"})
    return render(request, "foerderung/uebersicht.html", ctx)


@login_required
def antrag_neu(request: AuthenticatedHttpRequest) -> HttpResponse:
    ist_land = zugriff.darf_alle_sehen(request.user)
    eigene = zugriff.darf_beantragen(request.user)
    if not ist_land and eigene is None:
        raise Http404
    form_klasse = LandAntragForm if ist_land else AntragForm
    form = form_klasse(request.POST or None)
    programm = aktives_programm()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if ist_land:
            behoerde = d["behoerde"]
        else:
            assert eigene is not None  # neither the Land nor an authority that may apply: a 404 above
            behoerde = Behoerde.objects.get(pk=eigene)
        try:
            antrag = services.antrag_stellen(
                behoerde=behoerde,
                akten_geplant=d["akten_geplant"],
                blatt_geplant=d["blatt_geplant"],
                eingereicht_am=d.get("eingereicht_am"),
                user=request.user,
                request=request,
            )
        except ValidationError as exc:
            for m in fehlertexte(exc):
                form.add_error(None, m)
        else:
            messages.success(request, "Der Förderantrag wurde eingereicht.")
            return redirect("foerderung-antrag", pk=antrag.pk)
    return render(request, "foerderung/antrag_neu.html", {"form": form, "programm": programm})


def _antrag(request: AuthenticatedHttpRequest, pk: int) -> Foerderantrag:
    return get_object_or_404(
        Foerderantrag.objects.visible_to(request.user).select_related("behoerde", "programm"), pk=pk
    )


@login_required
def antrag_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    antrag = _antrag(request, pk)
    bescheid = Zuwendungsbescheid.objects.filter(antrag=antrag).first()
    ist = digitalisiert(antrag.behoerde_id)
    p = antrag.programm
    aktuell = foerderbetrag(akten=ist.akten, blatt=ist.blatt, satz_akte=p.satz_akte, satz_blatt=p.satz_blatt)
    vorschau = (
        abrechnung(bewilligt=bescheid.betrag, nachgewiesen=aktuell.betrag, ausgezahlt=bescheid.ausgezahlt)
        if bescheid
        else None
    )
    protokollieren(aktion=Aktion.LESEN, request=request, objekt=antrag)
    return render(
        request,
        "foerderung/antrag_detail.html",
        {
            "antrag": antrag,
            "bescheid": bescheid,
            "ist": ist,
            "aktuell": aktuell,
            "vorschau": vorschau,
            "konformitaet": konformitaet(antrag.behoerde_id),
            "nachweise": antrag.verwendungsnachweise.all(),
            "bescheid_form": BescheidForm(initial={"betrag": antrag.betrag})
            if zugriff.darf_bescheiden(request.user) and bescheid is None
            else None,
            "darf_nachweisen": bescheid is not None
            and (zugriff.darf_alle_sehen(request.user) or zugriff.darf_beantragen(request.user) == antrag.behoerde_id),
        },
    )


@login_required
@require_POST
def bescheid_erteilen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    antrag = _antrag(request, pk)
    if not zugriff.darf_bescheiden(request.user):
        raise Http404
    form = BescheidForm(request.POST)
    if not form.is_valid():
        for fehler in form.errors.values():
            for m in fehler:
                messages.error(request, str(m))
        return redirect("foerderung-antrag", pk=antrag.pk)
    try:
        services.bescheid_erteilen(antrag=antrag, user=request.user, request=request, **form.cleaned_data)
    except ValidationError as exc:
        for m in fehlertexte(exc):
            messages.error(request, m)
    else:
        messages.success(request, "Der Zuwendungsbescheid wurde erteilt.")
    return redirect("foerderung-antrag", pk=antrag.pk)


@login_required
@require_POST
def nachweis_erstellen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    antrag = _antrag(request, pk)
    try:
        nachweis = services.verwendungsnachweis_erstellen(antrag=antrag, user=request.user, request=request)
    except ValidationError as exc:
        for m in fehlertexte(exc):
            messages.error(request, m)
    else:
        messages.success(request, f"Der Verwendungsnachweis zum Stichtag {nachweis.stichtag:%d.%m.%Y} wurde erstellt.")
    return redirect("foerderung-antrag", pk=antrag.pk)


def _nachweis(request: AuthenticatedHttpRequest, pk: int) -> Verwendungsnachweis:
    return get_object_or_404(
        Verwendungsnachweis.objects.filter(antrag__in=Foerderantrag.objects.visible_to(request.user)).select_related(
            "antrag__behoerde", "antrag__programm", "antrag__bescheid"
        ),
        pk=pk,
    )


@login_required
def nachweis_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    n = _nachweis(request, pk)
    protokollieren(aktion=Aktion.EXPORT, request=request, objekt=n, details={"format": "pdf"})
    antwort = HttpResponse(als_pdf(n), content_type="application/pdf")
    name = f"verwendungsnachweis-{n.antrag.behoerde.kuerzel}-{n.pk}.pdf"
    antwort["Content-Disposition"] = f'attachment; filename="{name}"'
    return antwort


@login_required
def nachweis_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    n = _nachweis(request, pk)
    protokollieren(aktion=Aktion.EXPORT, request=request, objekt=n, details={"format": "csv"})
    antwort = HttpResponse(als_csv(n).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    name = f"verwendungsnachweis-{n.antrag.behoerde.kuerzel}-{n.pk}.csv"
    antwort["Content-Disposition"] = f'attachment; filename="{name}"'
    return antwort

"""Procedures (Vorgang): create from the Land catalogue, change status, resubmission, assignment, close as zdA."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dms import services
from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument, Vorgang, Wiedervorlage
from dms.services import Konflikt

from . import formulare as f
from .common import darf_aendern, fehlertexte, form_fehler_uebernehmen, log, sichtbare_akte


@login_required
@require_POST
def vorgang_anlegen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True, lesen_protokollieren=False)
    form = f.VorgangAnlegenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Bitte wählen Sie eine Vorgangsart aus dem Landeskatalog.")
        return redirect("akte", pk=akte.pk)
    try:
        vorgang = services.vorgang_anlegen(
            akte=akte,
            vorgangsart=form.cleaned_data["vorgangsart"],
            betreff=form.cleaned_data["betreff"],
            user=request.user,
            request=request,
        )
    except ValidationError as exc:
        for m in fehlertexte(exc):
            messages.error(request, m)
        return redirect("akte", pk=akte.pk)
    messages.success(request, f"Der Vorgang {vorgang.aktenzeichen} wurde angelegt.")
    return redirect("vorgang", pk=vorgang.pk)


def _initial(v: Vorgang) -> dict[str, Any]:
    return {
        "version": v.version,
        "betreff": v.betreff,
        "status": v.status,
        "sachbearbeitung": v.sachbearbeitung_id,
    }


def _geaendert(v: Vorgang, daten: dict[str, Any]) -> dict[str, Any]:
    alt = _initial(v)
    result = {}
    for feld, wert in daten.items():
        vergleich = wert.pk if hasattr(wert, "pk") else wert
        if alt.get(feld) != vergleich:
            result[feld] = wert
    return result


@login_required
@require_http_methods(["GET", "POST"])
def vorgang_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    vorgang = get_object_or_404(
        Vorgang.objects.visible_to(request.user).select_related(
            "akte", "akte__person", "vorgangsart", "sachbearbeitung"
        ),
        pk=pk,
    )
    akte: Akte = vorgang.akte
    aenderbar = darf_aendern(request, akte)
    konflikt = None
    status = 200
    if request.method == "POST":
        if not aenderbar:
            return HttpResponse("Ihre Rolle darf diesen Vorgang nicht ändern.", status=403)
        form = f.VorgangForm(request.POST, behoerde_id=akte.behoerde_id)
        if request.POST.get("zda") == "1":
            data = request.POST.copy()
            data["status"] = Vorgang.Status.ABGESCHLOSSEN
            form = f.VorgangForm(data, behoerde_id=akte.behoerde_id)
        if form.is_valid():
            daten = dict(form.cleaned_data)
            version = daten.pop("version")
            aenderungen = _geaendert(vorgang, daten) if vorgang.version == version else daten
            try:
                if aenderungen or vorgang.version != version:
                    services.vorgang_aendern(
                        vorgang=vorgang, erwartete_version=version, user=request.user, request=request, **aenderungen
                    )
            except Konflikt as exc:
                aktuell = exc.aktuell
                konflikt = {
                    "meldung": str(exc),
                    "aktuell": {
                        "Status": aktuell.get_status_display(),
                        "Sachbearbeitung": aktuell.sachbearbeitung.get_username() if aktuell.sachbearbeitung else "–",
                        "Betreff": aktuell.betreff or "–",
                    },
                }
                log.info("Konflikt beim Speichern des Vorgangs %s durch %s", vorgang.pk, request.user.pk)
                form = f.VorgangForm({**request.POST.dict(), "version": aktuell.version}, behoerde_id=akte.behoerde_id)
                form.is_valid()
                status = 409
            except ValidationError as exc:
                form_fehler_uebernehmen(form, exc)
                status = 400
            else:
                messages.success(request, "Der Vorgang wurde gespeichert.")
                return redirect("vorgang", pk=vorgang.pk)
        else:
            status = 400
    else:
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=vorgang, akte=akte)
        form = f.VorgangForm(initial=_initial(vorgang), behoerde_id=akte.behoerde_id)
    dokumente = Dokument.objects.filter(vorgang=vorgang).select_related("register").order_by("-eingangsdatum", "-id")
    ctx = {
        "vorgang": vorgang,
        "akte": akte,
        "form": form,
        "darf_aendern": aenderbar,
        "konflikt": konflikt,
        "dokumente": dokumente[:200],
        "wiedervorlagen": list(
            Wiedervorlage.objects.offen().filter(vorgang=vorgang).select_related("akte", "zustaendig")
        ),
    }
    return render(request, "dms/vorgang.html", ctx, status=status)

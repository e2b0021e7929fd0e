"""Pages of the court capability: the file's table of contents with its gaps, court submissions (with progress),
inspection copies (choose documents, redact whole sheets with a reason; areas through the API)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dms.http import AuthenticatedHttpRequest
from dms.models import Vorgang
from dms.views.common import darf_aendern, fehler_melden, sichtbare_akte

from . import services
from .blaetter import blatt_finden
from .inhalt import inhaltsverzeichnis
from .models import Aktenvorlage, Einsichtskopie

_SCHWAERZUNG = re.compile(r"^\s*(?:Bl\.?\s*)?(\d+)\s*[:,;-]\s*(.+)$")


@login_required
@require_GET
def inhalt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk)
    vorlagen = list(Aktenvorlage.objects.filter(akte=akte).select_related("erstellt_von")[:20])
    ctx = {
        "akte": akte,
        "verzeichnis": inhaltsverzeichnis(akte),
        "vorlagen": vorlagen,
        "kopien": Einsichtskopie.objects.filter(akte=akte).select_related("erstellt_von")[:20],
        "vorgaenge": Vorgang.objects.filter(akte=akte).order_by("nummer"),
        "darf_aendern": darf_aendern(request, akte),
        "laeuft": any(v.status in (Aktenvorlage.Status.WARTET, Aktenvorlage.Status.IN_ARBEIT) for v in vorlagen),
    }
    return render(request, "dms/gericht/inhaltsverzeichnis.html", ctx)


@login_required
@require_POST
def aktenvorlage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True, lesen_protokollieren=False)
    try:
        services.aktenvorlage_anfordern(
            akte=akte,
            user=request.user,
            request=request,
            anlass=request.POST.get("anlass", "").strip() or "Vorlage an das Gericht (§ 99 VwGO)",
            empfaenger=request.POST.get("empfaenger", "").strip() or "Verwaltungsgericht",
            gericht_aktenzeichen=request.POST.get("gericht_aktenzeichen", ""),
            vorgaenge=[int(v) for v in request.POST.getlist("vorgaenge") if v.isdigit()],
        )
        messages.success(request, "Die Aktenvorlage wird erstellt. Sie erscheint hier, sobald sie fertig ist.")
    except ValidationError as exc:
        fehler_melden(request, exc)
    return redirect("akte-inhaltsverzeichnis", pk=akte.pk)


def _schwaerzungen(akte_id: int, text: str) -> list[dict[str, Any]]:
    """Lines 'Bl. 12: Grund' (a whole sheet) into the service's redactions."""
    ergebnis: list[dict[str, Any]] = []
    for zeile in text.splitlines():
        if not zeile.strip():
            continue
        treffer = _SCHWAERZUNG.match(zeile)
        ort = blatt_finden(akte_id, int(treffer.group(1))) if treffer else None
        if treffer is None or ort is None:
            raise ValidationError(
                f"„{zeile.strip()[:40]}“: erwartet wird „Bl. <Nummer>: <Grund>“ eines Blattes dieser Akte."
            )
        ergebnis.append({"dokument": ort[0], "seite": ort[1], "rechteck": None, "grund": treffer.group(2).strip()})
    return ergebnis


@login_required
@require_POST
def akteneinsicht(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True, lesen_protokollieren=False)
    try:
        dokumente = [int(d) for d in request.POST.getlist("dokumente") if d.isdigit()]
        if not dokumente:
            raise ValidationError("Bitte mindestens ein Dokument für die Einsicht wählen.")
        services.einsichtskopie_erstellen(
            akte=akte,
            user=request.user,
            request=request,
            dokumente=dokumente,
            empfaenger=request.POST.get("empfaenger", "").strip() or "Bevollmächtigte",
            schwaerzungen=_schwaerzungen(akte.pk, request.POST.get("schwaerzungen", "")),
            grund=request.POST.get("grund", ""),
        )
        messages.success(request, "Die Einsichtskopie ist erstellt.")
    except ValidationError as exc:
        fehler_melden(request, exc)
    return redirect("akte-inhaltsverzeichnis", pk=akte.pk)

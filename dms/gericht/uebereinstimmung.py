"""Pages for the qualified confirmation of scans (Übereinstimmungsvermerk, `qes.py`): one document from its page,
or many scans of a file at once (e.g. a legacy delivery's lot) with one PIN/OTP; the certificate's download.

Who may: whoever may change the file (caseworker, team lead of the authority; the person who compares the scan
with the paper original). A scan already confirmed with a QES is not offered again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument, DokumentVersion
from dms.views.common import sichtbare_akte

from .csc import SignaturdienstFehler, konfiguriert
from .models import Siegel
from .qes import HOECHSTENS, gegenstand, qes_bestaetigen
from .siegel import GESCANNT


def _offene_versionen(
    request: AuthenticatedHttpRequest, akte: Akte, dokument_ids: list[int] | None = None
) -> list[DokumentVersion]:
    """The current version of each visible scanned document of the file with a transfer note and no QES yet."""
    qs = (
        DokumentVersion.objects.filter(
            dokument__akte=akte,
            dokument__quelle__in=GESCANNT,
            dokument__in=Dokument.objects.visible_to(request.user),
        )
        .annotate(hat_qes=Exists(Siegel.objects.filter(version=OuterRef("pk"), art=Siegel.Art.QES)))
        .select_related("dokument", "dokument__akte")
        .order_by("dokument_id", "-nummer")
        .distinct("dokument_id")
    )
    if dokument_ids is not None:
        qs = qs.filter(dokument_id__in=dokument_ids)
    return [v for v in qs if v.transfervermerk and not v.hat_qes]


def _seite(
    request: AuthenticatedHttpRequest, akte: Akte, versionen: list[DokumentVersion], dokument: Dokument | None
) -> HttpResponse:
    fehler = ""
    gewaehlt = {v.dokument_id for v in versionen} if dokument else set()
    if request.method == "POST" and konfiguriert():
        ids = [int(i) for i in request.POST.getlist("dokument") if i.isdigit()]
        auswahl = [v for v in versionen if v.dokument_id in ids]
        gewaehlt = {v.dokument_id for v in auswahl}
        if not auswahl:
            fehler = "Bitte wählen Sie mindestens ein Dokument."
        elif request.POST.get("verglichen") != "ja":
            fehler = "Bitte bestätigen Sie, dass Sie die Scans mit den Originalen verglichen haben."
        else:
            try:
                siegel = qes_bestaetigen(
                    versionen=auswahl,
                    user=request.user,
                    pin=request.POST.get("pin", "")[:64],
                    otp=request.POST.get("otp", "")[:64],
                    request=request,
                )
            except SignaturdienstFehler as exc:
                fehler = str(exc)
            else:
                anzahl = len(siegel)
                messages.success(
                    request,
                    "Übereinstimmung qualifiziert bestätigt."
                    if anzahl == 1
                    else f"Übereinstimmung von {anzahl} Dokumenten qualifiziert bestätigt.",
                )
                return redirect("dokument", pk=dokument.pk) if dokument else redirect("akte", pk=akte.pk)
    ctx: dict[str, Any] = {
        "akte": akte,
        "dokument": dokument,
        "gegenstaende": [gegenstand(v) for v in versionen[:HOECHSTENS]],
        "gewaehlt": gewaehlt,
        "konfiguriert": konfiguriert(),
        "fehler": fehler,
    }
    return render(request, "dms/gericht/uebereinstimmung.html", ctx, status=400 if fehler else 200)


@login_required
@require_http_methods(["GET", "POST"])
def dokument_bestaetigen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dokument = get_object_or_404(Dokument.objects.visible_to(request.user).select_related("akte"), pk=pk)
    akte = sichtbare_akte(request, dokument.akte_id, aendern=True, lesen_protokollieren=False)
    protokollieren(aktion=Aktion.LESEN, request=request, objekt=dokument, akte=akte)
    versionen = _offene_versionen(request, akte, [dokument.pk])
    if not versionen:
        messages.info(request, "Dieses Dokument ist kein Scan, der noch qualifiziert zu bestätigen ist.")
        return redirect("dokument", pk=dokument.pk)
    return _seite(request, akte, versionen, dokument)


@login_required
@require_http_methods(["GET", "POST"])
def akte_bestaetigen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True)
    return _seite(request, akte, _offene_versionen(request, akte), None)


@login_required
@require_GET
def nachweis(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PAdES-signed certificate of a qualified confirmation (404 unless its document is visible)."""
    siegel = get_object_or_404(
        Siegel.objects.select_related("version__dokument__akte").filter(art=Siegel.Art.QES),
        pk=pk,
        version__dokument__in=Dokument.objects.visible_to(request.user),
    )
    protokollieren(aktion=Aktion.HERUNTERLADEN, request=request, objekt=siegel, akte=siegel.version.dokument.akte)
    antwort = HttpResponse(bytes(siegel.nachweis), content_type="application/pdf")
    antwort["Content-Disposition"] = f'attachment; filename="uebereinstimmungsnachweis-{siegel.pk}.pdf"'
    return antwort

"""Pages for the qualified confirmation of scans (Übereinstimmungsvermerk, `qes.py`): one document from its page,
or many scans of a file at once (e.g. a legacy delivery's lot) with one PIN/OTP; the job's progress page (the
signatures are finished by a Celery task, the page polls its status part with htmx); the certificate's download.

Who may: whoever may change the file (caseworker, team lead of the authority; the person who compares the scan
with the paper original). A scan already confirmed with a QES is not offered again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument, DokumentVersion
from dms.views.common import sichtbare_akte

from .csc import SignaturdienstFehler, konfiguriert
from .models import Bestaetigungsauftrag, Bestaetigungsposten, Siegel
from .qes import HOECHSTENS, gegenstand, offene_versionen, qes_anfordern, sichtbarer_auftrag

logger = logging.getLogger("dms.gericht")


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
                auftrag = qes_anfordern(
                    versionen=auswahl,
                    user=request.user,
                    pin=request.POST.get("pin", "")[:64],
                    otp=request.POST.get("otp", "")[:64],
                    request=request,
                )
            except SignaturdienstFehler as exc:
                logger.info("QES abgelehnt (Akte %s): %s", akte.pk, exc)
                fehler = str(exc)
            else:
                messages.success(
                    request,
                    "Der Vertrauensdienst hat signiert. Die Signatur wird jetzt eingebettet und geprüft."
                    if len(auswahl) == 1
                    else f"Der Vertrauensdienst hat {len(auswahl)} Dokumente signiert. Die Signaturen werden jetzt "
                    "eingebettet und geprüft.",
                )
                return redirect("qes-auftrag", pk=auftrag.pk)
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
    versionen = offene_versionen(request.user, akte, [dokument.pk])
    if not versionen:
        messages.info(request, "Dieses Dokument ist kein Scan, der noch qualifiziert zu bestätigen ist.")
        return redirect("dokument", pk=dokument.pk)
    return _seite(request, akte, versionen, dokument)


@login_required
@require_http_methods(["GET", "POST"])
def akte_bestaetigen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True)
    return _seite(request, akte, offene_versionen(request.user, akte), None)


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


# A read of a job's status: the page's read is one audit entry; the status part polled from it every 2 s adds none
# while the session has read this job within STAND_FENSTER (so a long job watched for an hour gives a few entries,
# not 1,800). A status part fetched without the page (another session, a script) is a read of its own.
STAND_FENSTER = timedelta(minutes=30)
_SITZUNGSSCHLUESSEL = "qes_auftraege_gelesen"


def _kuerzlich_gelesen(request: AuthenticatedHttpRequest, auftrag: Bestaetigungsauftrag) -> bool:
    gelesen = request.session.get(_SITZUNGSSCHLUESSEL, {})
    zeit = parse_datetime(str(gelesen.get(str(auftrag.pk), "")))
    return zeit is not None and timezone.now() - zeit < STAND_FENSTER


def _lesen_protokollieren(request: AuthenticatedHttpRequest, auftrag: Bestaetigungsauftrag, *, teil: str) -> None:
    protokollieren(aktion=Aktion.LESEN, request=request, objekt=auftrag, akte=auftrag.akte, details={"teil": teil})
    gelesen = {k: v for k, v in request.session.get(_SITZUNGSSCHLUESSEL, {}).items() if k != str(auftrag.pk)}
    # the newest 20 jobs are enough: a person watches one or two at a time
    gelesen = dict(list(gelesen.items())[-19:])
    gelesen[str(auftrag.pk)] = timezone.now().isoformat()
    request.session[_SITZUNGSSCHLUESSEL] = gelesen


def _auftrag_kontext(auftrag: Bestaetigungsauftrag, posten: list[Any]) -> dict[str, Any]:
    return {
        "auftrag": auftrag,
        "akte": auftrag.akte,
        "posten": posten,
        "bestaetigt": sum(p.status == Bestaetigungsposten.Status.FERTIG for p in posten),
        "fehlgeschlagen": sum(p.status == Bestaetigungsposten.Status.FEHLER for p in posten),
    }


@login_required
@require_GET
def qes_auftrag(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress of a qualified confirmation: per document waiting, confirmed (link to the certificate) or the
    German reason it failed; the status part is fetched again every 2 s while the job runs."""
    auftrag, posten = sichtbarer_auftrag(request.user, pk)
    _lesen_protokollieren(request, auftrag, teil="seite")
    return render(request, "dms/gericht/qes_auftrag.html", _auftrag_kontext(auftrag, posten))


@login_required
@require_GET
def qes_auftrag_stand(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The job's status part alone (htmx polling every 2 s): audited once per viewing, not per poll (below)."""
    auftrag, posten = sichtbarer_auftrag(request.user, pk)
    if not _kuerzlich_gelesen(request, auftrag):
        _lesen_protokollieren(request, auftrag, teil="stand")
    return render(request, "dms/gericht/teile/qes_auftrag_stand.html", _auftrag_kontext(auftrag, posten))

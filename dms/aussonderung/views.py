"""Pages of the records officer (/aussonderung/) and the Land's figures (/aussonderung/land/)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dms.audit import Aktion, protokollieren
from dms.eingaben import datum_lesen, id_lesen
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte
from dms.permissions_matrix import darf
from dms.views.common import fehler_melden, sichtbare_akte

from . import anbietung as anbietung_services
from . import ausgang as ausgang_services
from . import loeschung as loeschung_services
from . import services
from .freigaben import geloescht_ohne_bestaetigung
from .models import Anbietung, Archivausgang, Loeschsperre, Loeschung
from .queries import faellige, land_zahlen
from .zugriff import akten_der_behoerde, behoerde_oder_404, schriftgutverwaltung_pruefen

WARTEND = Archivausgang.objects.filter(status=Archivausgang.Status.WARTET)


def _akte(request: AuthenticatedHttpRequest, feld: str = "akte") -> Akte:
    pk = id_lesen(request.POST.get(feld))
    if pk is None:
        raise Http404
    try:
        return akten_der_behoerde(request.user).get(pk=pk)
    except Akte.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def uebersicht(request: AuthenticatedHttpRequest) -> HttpResponse:
    behoerde_id = schriftgutverwaltung_pruefen(request.user)
    grund = request.GET.get("grund") or None
    kontext = {
        "faellige": faellige(request.user, grund=grund)[:500],
        "anbietungen": Anbietung.objects.filter(behoerde_id=behoerde_id).prefetch_related(
            "posten", Prefetch("ausgang", queryset=WARTEND.defer("inhalt"), to_attr="wartend")
        )[:50],
        "ohne_bestaetigung": geloescht_ohne_bestaetigung(behoerde_id),
        "loeschungen": Loeschung.objects.filter(behoerde_id=behoerde_id).select_related(
            "beantragt_von", "genehmigt_von"
        )[:100],
        "sperrarten": Loeschsperre.Art.choices,
        "grund": grund,
    }
    protokollieren(aktion=Aktion.LESEN, request=request, details={"seite": "aussonderung"})
    return render(request, "aussonderung/uebersicht.html", kontext)


def _ausfuehren(request: AuthenticatedHttpRequest, aktion: Callable[[], object], erfolg: str) -> HttpResponse:
    try:
        aktion()
    except ValidationError as exc:
        fehler_melden(request, exc)
    else:
        messages.success(request, erfolg)
    return redirect("aussonderung")


@login_required
@require_POST
def anbieten(request: AuthenticatedHttpRequest) -> HttpResponse:
    schriftgutverwaltung_pruefen(request.user)
    ids = [i for i in map(id_lesen, request.POST.getlist("akten")) if i is not None]
    return _ausfuehren(
        request,
        lambda: anbietung_services.akten_anbieten(akten=ids, user=request.user, request=request),
        "Die Akten wurden dem Staatsarchiv angeboten (xdomea 0501).",
    )


@login_required
@require_POST
def sperre_setzen(request: AuthenticatedHttpRequest) -> HttpResponse:
    schriftgutverwaltung_pruefen(request.user)
    akte = _akte(request)
    return _ausfuehren(
        request,
        lambda: services.sperre_setzen(
            akte=akte, user=request.user, art=request.POST.get("art", ""), grund=request.POST.get("grund", ""),
            request=request,
        ),
        "Die Löschsperre ist gesetzt.",
    )  # fmt: skip


@login_required
@require_POST
def sperre_aufheben(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    behoerde_oder_404(request.user)
    try:
        sperre = Loeschsperre.objects.get(pk=pk, akte__in=akten_der_behoerde(request.user).values("pk"))
    except Loeschsperre.DoesNotExist as exc:
        raise Http404 from exc
    return _ausfuehren(
        request,
        lambda: services.sperre_aufheben(
            sperre=sperre, user=request.user, grund=request.POST.get("grund", ""), request=request
        ),
        "Die Löschsperre ist aufgehoben.",
    )


@login_required
@require_POST
def antwort_einlesen(request: AuthenticatedHttpRequest) -> HttpResponse:
    schriftgutverwaltung_pruefen(request.user)
    datei = request.FILES.get("datei")
    if datei is None or (datei.size or 0) > 64 * 1024 * 1024:
        messages.error(
            request, "Bitte wählen Sie die Antwort des Staatsarchivs (0502, 0504, 0506 oder 0507, höchstens 64 MB)."
        )
        return redirect("aussonderung")
    inhalt = datei.read()
    return _ausfuehren(
        request,
        lambda: anbietung_services.antwort_verarbeiten(inhalt=inhalt, user=request.user, request=request),
        "Die Antwort des Staatsarchivs wurde übernommen.",
    )


@login_required
@require_POST
def uebergeben(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    anbietung = anbietung_services.anbietung_fuer(request.user, pk)
    try:
        anbietung = anbietung_services.akten_uebergeben(anbietung=anbietung, user=request.user, request=request)
    except ValidationError as exc:
        fehler_melden(request, exc)
        return redirect("aussonderung")
    wartend = anbietung.ausgang.filter(art=Archivausgang.Art.AUSSONDERUNG, status=Archivausgang.Status.WARTET).first()
    if wartend is None:
        messages.success(request, "Die archivwürdigen Akten wurden an das Staatsarchiv übergeben (xdomea 0503).")
    else:
        messages.error(request, f"{_nicht_zugestellt(wartend)} Die Übergabe wird bis dahin automatisch wiederholt.")
    return redirect("aussonderung")


def _nicht_zugestellt(eintrag: Archivausgang) -> str:
    naechster = eintrag.naechster_versuch_am
    wann = f" Nächster Versuch am {timezone.localtime(naechster):%d.%m.%Y %H:%M}." if naechster else ""
    return (
        f"Das Staatsarchiv hat die Nachricht ({eintrag.get_art_display()}) nicht angenommen: "
        f"{eintrag.letzter_fehler}{wann}"
    )


@login_required
@require_POST
def ausgang_senden(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Jetzt erneut senden": a message to the archive that did not arrive, sent now (audited under the officer)."""
    try:
        eintrag = ausgang_services.erneut_senden(pk=pk, user=request.user, request=request)
    except ValidationError as exc:
        fehler_melden(request, exc)
    else:
        if eintrag.status == Archivausgang.Status.GESENDET:
            messages.success(request, f"Das Staatsarchiv hat die Nachricht ({eintrag.get_art_display()}) angenommen.")
        else:
            messages.error(request, _nicht_zugestellt(eintrag))
    return redirect("aussonderung")


@login_required
@require_POST
def loeschung_beantragen(request: AuthenticatedHttpRequest) -> HttpResponse:
    schriftgutverwaltung_pruefen(request.user)
    akte = _akte(request)
    return _ausfuehren(
        request,
        lambda: loeschung_services.loeschung_beantragen(akte=akte, user=request.user, request=request),
        "Die Löschung ist beantragt; eine zweite Person muss sie genehmigen.",
    )


@login_required
@require_POST
def loeschung_genehmigen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    loeschung = loeschung_services.loeschung_fuer(request.user, pk)
    return _ausfuehren(
        request,
        lambda: loeschung_services.loeschung_genehmigen(loeschung=loeschung, user=request.user, request=request),
        "Die Akte ist gelöscht. Der Löschnachweis bleibt erhalten.",
    )


@login_required
def loeschnachweis(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    loeschung = loeschung_services.loeschung_fuer(request.user, pk)
    protokollieren(aktion=Aktion.LESEN, request=request, objekt=loeschung, details={"seite": "loeschnachweis"})
    return render(request, "aussonderung/loeschnachweis.html", {"l": loeschung})


def _datum(wert: str) -> date | None:
    try:
        return datum_lesen(wert)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


@login_required
@require_POST
def abschluss_setzen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The file page's form: why and when the file ended (caseworkers who may change it, or the records officer)."""
    akte = sichtbare_akte(request, pk, lesen_protokollieren=False)

    def setzen() -> object:
        datum = _datum(request.POST.get("datum", ""))
        if datum is None:
            raise ValidationError("Bitte geben Sie das Datum des Ereignisses an.")
        return services.aktenschluss_setzen(
            akte=akte,
            user=request.user,
            grund=request.POST.get("grund", ""),
            datum=datum,
            einreisesperre_bis=_datum(request.POST.get("einreisesperre_bis", "")),
            haftung_bis=_datum(request.POST.get("haftung_bis", "")),
            request=request,
        )

    try:
        setzen()
    except ValidationError as exc:
        fehler_melden(request, exc)
    else:
        messages.success(request, "Der Abschluss ist gespeichert; die Aufbewahrungsfrist steht in den Aktendaten.")
    return redirect("akte", pk=akte.pk)


@login_required
def land(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not darf(request.user, "aussonderung_uebersicht"):
        raise PermissionDenied("Nur für das Land.")
    return render(request, "aussonderung/land.html", {"zahlen": land_zahlen()})

"""Mail-room pages: drag-and-drop upload with live status, the Posteingangsbuch, originals and cover sheets."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dms.access import zugang
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Behoerde, Vorgang
from dms.queries import eigene_behoerde_id

from . import services
from .api.views import original_antwort, posteingang_filtern
from .models import Posteingang


def _pruefe_zugang(request: AuthenticatedHttpRequest) -> None:
    if not zugang(request.user).hat_postzugang:
        raise PermissionDenied("Ihre Rolle hat keinen Zugang zum Posteingang.")


def _status_json(p: Posteingang) -> dict[str, object]:
    return {
        "id": p.pk,
        "dateiname": p.dateiname,
        "status": p.status,
        "status_anzeige": p.get_status_display(),
        "fehler": p.fehler,
        "hinweis": p.hinweis,
        "seiten": p.seiten,
        "aktenzeichen": p.akte.aktenzeichen if p.akte is not None else "",
        "team": str(p.team) if p.team_id else "",
        "original": reverse("scanning:original", args=[p.pk]),
    }


@login_required
@require_GET
def poststelle(request: AuthenticatedHttpRequest) -> HttpResponse:
    _pruefe_zugang(request)
    return render(request, "scanning/poststelle.html", _heute(request))


@login_required
@require_GET
def heute(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The "Heute eingegangen" table alone, which the page reloads every few seconds (htmx)."""
    _pruefe_zugang(request)
    return render(request, "scanning/teile/heute.html", _heute(request))


def _heute(request: AuthenticatedHttpRequest) -> dict[str, object]:
    eintraege = list(
        Posteingang.objects.visible_to(request.user)
        .filter(eingegangen_am__date=timezone.localdate())
        .select_related("akte", "team")
        .order_by("-id")[:50]
    )
    return {"heute": eintraege, "sichtbare_akten": _sichtbare_akten(request, eintraege)}


def _sichtbare_akten(request: AuthenticatedHttpRequest, eintraege: Iterable[Posteingang]) -> set[int]:
    """The files of these items the user may open: a result links to its file only then (Sperrvermerk)."""
    akte_ids = {p.akte_id for p in eintraege if p.akte_id}
    return set(Akte.objects.visible_to(request.user).filter(pk__in=akte_ids).values_list("pk", flat=True))


@login_required
@require_POST
def hochladen(request: AuthenticatedHttpRequest) -> JsonResponse:
    """One file per request (the page sends each file on its own, with a progress bar)."""
    _pruefe_zugang(request)
    datei = request.FILES.get("datei")
    if datei is None:
        return JsonResponse({"fehler": "Bitte wählen Sie eine Datei aus."}, status=400)
    if meldung := services.zu_gross(datei.size):
        return JsonResponse({"fehler": meldung}, status=413)
    behoerde = Behoerde.objects.get(pk=eigene_behoerde_id(request.user))
    p = services.posteingang_annehmen(
        behoerde=behoerde, datei=datei, dateiname=datei.name or "scan", user=request.user, request=request
    )
    return JsonResponse(_status_json(p), status=201)


@login_required
@require_GET
def status(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Live status of the items the page shows (?ids=1,2,3); only items the user may see."""
    _pruefe_zugang(request)
    ids = [int(x) for x in request.GET.get("ids", "").split(",") if x.strip().isascii() and x.strip().isdigit()][:200]
    qs = Posteingang.objects.visible_to(request.user).filter(pk__in=ids).select_related("akte", "team")
    return JsonResponse({"eintraege": [_status_json(p) for p in qs]})


@login_required
@require_GET
def buch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Posteingangsbuch: every item received, when, by whom, with its result; filter by date and status."""
    _pruefe_zugang(request)
    qs = posteingang_filtern(Posteingang.objects.visible_to(request.user), request.GET)
    qs = qs.select_related("akte", "team", "hochgeladen_von", "parent").order_by("-eingegangen_am", "-id")
    seite = Paginator(qs, 50).get_page(request.GET.get("seite"))
    filter_ohne_seite = request.GET.copy()
    filter_ohne_seite.pop("seite", None)
    return render(
        request,
        "scanning/buch.html",
        {
            "seite": seite,
            "sichtbare_akten": _sichtbare_akten(request, seite.object_list),
            "status_werte": Posteingang.Status.choices,
            "filter": request.GET,
            "filter_query": filter_ohne_seite.urlencode(),
        },
    )


@login_required
@require_GET
def original(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    _pruefe_zugang(request)
    p = get_object_or_404(Posteingang.objects.visible_to(request.user), pk=pk)
    return original_antwort(request, p)


@login_required
@require_GET
def deckblatt(request: AuthenticatedHttpRequest, akte_id: int) -> HttpResponse:
    """The cover sheet of a file (optionally a procedure: ?vorgang=ID) as a PDF to print."""
    akte = get_object_or_404(Akte.objects.visible_to(request.user).select_related("person", "behoerde"), pk=akte_id)
    vorgang = None
    if v := request.GET.get("vorgang"):
        if not (v.isascii() and v.isdigit()):
            raise Http404
        vorgang = get_object_or_404(Vorgang.objects.filter(akte=akte), pk=int(v))
    try:
        pdf = services.deckblatt_erzeugen(akte=akte, vorgang=vorgang, user=request.user, request=request)
    except ValidationError as exc:
        raise Http404 from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="deckblatt-{akte.aktenzeichen}.pdf"'
    return response

"""Pages of the Postausgang: write a letter from a template in a file, edit it, approve, send or print it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from dms.access import zugang
from dms.api.views import datei_antwort
from dms.eingaben import id_lesen
from dms.http import AuthenticatedHttpRequest
from dms.models import Vorgang
from dms.permissions_matrix import darf
from dms.views.common import fehlertexte, sichtbare_akte

from . import services, umwandlung
from .felder import FELDER
from .models import Ausgangsschreiben, Briefvorlage

# Fields the caseworker edits on the page (the others come from the file and are shown read-only).
BEARBEITBARE_FELDER = ("betreff", "anrede", "anschrift", "text")


def _schreiben(request: AuthenticatedHttpRequest, pk: int) -> Ausgangsschreiben:
    qs = Ausgangsschreiben.objects.visible_to(request.user).select_related("akte__person", "vorlage", "verfasst_von")
    return get_object_or_404(qs, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def neu(request: AuthenticatedHttpRequest, akte_id: int) -> HttpResponse:
    akte = sichtbare_akte(request, akte_id, aendern=True, lesen_protokollieren=False)
    vorlagen = Briefvorlage.objects.fuer_behoerde(akte.behoerde_id).order_by("name")
    vorgaenge = Vorgang.objects.filter(akte=akte).select_related("vorgangsart").order_by("nummer")
    if request.method == "POST":
        vorlage = vorlagen.filter(pk=request.POST.get("vorlage") or 0).first()
        vorgang_id = request.POST.get("vorgang") or ""
        vorgang = vorgaenge.filter(pk=vid).first() if (vid := id_lesen(vorgang_id)) is not None else None
        if vorlage is None:
            messages.error(request, "Bitte wählen Sie eine Vorlage.")
        else:
            try:
                s = services.schreiben_anlegen(akte=akte, vorlage=vorlage, vorgang=vorgang, user=request.user,
                                               request=request)  # fmt: skip
            except ValidationError as exc:
                for m in fehlertexte(exc):
                    messages.error(request, m)
            else:
                return redirect("postausgang-schreiben", s.pk)
    return render(request, "postausgang/neu.html", {"akte": akte, "vorlagen": vorlagen, "vorgaenge": vorgaenge})


@login_required
@require_http_methods(["GET", "POST"])
def schreiben(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    s = _schreiben(request, pk)
    if request.method == "POST":
        aktion = request.POST.get("aktion", "")
        try:
            if s.status in services.AENDERBAR and aktion in ("speichern", "freigeben"):
                felder = {k: request.POST.get(k, "") for k in BEARBEITBARE_FELDER if k in request.POST}
                s = services.schreiben_aendern(schreiben=s, felder=felder, user=request.user, request=request)
            if aktion == "speichern":
                messages.success(request, "Das Schreiben ist gespeichert.")
            elif aktion == "freigeben":
                s = services.schreiben_freigeben(schreiben=s, user=request.user, request=request)
                messages.success(
                    request,
                    "Das Schreiben ist der Teamleitung zur Freigabe vorgelegt."
                    if s.status == Ausgangsschreiben.Status.ZUR_FREIGABE
                    else "Das Schreiben ist freigegeben. Es wird jetzt in PDF/A umgewandelt und danach in der Akte "
                    "abgelegt; Sie können weiterarbeiten.",
                )
            elif aktion == "umwandeln":
                s = umwandlung.umwandlung_wiederholen(schreiben=s, user=request.user, request=request)
                messages.success(request, "Die Umwandlung in PDF/A wird erneut versucht.")
            elif aktion in ("hybridpost", "lokal"):
                s = services.schreiben_versenden(schreiben=s, weg=aktion, user=request.user, request=request)
                messages.success(
                    request,
                    "Das Schreiben wird an den Versanddienstleister übergeben."
                    if aktion == "hybridpost"
                    else "Das Schreiben ist als lokal gedruckt vermerkt. Bitte drucken Sie das PDF aus.",
                )
        except ValidationError as exc:
            for m in fehlertexte(exc):
                messages.error(request, m)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or "Dazu fehlt Ihnen die Berechtigung.")
        return redirect("postausgang-schreiben", s.pk)
    z = zugang(request.user)
    felder_anzeige = [(FELDER[k], s.felder.get(k, "")) for k in FELDER if k not in BEARBEITBARE_FELDER]
    return render(
        request,
        "postausgang/schreiben.html",
        {
            "s": s,
            "bearbeitbar": s.status in services.AENDERBAR,
            "felder_anzeige": felder_anzeige,
            "darf_freigeben": s.freigabe_noetig
            and darf(request.user, "schreiben_freigeben")
            and z.user_id != s.verfasst_von_id,
        },
    )


@login_required
def pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    s = _schreiben(request, pk)
    if s.dokument is None or (version := s.dokument.versionen.order_by("nummer").first()) is None:
        raise Http404
    return datei_antwort(request, s.dokument, version, original=True)


@login_required
def liste(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My letters, and for team leads the letters waiting for their approval."""
    qs = Ausgangsschreiben.objects.visible_to(request.user).select_related("akte", "vorlage", "verfasst_von")
    eigene = list(qs.filter(verfasst_von=request.user).order_by("-geaendert_am")[:50])
    zur_freigabe = []
    if darf(request.user, "schreiben_freigeben"):
        zur_freigabe = list(
            qs.filter(status=Ausgangsschreiben.Status.ZUR_FREIGABE).exclude(verfasst_von=request.user)[:50]
        )
    return render(request, "postausgang/liste.html", {"eigene": eigene, "zur_freigabe": zur_freigabe})

"""Page editing on the document page: per page rotate, delete (with reason), move up/down, split here; merge another
document of the same file. Plain forms (CSRF), each answered by a redirect back to the page editor."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dms.http import AuthenticatedHttpRequest
from dms.models import Dokument
from dms.services.fehler import Konflikt
from dms.views.common import darf_aendern, fehler_melden
from dms.views.dokument import seite_antwort, seitenbild_pfad, seitenquelle

from . import services
from .services import MAX_ID, Ergebnis

VORSCHAU_BREITE = 150
AKTIONEN = {
    "links": "Seite nach links drehen",
    "rechts": "Seite nach rechts drehen",
    "hoch": "Seite nach vorn",
    "runter": "Seite nach hinten",
    "loeschen": "Seite löschen",
    "teilen": "Hier teilen",
    "zusammenfuehren": "Mit anderem Dokument zusammenführen",
}


class SeitenForm(forms.Form):
    aktion = forms.ChoiceField(choices=list(AKTIONEN.items()))
    version = forms.IntegerField(min_value=1, max_value=MAX_ID)
    seite = forms.IntegerField(min_value=1, max_value=100_000, required=False)
    grund = forms.CharField(max_length=500, required=False)
    dokument = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    # Merge: after which page the other document's pages go (0: before the first; empty: at the end).
    nach_seite = forms.IntegerField(min_value=0, max_value=100_000, required=False)


def _umordnung(seite: int, anzahl: int, nach_vorn: bool) -> list[int]:
    ziel = seite - 1 if nach_vorn else seite + 1
    if not 1 <= ziel <= anzahl or not 1 <= seite <= anzahl:
        raise ValidationError(
            f"Seite {seite} ist schon die {'erste' if nach_vorn else 'letzte'} Seite."
            if 1 <= seite <= anzahl
            else f"Seite {seite} gibt es nicht."
        )
    folge = list(range(1, anzahl + 1))
    folge[seite - 1], folge[ziel - 1] = folge[ziel - 1], folge[seite - 1]
    return folge


def _einfuegestelle(nach_seite: int | None, seiten: int) -> str:
    """Where merged pages went, in words: 'vor Seite 1', 'nach Seite 3', 'am Ende'."""
    if nach_seite is None or nach_seite >= seiten:
        return "am Ende"
    return "vor Seite 1" if nach_seite == 0 else f"nach Seite {nach_seite}"


def _ausfuehren(request: AuthenticatedHttpRequest, dokument: Dokument, daten: dict[str, Any]) -> tuple[Ergebnis, str]:
    aktion, seite = daten["aktion"], daten.get("seite")
    gemeinsam: dict[str, Any] = {
        "dokument": dokument,
        "user": request.user,
        "request": request,
        "erwartete_version": daten["version"],
    }
    if aktion == "zusammenfuehren":
        anderes = (
            Dokument.objects.visible_to(request.user)
            .filter(pk=daten.get("dokument") or 0, akte_id=dokument.akte_id)
            .first()
        )
        if anderes is None:
            raise ValidationError("Bitte wählen Sie ein Dokument dieser Akte aus.")
        nach_seite = daten.get("nach_seite")
        ergebnis = services.dokumente_zusammenfuehren(anderes=anderes, nach_seite=nach_seite, **gemeinsam)
        return ergebnis, (
            f"Die Seiten von „{anderes.titel}“ stehen jetzt {_einfuegestelle(nach_seite, dokument.seiten)} "
            f"(Version {ergebnis.version.nummer}); alle Seiten behalten ihr Blatt."
        )
    if seite is None:
        raise ValidationError("Bitte wählen Sie eine Seite.")
    if aktion in ("links", "rechts"):
        ergebnis = services.seiten_drehen(seiten=[seite], grad=270 if aktion == "links" else 90, **gemeinsam)
        return ergebnis, f"Seite {seite} wurde gedreht (Version {ergebnis.version.nummer})."
    if aktion in ("hoch", "runter"):
        folge = _umordnung(seite, dokument.seiten, aktion == "hoch")
        ergebnis = services.seiten_umordnen(seiten=folge, **gemeinsam)
        return ergebnis, f"Seite {seite} wurde verschoben (Version {ergebnis.version.nummer})."
    if aktion == "loeschen":
        ergebnis = services.seiten_loeschen(seiten=[seite], grund=daten.get("grund") or "", **gemeinsam)
        return (
            ergebnis,
            f"Seite {seite} wurde gelöscht (Version {ergebnis.version.nummer}); das Blatt bleibt als Lücke vermerkt.",
        )
    ergebnis = services.dokument_teilen(ab_seite=seite, **gemeinsam)
    neu = ergebnis.neues_dokument
    return ergebnis, f"Die Seiten ab Seite {seite} sind jetzt das neue Dokument „{neu.titel if neu else ''}“."


@login_required
@require_POST
def seiten_bearbeiten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dokument = get_object_or_404(Dokument.objects.visible_to(request.user).select_related("akte"), pk=pk)
    if not darf_aendern(request, dokument.akte):
        raise PermissionDenied("Sie dürfen die Seiten dieses Dokuments nicht bearbeiten.")
    zurueck = reverse("dokument", args=[dokument.pk]) + "?seiten=1#seiten-bearbeiten"
    form = SeitenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Die Angaben zur Seitenbearbeitung sind unvollständig. Bitte laden Sie die Seite neu.")
        return redirect(zurueck)
    try:
        _ergebnis, meldung = _ausfuehren(request, dokument, form.cleaned_data)
    except Konflikt as exc:
        messages.error(
            request,
            f"Das Dokument wurde inzwischen bearbeitet (jetzt Version {exc.aktuell.nummer}). Ihre Änderung wurde "
            "nicht gespeichert; bitte prüfen Sie die Seiten und wiederholen Sie sie.",
        )
        return redirect(zurueck)
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
        return redirect(zurueck)
    messages.success(request, meldung)
    return redirect(zurueck)


@login_required
@require_GET
def seite_vorschau(request: AuthenticatedHttpRequest, pk: int, seite: int) -> HttpResponse:
    """The thumbnail of one page of the current version (rendered and cached when the version has none)."""
    dokument = get_object_or_404(Dokument.objects.visible_to(request.user), pk=pk)
    version = dokument.versionen.order_by("-nummer").first()
    if version is None or seite < 1 or seite > max(version.seiten, 1):
        raise Http404
    if seite <= len(version.vorschaubilder) and default_storage.exists(pfad := version.vorschaubilder[seite - 1]):
        with default_storage.open(pfad, "rb") as fh:
            antwort = HttpResponse(fh.read(), content_type="image/png")
        antwort["Cache-Control"] = "private, max-age=3600"
        return antwort
    quelle = "pdf" if version.pdf else "original"
    return seite_antwort(
        seitenbild_pfad(f"dokumente/{dokument.uuid}/{version.nummer}", quelle, VORSCHAU_BREITE, seite),
        partial(seitenquelle, version),
        seite,
        VORSCHAU_BREITE,
        was=f"Dokument {dokument.pk}",
        fehlertext="Diese Seite kann nicht angezeigt werden.",
    )

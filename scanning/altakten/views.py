"""Pages of the legacy-file digitisation (under /poststelle/altakten/, included from scanning/urls.py).

This module also holds its urlpatterns, so scanning/urls.py needs a single include line.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Behoerde, Rolle
from foerderung.queries import geplante_mengen

from . import services as svc
from . import zugriff
from .berichte import fortschritt, fortschritt_je_behoerde, uebergabeliste_pdf
from .lieferung import eingang_auflisten
from .models import Digitalisierungslos, Lieferung, LosAkte, Scanauftrag, Stichprobe
from .struktur import strukturquoten


def _meldungen(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _ausfuehren(
    request: HttpRequest, los: Any, aufruf: Callable[[], Any], erfolg: Callable[[Any], str]
) -> HttpResponse:
    """Run one use case of a lot page: its German errors or a success message, then back to the lot."""
    try:
        ergebnis = aufruf()
    except ValidationError as exc:
        _meldungen(request, exc)
    else:
        messages.success(request, erfolg(ergebnis))
    return redirect("scanning:altakten-los", pk=los.pk)


@login_required
def uebersicht(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not zugriff.darf_fortschritt_sehen(request.user):
        raise Http404
    z = zugang(request.user)
    lose = list(
        Digitalisierungslos.objects.visible_to(request.user)
        .select_related("behoerde")
        .annotate(
            akten_geplant=Count("akten"),
            akten_fertig=Count("akten", filter=Q(akten__importiert_am__isnull=False)),
        )
    )
    behoerde_ids = {lo.behoerde_id for lo in lose}
    if z.rolle != Rolle.LAND and z.behoerde_id is not None:
        behoerde_ids.add(z.behoerde_id)
    lose_je_behoerde: dict[int, list[Digitalisierungslos]] = {}
    for lo in lose:
        lose_je_behoerde.setdefault(lo.behoerde_id, []).append(lo)
    je_fortschritt = fortschritt_je_behoerde(behoerde_ids, geplante_mengen(behoerde_ids))
    je_struktur = strukturquoten(nach="behoerde", ids=behoerde_ids)
    je_behoerde = [
        {
            "behoerde": behoerde,
            "fortschritt": je_fortschritt[behoerde.pk],
            "struktur": je_struktur[behoerde.pk],
            "lose": lose_je_behoerde.get(behoerde.pk, []),
        }
        for behoerde in Behoerde.objects.filter(pk__in=behoerde_ids).order_by("kuerzel")
    ]
    darf_fuehren = z.behoerde_id is not None and zugriff.darf_lose_fuehren(request.user, z.behoerde_id)
    kandidaten = 0
    if darf_fuehren and z.behoerde_id is not None:
        kandidaten = (
            Akte.objects.filter(behoerde_id=z.behoerde_id, medium__in=[Akte.Medium.PAPIER, Akte.Medium.HYBRID])
            .exclude(digitalisierung__isnull=False)
            .count()
        )
    protokollieren(aktion=Aktion.LESEN, request=request, details={"seite": "altakten-uebersicht"})
    return render(
        request,
        "altakten/uebersicht.html",
        {
            "je_behoerde": je_behoerde,
            "darf_fuehren": darf_fuehren,
            "kandidaten": kandidaten,
            "inhalt_behoerde_id": z.behoerde_id
            if z.behoerde_id and zugriff.darf_inhalt_sehen(request.user, z.behoerde_id)
            else None,
        },
    )


@login_required
@require_POST
def los_neu(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The next N paper files (by Aktenzeichen) not yet in a lot form a new lot."""
    z = zugang(request.user)
    if z.behoerde_id is None or not zugriff.darf_lose_fuehren(request.user, z.behoerde_id):
        raise Http404
    try:
        anzahl = int(request.POST.get("anzahl", "1000"))
        prozent = Decimal(request.POST.get("stichprobe_prozent", "5").replace(",", "."))
        blatt_je_akte = int(request.POST.get("blatt_je_akte", "100"))
        if not prozent.is_finite():
            raise ValueError
        if not 1 <= anzahl <= svc.MAX_AKTEN_JE_LOS or not 0 <= blatt_je_akte <= 100_000:
            raise ValueError
    except (ValueError, InvalidOperation):
        messages.error(request, "Bitte geben Sie ganze Zahlen an (Anzahl 1 bis 5.000) und einen Prozentwert.")
        return redirect("scanning:altakten-uebersicht")
    akten = list(
        Akte.objects.filter(behoerde_id=z.behoerde_id, medium__in=[Akte.Medium.PAPIER, Akte.Medium.HYBRID])
        .exclude(digitalisierung__isnull=False)
        .exclude(gesperrt=True)  # restricted files are never listed with person data for the provider
        .order_by("aktenzeichen")[:anzahl]
    )
    try:
        los = svc.los_anlegen(
            behoerde=Behoerde.objects.get(pk=z.behoerde_id),
            akten=akten,
            user=request.user,
            request=request,
            bezeichnung=request.POST.get("bezeichnung", ""),
            blatt_geplant=blatt_je_akte * len(akten),
            stichprobe_prozent=prozent,
        )
    except ValidationError as exc:
        _meldungen(request, exc)
        return redirect("scanning:altakten-uebersicht")
    messages.success(request, f"Los {los.nummer} mit {len(akten)} Akten wurde angelegt.")
    return redirect("scanning:altakten-los", pk=los.pk)


def _los(request: AuthenticatedHttpRequest, pk: int) -> Digitalisierungslos:
    """A lot whose file list the user may see (own authority's file roles); everyone else gets 404."""
    los = get_object_or_404(Digitalisierungslos.objects.visible_to(request.user).select_related("behoerde"), pk=pk)
    if not zugriff.darf_inhalt_sehen(request.user, los.behoerde_id):
        raise Http404
    return los


def _eingangsordner(los: Digitalisierungslos) -> list[str]:
    """Only the lot's authority's own inbox subfolder (LIEFERUNGEN_PATH/<Kürzel>)."""
    return eingang_auflisten(los.behoerde.kuerzel)


def _akten_zeilen(request: AuthenticatedHttpRequest, los: Digitalisierungslos) -> list[dict[str, Any]]:
    """The lot's files; person data only where the user may see the Akte (restricted files: Aktenzeichen only)."""
    las = list(LosAkte.objects.filter(los=los).select_related("akte__person").order_by("position")[:200])
    sichtbar = set(
        Akte.objects.visible_to(request.user).filter(pk__in=[la.akte_id for la in las]).values_list("pk", flat=True)
    )
    return [
        {
            "position": la.position,
            "akte": {
                "aktenzeichen": la.akte.aktenzeichen,
                "person": str(la.akte.person) if la.akte_id in sichtbar else "– (gesperrte Akte)",
            },
            "importiert_am": la.importiert_am,
            "seiten": la.seiten,
            "blatt": la.blatt,
        }
        for la in las
    ]


@login_required
def los_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    los = _los(request, pk)
    protokollieren(aktion=Aktion.LESEN, request=request, objekt=los)
    s = Digitalisierungslos.Status
    naechster = svc.REIHENFOLGE[svc.REIHENFOLGE.index(los.status) + 1] if los.status != s.ABGESCHLOSSEN else None
    return render(
        request,
        "altakten/los.html",
        {
            "los": los,
            "fortschritt": fortschritt(Q(pk=los.pk), blatt_geplant=los.blatt_geplant),
            "verlauf": los.statuswechsel.select_related("user"),
            "akten": _akten_zeilen(request, los),
            "anzahl_akten": los.akten.count(),
            "lieferungen": los.lieferungen.select_related("angelegt_von")[:50],
            "stichproben": Stichprobe.objects.filter(los=los).select_related("los_akte__akte", "geprueft_von"),
            "auftraege": Scanauftrag.objects.filter(los_akte__los=los).select_related("los_akte__akte"),
            "naechster": s(naechster) if naechster else None,
            "darf_fuehren": zugriff.darf_lose_fuehren(request.user, los.behoerde_id),
            "qa_bestanden": svc.qa_bestanden(los),
            "eingang": _eingangsordner(los),
            "mangelarten": Stichprobe.Mangel.choices,
            "struktur": strukturquoten(nach="los", ids={los.pk})[los.pk],
        },
    )


@login_required
@require_POST
def los_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    los = _los(request, pk)
    return _ausfuehren(
        request,
        los,
        lambda: svc.los_status_setzen(
            los=los,
            nach=request.POST.get("nach", ""),
            user=request.user,
            request=request,
            bemerkung=request.POST.get("bemerkung", ""),
        ),
        lambda _: "Der Status des Loses wurde geändert.",
    )


@login_required
@require_POST
def lieferung_starten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Only starts the import (Celery, queue `altakten`); the page shows the outcome on reload."""
    los = _los(request, pk)
    return _ausfuehren(
        request,
        los,
        lambda: svc.lieferung_annehmen(
            los=los, quelle=request.POST.get("quelle", ""), user=request.user, request=request
        ),
        lambda lieferung: f"Lieferung {lieferung.pk} wird im Hintergrund geprüft und importiert.",
    )


@login_required
@require_POST
def stichproben(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    los = _los(request, pk)
    return _ausfuehren(
        request,
        los,
        lambda: svc.stichproben_ziehen(los=los, user=request.user, request=request),
        lambda proben: f"{len(proben)} Akten wurden als Stichprobe gezogen.",
    )


@login_required
@require_POST
def stichprobe_erfassen(request: AuthenticatedHttpRequest, pk: int, probe_pk: int) -> HttpResponse:
    los = _los(request, pk)
    probe = get_object_or_404(Stichprobe, pk=probe_pk, los=los)
    return _ausfuehren(
        request,
        los,
        lambda: svc.stichprobe_erfassen(
            stichprobe=probe,
            ergebnis=request.POST.get("ergebnis", ""),
            mangel=request.POST.get("mangel", ""),
            notiz=request.POST.get("notiz", ""),
            user=request.user,
            request=request,
        ),
        lambda _: "Das Prüfergebnis wurde gespeichert.",
    )


@login_required
@require_POST
def eilscan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    los = _los(request, pk)
    az = request.POST.get("aktenzeichen", "").strip()
    akte = Akte.objects.visible_to(request.user).filter(aktenzeichen__iexact=az, digitalisierung__los=los).first()
    if akte is None:
        messages.error(request, "Diese Akte ist nicht in diesem Los.")
        return redirect("scanning:altakten-los", pk=los.pk)
    return _ausfuehren(
        request,
        los,
        lambda: svc.eilscan_anfordern(
            akte=akte, grund=request.POST.get("grund", ""), user=request.user, request=request
        ),
        lambda _: f"Eilscan für {akte.aktenzeichen} wurde beim Dienstleister angefordert.",
    )


@login_required
def uebergabeliste(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    los = _los(request, pk)
    protokollieren(aktion=Aktion.EXPORT, request=request, objekt=los, details={"uebergabeliste": True})
    antwort = HttpResponse(uebergabeliste_pdf(los, user=request.user), content_type="application/pdf")
    antwort["Content-Disposition"] = (
        f'attachment; filename="uebergabeliste-{los.behoerde.kuerzel}-los-{los.nummer}.pdf"'
    )
    return antwort


@login_required
def lieferung_status(request: AuthenticatedHttpRequest, pk: int, lieferung_pk: int) -> HttpResponse:
    los = _los(request, pk)
    lieferung = get_object_or_404(Lieferung, pk=lieferung_pk, los=los)
    return render(request, "altakten/lieferung.html", {"los": los, "lieferung": lieferung})

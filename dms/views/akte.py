"""The file (Akte) page: header data, register tree, documents (sortable, filterable via htmx), procedures,
upload, internal notes (Vermerk), moving documents and editing the file data with optimistic locking."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from dms import services
from dms.audit import Aktion
from dms.aussonderung.models import Abschlussgrund
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument, Protokolleintrag, Register, Vorgang, Vorgangsart
from dms.neueingaenge.queries import neueingaenge_fuer, ungelesene_dokument_ids
from dms.services import Konflikt
from dms.wiedervorlagen.models import Wiedervorlage

from ..eingaben import id_lesen
from . import formulare as f
from .common import darf_aendern, fehlertexte, form_fehler_uebernehmen, log, sichtbare_akte

SEITENGROESSE = 50
SORTIERUNGEN = {
    "datum": ("eingangsdatum", "id"),
    "-datum": ("-eingangsdatum", "-id"),
    "titel": ("titel", "id"),
    "-titel": ("-titel", "-id"),
    "seiten": ("seiten", "id"),
    "-seiten": ("-seiten", "-id"),
}


def dokumente_gefiltert(akte: Akte, params: Any) -> tuple[QuerySet[Dokument], dict[str, Any]]:
    """The file's documents filtered by register, procedure and title; sorted by a whitelisted key."""
    qs = Dokument.objects.bestehend().filter(akte=akte).select_related("register", "vorgang")
    filter_: dict[str, Any] = {"register": "", "vorgang": "", "titel": "", "sort": "-datum"}
    if (reg := params.get("register", "")) and len(reg) <= 5:
        qs = qs.filter(register__nummer=reg)
        filter_["register"] = reg
    if (vg := id_lesen(params.get("vorgang"))) is not None:
        qs = qs.filter(vorgang_id=vg)
        filter_["vorgang"] = vg
    if titel := (params.get("titel") or "").strip()[:100]:
        qs = qs.filter(titel__icontains=titel)
        filter_["titel"] = titel
    sort = params.get("sort", "-datum")
    if sort not in SORTIERUNGEN:
        sort = "-datum"
    filter_["sort"] = sort
    return qs.order_by(*SORTIERUNGEN[sort]), filter_


def _register_baum(akte: Akte, register: list[Register]) -> tuple[list[dict[str, Any]], int]:
    """The active registers with document counts: one query, independent of the number of documents."""
    zaehler = dict(
        Dokument.objects.bestehend()
        .filter(akte=akte)
        .values("register_id")
        .annotate(n=Count("id"))
        .values_list("register_id", "n")
    )
    baum = [{"nummer": r.nummer, "titel": r.titel, "anzahl": zaehler.get(r.pk, 0)} for r in register]
    return baum, sum(zaehler.values())


def _dokumente_kontext(
    request: AuthenticatedHttpRequest, akte: Akte, register: list[Register] | None = None, gesamt: int | None = None
) -> dict[str, Any]:
    """The document table; `register` and `gesamt` (the file's document count), when the caller has them, spare a
    query each (the paginator's COUNT on the unfiltered table)."""
    qs, filter_ = dokumente_gefiltert(akte, request.GET)
    paginator = Paginator(qs, SEITENGROESSE)
    if gesamt is not None and not (filter_["register"] or filter_["vorgang"] or filter_["titel"]):
        paginator.count = gesamt
    seite = paginator.get_page(request.GET.get("seite"))
    return {
        "akte": akte,
        "seite": seite,
        "neu_ids": ungelesene_dokument_ids(request.user, (d.pk for d in seite.object_list)),
        "filter": filter_,
        "register": register if register is not None else list(Register.objects.aktiv().order_by("nummer")),
        "vorgaenge": list(
            Vorgang.objects.filter(akte=akte).select_related("vorgangsart", "sachbearbeitung").order_by("nummer")
        ),
    }


@login_required
def akte_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk)
    register = list(Register.objects.aktiv().order_by("nummer"))
    baum, gesamt = _register_baum(akte, register)
    dokumente = _dokumente_kontext(request, akte, register, gesamt)
    aenderbar = darf_aendern(request, akte)
    verlauf: list[dict[str, Any]] = [
        dict(e)
        for e in Protokolleintrag.objects.filter(akte_id_wert=akte.pk, objekt_typ="akte")
        .exclude(aktion__in=[Aktion.LESEN, Aktion.HERUNTERLADEN])
        .order_by("-id")
        .values("zeitpunkt", "benutzername", "aktion", "details")[:10]
    ]
    aktionen = dict(Protokolleintrag.Aktion.choices)
    for e in verlauf:
        e["aktion_text"] = aktionen.get(e["aktion"], e["aktion"])
        e["felder"] = ", ".join(e["details"].get("felder", [])) if isinstance(e["details"], dict) else ""
    umlegungen_beschreiben(request, verlauf)
    ctx = {
        **dokumente,
        "register_baum": baum,
        "dokumente_gesamt": gesamt,
        "darf_aendern": aenderbar,
        "abschlussgruende": Abschlussgrund.choices,
        "verlauf": verlauf,
        # The forms are written out in the template (Django widget rendering costs more than the rest of the page);
        # the Form classes validate the POST.
        "vorgangsarten": list(Vorgangsart.objects.filter(aktiv=True).order_by("bezeichnung")) if aenderbar else [],
        "richtungen": Dokument.Richtung.choices,
        "neu_anzahl": neueingaenge_fuer(request.user).filter(akte=akte).count(),
        "akte_wiedervorlagen": list(
            Wiedervorlage.objects.offen().filter(akte=akte).select_related("akte", "vorgang", "dokument", "zustaendig")
        ),
    }
    return render(request, "dms/akte.html", ctx)


def umlegungen_beschreiben(request: AuthenticatedHttpRequest, verlauf: list[dict[str, Any]]) -> None:
    """History lines for documents moved out of or into the file; the other file's Aktenzeichen only when the
    reader may see that file (one query for all lines)."""
    andere: set[int] = {
        e["details"].get("nach_akte") or e["details"].get("von_akte") or 0
        for e in verlauf
        if isinstance(e["details"], dict) and e["details"].get("umlegung") in ("hinaus", "herein")
    }
    sichtbar = set(Akte.objects.visible_to(request.user).filter(pk__in=andere).values_list("pk", flat=True))
    for e in verlauf:
        d = e["details"]
        if not isinstance(d, dict) or d.get("umlegung") not in ("hinaus", "herein"):
            continue
        hinaus = d["umlegung"] == "hinaus"
        andere_id = d.get("nach_akte") if hinaus else d.get("von_akte")
        andere_az = d.get("nach") if hinaus else d.get("von")
        wo = f"Akte {andere_az}" if andere_id in sichtbar else "eine andere Akte"
        richtung = f"in {wo} umgelegt" if hinaus else f"aus {wo} hierher umgelegt"
        e["aktion_text"] = f"Dokument „{d.get('titel', '')}“ {richtung}"
        e["felder"] = f"Grund: {d.get('grund', '')}"


@login_required
def akte_dokumente(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The document table alone (htmx: sorting, filtering and paging in place)."""
    akte = sichtbare_akte(request, pk, lesen_protokollieren=False)
    ctx = {**_dokumente_kontext(request, akte), "darf_aendern": darf_aendern(request, akte)}
    if getattr(request, "htmx", False):
        return render(request, "dms/teile/dokumente.html", ctx)
    return redirect(f"{reverse('akte', args=[akte.pk])}?{request.GET.urlencode()}")


@login_required
@require_POST
def dokument_hochladen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True, lesen_protokollieren=False)
    form = f.HochladenForm(request.POST, request.FILES, akte=akte)
    if form.is_valid():
        d = form.cleaned_data
        upload = d["datei"]
        try:
            dokument = services.dokument_anlegen(
                akte=akte,
                register=d["register"],
                vorgang=d["vorgang"],
                datei=upload,
                dateiname=upload.name or "datei",
                titel=d["titel"],
                richtung=d["richtung"],
                eingangsdatum=d["eingangsdatum"],
                user=request.user,
                request=request,
            )
        except ValidationError as exc:
            form_fehler_uebernehmen(form, exc)
        else:
            messages.success(request, f"Das Dokument „{dokument.titel}“ wurde abgelegt; die Texterkennung läuft.")
            return redirect("akte", pk=akte.pk)
    for fehler in form.errors.values():
        for m in fehler:
            messages.error(request, f"Hochladen nicht möglich: {m}")
    return redirect("akte", pk=akte.pk)


@login_required
@require_POST
def vermerk_anlegen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True, lesen_protokollieren=False)
    form = f.VermerkForm(request.POST, akte=akte)
    if not form.is_valid():
        for fehler in form.errors.values():
            for m in fehler:
                messages.error(request, f"Vermerk nicht gespeichert: {m}")
        return redirect("akte", pk=akte.pk)
    d = form.cleaned_data
    try:
        services.vermerk_anlegen(
            akte=akte,
            register=d["register"],
            vorgang=d["vorgang"],
            titel=d["titel"],
            text=d["text"],
            user=request.user,
            request=request,
        )
    except ValidationError as exc:
        for m in fehlertexte(exc):
            messages.error(request, f"Vermerk nicht gespeichert: {m}")
    else:
        messages.success(request, "Der Vermerk wurde zur Akte genommen.")
    return redirect("akte", pk=akte.pk)


@login_required
@require_POST
def dokument_ablage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a document to another register and/or procedure of the same file."""
    dokument = get_object_or_404(
        Dokument.objects.filter(akte__in=Akte.objects.changeable_by(request.user)).select_related("akte"), pk=pk
    )
    form = f.AblageForm(request.POST, akte=dokument.akte)
    if form.is_valid():
        vorgang = form.cleaned_data["vorgang"]
        try:
            services.dokument_ablage_aendern(
                dokument=dokument,
                register=form.cleaned_data["register"],
                vorgang=vorgang,
                vorgang_entfernen=vorgang is None,
                user=request.user,
                request=request,
            )
        except ValidationError as exc:
            for m in fehlertexte(exc):
                messages.error(request, m)
        else:
            messages.success(request, f"„{dokument.titel}“ wurde umgelegt.")
    else:
        messages.error(request, "Bitte wählen Sie ein Register aus dem gültigen Aktenplan.")
    ziel = request.POST.get("zurueck", "")
    if ziel == "dokument":
        return redirect("dokument", pk=dokument.pk)
    return redirect("akte", pk=dokument.akte_id)


def _aenderungen(akte: Akte, neu: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the user actually changed (so a conflict is about real changes)."""
    alt = {
        "status": akte.status,
        "medium": akte.medium,
        "vertraulichkeit": akte.vertraulichkeit,
        "team": akte.team_id,
        "sachbearbeitung": akte.sachbearbeitung_id,
    }
    result = {}
    for feld, wert in neu.items():
        vergleich = wert.pk if hasattr(wert, "pk") else wert
        if alt.get(feld) != vergleich:
            result[feld] = wert
    return result


def akte_anzeige(akte: Akte) -> dict[str, str]:
    """The file data as a person reads it (shown next to a conflict message)."""
    sb = akte.sachbearbeitung
    return {
        "Status": akte.get_status_display(),
        "Medium": akte.get_medium_display(),
        "Vertraulichkeitsstufe": akte.get_vertraulichkeit_display(),
        "Team": str(akte.team) if akte.team else "–",
        "Sachbearbeitung": (sb.get_full_name() or sb.get_username()) if sb else "–",
        "Version": str(akte.version),
    }


@login_required
@require_http_methods(["GET", "POST"])
def akte_bearbeiten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True, lesen_protokollieren=request.method == "GET")
    konflikt: dict[str, Any] | None = None
    if request.method == "POST":
        form = f.AkteBearbeitenForm(request.POST, behoerde_id=akte.behoerde_id)
        if form.is_valid():
            daten = dict(form.cleaned_data)
            version = daten.pop("version")
            geladen = Akte.objects.with_person().get(pk=akte.pk)
            try:
                aenderungen = _aenderungen(geladen, daten) if geladen.version == version else daten
                if aenderungen or geladen.version != version:
                    services.akte_aendern(
                        akte=akte, erwartete_version=version, user=request.user, request=request, **aenderungen
                    )
            except Konflikt as exc:
                aktuell = Akte.objects.with_person().get(pk=exc.aktuell.pk)
                letzte = (
                    Protokolleintrag.objects.filter(akte_id_wert=akte.pk, objekt_typ="akte", aktion=Aktion.AENDERN)
                    .order_by("-id")
                    .values("benutzername", "zeitpunkt")
                    .first()
                )
                konflikt = {"meldung": str(exc), "aktuell": akte_anzeige(aktuell), "letzte": letzte}
                log.info("Konflikt beim Speichern der Akte %s durch %s", akte.pk, request.user.pk)
                # Keep what the user typed visible next to the current state, but with the new version.
                form = f.AkteBearbeitenForm(
                    data={**request.POST.dict(), "version": aktuell.version}, behoerde_id=akte.behoerde_id
                )
                form.is_valid()
            except ValidationError as exc:
                form_fehler_uebernehmen(form, exc)
            else:
                messages.success(request, "Die Aktendaten wurden gespeichert.")
                return redirect("akte", pk=akte.pk)
        status = 409 if konflikt else 400
    else:
        form = f.AkteBearbeitenForm(initial=_initial(akte), behoerde_id=akte.behoerde_id)
        status = 200
    return render(
        request, "dms/akte_bearbeiten.html", {"akte": akte, "form": form, "konflikt": konflikt}, status=status
    )


def _initial(akte: Akte) -> dict[str, Any]:
    return {
        "version": akte.version,
        "status": akte.status,
        "medium": akte.medium,
        "vertraulichkeit": akte.vertraulichkeit,
        "team": akte.team_id,
        "sachbearbeitung": akte.sachbearbeitung_id,
    }

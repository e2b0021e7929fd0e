"""In-tray (Postkorb) pages: mail items waiting for a caseworker (status zu_pruefen), routed to me, my team, or
colleagues I substitute. Open one next to its preview; file it into an Akte, create person and file from it,
or forward it. Every write is a service of the mail room (scanning.services)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.eingaben import DATUM_FEHLER, datum_lesen, id_lesen
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Dokument, Dokumentart, Register, Vorgang
from dms.queries import akte_schnellsuche_q, besetzte_teams, eigene_behoerde_id, kollegen_fuer_post
from dms.views.common import fehler_melden
from dms.views.dokument import BREITEN, seite_antwort, seitenbild_pfad
from dms.views.umlegung import ziel_finden

from .. import services
from ..models import Posteingang, PosteingangQuerySet
from . import services as sammel_services
from .queries import postkorb_q

LISTE = 100
FUER = {"ich", "vertretung", "alle"}


def _posteingaenge(request: AuthenticatedHttpRequest) -> PosteingangQuerySet:
    return Posteingang.objects.visible_to(request.user)


def _eintrag(request: AuthenticatedHttpRequest, pk: int) -> Posteingang:
    return get_object_or_404(_posteingaenge(request).select_related("team", "zugewiesen_an", "akte"), pk=pk)


@login_required
@require_GET
def postkorb(request: AuthenticatedHttpRequest) -> HttpResponse:
    z = zugang(request.user)
    fuer = request.GET.get("fuer", "ich")
    if fuer not in FUER:
        fuer = "ich"
    qs = _posteingaenge(request).im_postkorb()
    if fuer != "alle":
        qs = qs.filter(postkorb_q(z, fuer=fuer))
    eintraege = list(qs.select_related("team", "zugewiesen_an").order_by("eingegangen_am", "id")[: LISTE + 1])
    ctx = {
        "eintraege": eintraege[:LISTE],
        "mehr": len(eintraege) > LISTE,
        "fuer": fuer,
        "zugang": z,
        # Bulk actions: the same registers and forward targets as the single item's page.
        "register": Register.objects.aktiv().order_by("nummer"),
        "teams": besetzte_teams(eigene_behoerde_id(request.user)).order_by("name"),
    }
    return render(request, "scanning/postkorb.html", ctx)


@login_required
@require_POST
def sammel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Bulk action on the selected items: file them into one file, or forward them to one team."""
    ids = [i for roh in request.POST.getlist("eintrag") if (i := id_lesen(roh)) is not None]
    fuer = request.POST.get("fuer", "ich")
    zurueck = redirect(f"{reverse('postkorb')}?fuer={fuer if fuer in FUER else 'ich'}")
    if not ids:
        messages.error(request, "Bitte wählen Sie mindestens ein Schriftstück aus.")
        return zurueck
    try:
        if request.POST.get("aktion") == "weiterleiten":
            team = besetzte_teams(eigene_behoerde_id(request.user)).filter(pk=id_lesen(request.POST.get("team")) or 0)
            if not (ziel_team := team.first()):
                messages.error(request, "Bitte wählen Sie ein besetztes Team Ihrer Behörde, das Post bearbeiten kann.")
                return zurueck
            ergebnisse = sammel_services.posteingaenge_weiterleiten(
                ids=ids,
                team=ziel_team,
                notiz=(request.POST.get("hinweis") or "").strip()[:500],
                user=request.user,
                request=request,
            )
        else:
            akte, vorgang = ziel_finden(request, (request.POST.get("ziel") or "")[:60])
            register = Register.objects.aktiv().filter(nummer=request.POST.get("register", "")).first()
            if akte is None or register is None:
                messages.error(
                    request,
                    "Bitte geben Sie das Aktenzeichen einer Akte an, die Sie sehen dürfen, und "
                    "wählen Sie ein Register.",
                )
                return zurueck
            ergebnisse = sammel_services.posteingaenge_zuordnen(
                ids=ids, akte=akte, register=register, vorgang=vorgang, user=request.user, request=request
            )
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
        return zurueck
    erfolge = [e for e in ergebnisse if e.ok]
    if erfolge:
        messages.success(
            request,
            f"{len(erfolge)} von {len(ergebnisse)} Schriftstücken erledigt: "
            + "; ".join(f"{e.dateiname} {e.meldung}" for e in erfolge),
        )
    for e in ergebnisse:
        if not e.ok:
            messages.error(request, f"{e.dateiname}: {e.meldung}" if e.dateiname else e.meldung)
    return zurueck


def _vorschlaege(eintrag: Posteingang, request: HttpRequest) -> list[dict[str, Any]]:
    """The pipeline's suggestions, limited to files the user may see, best first."""
    roh = [v for v in (eintrag.vorschlaege or []) if isinstance(v, dict) and id_lesen(v.get("akte")) is not None]
    ids = [i for v in roh if (i := id_lesen(v["akte"])) is not None]
    akten = {a.pk: a for a in Akte.objects.visible_to(request.user).filter(pk__in=ids).with_person()}
    result = []
    for v in sorted(roh, key=lambda v: -float(v.get("konfidenz") or 0)):
        akte = akten.get(id_lesen(v["akte"]) or 0)
        if akte is not None:
            result.append({"akte": akte, "grund": str(v.get("grund", "")), "konfidenz": v.get("konfidenz")})
    return result


def _vorbelegung(eintrag: Posteingang) -> dict[str, str]:
    """Person data recognised by the pipeline, to pre-fill 'create person and file'."""
    m = eintrag.erkannte_merkmale if isinstance(eintrag.erkannte_merkmale, dict) else {}

    def _deutsch(wert: str) -> str:
        """A recognised date (ISO in the stored features) pre-filled as TT.MM.JJJJ; anything else as it is."""
        try:
            datum = datum_lesen(wert)
        except ValueError:
            return wert
        return f"{datum:%d.%m.%Y}" if datum else ""

    def erstes(*schluessel: str) -> str:
        for s in schluessel:
            wert = m.get(s)
            if isinstance(wert, list):
                wert = wert[0] if wert else ""
            if wert:
                return str(wert)[:200]
        return ""

    return {
        "familienname": erstes("familienname", "namen", "name"),
        "vornamen": erstes("vornamen", "vorname"),
        "geburtsdatum": _deutsch(erstes("geburtsdatum", "geburtsdaten", "daten")),
        "azr_nummer": erstes("azr_nummer", "azr_nummern"),
    }


@login_required
@require_GET
def eintrag(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    e = _eintrag(request, pk)
    protokollieren(aktion=Aktion.LESEN, request=request, objekt=e)
    z = zugang(request.user)
    seiten = max(1, min(e.seiten or 1, 50))
    ctx = {
        "eintrag": e,
        "seiten": range(1, seiten + 1),
        "vorschlaege": _vorschlaege(e, request),
        "register": Register.objects.aktiv().order_by("nummer"),
        "vorbelegung": _vorbelegung(e),
        # Forward targets: only people and staffed teams who can act on mail (never Land, Revision, empty teams).
        "kollegen": kollegen_fuer_post(z.behoerde_id),
        "teams": besetzte_teams(eigene_behoerde_id(request.user)).order_by("name"),
        "darf_aendern": z.darf_aendern and e.status == Posteingang.Status.ZU_PRUEFEN,
        "titel_vorschlag": services.titel_vorschlag(e),
        "dokumentarten": Dokumentart.objects.order_by("bezeichnung"),
    }
    return render(request, "scanning/postkorb_eintrag.html", ctx)


@login_required
@require_GET
def vorschau(request: AuthenticatedHttpRequest, pk: int, seite: int) -> HttpResponse:
    e = _eintrag(request, pk)
    breite = BREITEN["normal"]
    if seite < 1 or seite > 50:
        raise Http404
    quelle = "pdf" if e.pdf else "original"
    pfad = seitenbild_pfad(f"posteingang/{e.uuid}", quelle, breite, seite)
    return seite_antwort(
        pfad, partial(_inhalt, e), seite, breite, was=f"Posteingang {e.pk}", fehlertext="Keine Vorschau möglich."
    )


def _inhalt(e: Posteingang) -> tuple[bytes, str]:
    """The searchable PDF once the pipeline made it, else the original as received."""
    datei = e.pdf or e.original
    with datei.open("rb") as fh:
        return fh.read(), "application/pdf" if e.pdf else e.mime_type


@login_required
@require_GET
def akten_suche(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search-as-you-type for the filing form: name, AZR-Nummer, Aktenzeichen or date of birth."""
    q = (request.GET.get("q") or "").strip()[:100]
    akten: list[Akte] = []
    if len(q) >= 2:
        akten = list(
            Akte.objects.changeable_by(request.user)
            .filter(akte_schnellsuche_q(q))
            .with_person()
            .order_by("person__familienname", "aktenzeichen")[:20]
        )
    return render(request, "dms/teile/akten_auswahl.html", {"akten": akten, "q": q})


@login_required
@require_POST
def eintrag_zuordnen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """File the item into a chosen Akte (register and optional procedure)."""
    e = _eintrag(request, pk)
    akte = Akte.objects.changeable_by(request.user).filter(pk=id_lesen(request.POST.get("akte")) or 0).first()
    register = Register.objects.aktiv().filter(nummer=request.POST.get("register", "")).first()
    if akte is None or register is None:
        messages.error(request, "Bitte wählen Sie eine Akte und ein Register.")
        return redirect("postkorb-eintrag", pk=e.pk)
    vorgang = None
    if vg := id_lesen(request.POST.get("vorgang")):
        vorgang = Vorgang.objects.filter(akte=akte, pk=vg).first()
    try:
        erledigt = services.posteingang_zuordnen(
            posteingang=e,
            akte=akte,
            register=register,
            vorgang=vorgang,
            user=request.user,
            request=request,
            titel=(request.POST.get("titel") or "").strip()[:300],
            art=(request.POST.get("art") or "").strip()[:50],
        )
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
        return redirect("postkorb-eintrag", pk=e.pk)
    messages.success(request, f"Das Schriftstück wurde zur Akte {akte.aktenzeichen} genommen.")
    if erledigt.dokument_id:
        return redirect("dokument", pk=erledigt.dokument_id)
    return redirect("akte", pk=akte.pk)


@login_required
@require_POST
def neue_akte(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Create person and file from the item (pre-filled with what was recognised), then file it there."""
    e = _eintrag(request, pk)
    if not zugang(request.user).darf_aendern:
        raise PermissionDenied
    register = Register.objects.aktiv().filter(nummer=request.POST.get("register", "")).first()
    if register is None:
        messages.error(request, "Bitte wählen Sie ein Register.")
        return redirect("postkorb-eintrag", pk=e.pk)
    geburtsdatum = None
    if geb := (request.POST.get("geburtsdatum") or "").strip():
        try:
            geburtsdatum = datum_lesen(geb)
        except ValueError:
            messages.error(request, f"Das Geburtsdatum ist ungültig. {DATUM_FEHLER}")
            return redirect("postkorb-eintrag", pk=e.pk)
    try:
        akte = services.akte_aus_posteingang_anlegen(
            posteingang=e,
            register=register,
            user=request.user,
            request=request,
            familienname=(request.POST.get("familienname") or "").strip()[:200],
            vornamen=(request.POST.get("vornamen") or "").strip()[:200],
            geburtsdatum=geburtsdatum,
            azr_nummer=(request.POST.get("azr_nummer") or "").strip() or None,
        )
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
        return redirect("postkorb-eintrag", pk=e.pk)
    messages.success(request, f"Person und Akte {akte.aktenzeichen} wurden angelegt; das Schriftstück liegt darin.")
    return redirect("akte", pk=akte.pk)


@login_required
@require_POST
def weiterleiten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Forward the item to a colleague or a team of the same authority."""
    e = _eintrag(request, pk)
    z = zugang(request.user)
    ziel = request.POST.get("an", "")
    person = team = None
    if ziel.startswith("u") and (uid := id_lesen(ziel[1:])):
        person = kollegen_fuer_post(z.behoerde_id).filter(pk=uid).first()
    elif ziel.startswith("t") and (tid := id_lesen(ziel[1:])):
        team = besetzte_teams(eigene_behoerde_id(request.user)).filter(pk=tid).first()
    if person is None and team is None:
        messages.error(
            request,
            "Bitte wählen Sie eine Kollegin, einen Kollegen oder ein besetztes Team Ihrer Behörde, "
            "die Post bearbeiten können.",
        )
        return redirect("postkorb-eintrag", pk=e.pk)
    try:
        services.posteingang_weiterleiten(
            posteingang=e,
            zugewiesen_an=person,
            team=team,
            notiz=(request.POST.get("hinweis") or "").strip()[:500],
            user=request.user,
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
        return redirect("postkorb-eintrag", pk=e.pk)
    name = person.get_username() if person is not None else f"Team {team.name if team is not None else ''}"
    messages.success(request, f"Das Schriftstück wurde an {name} weitergeleitet.")
    return redirect("postkorb")


@login_required
@require_POST
def zuruecklegen(request: AuthenticatedHttpRequest, dokument: int) -> HttpResponse:
    """Send an automatic filing back to the in-tray with one click (from the document page)."""
    gefunden = get_object_or_404(
        Dokument.objects.filter(akte__in=Akte.objects.changeable_by(request.user)).select_related("akte"),
        pk=dokument,
    )
    try:
        p = services.posteingang_zuruecklegen(
            dokument=gefunden,
            user=request.user,
            grund=(request.POST.get("grund") or "").strip()[:300],
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        fehler_melden(request, exc)
        return redirect("dokument", pk=gefunden.pk)
    messages.success(request, "Die automatische Zuordnung ist zurückgenommen; das Schriftstück liegt im Postkorb.")
    return redirect("postkorb-eintrag", pk=p.pk)

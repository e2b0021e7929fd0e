"""The restructure page of a legacy file and the register separator sheets (under /poststelle/altakten/).

A caseworker sees the pages of the delivered PDF as thumbnails grouped into the proposed documents and sets, per
page, whether a new document begins there (or the page is a separator sheet), and per document its kind and
register; "Gruppierung aktualisieren" re-groups without saving, "Alle bestätigen und Gliederung übernehmen" applies
it. The plain form controls work without script; static/scanning/gliederung.js adds a click between two thumbnails
and the keys N (new document here) and V (join with the previous one) on a focused thumbnail, which set the same
check boxes and re-group at once (the focus returns to the page).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.hintergrund import aufgabe_senden
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Behoerde, Dokument, Register

from ..deckblatt import trennblaetter_pdf
from ..klassifikation.arten import ARTEN, bezeichnung_der_art, register_der_art
from . import zugriff
from .gliederung import gliederung_anwenden
from .lieferung import ALTAKTEN_QUEUE
from .models import Digitalisierungslos, Gliederung
from .tasks import GLIEDERUNGEN_VORSCHLAGEN

MAX_SEITEN_SEITE = 600


def _gliederung(request: AuthenticatedHttpRequest, pk: int) -> Gliederung:
    """Only for someone who may see the original document (own authority, Sperrvermerk): else 404."""
    g = get_object_or_404(Gliederung.objects.select_related("original__akte", "los_akte__los"), pk=pk)
    if not Dokument.objects.visible_to(request.user).filter(pk=g.original_id).exists():
        raise Http404
    return g


def abschnitte_aus_formular(
    daten: Any, seiten: int, fest: list[dict[str, Any]], bisher: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Documents from the form: a document begins on page 1, on a page marked `beginn_N`, and after a page marked
    `ohne_N` (separator sheet: in no document). Kind and register are read on the first page of each document; an
    empty register means the kind's register; a document newly begun on a page without a kind field takes the kind
    of the document `bisher` had there. Ranges in `fest` are documents already and are taken as they are."""
    art_bisher = {n: str(a.get("art") or "") for a in (bisher or []) for n in range(int(a["von"]), int(a["bis"]) + 1)}
    abschnitte: list[dict[str, Any]] = []
    fest_von = {int(a["von"]): a for a in fest}
    fest_seiten = {n for a in fest for n in range(int(a["von"]), int(a["bis"]) + 1)}
    offen = False
    for n in range(1, seiten + 1):
        if n in fest_seiten:
            if n in fest_von:
                abschnitte.append(dict(fest_von[n]))
            offen = False
            continue
        if daten.get(f"ohne_{n}"):
            offen = False
            continue
        if not offen or daten.get(f"beginn_{n}"):
            art = str(daten.get(f"art_{n}", art_bisher.get(n, ""))).strip()[:50]
            gewaehlt = str(daten.get(f"register_{n}", "")).strip()[:5]
            abschnitte.append(
                {
                    "von": n,
                    "bis": n,
                    "art": art,
                    "register": gewaehlt or register_der_art(art),
                    "register_gewaehlt": gewaehlt,
                    "titel": "",
                    "datum": "",
                }
            )
            offen = True
        else:
            abschnitte[-1]["bis"] = n
    return abschnitte


def _gruppen(g: Gliederung, abschnitte: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pages grouped for display: each document with its pages; separator pages as groups of their own."""
    start = {int(a["von"]): a for a in abschnitte}
    in_dokument = {n for a in abschnitte for n in range(int(a["von"]), int(a["bis"]) + 1)}
    gruppen: list[dict[str, Any]] = []
    for n in range(1, min(g.seiten, MAX_SEITEN_SEITE) + 1):
        if n in start:
            a = start[n]
            nummer = len([x for x in gruppen if x["abschnitt"]]) + 1
            art = str(a.get("art") or "")
            gewaehlt = a.get("register_gewaehlt") or (a.get("register") if a.get("trennblatt") else "")
            gruppen.append(
                {
                    "abschnitt": a | {"register_gewaehlt": gewaehlt},
                    "nummer": nummer,
                    "art_name": bezeichnung_der_art(art),
                    "seiten": [],
                }
            )
        elif n not in in_dokument or not gruppen:
            gruppen.append({"abschnitt": None, "seiten": []})
        fest = bool(gruppen[-1]["abschnitt"] and gruppen[-1]["abschnitt"].get("dokument"))
        gruppen[-1]["seiten"].append({"nummer": n, "ohne": n not in in_dokument, "beginn": n in start, "fest": fest})
    return gruppen


@login_required
def gliederung_bearbeiten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    g = _gliederung(request, pk)
    darf_aendern = Akte.objects.changeable_by(request.user).filter(pk=g.original.akte_id).exists()
    abschnitte = list(g.abschnitte)
    if request.method == "POST":
        if not darf_aendern or g.ist_angewandt:
            raise Http404
        fest = [a for a in g.abschnitte if a.get("dokument")]
        abschnitte = abschnitte_aus_formular(request.POST, g.seiten, fest, g.abschnitte)
        if request.POST.get("aktion") == "anwenden":
            try:
                gliederung_anwenden(gliederung=g, abschnitte=abschnitte, user=request.user, request=request)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            else:
                messages.success(request, f"Die Altakte wurde in {len(abschnitte)} Dokumente gegliedert.")
                return redirect("scanning:altakten-gliederung", pk=g.pk)
    else:
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=g, akte=g.original.akte)
    return render(
        request,
        "altakten/gliederung.html",
        {
            "g": g,
            "original": g.original,
            "gruppen": _gruppen(g, abschnitte),
            "arten": [(k, v[0], v[1]) for k, v in ARTEN.items()],
            "register": list(Register.objects.aktiv().order_by("nummer").values_list("nummer", "titel")),
            "darf_aendern": darf_aendern and not g.ist_angewandt,
            "abgeschnitten": g.seiten > MAX_SEITEN_SEITE,
            "fokus": str(request.POST.get("fokus", ""))[:6] if request.method == "POST" else "",
        },
    )


@login_required
def gliederungen_offen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The lot's legacy files whose proposed structure waits for a person (only files the user may see)."""
    los = get_object_or_404(Digitalisierungslos.objects.visible_to(request.user), pk=pk)
    if not zugriff.darf_inhalt_sehen(request.user, los.behoerde_id):
        raise Http404
    offen = (
        Gliederung.objects.filter(los_akte__los=los, status=Gliederung.Status.ZU_PRUEFEN)
        .filter(original__in=Dokument.objects.visible_to(request.user))
        .select_related("original__akte")
        .order_by("original__akte__aktenzeichen")[:500]
    )
    protokollieren(aktion=Aktion.LESEN, request=request, details={"seite": "gliederungen-offen", "los": pk})
    return render(request, "altakten/gliederungen.html", {"offen": offen, "los": los})


@login_required
@require_POST
def gliederungen_anstossen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Queue proposals for the lot's imported files whose text is recognised (queue `altakten`)."""
    los = get_object_or_404(Digitalisierungslos.objects.visible_to(request.user), pk=pk)
    if not zugriff.darf_lose_fuehren(request.user, los.behoerde_id):
        raise Http404
    protokollieren(aktion=Aktion.AENDERN, request=request, objekt=los, details={"gliederung": "vorschlagen"})
    aufgabe_senden(GLIEDERUNGEN_VORSCHLAGEN, args=[los.pk], queue=ALTAKTEN_QUEUE)
    messages.success(request, "Die Gliederung der importierten Akten wird im Hintergrund vorgeschlagen.")
    return redirect("scanning:altakten-los", pk=los.pk)


@login_required
def trennblaetter(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One register separator sheet per register of the uniform structure, to put into paper files before scanning."""
    z = zugang(request.user)
    if z.behoerde_id is None or not zugriff.darf_inhalt_sehen(request.user, z.behoerde_id):
        raise Http404
    register = list(Register.objects.aktiv().order_by("nummer").values_list("nummer", "titel"))
    protokollieren(aktion=Aktion.EXPORT, request=request, details={"registertrennblaetter": len(register)})
    behoerde = Behoerde.objects.get(pk=z.behoerde_id).name
    antwort = HttpResponse(trennblaetter_pdf(register=register, behoerde_name=behoerde), content_type="application/pdf")
    antwort["Content-Disposition"] = 'attachment; filename="registertrennblaetter.pdf"'
    return antwort

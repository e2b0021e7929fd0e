"""Mein Arbeitsplatz: the caseworker's start page (new mail, resubmissions, recent files, my files, and the parts
apps above dms register: the in-tray and the substitutes' in-tray)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dms.access import Zugang, zugang
from dms.audit import Aktion
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Protokolleintrag
from dms.neueingaenge.views import neueingaenge_abschnitt
from dms.queries import erste_mit_anzahl
from dms.wiedervorlagen.queries import faellige_wiedervorlagen

LISTE = 10
WIEDERVORLAGEN_AUF_DEM_ARBEITSPLATZ = 10  # like the other desk lists; the list page has all
ZULETZT_TAGE = 30
# What the desk shows of a due resubmission; narrow rows, as the window count joins every due one before the LIMIT.
WIEDERVORLAGE_FELDER = (
    "faellig_am",
    "notiz",
    "akte_id",
    "vorgang_id",
    "dokument_id",
    "zustaendig_id",
    "akte__aktenzeichen",
    "akte__person__familienname",
    "akte__person__vornamen",
    "akte__person__geburtsdatum",
    "vorgang__aktenzeichen",
    "dokument__titel",
    "zustaendig__username",
)

Abschnitt = Callable[[AuthenticatedHttpRequest, Zugang], dict[str, Any]]
ABSCHNITTE: list[Abschnitt] = []


def abschnitt_registrieren(abschnitt: Abschnitt) -> None:
    """Add a part to the start page. Apps above dms (the mail room's in-tray) register theirs in `AppConfig.ready`,
    so dms need not import them; each part returns template context."""
    if abschnitt not in ABSCHNITTE:
        ABSCHNITTE.append(abschnitt)


def zuletzt_geoeffnet(request: AuthenticatedHttpRequest, limit: int = LISTE) -> list[Akte]:
    """Files I opened in the last days, newest first, from the audit trail (index on user, -zeitpunkt)."""
    seit = timezone.now() - timedelta(days=ZULETZT_TAGE)
    ids = [
        akte_id
        for akte_id in Protokolleintrag.objects.filter(
            user_id=request.user.pk, aktion=Aktion.LESEN, objekt_typ="akte", zeitpunkt__gte=seit
        )
        .values("akte_id_wert")
        .annotate(z=Max("zeitpunkt"))
        .order_by("-z")
        .values_list("akte_id_wert", flat=True)[:limit]
        if akte_id is not None
    ]
    akten = {a.pk: a for a in Akte.objects.visible_to(request.user).filter(pk__in=ids).with_person()}
    return [akten[i] for i in ids if i in akten]


@login_required
def arbeitsplatz(request: AuthenticatedHttpRequest) -> HttpResponse:
    z = zugang(request.user)
    heute = timezone.localdate()
    vertretene = (
        list(get_user_model().objects.filter(pk__in=z.vertretene_ids).order_by("username")) if z.vertretene_ids else []
    )
    meine_akten = (
        Akte.objects.visible_to(request.user)
        .filter(sachbearbeitung=request.user)
        .with_person()
        .order_by("-geaendert_am")[:LISTE]
    )
    faellige, faellige_anzahl = erste_mit_anzahl(
        faellige_wiedervorlagen(request.user).only(*WIEDERVORLAGE_FELDER), WIEDERVORLAGEN_AUF_DEM_ARBEITSPLATZ
    )
    ctx: dict[str, Any] = {
        "zugang": z,
        "heute": heute,
        "postkorb": [],
        "postkorb_anzahl": 0,
        "vertretung": [],
        "vertretung_anzahl": 0,
        "vertretene": vertretene,
        "faellige": faellige,
        "faellige_anzahl": faellige_anzahl,
        **neueingaenge_abschnitt(request),
        "zuletzt": zuletzt_geoeffnet(request),
        "meine_akten": meine_akten,
    }
    for abschnitt in ABSCHNITTE:
        ctx.update(abschnitt(request, z))
    return render(request, "dms/arbeitsplatz.html", ctx)

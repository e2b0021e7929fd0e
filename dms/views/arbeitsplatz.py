"""Mein Arbeitsplatz: the caseworker's start page (in-tray, substitutions, resubmissions, recent files)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dms.access import Zugang, zugang
from dms.audit import Aktion
from dms.models import Akte, Mitgliedschaft, Protokolleintrag, Vorgang

LISTE = 10
ZULETZT_TAGE = 30


def postkorb_q(z: Zugang, *, fuer: str) -> Q:
    """Which in-tray items belong to `fuer`: "ich" (assigned to me or my team) or "vertretung" (colleagues I cover)."""
    if fuer == "ich":
        q = Q(zugewiesen_an_id=z.user_id)
        if z.team_id:
            q |= Q(team_id=z.team_id, zugewiesen_an__isnull=True)
        return q
    if not z.vertretene_ids:
        return Q(pk__in=[])
    teams = Mitgliedschaft.objects.filter(
        user_id__in=z.vertretene_ids, behoerde_id=z.behoerde_id, team__isnull=False
    ).values("team_id")
    q = Q(zugewiesen_an_id__in=z.vertretene_ids) | Q(team_id__in=teams, zugewiesen_an__isnull=True)
    if z.team_id:
        # Items of my own team are already in my own in-tray.
        q &= ~Q(team_id=z.team_id, zugewiesen_an__isnull=True)
    return q


def postkorb_liste(request: HttpRequest, z: Zugang, fuer: str, limit: int = LISTE) -> tuple[list[Any], int]:
    from scanning.models import Posteingang

    qs = Posteingang.objects.visible_to(request.user).im_postkorb().filter(postkorb_q(z, fuer=fuer))
    eintraege = list(qs.select_related("team", "zugewiesen_an").order_by("eingegangen_am", "id")[: limit + 1])
    if len(eintraege) <= limit:
        return eintraege, len(eintraege)
    return eintraege[:limit], qs.count()


def zuletzt_geoeffnet(request: HttpRequest, limit: int = LISTE) -> list[Akte]:
    """Files I opened in the last days, newest first, from the audit trail (index on user, -zeitpunkt)."""
    seit = timezone.now() - timedelta(days=ZULETZT_TAGE)
    ids = list(
        Protokolleintrag.objects.filter(
            user_id=request.user.pk, aktion=Aktion.LESEN, objekt_typ="akte", zeitpunkt__gte=seit
        )
        .values("akte_id_wert")
        .annotate(z=Max("zeitpunkt"))
        .order_by("-z")
        .values_list("akte_id_wert", flat=True)[:limit]
    )
    akten = {a.pk: a for a in Akte.objects.visible_to(request.user).filter(pk__in=ids).with_person()}
    return [akten[i] for i in ids if i in akten]


def wiedervorlagen(request: HttpRequest, z: Zugang) -> list[Vorgang]:
    """Resubmissions due today or overdue, of procedures assigned to me or to colleagues I cover."""
    heute = timezone.localdate()
    return list(
        Vorgang.objects.visible_to(request.user)
        .filter(sachbearbeitung_id__in=z.handelnde_ids or [0], wiedervorlage__lte=heute)
        .exclude(status=Vorgang.Status.ABGESCHLOSSEN)
        .select_related("akte", "akte__person", "vorgangsart", "sachbearbeitung")
        .order_by("wiedervorlage", "id")[:50]
    )


@login_required
def arbeitsplatz(request: HttpRequest) -> HttpResponse:
    z = zugang(request.user)
    heute = timezone.localdate()
    postkorb, postkorb_anzahl = postkorb_liste(request, z, "ich")
    vertretung, vertretung_anzahl = postkorb_liste(request, z, "vertretung")
    vertretene = (
        list(get_user_model().objects.filter(pk__in=z.vertretene_ids).order_by("username")) if z.vertretene_ids else []
    )
    meine_akten = (
        Akte.objects.visible_to(request.user)
        .filter(sachbearbeitung=request.user)
        .with_person()
        .order_by("-geaendert_am")[:LISTE]
    )
    ctx = {
        "zugang": z,
        "heute": heute,
        "postkorb": postkorb,
        "postkorb_anzahl": postkorb_anzahl,
        "vertretung": vertretung,
        "vertretung_anzahl": vertretung_anzahl,
        "vertretene": vertretene,
        "wiedervorlagen": wiedervorlagen(request, z),
        "zuletzt": zuletzt_geoeffnet(request),
        "meine_akten": meine_akten,
    }
    return render(request, "dms/arbeitsplatz.html", ctx)

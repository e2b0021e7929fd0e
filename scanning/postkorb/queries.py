"""Which in-tray items belong to whom (decided in SQL; always on top of `Posteingang.objects.visible_to(user)`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dms.access import Zugang
from dms.http import AuthenticatedHttpRequest

from ..models import Posteingang
from ..models.posteingang import teams_der_vertretenen

AUF_DEM_ARBEITSPLATZ = 10  # items of each in-tray shown on the start page
# What the start page shows of an item (never the recognised text or the suggestions, which can be large).
LISTENFELDER = ("dateiname", "eingegangen_am", "team__name", "zugewiesen_an__username")


def postkorb_q(z: Zugang, *, fuer: str) -> Q:
    """Which in-tray items belong to `fuer`: "ich" (assigned to me or my team) or "vertretung" (colleagues I cover)."""
    if fuer == "ich":
        q = Q(zugewiesen_an_id=z.user_id)
        if z.team_id:
            q |= Q(team_id=z.team_id, zugewiesen_an__isnull=True)
        return q
    if not z.vertretene_ids:
        return Q(pk__in=[])
    q = Q(zugewiesen_an_id__in=z.vertretene_ids) | Q(team_id__in=teams_der_vertretenen(z), zugewiesen_an__isnull=True)
    if z.team_id:
        # Items of my own team are already in my own in-tray.
        q &= ~Q(team_id=z.team_id, zugewiesen_an__isnull=True)
    return q


def postkorb_liste(
    request: AuthenticatedHttpRequest, z: Zugang, fuer: str, limit: int = AUF_DEM_ARBEITSPLATZ
) -> tuple[list[Posteingang], int]:
    """The oldest `limit` items of one in-tray and how many there are in all (no COUNT while the list is short)."""
    if fuer == "vertretung" and not z.vertretene_ids:
        return [], 0  # nobody to cover: not even the query is built (it costs more than it finds)
    qs = Posteingang.objects.visible_to(request.user).im_postkorb().filter(postkorb_q(z, fuer=fuer))
    eintraege = list(
        qs.select_related("team", "zugewiesen_an").only(*LISTENFELDER).order_by("eingegangen_am", "id")[: limit + 1]
    )
    if len(eintraege) <= limit:
        return eintraege, len(eintraege)
    return eintraege[:limit], qs.count()


def arbeitsplatz_abschnitt(request: AuthenticatedHttpRequest, z: Zugang) -> dict[str, Any]:
    """The in-tray part of the start page: my in-tray and that of the colleagues I substitute."""
    postkorb, postkorb_anzahl = postkorb_liste(request, z, "ich")
    vertretung, vertretung_anzahl = postkorb_liste(request, z, "vertretung")
    return {
        "postkorb": postkorb,
        "postkorb_anzahl": postkorb_anzahl,
        "vertretung": vertretung,
        "vertretung_anzahl": vertretung_anzahl,
    }

"""The in-tray's part of the search box (registered in `ScanningConfig.ready` with `dms.suche.suchquelle_registrieren`,
so dms never imports the mail room).

Which items: exactly those the in-tray page lists for the user (`Posteingang.objects.visible_to(user).im_postkorb()`,
the page's view "alle"): a caseworker her team's, her own, those assigned to her and those of colleagues she stands
in for; the mail room and team leads their authority's; never another authority's. Found by their recognised text
on the partial GIN index `posteingang_postkorb_text_gin` (migration scanning 0007), newest first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery
from django.urls import reverse

from dms.suche import MAX_QUELLENTREFFER, Quellentreffer, ausschnitt, ausschnitt_html

from ..models import Posteingang
from ..models.posteingang import POSTKORB_SUCHVEKTOR

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def postkorb_durchsuchen(user: AbstractBaseUser | AnonymousUser, query: SearchQuery) -> list[Quellentreffer]:
    status_text = dict(Posteingang.Status.choices)
    zeilen = (
        Posteingang.objects.visible_to(user)
        .im_postkorb()
        .annotate(suchvektor=POSTKORB_SUCHVEKTOR)
        .filter(suchvektor=query)
        .annotate(headline=ausschnitt("text", query))
        .order_by("-eingegangen_am", "-id")
        .values("id", "dateiname", "status", "eingegangen_am", "headline")[:MAX_QUELLENTREFFER]
    )
    return [
        Quellentreffer(
            art="posteingang",
            id=z["id"],
            titel=z["dateiname"],
            status=z["status"],
            status_text=str(status_text.get(z["status"], z["status"])),
            eingegangen_am=z["eingegangen_am"],
            url=reverse("postkorb-eintrag", args=[z["id"]]),
            snippet=ausschnitt_html(z["headline"] or ""),
        )
        for z in zeilen
    ]

"""The conformance figure of the uniform structure: how many legacy pages sit in a register other than 14, per lot
and per authority (shown on the lot pages and the overview the Land sees; figures only, no file lists)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from .models import Gliederung, LosAkte

SONSTIGES = "14"


@dataclass(frozen=True)
class Strukturquote:
    seiten: int  # legacy pages imported
    gegliedert: int  # pages in structured files
    ausser_sonstiges: int  # pages in documents of a register other than 14
    offen: int  # files whose proposal waits for a person

    @property
    def prozent(self) -> float:
        return round(100 * self.ausser_sonstiges / self.seiten, 1) if self.seiten else 0.0


def strukturquoten(*, nach: str, ids: set[int]) -> dict[int, Strukturquote]:
    """`nach` = "los" or "behoerde": {id: figure} for the given lots or authorities."""
    feld = "los_id" if nach == "los" else "los__behoerde_id"
    seiten = dict(
        LosAkte.objects.filter(**{f"{feld}__in": ids}, importiert_am__isnull=False)
        .values(feld)
        .annotate(s=Sum("seiten"))
        .values_list(feld, "s")
    )
    gegliedert: dict[int, int] = {}
    ausser: dict[int, int] = {}
    offen: dict[int, int] = {}
    for schluessel, status, abschnitte, n in Gliederung.objects.filter(**{f"los_akte__{feld}__in": ids}).values_list(
        f"los_akte__{feld}", "status", "abschnitte", "seiten"
    ):
        if status != Gliederung.Status.ANGEWANDT:
            offen[schluessel] = offen.get(schluessel, 0) + 1
            continue
        gegliedert[schluessel] = gegliedert.get(schluessel, 0) + n
        ausser[schluessel] = ausser.get(schluessel, 0) + sum(
            int(a["bis"]) - int(a["von"]) + 1 for a in abschnitte if a.get("register") != SONSTIGES
        )
    return {
        i: Strukturquote(int(seiten.get(i) or 0), gegliedert.get(i, 0), ausser.get(i, 0), offen.get(i, 0)) for i in ids
    }

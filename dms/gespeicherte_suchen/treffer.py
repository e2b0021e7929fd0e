"""Hit counts of a saved search, for its owner's desk: the search page's own `dms.suche.suchen` run for her, so
it counts exactly what she may see (her authority, a restricted file only when she is named on it, notes of her
authority, her in-tray), plus what is new since she last ran it from the desk.

Each count is a whole search, so the desk never runs them: its part loads, then each saved search fetches its
count on its own (`views.gespeicherte_suche_treffer`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from dms.models import Dokument
from dms.suche import Filter, Suchergebnis, suchen

from .models import GespeicherteSuche

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Trefferzahl:
    ergebnis: Suchergebnis
    seit: datetime
    neu: int  # documents filed, notes written and in-tray items received after `seit`, among the hits

    @property
    def gefunden(self) -> bool:
        return bool(self.ergebnis.gruppen or self.ergebnis.weitere)


def treffer_zaehlen(user: AbstractBaseUser | AnonymousUser, suche: GespeicherteSuche) -> Trefferzahl:
    """The saved search run now for `user`; new = hits that came after her last run (or after saving it). One
    query more than the search itself, and only when it found documents (their filing time)."""
    ergebnis = suchen(user, suche.q, Filter.aus(suche.parameter))
    seit = suche.zuletzt_ausgefuehrt_am or suche.angelegt_am
    dokument_ids = [d.id for g in ergebnis.gruppen for d in g.dokumente]
    neu = Dokument.objects.filter(pk__in=dokument_ids, angelegt_am__gt=seit).count() if dokument_ids else 0
    neu += sum(1 for g in ergebnis.gruppen for n in g.notizen if n.angelegt_am > seit)
    neu += sum(1 for t in ergebnis.weitere if t.eingegangen_am > seit)
    return Trefferzahl(ergebnis=ergebnis, seit=seit, neu=neu)

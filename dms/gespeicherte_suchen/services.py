"""Writes of saved searches: save (a second save under the same name replaces the query), delete; audited like a
search (the term only as its keyed hash, dms.suche.protokoll_details)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.services.fehler import feldfehler
from dms.suche import Filter, protokoll_details

from .models import NAME_LAENGE, GespeicherteSuche

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

MAX_JE_BENUTZER = 50


def _filter_werte(filter_: Filter) -> dict[str, str]:
    werte = {
        "register": filter_.register,
        "vorgangsart": filter_.vorgangsart,
        "von": filter_.von.isoformat() if filter_.von else "",
        "bis": filter_.bis.isoformat() if filter_.bis else "",
    }
    return {k: v for k, v in werte.items() if v}


def suche_speichern(
    *, user: User, name: str, q: str, filter_: Filter | None = None, request: HttpRequest | None = None
) -> GespeicherteSuche:
    name = " ".join((name or "").split())
    q = " ".join((q or "").split())[:500]
    if not name:
        raise feldfehler("name", "Bitte geben Sie der Suche einen Namen.")
    if len(name) > NAME_LAENGE:
        raise feldfehler("name", f"Der Name darf höchstens {NAME_LAENGE} Zeichen lang sein.")
    if not q:
        raise feldfehler("q", "Bitte geben Sie einen Suchbegriff an.")
    with transaction.atomic():
        eigene = GespeicherteSuche.objects.visible_to(user).select_for_update()
        if not eigene.filter(name=name).exists() and eigene.count() >= MAX_JE_BENUTZER:
            raise feldfehler("name", f"Sie können höchstens {MAX_JE_BENUTZER} Suchen speichern.")
        suche, neu = GespeicherteSuche.objects.update_or_create(
            user=user, name=name, defaults={"q": q, "filter": _filter_werte(filter_ or Filter())}
        )
        protokollieren(
            aktion=Aktion.ANLEGEN if neu else Aktion.AENDERN,
            user=user,
            request=request,
            objekt=suche,
            details={"gespeicherte_suche": suche.pk, **protokoll_details(q, 0)},
        )
    return suche


def suche_ausgefuehrt(*, suche: GespeicherteSuche, user: User) -> None:
    """She ran her saved search from the desk: what comes after now counts as new. A marker like a read mark (no
    audit entry of its own: the search page it leads to audits the search)."""
    if suche.user_id != user.pk:
        raise PermissionDenied("Das ist nicht Ihre gespeicherte Suche.")
    GespeicherteSuche.objects.filter(pk=suche.pk).update(zuletzt_ausgefuehrt_am=timezone.now())


def suche_loeschen(*, suche: GespeicherteSuche, user: User, request: HttpRequest | None = None) -> None:
    if suche.user_id != user.pk:
        raise PermissionDenied("Das ist nicht Ihre gespeicherte Suche.")
    with transaction.atomic():
        protokollieren(
            aktion=Aktion.LOESCHEN, user=user, request=request, objekt=suche, details={"gespeicherte_suche": suche.pk}
        )
        GespeicherteSuche.objects.filter(pk=suche.pk).delete()


def gespeicherte_suchen_entfernen(
    *, suchbegriffe: list[str], user: User | None, request: HttpRequest | None = None
) -> int:
    """Deletion by law (dms/aussonderung/loeschung.py): saved searches whose query is one of the deleted person's
    names, AZR number or Aktenzeichen (compared as the audit trail's search terms are: case and spacing ignored)
    go with the file, whoever saved them. A search that merely contains such a word stays (it may mean someone
    else); the audit entry records only the count. Inside the caller's transaction."""
    begriffe = {" ".join(b.lower().split()) for b in suchbegriffe if b.strip()}
    if not begriffe:
        return 0
    treffer = GespeicherteSuche.objects.annotate(q_klein=Lower("q")).filter(q_klein__in=begriffe)
    anzahl, _ = treffer.delete()
    if anzahl:
        protokollieren(
            aktion=Aktion.LOESCHEN,
            user=user,
            request=request,
            details={"aussonderung": "gespeicherte_suchen_geloescht", "anzahl": anzahl},
        )
    return anzahl

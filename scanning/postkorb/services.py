"""Bulk work in the in-tray: several items filed into one file, or forwarded to one team, in one action.

Each item goes through the single-item service (`posteingang_zuordnen`, `posteingang_weiterleiten`), each in its own
transaction: one item that cannot be done (a colleague filed it a minute ago, the OCR is still running) never holds
back the others. The caller gets one German line per item saying what happened. An id the user may not see is
answered exactly like an id that does not exist ("nicht gefunden"), as the single-item pages answer 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dms.models import Akte, Register, Team, Vorgang

from .. import services
from ..models import Posteingang

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

HOECHSTENS = 100  # items per bulk action (the in-tray page lists 100)


@dataclass(frozen=True)
class Einzelergebnis:
    """What happened to one item of a bulk action."""

    id: int
    ok: bool
    meldung: str
    dateiname: str = ""


def _fehlertext(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        texte = [m for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "message_dict") else []
        return " ".join(texte or exc.messages)
    return str(exc) or "Diese Aktion ist Ihnen nicht erlaubt."


def _je_eintrag(*, ids: Iterable[int], user: User, tun: Callable[[Posteingang], str]) -> list[Einzelergebnis]:
    """Run `tun` on every visible in-tray item among `ids`, each in its own transaction with the row locked."""
    ids = list(dict.fromkeys(ids))[:HOECHSTENS]
    sichtbar = dict(Posteingang.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "dateiname"))
    ergebnisse = []
    for pid in ids:
        if pid not in sichtbar:
            ergebnisse.append(Einzelergebnis(pid, False, f"Schriftstück Nr. {pid} wurde nicht gefunden."))
            continue
        try:
            with transaction.atomic():
                p = Posteingang.objects.select_for_update(of=("self",)).select_related("zugeordnet_von").get(pk=pid)
                if p.status != Posteingang.Status.ZU_PRUEFEN:
                    ergebnisse.append(Einzelergebnis(pid, False, _nicht_mehr_im_postkorb(p), p.dateiname))
                    continue
                ergebnisse.append(Einzelergebnis(pid, True, tun(p), p.dateiname))
        except (ValidationError, PermissionDenied) as exc:
            ergebnisse.append(Einzelergebnis(pid, False, _fehlertext(exc), sichtbar[pid]))
    return ergebnisse


def _nicht_mehr_im_postkorb(p: Posteingang) -> str:
    if p.status == Posteingang.Status.ZUGEORDNET:
        von = p.zugeordnet_von.get_username() if p.zugeordnet_von else "automatisch"
        return f"wurde inzwischen bereits zugeordnet ({von}) und nicht noch einmal abgelegt."
    return f"liegt nicht mehr im Postkorb (Status: {p.get_status_display()})."


def posteingaenge_zuordnen(
    *,
    ids: Iterable[int],
    akte: Akte,
    register: Register,
    user: User,
    vorgang: Vorgang | None = None,
    request: HttpRequest | None = None,
) -> list[Einzelergebnis]:
    """File every item into `akte` (register, optional procedure); titles and kinds as recognised per item."""
    if not Akte.objects.changeable_by(user).filter(pk=akte.pk).exists():
        raise ValidationError({"akte": ["Diese Akte ist nicht vorhanden oder für Sie nicht änderbar."]})
    if vorgang is not None and vorgang.akte_id != akte.pk:
        raise ValidationError({"vorgang": ["Der Vorgang gehört nicht zu dieser Akte."]})

    def zuordnen(p: Posteingang) -> str:
        services.posteingang_zuordnen(
            posteingang=p, akte=akte, register=register, vorgang=vorgang, user=user, request=request
        )
        return f"zur Akte {akte.aktenzeichen} genommen."

    return _je_eintrag(ids=ids, user=user, tun=zuordnen)


def posteingaenge_weiterleiten(
    *, ids: Iterable[int], team: Team, user: User, notiz: str = "", request: HttpRequest | None = None
) -> list[Einzelergebnis]:
    """Forward every item to `team` (the single-item service refuses teams that cannot act on mail)."""

    def weiterleiten(p: Posteingang) -> str:
        services.posteingang_weiterleiten(posteingang=p, team=team, notiz=notiz, user=user, request=request)
        return f"an Team {team.name} weitergeleitet."

    return _je_eintrag(ids=ids, user=user, tun=weiterleiten)

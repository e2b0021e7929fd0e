"""Writes of resubmissions: create, done, postpone; the daily marking of due ones."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.models import Akte, Dokument, Vorgang
from dms.services.fehler import feldfehler

from .models import Wiedervorlage

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

NOTIZ_LAENGE = 500


def _akte_des_gegenstands(akte: Akte | None, vorgang: Vorgang | None, dokument: Dokument | None) -> Akte:
    gegeben = [g for g in (akte, vorgang, dokument) if g is not None]
    if len(gegeben) != 1:
        raise feldfehler("akte", "Bitte geben Sie genau eine Akte, einen Vorgang oder ein Dokument an.")
    if akte is not None:
        return akte
    return (vorgang or dokument).akte  # type: ignore[union-attr]


def _aenderbar(wiedervorlage_akte_id: int, user: User) -> None:
    if not Akte.objects.changeable_by(user).filter(pk=wiedervorlage_akte_id).exists():
        raise PermissionDenied("Sie dürfen diese Wiedervorlage nicht bearbeiten.")


def wiedervorlage_anlegen(
    *,
    user: User,
    faellig_am: date,
    notiz: str = "",
    akte: Akte | None = None,
    vorgang: Vorgang | None = None,
    dokument: Dokument | None = None,
    zustaendig: User | None = None,
    request: HttpRequest | None = None,
) -> Wiedervorlage:
    """A resubmission on a file, a procedure or a document, for `zustaendig` (default: the user herself)."""
    ziel = _akte_des_gegenstands(akte, vorgang, dokument)
    _aenderbar(ziel.pk, user)
    zustaendig = zustaendig or user
    if zugang(zustaendig).behoerde_id != ziel.behoerde_id:
        raise feldfehler("zustaendig", "Die zuständige Person gehört nicht zur Behörde der Akte.")
    with transaction.atomic():
        wv = Wiedervorlage.objects.create(
            akte=ziel,
            vorgang=vorgang,
            dokument=dokument,
            faellig_am=faellig_am,
            notiz=notiz.strip()[:NOTIZ_LAENGE],
            zustaendig=zustaendig,
            angelegt_von=user,
        )
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=user,
            request=request,
            objekt=wv,
            akte=ziel,
            details={"faellig_am": faellig_am.isoformat(), "vorgang": wv.vorgang_id, "dokument": wv.dokument_id},
        )
    return wv


def wiedervorlage_erledigen(*, wiedervorlage: Wiedervorlage, user: User, request: HttpRequest | None = None) -> bool:
    """Done (idempotent: a second click changes nothing and returns False)."""
    _aenderbar(wiedervorlage.akte_id, user)
    with transaction.atomic():
        geaendert = Wiedervorlage.objects.filter(pk=wiedervorlage.pk, erledigt_am__isnull=True).update(
            erledigt_am=timezone.now(), erledigt_von=user
        )
        if geaendert:
            protokollieren(
                aktion=Aktion.AENDERN,
                user=user,
                request=request,
                objekt=wiedervorlage,
                akte=wiedervorlage.akte,
                details={"wiedervorlage": "erledigt"},
            )
    return bool(geaendert)


def wiedervorlage_verschieben(
    *,
    wiedervorlage: Wiedervorlage,
    user: User,
    faellig_am: date | None = None,
    tage: int = 7,
    request: HttpRequest | None = None,
) -> Wiedervorlage:
    """Postpone to a date, or by `tage` days from today (the desk's one click)."""
    _aenderbar(wiedervorlage.akte_id, user)
    neu = faellig_am or timezone.localdate() + timedelta(days=tage)
    if neu < timezone.localdate():
        raise feldfehler("faellig_am", "Eine Wiedervorlage kann nicht in die Vergangenheit verschoben werden.")
    with transaction.atomic():
        wv = Wiedervorlage.objects.select_for_update().get(pk=wiedervorlage.pk)
        if wv.erledigt_am is not None:
            raise feldfehler("faellig_am", "Diese Wiedervorlage ist bereits erledigt.")
        alt = wv.faellig_am
        Wiedervorlage.objects.filter(pk=wv.pk).update(faellig_am=neu, gemeldet_am=None)
        wv.refresh_from_db()
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=wv,
            akte=wv.akte,
            details={"wiedervorlage": "verschoben", "von": alt.isoformat(), "auf": neu.isoformat()},
        )
    return wv


def faellige_wiedervorlagen_melden(*, heute: date | None = None) -> int:
    """Mark every open resubmission due by `heute` that is not yet marked (idempotent: a second run marks none).
    A progress marker without an audit entry; the desk shows due ones by date whether or not this ran."""
    heute = heute or timezone.localdate()
    with transaction.atomic():
        return (
            Wiedervorlage.objects.offen()
            .filter(faellig_am__lte=heute, gemeldet_am__isnull=True)
            .update(gemeldet_am=heute)
        )

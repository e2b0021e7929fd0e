"""Writes of the Aussonderung's first half: closing a file (its retention date), legal holds.

The archive exchange is in `anbietung.py`, the deletion in `loeschung.py`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.models import Akte, Dokument
from dms.permissions_matrix import darf
from dms.services.fehler import feldfehler

from .frist import Fall, Frist, KeineRegel, frist_berechnen
from .models import Abschlussgrund, Aktenschluss, Loeschsperre
from .regeln import regeln
from .zugriff import akten_der_behoerde, schriftgutverwaltung_pruefen

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def fall_fuer(akte: Akte, grund: str, datum: date, einreisesperre_bis: date | None, haftung_bis: date | None) -> Fall:
    """The plain values the computation needs, with the retention years of the registers the file uses."""
    register = (
        Dokument.objects.filter(akte=akte)
        .values_list("register__nummer", "register__aufbewahrung_jahre")
        .distinct()
        .order_by("register__nummer")
    )
    return Fall(grund, datum, tuple(register), einreisesperre_bis, haftung_bis)


def _frist(fall: Fall) -> Frist:
    try:
        return frist_berechnen(fall, regeln())
    except KeineRegel as exc:
        raise ValidationError(str(exc)) from exc


def aktenschluss_setzen(
    *,
    akte: Akte,
    user: User,
    grund: str,
    datum: date,
    einreisesperre_bis: date | None = None,
    haftung_bis: date | None = None,
    request: HttpRequest | None = None,
) -> Aktenschluss:
    """Record why and when the file ended; computes the retention date and its legal basis; closes the file."""
    if grund not in Abschlussgrund.values:
        raise feldfehler("grund", "Unbekannter Abschlussgrund.")
    if datum > timezone.localdate():
        raise feldfehler("datum", "Das Ereignis darf nicht in der Zukunft liegen.")
    erlaubt = Akte.objects.changeable_by(user)
    if darf(user, "aussonderung"):
        erlaubt = erlaubt | akten_der_behoerde(user)
    with transaction.atomic():
        if not erlaubt.filter(pk=akte.pk).exists():
            raise Http404
        akte = Akte.objects.select_for_update().get(pk=akte.pk)
        if akte.status == Akte.Status.AUSGESONDERT:
            raise ValidationError("Die Akte ist bereits ausgesondert.")
        frist = _frist(fall_fuer(akte, grund, datum, einreisesperre_bis, haftung_bis))
        schluss, _ = Aktenschluss.objects.update_or_create(
            akte=akte,
            defaults={
                "behoerde_id": akte.behoerde_id,
                "grund": grund,
                "datum": datum,
                "einreisesperre_bis": einreisesperre_bis,
                "haftung_bis": haftung_bis,
                "faellig_am": frist.faellig_am,
                "rechtsgrundlage": frist.rechtsgrundlage,
                "regel_version": frist.version,
                "erfasst_von": user,
            },
        )
        if akte.status == Akte.Status.AKTIV:
            Akte.objects.filter(pk=akte.pk).update(
                status=Akte.Status.GESCHLOSSEN, version=F("version") + 1, geaendert_am=timezone.now()
            )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=akte,
            details={
                "aussonderung": "abschluss",
                "grund": grund,
                "datum": str(datum),
                "faellig_am": str(frist.faellig_am),
                "regel_version": frist.version,
            },
        )
    return schluss


def fristen_neu_berechnen(*, behoerde_id: int | None = None) -> int:
    """After a change of the rules: recompute every open file's date (its closing data stay). Returns the count."""
    geaendert = 0
    qs = Aktenschluss.objects.select_related("akte").filter(status=Aktenschluss.Status.LAUFEND)
    if behoerde_id is not None:
        qs = qs.filter(behoerde_id=behoerde_id)
    for schluss in qs.iterator(chunk_size=500):
        fall = fall_fuer(schluss.akte, schluss.grund, schluss.datum, schluss.einreisesperre_bis, schluss.haftung_bis)
        frist = _frist(fall)
        if (frist.faellig_am, frist.rechtsgrundlage, frist.version) != (
            schluss.faellig_am,
            schluss.rechtsgrundlage,
            schluss.regel_version,
        ):
            Aktenschluss.objects.filter(pk=schluss.pk).update(
                faellig_am=frist.faellig_am, rechtsgrundlage=frist.rechtsgrundlage, regel_version=frist.version
            )
            geaendert += 1
    return geaendert


def sperre_setzen(*, akte: Akte, user: User, art: str, grund: str, request: HttpRequest | None = None) -> Loeschsperre:
    """A legal hold: the file is shown in the due list but never offered or deleted until it is lifted."""
    if art not in Loeschsperre.Art.values:
        raise feldfehler("art", "Unbekannte Art der Löschsperre.")
    if not grund.strip():
        raise feldfehler("grund", "Bitte begründen Sie die Löschsperre.")
    with transaction.atomic():
        try:
            akte = akten_der_behoerde(user).get(pk=akte.pk)
        except Akte.DoesNotExist as exc:
            raise Http404 from exc
        sperre = Loeschsperre.objects.create(akte=akte, art=art, grund=grund.strip()[:500], gesetzt_von=user)
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=akte,
            details={"aussonderung": "loeschsperre_gesetzt", "sperre": sperre.pk, "art": art, "grund": sperre.grund},
        )
    return sperre


def sperre_aufheben(
    *, sperre: Loeschsperre, user: User, grund: str, request: HttpRequest | None = None
) -> Loeschsperre:
    if not grund.strip():
        raise feldfehler("grund", "Bitte begründen Sie die Aufhebung.")
    schriftgutverwaltung_pruefen(user)
    with transaction.atomic():
        try:
            sperre = Loeschsperre.objects.select_for_update().get(
                pk=sperre.pk, akte__in=akten_der_behoerde(user).values("pk")
            )
        except Loeschsperre.DoesNotExist as exc:
            raise Http404 from exc
        if sperre.aufgehoben_am is not None:
            raise ValidationError("Diese Löschsperre ist bereits aufgehoben.")
        Loeschsperre.objects.filter(pk=sperre.pk).update(
            aufgehoben_von=user, aufgehoben_am=timezone.now(), aufhebungsgrund=grund.strip()[:500]
        )
        sperre.refresh_from_db()
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=sperre.akte,
            details={"aussonderung": "loeschsperre_aufgehoben", "sperre": sperre.pk, "grund": sperre.aufhebungsgrund},
        )
    return sperre

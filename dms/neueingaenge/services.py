"""Writes of new mail: marking a filed document as new, marking it read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.models import Akte, Dokument

from .models import Neueingang, NeueingangGelesen

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

QUELLE_NACH_DOKUMENT: dict[str, str] = {
    Dokument.Quelle.ALTAKTE: Neueingang.Quelle.ALTAKTE,
    Dokument.Quelle.ABGABE: Neueingang.Quelle.ABGABE,
    Dokument.Quelle.FACHVERFAHREN: Neueingang.Quelle.FACHVERFAHREN,
}


def quelle_bestimmen(dokument: Dokument, user: User | None) -> str:
    """How the document reached the file, as the desk names it."""
    if dokument.quelle in QUELLE_NACH_DOKUMENT:
        return QUELLE_NACH_DOKUMENT[dokument.quelle]
    if user is None or not user.is_authenticated:
        return Neueingang.Quelle.AUTOMATISCH
    return Neueingang.Quelle.KOLLEGE


def neueingang_vermerken(*, dokument: Dokument, user: User | None, quelle: str = "") -> Neueingang:
    """Mark a document as new in its (current) file; called inside the filing use case's transaction, which writes
    the audit entry. A second call (move, hand-over) renews it: new for the file's people again, read marks gone."""
    eingestellt_von = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        neueingang, angelegt = Neueingang.objects.update_or_create(
            dokument=dokument,
            defaults={
                "akte_id": dokument.akte_id,
                "quelle": quelle or quelle_bestimmen(dokument, user),
                "eingestellt_von": eingestellt_von,
                "eingestellt_am": timezone.now(),
            },
        )
        if not angelegt:
            NeueingangGelesen.objects.filter(neueingang=neueingang).delete()
    return neueingang


def neueingang_entfernen(*, dokument: Dokument) -> None:
    """The document no longer stands on its own (merged into another by page editing): nothing left to read. Called
    inside the editing use case's transaction, which writes the audit entry."""
    Neueingang.objects.filter(dokument=dokument).delete()


def neueingaenge_der_akte_vermerken(*, akte: Akte, user: User | None, quelle: str) -> int:
    """Every document of a file is new (a file taken over by hand-over): set-based, two statements."""
    jetzt = timezone.now()
    eingestellt_von = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        Neueingang.objects.filter(dokument__akte=akte).delete()
        neue = [
            Neueingang(dokument_id=d, akte=akte, quelle=quelle, eingestellt_von=eingestellt_von, eingestellt_am=jetzt)
            for d in Dokument.objects.filter(akte=akte).values_list("pk", flat=True)
        ]
        Neueingang.objects.bulk_create(neue, batch_size=1000)
    return len(neue)


def neueingang_gelesen(
    *, dokument: Dokument, user: User, request: HttpRequest | None = None, protokoll: bool = True
) -> bool:
    """Mark a new document read for `user` (idempotent). True when it was unread. `protokoll=False` when the caller
    already wrote the read entry (opening the document)."""
    with transaction.atomic():
        neueingang = Neueingang.objects.filter(dokument=dokument).first()
        if neueingang is None:
            return False
        _, angelegt = NeueingangGelesen.objects.get_or_create(
            neueingang=neueingang, user=user, defaults={"gelesen_am": timezone.now()}
        )
        if angelegt and protokoll:
            protokollieren(
                aktion=Aktion.LESEN,
                user=user,
                request=request,
                objekt=dokument,
                akte=dokument.akte,
                details={"neueingang": "gelesen"},
            )
    return angelegt


def neueingaenge_gelesen(*, dokument_ids: list[int], user: User, request: HttpRequest | None = None) -> int:
    """Mark several new documents read at once (the desk's "alle als gelesen markieren"); one audit entry."""
    jetzt = timezone.now()
    with transaction.atomic():
        ids = list(Neueingang.objects.filter(dokument_id__in=dokument_ids).values_list("pk", flat=True))
        angelegt = NeueingangGelesen.objects.bulk_create(
            [NeueingangGelesen(neueingang_id=i, user=user, gelesen_am=jetzt) for i in ids], ignore_conflicts=True
        )
        if ids:
            protokollieren(
                aktion=Aktion.LESEN,
                user=user,
                request=request,
                details={"neueingaenge_gelesen": sorted(dokument_ids)[:1000], "anzahl": len(ids)},
            )
    return len(angelegt)

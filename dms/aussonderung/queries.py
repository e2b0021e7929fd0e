"""Reads: the due list (the records officer's own authority, Sperrvermerk respected) and the Land's figures."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from dms.models import Akte, Behoerde

from .models import Aktenschluss, Anbietungsposten, Loeschsperre, Loeschung
from .zugriff import schriftgutverwaltung_pruefen

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def faellige(
    user: AbstractBaseUser | AnonymousUser, *, grund: str | None = None, stichtag: date | None = None
) -> QuerySet[Aktenschluss]:
    """Files whose retention has ended (oldest first), with their active legal holds; held files included."""
    behoerde_id = schriftgutverwaltung_pruefen(user)
    qs = Aktenschluss.objects.filter(
        behoerde_id=behoerde_id,
        faellig_am__lte=stichtag or timezone.localdate(),
        akte__in=Akte.objects.visible_to(user).filter(behoerde_id=behoerde_id).values("pk"),
    )
    if grund:
        qs = qs.filter(grund=grund)
    aktive = Loeschsperre.objects.filter(aufgehoben_am__isnull=True).select_related("gesetzt_von")
    # The archive's reason for a failed import (0506), shown to the officer with the file.
    meldung = Anbietungsposten.objects.filter(akte_id=OuterRef("akte_id"), uebernahme_fehlgeschlagen=True).order_by(
        "-anbietung__angeboten_am"
    )
    return (
        qs.annotate(archiv_meldung=Subquery(meldung.values("archiv_meldung")[:1]))
        .select_related("akte")
        .prefetch_related(Prefetch("akte__loeschsperren", queryset=aktive, to_attr="aktive_sperren"))
        .order_by("faellig_am", "id")
    )


def land_zahlen(stichtag: date | None = None) -> list[dict[str, Any]]:
    """Per authority: due, offered, archived, deleted. Numbers only, no personal data."""
    heute = stichtag or timezone.localdate()
    faellig = dict(
        Aktenschluss.objects.filter(faellig_am__lte=heute, status=Aktenschluss.Status.LAUFEND)
        .values_list("behoerde_id")
        .annotate(n=Count("id"))
    )
    angeboten = dict(
        Aktenschluss.objects.exclude(status=Aktenschluss.Status.LAUFEND)
        .values_list("behoerde_id")
        .annotate(n=Count("id"))
    )
    archiviert = dict(
        Anbietungsposten.objects.filter(archiviert=True).values_list("anbietung__behoerde_id").annotate(n=Count("id"))
    )
    geloescht = dict(
        Loeschung.objects.filter(status=Loeschung.Status.DURCHGEFUEHRT)
        .values_list("behoerde_id")
        .annotate(n=Count("id"))
    )
    return [
        {
            "behoerde": b.pk,
            "kuerzel": b.kuerzel,
            "name": b.name,
            "faellig": faellig.get(b.pk, 0),
            "angeboten": angeboten.get(b.pk, 0),
            "archiviert": archiviert.get(b.pk, 0),
            "geloescht": geloescht.get(b.pk, 0),
        }
        for b in Behoerde.objects.filter(Q(aktiv=True)).order_by("kuerzel")
    ]

"""Wiedervorlage: a date and a note on a file, a procedure or a document, for one responsible user.

Writes go through `dms.wiedervorlagen.services`; reads start at `Wiedervorlage.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from dms.models import Akte, Dokument, Vorgang

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class WiedervorlageQuerySet(models.QuerySet["Wiedervorlage"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> WiedervorlageQuerySet:
        from dms.access import sichtbare_akten_ids

        return self.filter(akte_id__in=sichtbare_akten_ids(user))

    def offen(self) -> WiedervorlageQuerySet:
        return self.filter(erledigt_am__isnull=True)


class Wiedervorlage(models.Model):
    akte = models.ForeignKey(Akte, on_delete=models.CASCADE, related_name="wiedervorlagen", verbose_name="Akte")
    vorgang = models.ForeignKey(
        Vorgang, on_delete=models.CASCADE, null=True, blank=True, related_name="wiedervorlagen", verbose_name="Vorgang"
    )
    dokument = models.ForeignKey(
        Dokument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wiedervorlagen",
        verbose_name="Dokument",
    )
    faellig_am = models.DateField("fällig am")
    notiz = models.CharField("Notiz", max_length=500, blank=True, default="")
    zustaendig = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wiedervorlagen", verbose_name="zuständig"
    )
    angelegt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="angelegt von"
    )
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    erledigt_am = models.DateTimeField("erledigt am", null=True, blank=True)
    erledigt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="erledigt von",
    )
    # Set by the daily task when the resubmission became due (the desk queries by date and never depends on it).
    gemeldet_am = models.DateField("als fällig gemeldet am", null=True, blank=True)

    objects = WiedervorlageQuerySet.as_manager()

    class Meta:
        verbose_name = "Wiedervorlage"
        verbose_name_plural = "Wiedervorlagen"
        ordering = ["faellig_am", "id"]
        indexes = [
            models.Index(
                fields=["zustaendig", "faellig_am"], condition=Q(erledigt_am__isnull=True), name="wv_offen_faellig"
            )
        ]

    def __str__(self) -> str:
        return f"Wiedervorlage {self.faellig_am:%d.%m.%Y} ({self.akte_id})"

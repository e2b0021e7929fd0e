"""Neueingang: one row per filed document that is new for its file's people; read marks per user.

Writes go through `dms.neueingaenge.services`; reads through `dms.neueingaenge.queries` (always within
`Akte.objects.visible_to(user)`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dms.models import Akte, Dokument


class Neueingang(models.Model):
    """A document newly filed into `akte` (one row per document; a move or hand-over renews it)."""

    class Quelle(models.TextChoices):
        AUTOMATISCH = "automatisch", "automatisch zugeordnet (Poststelle)"
        KOLLEGE = "kollege", "von einer Kollegin oder einem Kollegen abgelegt"
        ABGABE = "abgabe", "mit einer Aktenabgabe übernommen"
        ALTAKTE = "altakte", "aus der Altaktendigitalisierung"
        FACHVERFAHREN = "fachverfahren", "vom Fachverfahren übermittelt"
        UMLEGUNG = "umlegung", "aus einer anderen Akte umgelegt"

    dokument = models.OneToOneField(
        Dokument, on_delete=models.CASCADE, related_name="neueingang", verbose_name="Dokument"
    )
    akte = models.ForeignKey(Akte, on_delete=models.CASCADE, related_name="neueingaenge", verbose_name="Akte")
    quelle = models.CharField("Quelle", max_length=20, choices=Quelle.choices)
    eingestellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="eingestellt von",
    )
    eingestellt_am = models.DateTimeField("eingestellt am")

    class Meta:
        verbose_name = "Neueingang"
        verbose_name_plural = "Neueingänge"
        ordering = ["-eingestellt_am", "-id"]
        indexes = [models.Index(fields=["akte", "-eingestellt_am"], name="neueingang_akte_neueste")]

    def __str__(self) -> str:
        return f"Neueingang {self.dokument_id} in {self.akte_id}"


class NeueingangGelesen(models.Model):
    """One user has opened the document or marked it read."""

    neueingang = models.ForeignKey(Neueingang, on_delete=models.CASCADE, related_name="gelesen")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    gelesen_am = models.DateTimeField("gelesen am")

    class Meta:
        verbose_name = "gelesener Neueingang"
        verbose_name_plural = "gelesene Neueingänge"
        constraints = [models.UniqueConstraint(fields=["neueingang", "user"], name="neueingang_einmal_je_user")]

    def __str__(self) -> str:
        return f"{self.neueingang_id} gelesen von {self.user_id}"

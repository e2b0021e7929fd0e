"""Seitenverteilung: a long scan's page blocks in flight (scanning/pipeline/verteilung.py), so a lost block or join
is noticed. One row per fanned-out document version while it runs; the join deletes it, the sweeper
(`seitenbloecke_sweeper`, beat) re-queues what is missing when nothing moved for `OCR_BLOCK_HAENGT_SEKUNDEN` and
marks it failed after `OCR_BLOCK_VERSUCHE` attempts.
"""

from __future__ import annotations

from django.db import models

from dms.models import DokumentVersion


class Seitenverteilung(models.Model):
    class Status(models.TextChoices):
        LAEUFT = "laeuft", "läuft"
        FEHLER = "fehler", "gescheitert"

    version = models.OneToOneField(
        DokumentVersion, on_delete=models.CASCADE, related_name="seitenverteilung", verbose_name="Dokumentversion"
    )
    seiten = models.PositiveIntegerField("Seiten")
    je_block = models.PositiveIntegerField("Seiten je Block")
    bloecke = models.PositiveIntegerField("Blöcke")
    queue = models.CharField("Warteschlange", max_length=50, blank=True, default="")
    status = models.CharField("Status", max_length=10, choices=Status.choices, default=Status.LAEUFT)
    verteilt_am = models.DateTimeField("verteilt am")
    # Last sign of life: fan-out, a finished block, the join's start, a re-queue by the sweeper.
    fortschritt_am = models.DateTimeField("letzter Fortschritt")
    versuche = models.PositiveIntegerField("erneute Einreihungen", default=0)
    fehler = models.TextField("Meldung", blank=True, default="")

    class Meta:
        verbose_name = "Seitenverteilung"
        verbose_name_plural = "Seitenverteilungen"
        indexes = [models.Index(fields=["status", "fortschritt_am"], name="seitenverteilung_haengend")]

    def __str__(self) -> str:
        return f"Version {self.version_id}: {self.bloecke} Blöcke ({self.get_status_display()})"

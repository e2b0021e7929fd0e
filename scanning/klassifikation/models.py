"""Corrections caseworkers made to the classifier's proposals: training data for the next retraining."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dms.models import Behoerde, DokumentVersion


class Klassifikationskorrektur(models.Model):
    """One confirmed or corrected proposal: the page texts (shortened) and the right answer.

    For a legacy file `abschnitte` are the final documents [{von, bis, art}]; for an incoming letter one entry for the
    whole letter. Kept per authority; texts are training data only and never shown."""

    class Quelle(models.TextChoices):
        ALTAKTE = "altakte", "Altakte"
        POSTEINGANG = "posteingang", "Posteingang"

    behoerde = models.ForeignKey(Behoerde, on_delete=models.CASCADE, related_name="+")
    quelle = models.CharField("Quelle", max_length=12, choices=Quelle.choices)
    seiten = models.JSONField("Seitentexte", default=list)
    abschnitte = models.JSONField("richtige Gliederung", default=list)
    geaendert = models.BooleanField("vom Vorschlag abweichend", default=False)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    angelegt_von = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = "Korrektur der Klassifikation"
        verbose_name_plural = "Korrekturen der Klassifikation"
        ordering = ["-angelegt_am"]

    def __str__(self) -> str:
        return f"Korrektur {self.pk}"


class Seitenmerkmale(models.Model):
    """The image features of every page of a document version (bildmerkmale.NAMEN; computed once in the OCR page
    loop from the page image rasterised there anyway). Numbers only, no image; deleted with the version."""

    version = models.OneToOneField(DokumentVersion, on_delete=models.CASCADE, related_name="seitenmerkmale")
    bilder = models.JSONField("Bildmerkmale je Seite", default=list)

    class Meta:
        verbose_name = "Bildmerkmale der Seiten"
        verbose_name_plural = "Bildmerkmale der Seiten"

    def __str__(self) -> str:
        return f"Bildmerkmale der Version {self.version_id}"

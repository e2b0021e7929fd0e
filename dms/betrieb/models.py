"""State of the storage integrity check: one row per run (resumable: where it stands per file source) and one row
per finding. Registered in dms/models/__init__.py (app label `dms`)."""

from __future__ import annotations

from django.db import models


class Integritaetslauf(models.Model):
    class Status(models.TextChoices):
        LAEUFT = "laeuft", "läuft"
        FERTIG = "fertig", "fertig"
        ABGEBROCHEN = "abgebrochen", "abgebrochen (durch einen neuen Lauf ersetzt)"

    gestartet_am = models.DateTimeField("gestartet am", auto_now_add=True)
    fortschritt_am = models.DateTimeField("zuletzt fortgesetzt", auto_now=True)
    beendet_am = models.DateTimeField("beendet am", null=True, blank=True)
    status = models.CharField("Status", max_length=12, choices=Status.choices, default=Status.LAEUFT)
    # Per file source the last primary key checked: a run continues after a crash or restart from here.
    position = models.JSONField("Stand je Quelle", default=dict, blank=True)
    geprueft = models.PositiveBigIntegerField("geprüfte Dateien", default=0)
    bytes_gelesen = models.PositiveBigIntegerField("gelesene Bytes", default=0)
    fehlend = models.PositiveIntegerField("fehlende Dateien", default=0)
    veraendert = models.PositiveIntegerField("veränderte Dateien", default=0)

    class Meta:
        verbose_name = "Integritätsprüfung"
        verbose_name_plural = "Integritätsprüfungen"
        ordering = ["-id"]
        permissions = [("betrieb_ueberwachen", "Betriebsmetriken und Prüfergebnisse sehen")]

    def __str__(self) -> str:
        return f"Integritätsprüfung {self.pk} ({self.get_status_display()})"


class Integritaetsbefund(models.Model):
    class Art(models.TextChoices):
        FEHLT = "fehlt", "Datei fehlt"
        VERAENDERT = "veraendert", "Prüfsumme weicht ab"

    lauf = models.ForeignKey(Integritaetslauf, on_delete=models.CASCADE, related_name="befunde")
    quelle = models.CharField("Quelle", max_length=50)
    objekt_id = models.BigIntegerField("Objekt-ID")
    pfad = models.CharField("Speicherpfad", max_length=300)
    art = models.CharField("Art", max_length=12, choices=Art.choices)
    erwartet = models.CharField("erwartete SHA-256", max_length=64, blank=True, default="")
    gefunden = models.CharField("gefundene SHA-256", max_length=64, blank=True, default="")
    festgestellt_am = models.DateTimeField("festgestellt am", auto_now_add=True)

    class Meta:
        verbose_name = "Integritätsbefund"
        verbose_name_plural = "Integritätsbefunde"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_art_display()}: {self.quelle} {self.objekt_id}"

"""The Land-wide uniform file structure: versioned Aktenplan with registers, and the Vorgang catalogue."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Aktenplan(models.Model):
    version = models.CharField("Version", max_length=20, unique=True)
    bezeichnung = models.CharField("Bezeichnung", max_length=200)
    gueltig_ab = models.DateField("gültig ab")
    aktiv = models.BooleanField("aktiv", default=False)

    class Meta:
        verbose_name = "Aktenplan"
        verbose_name_plural = "Aktenpläne"
        ordering = ["-gueltig_ab"]
        constraints = [models.UniqueConstraint(fields=["aktiv"], condition=Q(aktiv=True), name="ein_aktiver_aktenplan")]

    def __str__(self) -> str:
        return f"{self.bezeichnung} (Version {self.version})"


class Aussonderungsart(models.TextChoices):
    ARCHIVWUERDIG = "A", "archivwürdig"
    BEWERTEN = "B", "bewerten"
    VERNICHTEN = "V", "vernichten"


class RegisterQuerySet(models.QuerySet["Register"]):
    def aktiv(self) -> RegisterQuerySet:
        return self.filter(aktenplan__aktiv=True)


class Register(models.Model):
    """A tab of every Akte (xdomea Teilakte), defined once for the whole Land."""

    aktenplan = models.ForeignKey(
        Aktenplan, on_delete=models.PROTECT, related_name="register", verbose_name="Aktenplan"
    )
    nummer = models.CharField("Nummer", max_length=5)
    titel = models.CharField("Titel", max_length=200)
    aufbewahrung_jahre = models.PositiveSmallIntegerField("Aufbewahrungsfrist (Jahre)", default=10)
    aussonderungsart = models.CharField(
        "Aussonderungsart", max_length=1, choices=Aussonderungsart.choices, default=Aussonderungsart.BEWERTEN
    )

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = "Register"
        verbose_name_plural = "Register"
        ordering = ["aktenplan", "nummer"]
        constraints = [models.UniqueConstraint(fields=["aktenplan", "nummer"], name="register_nummer_je_plan")]

    def __str__(self) -> str:
        return f"{self.nummer} {self.titel}"


class Vorgangsart(models.Model):
    """A procedure type from the Land-wide catalogue."""

    schluessel = models.SlugField("Schlüssel", max_length=50, unique=True)
    bezeichnung = models.CharField("Bezeichnung", max_length=200)
    register = models.ForeignKey(
        Register,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Standardregister",
    )
    aktiv = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "Vorgangsart"
        verbose_name_plural = "Vorgangsarten"
        ordering = ["bezeichnung"]

    def __str__(self) -> str:
        return self.bezeichnung


class Dokumentart(models.Model):
    """A document kind (Antrag, Bescheid, ...) and the register it is filed under by default (rules as data)."""

    schluessel = models.SlugField("Schlüssel", max_length=50, unique=True)
    bezeichnung = models.CharField("Bezeichnung", max_length=100)
    register_nummer = models.CharField(
        "Standardregister (Nummer)", max_length=5, help_text="Nummer des Registers im aktiven Aktenplan."
    )
    stichwoerter = models.JSONField(
        "Stichwörter", default=list, blank=True, help_text="Wörter im Text, an denen die Art erkannt wird."
    )
    rang = models.PositiveSmallIntegerField("Rang", default=100, help_text="Kleiner = wird zuerst geprüft.")

    class Meta:
        verbose_name = "Dokumentart"
        verbose_name_plural = "Dokumentarten"
        ordering = ["rang", "bezeichnung"]

    def __str__(self) -> str:
        return self.bezeichnung

"""The subsidy programme and its three stages: application, grant notice, proof of use (see docs/foerderung.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from dms.models import Behoerde

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

GELD: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Foerderprogramm(models.Model):
    """Budget, rates and deadline: data from fixtures/foerderprogramm.json, never code."""

    name = models.CharField("Name", max_length=200, unique=True)
    budget = models.DecimalField("Budget (EUR)", validators=[MinValueValidator(Decimal("0"))], **GELD)
    satz_akte = models.DecimalField("Satz je Akte (EUR)", max_digits=8, decimal_places=4)
    satz_blatt = models.DecimalField("Satz je Blatt (EUR)", max_digits=8, decimal_places=4)
    antragsfrist = models.DateField("Antragsfrist", help_text="Letzter Tag, an dem ein Antrag eingehen darf.")
    aktiv = models.BooleanField("aktiv", default=False)

    class Meta:
        verbose_name = "Förderprogramm"
        verbose_name_plural = "Förderprogramme"
        ordering = ["-aktiv", "name"]
        constraints = [
            models.UniqueConstraint(fields=["aktiv"], condition=Q(aktiv=True), name="ein_aktives_foerderprogramm")
        ]

    def __str__(self) -> str:
        return self.name


class FoerderantragQuerySet(models.QuerySet["Foerderantrag"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> FoerderantragQuerySet:
        """The Land sees every authority's figures, an authority only its own (decided in SQL)."""
        from foerderung.zugriff import darf_alle_sehen, darf_eigene_sehen

        if darf_alle_sehen(user):
            return self.all()
        behoerde_id = darf_eigene_sehen(user)
        if behoerde_id is None:
            return self.none()
        return self.filter(behoerde_id=behoerde_id)


class Foerderantrag(models.Model):
    class Status(models.TextChoices):
        EINGEREICHT = "eingereicht", "eingereicht"
        BEWILLIGT = "bewilligt", "bewilligt"

    programm = models.ForeignKey(
        Foerderprogramm, on_delete=models.PROTECT, related_name="antraege", verbose_name="Programm"
    )
    behoerde = models.ForeignKey(
        Behoerde, on_delete=models.PROTECT, related_name="foerderantraege", verbose_name="Behörde"
    )
    akten_geplant = models.PositiveIntegerField("geplante Akten")
    blatt_geplant = models.PositiveBigIntegerField("geplante Blätter")
    betrag_akten = models.DecimalField("Betrag Akten (EUR)", **GELD)
    betrag_blatt = models.DecimalField("Betrag Blätter (EUR)", **GELD)
    betrag = models.DecimalField("beantragter Betrag (EUR)", **GELD)
    eingereicht_am = models.DateField("eingereicht am")
    eingereicht_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="eingereicht von"
    )
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.EINGEREICHT)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)

    objects = FoerderantragQuerySet.as_manager()

    class Meta:
        verbose_name = "Förderantrag"
        verbose_name_plural = "Förderanträge"
        ordering = ["-eingereicht_am", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programm", "behoerde"], name="ein_antrag_je_behoerde_und_programm"),
            models.CheckConstraint(condition=Q(betrag__gte=0), name="antrag_betrag_nicht_negativ"),
        ]

    def __str__(self) -> str:
        return f"Förderantrag {self.behoerde.kuerzel} ({self.programm})"


class Zuwendungsbescheid(models.Model):
    """The grant notice. The sum over a programme never exceeds its budget (checked under a row lock)."""

    antrag = models.OneToOneField(
        Foerderantrag, on_delete=models.PROTECT, related_name="bescheid", verbose_name="Antrag"
    )
    programm = models.ForeignKey(
        Foerderprogramm, on_delete=models.PROTECT, related_name="bescheide", verbose_name="Programm"
    )
    nummer = models.CharField("Bescheidnummer", max_length=50, unique=True)
    datum = models.DateField("Bescheiddatum")
    betrag = models.DecimalField("bewilligter Betrag (EUR)", validators=[MinValueValidator(Decimal("0.01"))], **GELD)
    ausgezahlt = models.DecimalField(
        "bereits ausgezahlt (EUR)", default=Decimal("0.00"), help_text="Abschläge vor dem Verwendungsnachweis.", **GELD
    )
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="erstellt von"
    )
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)

    class Meta:
        verbose_name = "Zuwendungsbescheid"
        verbose_name_plural = "Zuwendungsbescheide"
        ordering = ["-datum", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="bescheid_betrag_positiv"),
            models.CheckConstraint(
                condition=Q(ausgezahlt__gte=0) & Q(ausgezahlt__lte=models.F("betrag")), name="ausgezahlt_im_rahmen"
            ),
        ]

    def __str__(self) -> str:
        return f"Zuwendungsbescheid {self.nummer}"


class Verwendungsnachweis(models.Model):
    """A frozen snapshot of what the system held as digitised when the proof of use was drawn up."""

    antrag = models.ForeignKey(
        Foerderantrag, on_delete=models.PROTECT, related_name="verwendungsnachweise", verbose_name="Antrag"
    )
    stichtag = models.DateTimeField("Stichtag")
    akten = models.PositiveIntegerField("digitalisierte Akten")
    blatt = models.PositiveBigIntegerField("digitalisierte Blätter")
    betrag_akten = models.DecimalField("Betrag Akten (EUR)", **GELD)
    betrag_blatt = models.DecimalField("Betrag Blätter (EUR)", **GELD)
    nachgewiesen = models.DecimalField("nachgewiesener Betrag (EUR)", **GELD)
    bewilligt = models.DecimalField("bewilligter Betrag (EUR)", **GELD)
    ausgezahlt = models.DecimalField("bereits ausgezahlt (EUR)", **GELD)
    zustehend = models.DecimalField("zustehender Betrag (EUR)", **GELD)
    auszahlung = models.DecimalField("noch auszuzahlen (EUR)", **GELD)
    rueckforderung = models.DecimalField("Rückforderung (EUR)", **GELD)
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="erstellt von"
    )

    class Meta:
        verbose_name = "Verwendungsnachweis"
        verbose_name_plural = "Verwendungsnachweise"
        ordering = ["-stichtag", "-id"]

    def __str__(self) -> str:
        return f"Verwendungsnachweis {self.antrag.behoerde.kuerzel} vom {self.stichtag:%d.%m.%Y}"

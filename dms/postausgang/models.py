"""Outgoing letters (Postausgang): templates per authority and the letters written from them.

Life cycle of a letter (`Ausgangsschreiben.status`):
    entwurf -> [zur_freigabe ->] umwandlung -> freigegeben -> in_versand -> angenommen -> gedruckt -> versendet
                                             -> lokal_gedruckt            -> unzustellbar (back to the in-tray)
                                                         in_versand -> abgelehnt (the provider refused it for good)
    umwandlung -> umwandlungsfehler (LibreOffice failed or timed out) -> umwandlung (retry) | entwurf (edited)
The DOCX -> PDF/A conversion runs in the Celery task `dms.postausgang.umwandeln`, never in the approval request.
Writes go through dms.postausgang.services; reads start at `Ausgangsschreiben.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import uuid4

from django.conf import settings
from django.db import models

from dms.models import Akte, Behoerde, Dokument, Vorgang

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def vorlage_pfad(instance: Briefvorlage, filename: str) -> str:
    return f"postausgang/vorlagen/{instance.uuid}/vorlage.docx"


class BriefvorlageQuerySet(models.QuerySet["Briefvorlage"]):
    def fuer_behoerde(self, behoerde_id: int | None) -> BriefvorlageQuerySet:
        return self.filter(behoerde_id=behoerde_id, aktiv=True)


class Briefvorlage(models.Model):
    """A DOCX letter template with the letterhead and fields ({{ name }}, {{ aktenzeichen }}, {{ text }} ...)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    name = models.CharField("Name", max_length=200)
    datei = models.FileField("Vorlage (DOCX)", upload_to=vorlage_pfad, max_length=300)
    standardtext = models.TextField(
        "Standardtext", blank=True, default="", help_text="Vorbelegung des Feldes {{ text }}; Felder sind erlaubt."
    )
    betreff = models.CharField("Betreff", max_length=300, blank=True, default="")
    vier_augen = models.BooleanField(
        "Vier-Augen-Prinzip", default=False, help_text="Schreiben aus dieser Vorlage gibt die Teamleitung frei."
    )
    register_nummer = models.CharField("Register", max_length=5, default="12")
    dokumentart = models.CharField("Dokumentart", max_length=50, default="schreiben")
    felder = models.JSONField("verwendete Felder", default=list, blank=True, editable=False)
    aktiv = models.BooleanField("aktiv", default=True)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)

    objects = BriefvorlageQuerySet.as_manager()

    class Meta:
        verbose_name = "Briefvorlage"
        verbose_name_plural = "Briefvorlagen"
        ordering = ["behoerde", "name"]
        constraints = [models.UniqueConstraint(fields=["behoerde", "name"], name="briefvorlage_name_je_behoerde")]

    def __str__(self) -> str:
        return self.name


class AusgangsschreibenQuerySet(models.QuerySet["Ausgangsschreiben"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> AusgangsschreibenQuerySet:
        from dms.access import sichtbare_akten_ids

        return self.filter(akte_id__in=sichtbare_akten_ids(user))


class Ausgangsschreiben(models.Model):
    class Status(models.TextChoices):
        ENTWURF = "entwurf", "Entwurf"
        ZUR_FREIGABE = "zur_freigabe", "zur Freigabe vorgelegt"
        UMWANDLUNG = "umwandlung", "freigegeben, wird in PDF/A umgewandelt"
        UMWANDLUNGSFEHLER = "umwandlungsfehler", "Umwandlung in PDF/A fehlgeschlagen"
        FREIGEGEBEN = "freigegeben", "freigegeben"
        IN_VERSAND = "in_versand", "wird an den Versanddienstleister übergeben"
        ANGENOMMEN = "angenommen", "vom Versanddienstleister angenommen"
        GEDRUCKT = "gedruckt", "gedruckt"
        VERSENDET = "versendet", "zur Post gegeben"
        UNZUSTELLBAR = "unzustellbar", "unzustellbar"
        ABGELEHNT = "abgelehnt", "vom Versanddienstleister abgelehnt"
        LOKAL_GEDRUCKT = "lokal_gedruckt", "lokal gedruckt"

    class Versandweg(models.TextChoices):
        HYBRIDPOST = "hybridpost", "Hybridpost (Druck und Versand durch Dienstleister)"
        LOKAL = "lokal", "lokal drucken"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    akte = models.ForeignKey(Akte, on_delete=models.PROTECT, related_name="+", verbose_name="Akte")
    vorgang = models.ForeignKey(
        Vorgang, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="Vorgang"
    )
    vorlage = models.ForeignKey(Briefvorlage, on_delete=models.PROTECT, related_name="+", verbose_name="Vorlage")
    felder = models.JSONField("Felder", default=dict, blank=True)
    status = models.CharField("Status", max_length=20, choices=Status.choices, default=Status.ENTWURF)
    freigabe_noetig = models.BooleanField("Vier-Augen-Freigabe nötig", default=False)
    verfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="verfasst von"
    )
    freigegeben_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="freigegeben von",
    )
    freigegeben_am = models.DateTimeField("freigegeben am", null=True, blank=True)
    dokument = models.ForeignKey(
        Dokument, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="Dokument"
    )
    umwandlung_meldung = models.TextField("Meldung der Umwandlung", blank=True, default="")
    umwandlung_versuche = models.PositiveSmallIntegerField("Umwandlungsversuche", default=0)
    versandweg = models.CharField("Versandweg", max_length=12, choices=Versandweg.choices, blank=True, default="")
    # Sent with every delivery attempt: the provider answers a repeated key with the first answer (never posts twice).
    versand_schluessel = models.UUIDField("Idempotenzschlüssel", default=uuid4, unique=True, editable=False)
    sendungsnummer = models.CharField("Sendungsnummer", max_length=100, blank=True, default="", db_index=True)
    anbieter_meldung = models.TextField("Meldung des Versanddienstleisters", blank=True, default="")
    versandversuche = models.PositiveSmallIntegerField("Einlieferungsversuche", default=0)
    statusverlauf = models.JSONField("Statusverlauf", default=list, blank=True)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    geaendert_am = models.DateTimeField("geändert am", auto_now=True)
    version = models.PositiveIntegerField("Version", default=1)

    objects = AusgangsschreibenQuerySet.as_manager()

    class Meta:
        verbose_name = "Ausgangsschreiben"
        verbose_name_plural = "Ausgangsschreiben"
        ordering = ["-angelegt_am", "-id"]
        indexes = [models.Index(fields=["status", "geaendert_am"]), models.Index(fields=["akte", "-angelegt_am"])]

    def __str__(self) -> str:
        return f"{self.vorlage} ({self.akte})"

    @property
    def titel(self) -> str:
        betreff = str(self.felder.get("betreff") or "").strip()
        return (betreff or self.vorlage.name)[:300]

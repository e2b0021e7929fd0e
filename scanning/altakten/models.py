"""Legacy-file digitisation (Altaktendigitalisierung): lots, their history, deliveries, QA samples, scan requests.

See docs/lieferformat.md for the delivery format and docs/foerderung.md for how the counts feed the subsidy.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from dms.models import Akte, Behoerde, Dokument

from .zugriff import los_sichtbar_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class LosQuerySet(models.QuerySet["Digitalisierungslos"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> LosQuerySet:
        """The Land sees every authority's lots (figures only), an authority its own."""
        return self.filter(los_sichtbar_q(user))


class Digitalisierungslos(models.Model):
    """About 1,000 paper files handed to the scanning provider together."""

    class Status(models.TextChoices):
        VORBEREITET = "vorbereitet", "vorbereitet"
        ABGEHOLT = "abgeholt", "abgeholt"
        GESCANNT = "gescannt", "gescannt"
        GELIEFERT = "geliefert", "geliefert"
        IMPORTIERT = "importiert", "importiert"
        GEPRUEFT = "geprueft", "geprüft"
        ABGESCHLOSSEN = "abgeschlossen", "abgeschlossen"

    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="lose", verbose_name="Behörde")
    nummer = models.PositiveIntegerField("Losnummer")
    bezeichnung = models.CharField("Bezeichnung", max_length=200, blank=True, default="")
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.VORBEREITET)
    blatt_geplant = models.PositiveBigIntegerField(
        "geplante Blätter", default=0, help_text="Schätzung bei der Vorbereitung (z. B. Aktenstärke × 100)."
    )
    stichprobe_prozent = models.DecimalField(
        "Stichprobe (% der Akten)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    angelegt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="angelegt von"
    )

    objects = LosQuerySet.as_manager()

    class Meta:
        verbose_name = "Digitalisierungslos"
        verbose_name_plural = "Digitalisierungslose"
        ordering = ["behoerde", "-nummer"]
        constraints = [models.UniqueConstraint(fields=["behoerde", "nummer"], name="losnummer_je_behoerde")]

    def __str__(self) -> str:
        return f"Los {self.nummer} ({self.behoerde.kuerzel})"

    @property
    def ist_importiert(self) -> bool:
        return self.status == self.Status.IMPORTIERT


class LosStatuswechsel(models.Model):
    """Who moved a lot to which status, when (append-only history)."""

    los = models.ForeignKey(Digitalisierungslos, on_delete=models.CASCADE, related_name="statuswechsel")
    von_status = models.CharField("von", max_length=15, blank=True, default="")
    nach_status = models.CharField("nach", max_length=15, choices=Digitalisierungslos.Status.choices)
    zeitpunkt = models.DateTimeField("Zeitpunkt")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="durch"
    )
    bemerkung = models.CharField("Bemerkung", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = "Statuswechsel eines Loses"
        verbose_name_plural = "Statuswechsel der Lose"
        ordering = ["los", "zeitpunkt", "id"]

    def __str__(self) -> str:
        return f"{self.los}: {self.von_status} → {self.nach_status}"


class LosAkte(models.Model):
    """One paper file in a lot; `dokument` is its digitised legacy part once imported."""

    los = models.ForeignKey(Digitalisierungslos, on_delete=models.CASCADE, related_name="akten", verbose_name="Los")
    akte = models.OneToOneField(Akte, on_delete=models.PROTECT, related_name="digitalisierung", verbose_name="Akte")
    position = models.PositiveIntegerField("Position")
    dokument = models.ForeignKey(
        Dokument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="Altakte"
    )
    importiert_am = models.DateTimeField("importiert am", null=True, blank=True)
    seiten = models.PositiveIntegerField("Seiten (geliefert)", default=0)
    blatt = models.PositiveIntegerField("Blatt (geliefert)", default=0)

    class Meta:
        verbose_name = "Akte im Los"
        verbose_name_plural = "Akten im Los"
        ordering = ["los", "position"]
        indexes = [models.Index(fields=["los", "importiert_am"])]

    def __str__(self) -> str:
        return f"{self.los} #{self.position}"


class Lieferung(models.Model):
    """A provider's delivery (folder or zip with manifest.csv), validated in full before anything is imported."""

    class Status(models.TextChoices):
        ANGENOMMEN = "angenommen", "angenommen, Import geplant"
        IN_ARBEIT = "in_arbeit", "Import läuft"
        ABGELEHNT = "abgelehnt", "abgelehnt (Fehler in der Lieferung)"
        IMPORTIERT = "importiert", "importiert"
        FEHLER = "fehler", "Import unterbrochen"

    los = models.ForeignKey(
        Digitalisierungslos, on_delete=models.PROTECT, related_name="lieferungen", verbose_name="Los"
    )
    quelle = models.CharField("Lieferung (Pfad im Eingangsordner)", max_length=500)
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.ANGENOMMEN)
    fehler = models.JSONField("Fehler", default=list, blank=True, help_text="[{zeile, meldung}]")
    anzahl = models.PositiveIntegerField("Dateien in der Lieferung", default=0)
    importiert = models.PositiveIntegerField("neu importiert", default=0)
    uebersprungen = models.PositiveIntegerField("bereits vorhanden", default=0)
    seiten = models.PositiveBigIntegerField("Seiten", default=0)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    angelegt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="importiert von"
    )
    beendet_am = models.DateTimeField("beendet am", null=True, blank=True)

    class Meta:
        verbose_name = "Lieferung"
        verbose_name_plural = "Lieferungen"
        ordering = ["-angelegt_am"]

    def __str__(self) -> str:
        return f"Lieferung {self.pk} zu {self.los}"

    @property
    def ist_abgelehnt(self) -> bool:
        return self.status == self.Status.ABGELEHNT


class Stichprobe(models.Model):
    """One file drawn for the TR-RESISCAN quality check of a lot; checked by a second person (4-eyes)."""

    class Ergebnis(models.TextChoices):
        OFFEN = "offen", "noch nicht geprüft"
        IN_ORDNUNG = "in_ordnung", "in Ordnung"
        MANGEL = "mangel", "Mangel"

    class Mangel(models.TextChoices):
        SEITEN_FEHLEN = "seiten_fehlen", "Seiten fehlen"
        UNLESBAR = "unlesbar", "unlesbar"
        FALSCHE_AKTE = "falsche_akte", "falsche Akte"
        SONSTIGES = "sonstiges", "sonstiger Mangel"

    los = models.ForeignKey(Digitalisierungslos, on_delete=models.CASCADE, related_name="stichproben")
    los_akte = models.OneToOneField(LosAkte, on_delete=models.CASCADE, related_name="stichprobe")
    ergebnis = models.CharField("Ergebnis", max_length=12, choices=Ergebnis.choices, default=Ergebnis.OFFEN)
    mangel = models.CharField("Mangel", max_length=15, choices=Mangel.choices, blank=True, default="")
    notiz = models.CharField("Notiz", max_length=1000, blank=True, default="")
    geprueft_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="geprüft von",
    )
    geprueft_am = models.DateTimeField("geprüft am", null=True, blank=True)

    class Meta:
        verbose_name = "Stichprobe"
        verbose_name_plural = "Stichproben"
        ordering = ["los", "los_akte__position"]
        constraints = [
            models.CheckConstraint(condition=~Q(ergebnis="mangel") | ~Q(mangel=""), name="mangel_braucht_art")
        ]

    def __str__(self) -> str:
        return f"Stichprobe {self.los_akte}"


class Scanauftrag(models.Model):
    """A file to be scanned outside the normal flow: urgently on demand, or again after a QA defect."""

    class Art(models.TextChoices):
        EILSCAN = "eilscan", "Eilscan auf Anforderung"
        NACHSCAN = "nachscan", "Nachscan nach Mangel"

    class Status(models.TextChoices):
        OFFEN = "offen", "offen"
        ERLEDIGT = "erledigt", "erledigt"

    los_akte = models.ForeignKey(LosAkte, on_delete=models.CASCADE, related_name="scanauftraege")
    art = models.CharField("Art", max_length=10, choices=Art.choices)
    status = models.CharField("Status", max_length=10, choices=Status.choices, default=Status.OFFEN)
    grund = models.CharField("Grund", max_length=1000)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    angelegt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="angefordert von"
    )
    erledigt_am = models.DateTimeField("erledigt am", null=True, blank=True)

    class Meta:
        verbose_name = "Scanauftrag"
        verbose_name_plural = "Scanaufträge"
        ordering = ["status", "-angelegt_am"]
        constraints = [
            models.UniqueConstraint(
                fields=["los_akte", "art"], condition=Q(status="offen"), name="ein_offener_scanauftrag_je_art"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_art_display()} {self.los_akte.akte}"


class Gliederung(models.Model):
    """The structure of one imported legacy file: which page ranges become which documents in which register.

    `abschnitte` = [{von, bis, art, register, titel, datum, art_konfidenz, grenz_konfidenz, sicher, dokument}], pages
    1-based in the delivered PDF (the sealed original stays one document; each range becomes a document of its own,
    `dokument` its id once applied). Source: the provider's index, separator sheets, or the classifier."""

    class Herkunft(models.TextChoices):
        INDEX = "index", "Dokumentenverzeichnis des Dienstleisters"
        TRENNBLATT = "trennblatt", "Registertrennblätter"
        KLASSIFIKATOR = "klassifikator", "Vorschlag des Systems"

    class Status(models.TextChoices):
        ZU_PRUEFEN = "zu_pruefen", "Vorschlag zu prüfen"
        ANGEWANDT = "angewandt", "angewandt"

    original = models.OneToOneField(
        Dokument, on_delete=models.PROTECT, related_name="gliederung", verbose_name="Altakte (Original)"
    )
    los_akte = models.ForeignKey(LosAkte, on_delete=models.CASCADE, related_name="gliederungen", null=True)
    herkunft = models.CharField("Herkunft", max_length=15, choices=Herkunft.choices)
    status = models.CharField("Status", max_length=12, choices=Status.choices, default=Status.ZU_PRUEFEN)
    seiten = models.PositiveIntegerField("Seiten", default=0)
    abschnitte = models.JSONField("Abschnitte", default=list)
    vorschlag = models.JSONField("ursprünglicher Vorschlag", default=list, blank=True)
    automatisch = models.BooleanField("ohne Rückfrage angewandt", default=False)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    angewandt_am = models.DateTimeField("angewandt am", null=True, blank=True)
    angewandt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "Gliederung einer Altakte"
        verbose_name_plural = "Gliederungen von Altakten"
        ordering = ["-angelegt_am"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Gliederung {self.original_id}"

    @property
    def ist_angewandt(self) -> bool:
        return self.status == self.Status.ANGEWANDT

"""Person, Akte and Vorgang, with the access-filtered QuerySets every page and endpoint starts from."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from guardian.models import UserObjectPermissionBase

from .organisation import Behoerde, Team
from .struktur import Vorgangsart

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

azr_validator = RegexValidator(r"^\d{12}$", "Die AZR-Nummer besteht aus genau 12 Ziffern.")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> PersonQuerySet:
        """Persons with a file the user may see, and her authority's persons without any file (dms.access)."""
        from dms.access import person_sichtbar_q

        return self.filter(person_sichtbar_q(user))


class Person(models.Model):
    """A person as known to one authority (every authority keeps its own record; AZR-Nummer links them)."""

    class Geschlecht(models.TextChoices):
        MAENNLICH = "m", "männlich"
        WEIBLICH = "w", "weiblich"
        DIVERS = "d", "divers"
        UNBEKANNT = "x", "unbekannt"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="personen", verbose_name="Behörde")
    familienname = models.CharField("Familienname", max_length=200)
    vornamen = models.CharField("Vornamen", max_length=200, blank=True, default="")
    geburtsname = models.CharField("Geburtsname", max_length=200, blank=True, default="")
    geburtsdatum = models.DateField("Geburtsdatum", null=True, blank=True)
    geburtsort = models.CharField("Geburtsort", max_length=200, blank=True, default="")
    staatsangehoerigkeiten = ArrayField(
        models.CharField(max_length=100), verbose_name="Staatsangehörigkeiten", default=list, blank=True
    )
    geschlecht = models.CharField("Geschlecht", max_length=1, choices=Geschlecht.choices, default=Geschlecht.UNBEKANNT)
    azr_nummer = models.CharField(
        "AZR-Nummer", max_length=12, null=True, blank=True, validators=[azr_validator], help_text="12 Ziffern."
    )
    anschrift = models.TextField(
        "Anschrift", blank=True, default="", help_text="Postanschrift für Schreiben, eine Zeile je Adresszeile."
    )
    namensvarianten = ArrayField(
        models.CharField(max_length=200),
        verbose_name="Namensvarianten",
        default=list,
        blank=True,
        help_text="Andere Schreibweisen des Namens (Transliteration), z. B. Mohammed / Muhammad.",
    )
    # Normalised search keys (lower case, umlauts folded) of all names and variants, maintained by the service.
    namen_normalisiert = ArrayField(models.CharField(max_length=200), default=list, blank=True, editable=False)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    geaendert_am = models.DateTimeField("geändert am", auto_now=True)
    # Optimistic locking for corrections from the desk (dms.personen.services.person_korrigieren).
    version = models.PositiveIntegerField("Version", default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "Person"
        verbose_name_plural = "Personen"
        ordering = ["familienname", "vornamen"]
        constraints = [
            models.UniqueConstraint(fields=["behoerde", "azr_nummer"], name="azr_nummer_je_behoerde"),
        ]
        indexes = [
            models.Index(fields=["behoerde", "familienname"]),
            models.Index(fields=["geburtsdatum"]),
            GinIndex(fields=["namen_normalisiert"], name="person_namen_gin", fastupdate=False),
            # The search box's name prefix (`familienname__istartswith` is UPPER(...) LIKE 'X%').
            models.Index(OpClass(Upper("familienname"), name="text_pattern_ops"), name="person_familienname_upper"),
            # First names anywhere in the field (`vornamen__icontains`, the search box with several words): trigrams.
            GinIndex(OpClass(Upper("vornamen"), name="gin_trgm_ops"), name="person_vornamen_trgm", fastupdate=False),
        ]

    def __str__(self) -> str:
        name = f"{self.familienname}, {self.vornamen}" if self.vornamen else self.familienname
        if self.geburtsdatum:
            return f"{name} (*{self.geburtsdatum:%d.%m.%Y})"
        return name


class AkteQuerySet(models.QuerySet["Akte"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> AkteQuerySet:
        """The only way to ask which files a user may see; filtered in SQL (see docs/permissions.md)."""
        from dms.access import akte_sichtbar_q

        return self.filter(akte_sichtbar_q(user))

    def changeable_by(self, user: AbstractBaseUser | AnonymousUser) -> AkteQuerySet:
        """Files the user may change: own authority's visible files, never by a mere inspection grant."""
        from dms.access import akte_aenderbar_q

        return self.filter(akte_aenderbar_q(user))

    def with_person(self) -> AkteQuerySet:
        return self.select_related("person", "behoerde", "team", "sachbearbeitung")


class Akte(models.Model):
    class Status(models.TextChoices):
        AKTIV = "aktiv", "aktiv"
        ABGEGEBEN = "abgegeben", "abgegeben"
        GESCHLOSSEN = "geschlossen", "geschlossen"
        AUSGESONDERT = "ausgesondert", "ausgesondert"

    class Medium(models.TextChoices):
        ELEKTRONISCH = "elektronisch", "elektronisch"
        HYBRID = "hybrid", "hybrid"
        PAPIER = "papier", "Papier"

    class Vertraulichkeit(models.TextChoices):
        # Codes of the xdomea code list Vertraulichkeitsstufe 1.0 (001 geheim, 002 NfD, 003 offen, 004 streng geheim,
        # 005 vertraulich); levels above VS-Vertraulich are not kept in this system.
        VS_NFD = "002", "VS – Nur für den Dienstgebrauch"
        OFFEN = "003", "offen"
        VS_VERTRAULICH = "005", "VS – Vertraulich"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="akten", verbose_name="Behörde")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="akten", verbose_name="Person")
    aktenzeichen = models.CharField("Aktenzeichen", max_length=40, unique=True)
    fruehere_aktenzeichen = ArrayField(
        models.CharField(max_length=60), verbose_name="frühere Aktenzeichen", default=list, blank=True
    )
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.AKTIV)
    medium = models.CharField("Medium", max_length=15, choices=Medium.choices, default=Medium.ELEKTRONISCH)
    vertraulichkeit = models.CharField(
        "Vertraulichkeitsstufe", max_length=3, choices=Vertraulichkeit.choices, default=Vertraulichkeit.VS_NFD
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="akten", verbose_name="Team"
    )
    sachbearbeitung = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="akten",
        verbose_name="Sachbearbeitung",
    )
    fachverfahren_kennung = models.CharField(
        "Kennung im Fachverfahren",
        max_length=100,
        null=True,
        blank=True,
        help_text="Die Fallnummer des Fachverfahrens (ADVIS, OK.VISA, LaDiVA); öffnet die Akte per Direktlink.",
    )
    gesperrt = models.BooleanField(
        "Sperrvermerk",
        default=False,
        help_text="Nur die auf der Akte namentlich freigegebenen Personen sehen eine gesperrte Akte.",
    )
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    geaendert_am = models.DateTimeField("geändert am", auto_now=True)
    # Optimistic locking: every change bumps it; a save with a stale value is refused.
    version = models.PositiveIntegerField("Version", default=1)
    vorgang_zaehler = models.PositiveIntegerField(default=0, editable=False)

    objects = AkteQuerySet.as_manager()

    class Meta:
        verbose_name = "Akte"
        verbose_name_plural = "Akten"
        ordering = ["-angelegt_am"]
        permissions = [("view_gesperrte_akte", "Gesperrte Akte sehen")]
        constraints = [
            models.UniqueConstraint(
                fields=["behoerde", "fachverfahren_kennung"], name="fachverfahren_kennung_je_behoerde"
            )
        ]
        indexes = [
            models.Index(fields=["behoerde", "status"]),
            models.Index(fields=["behoerde", "-angelegt_am"]),
            models.Index(fields=["sachbearbeitung"]),
            # The file list's order across the permission filter's OR (own authority | inspection grants):
            # lets PostgreSQL walk the newest files and stop after one page instead of sorting all visible ones.
            models.Index(fields=["-angelegt_am", "-id"], name="akte_neueste"),
            # The search box's newest files per branch of a name look-up in the own authority (dms/suche.py).
            models.Index(fields=["behoerde", "-geaendert_am", "-id"], name="akte_behoerde_geaendert"),
            # The search box's Aktenzeichen prefix (`aktenzeichen__istartswith`).
            models.Index(OpClass(Upper("aktenzeichen"), name="text_pattern_ops"), name="akte_aktenzeichen_upper"),
        ]

    def __str__(self) -> str:
        return self.aktenzeichen

    @property
    def ist_aktiv(self) -> bool:
        return self.status == self.Status.AKTIV


class AktenzeichenZaehler(models.Model):
    """Per authority and year: the last number issued. Incremented atomically in SQL."""

    behoerde = models.ForeignKey(Behoerde, on_delete=models.CASCADE, related_name="+")
    jahr = models.PositiveSmallIntegerField()
    letzte_nummer = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "Aktenzeichen-Zähler"
        verbose_name_plural = "Aktenzeichen-Zähler"
        constraints = [models.UniqueConstraint(fields=["behoerde", "jahr"], name="zaehler_je_behoerde_und_jahr")]

    def __str__(self) -> str:
        return f"{self.behoerde_id}/{self.jahr}: {self.letzte_nummer}"


class VorgangQuerySet(models.QuerySet["Vorgang"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> VorgangQuerySet:
        from dms.access import sichtbare_akten_ids

        return self.filter(akte_id__in=sichtbare_akten_ids(user))


class Vorgang(models.Model):
    class Status(models.TextChoices):
        OFFEN = "offen", "offen"
        IN_BEARBEITUNG = "in_bearbeitung", "in Bearbeitung"
        RUHEND = "ruhend", "ruhend"
        ABGESCHLOSSEN = "abgeschlossen", "abgeschlossen (zdA)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    akte = models.ForeignKey(Akte, on_delete=models.PROTECT, related_name="vorgaenge", verbose_name="Akte")
    vorgangsart = models.ForeignKey(
        Vorgangsart, on_delete=models.PROTECT, related_name="vorgaenge", verbose_name="Vorgangsart"
    )
    nummer = models.PositiveIntegerField("laufende Nummer")
    aktenzeichen = models.CharField("Aktenzeichen", max_length=50, unique=True)
    betreff = models.CharField("Betreff", max_length=300, blank=True, default="")
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.OFFEN)
    sachbearbeitung = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vorgaenge",
        verbose_name="Sachbearbeitung",
    )
    begonnen_am = models.DateField("begonnen am", null=True, blank=True)
    abgeschlossen_am = models.DateField("abgeschlossen am", null=True, blank=True)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    geaendert_am = models.DateTimeField("geändert am", auto_now=True)
    version = models.PositiveIntegerField("Version", default=1)

    objects = VorgangQuerySet.as_manager()

    class Meta:
        verbose_name = "Vorgang"
        verbose_name_plural = "Vorgänge"
        ordering = ["akte", "nummer"]
        constraints = [models.UniqueConstraint(fields=["akte", "nummer"], name="vorgang_nummer_je_akte")]

    def __str__(self) -> str:
        return f"{self.aktenzeichen} {self.vorgangsart}"

    @property
    def ist_abgeschlossen(self) -> bool:
        return self.status == self.Status.ABGESCHLOSSEN


class AkteFreigabe(UserObjectPermissionBase):
    """Direct-FK guardian permission: a user named on a restricted file (Sperrvermerk)."""

    content_object = models.ForeignKey(Akte, on_delete=models.CASCADE, related_name="freigaben")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "Freigabe einer gesperrten Akte"
        verbose_name_plural = "Freigaben gesperrter Akten"


class Akteneinsicht(models.Model):
    """Read access to one file for another authority or one of its users, until a date; revocable."""

    akte = models.ForeignKey(Akte, on_delete=models.CASCADE, related_name="einsichten", verbose_name="Akte")
    behoerde = models.ForeignKey(
        Behoerde,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="einsichten",
        verbose_name="berechtigte Behörde",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="einsichten",
        verbose_name="berechtigte Person",
    )
    bis = models.DateTimeField("gültig bis")
    grund = models.CharField("Grund", max_length=300, blank=True, default="")
    erteilt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="erteilt von"
    )
    erteilt_am = models.DateTimeField("erteilt am", auto_now_add=True)
    widerrufen_am = models.DateTimeField("widerrufen am", null=True, blank=True)

    class Meta:
        verbose_name = "Akteneinsicht"
        verbose_name_plural = "Akteneinsichten"
        ordering = ["-erteilt_am"]
        constraints = [
            models.CheckConstraint(
                condition=Q(behoerde__isnull=False) | Q(user__isnull=False), name="einsicht_hat_empfaenger"
            )
        ]
        indexes = [models.Index(fields=["behoerde", "bis"]), models.Index(fields=["user", "bis"])]

    def __str__(self) -> str:
        return f"Einsicht in {self.akte_id} bis {self.bis:%d.%m.%Y}"

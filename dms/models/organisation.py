"""Authorities, teams, memberships with roles, and substitutes (Vertretung)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Behoerde(models.Model):
    class Art(models.TextChoices):
        KOMMUNAL = "kommunal", "kommunal"
        ZENTRAL = "zentral", "zentral"

    class Typ(models.TextChoices):
        LANDKREIS = "landkreis", "Landkreis"
        KREISFREIE_STADT = "kreisfreie_stadt", "Kreisfreie Stadt"
        SONDERSTATUSSTADT = "sonderstatusstadt", "Sonderstatusstadt"
        REGIERUNGSPRAESIDIUM = "regierungspraesidium", "Regierungspräsidium (Zentrale Ausländerbehörde)"

    kuerzel = models.CharField(
        "Kürzel", max_length=10, unique=True, help_text="Präfix der Aktenzeichen, z. B. OF für Offenbach."
    )
    name = models.CharField("Name", max_length=200)
    art = models.CharField("Art", max_length=10, choices=Art.choices)
    typ = models.CharField("Gebietskörperschaft", max_length=30, choices=Typ.choices)
    aktiv = models.BooleanField("aktiv", default=True)
    vom_land_gepflegt = models.BooleanField(
        "vom Land gepflegt",
        default=True,
        help_text="Die Liste der Ausländerbehörden pflegt das Land (HMdIS); Änderungen nur in Abstimmung mit dem Land.",
    )
    totp_pflicht = models.BooleanField(
        "Zweiter Faktor Pflicht", default=False, help_text="Alle Benutzer dieser Behörde müssen sich mit TOTP anmelden."
    )

    class Meta:
        verbose_name = "Behörde"
        verbose_name_plural = "Behörden"
        ordering = ["kuerzel"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kuerzel})"


class Team(models.Model):
    """A team (Sachgebiet) responsible for surnames in a letter range."""

    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="teams", verbose_name="Behörde")
    name = models.CharField("Name", max_length=100)
    buchstaben_von = models.CharField("Buchstaben von", max_length=3, blank=True, default="")
    buchstaben_bis = models.CharField("Buchstaben bis", max_length=3, blank=True, default="")
    ist_standard = models.BooleanField(
        "Standardteam", default=False, help_text="Erhält Post, für die kein Buchstabenbereich passt."
    )

    class Meta:
        verbose_name = "Team"
        verbose_name_plural = "Teams"
        ordering = ["behoerde__kuerzel", "buchstaben_von", "name"]
        constraints = [
            models.UniqueConstraint(fields=["behoerde", "name"], name="team_name_je_behoerde"),
            models.UniqueConstraint(
                fields=["behoerde"], condition=Q(ist_standard=True), name="ein_standardteam_je_behoerde"
            ),
        ]

    def __str__(self) -> str:
        if self.buchstaben_von:
            return f"{self.name} ({self.buchstaben_von}–{self.buchstaben_bis})"
        return self.name


class Rolle(models.TextChoices):
    POSTSTELLE = "poststelle", "Poststelle"
    SACHBEARBEITUNG = "sachbearbeitung", "Sachbearbeitung"
    TEAMLEITUNG = "teamleitung", "Teamleitung"
    BEHOERDENADMIN = "behoerdenadmin", "Behördenadministration"
    LAND = "land", "Land (Ministerium)"
    REVISION = "revision", "Revision / Datenschutz"
    SCHRIFTGUTVERWALTUNG = "schriftgutverwaltung", "Schriftgutverwaltung (Aussonderung)"


class Mitgliedschaft(models.Model):
    """A user's membership of exactly one authority, with one role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mitgliedschaft", verbose_name="Benutzer"
    )
    behoerde = models.ForeignKey(
        Behoerde, on_delete=models.PROTECT, related_name="mitgliedschaften", verbose_name="Behörde"
    )
    rolle = models.CharField("Rolle", max_length=20, choices=Rolle.choices)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="mitglieder", verbose_name="Team"
    )
    passwort_wechsel_noetig = models.BooleanField(
        "muss Passwort ändern",
        default=False,
        help_text="Nach dem Anlegen oder Zurücksetzen durch die Administration: bei der nächsten Anmeldung ein "
        "eigenes Passwort wählen, bevor eine andere Seite aufgeht.",
    )

    class Meta:
        verbose_name = "Mitgliedschaft"
        verbose_name_plural = "Mitgliedschaften"

    def __str__(self) -> str:
        return f"{self.user} – {self.behoerde.kuerzel} ({self.get_rolle_display()})"


class VertretungQuerySet(models.QuerySet["Vertretung"]):
    def aktiv(self, am: object | None = None) -> VertretungQuerySet:
        heute = am or timezone.localdate()
        return self.filter(von__lte=heute, bis__gte=heute)


class Vertretung(models.Model):
    """While `vertretene_person` is absent, `vertretung` sees her in-tray and cases and acts on her behalf."""

    vertretene_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="abwesenheiten",
        verbose_name="abwesende Person",
    )
    vertretung = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vertretungen", verbose_name="Vertretung"
    )
    von = models.DateField("von")
    bis = models.DateField("bis")
    angelegt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="angelegt von"
    )
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)

    objects = VertretungQuerySet.as_manager()

    class Meta:
        verbose_name = "Vertretung"
        verbose_name_plural = "Vertretungen"
        ordering = ["-von"]
        constraints = [
            models.CheckConstraint(condition=Q(bis__gte=models.F("von")), name="vertretung_bis_nach_von"),
            models.CheckConstraint(
                condition=~Q(vertretene_person=models.F("vertretung")), name="vertretung_nicht_selbst"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vertretung} vertritt {self.vertretene_person} ({self.von:%d.%m.%Y}–{self.bis:%d.%m.%Y})"

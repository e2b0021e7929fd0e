"""Hand-over to another authority (Aktenabgabe) and the sender's minimal record (Datei B, §§ 67, 68 AufenthV)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .akte import Akte
from .organisation import Behoerde

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class AktenabgabeQuerySet(models.QuerySet["Aktenabgabe"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> AktenabgabeQuerySet:
        """Hand-overs the user's authority sends or receives (only roles that work with files).

        A hand-over of a restricted (gesperrt) file carries personal data, so it is only visible to users who may
        see the file itself, except a pending offer to the user's authority: the receiving side must be able to
        decide on it before the file is theirs.
        """
        from dms.access import sichtbare_akten_ids, zugang

        z = zugang(user)
        if not z.hat_aktenzugang:
            return self.none()
        return self.filter(
            Q(von_behoerde_id=z.behoerde_id) | Q(an_behoerde_id=z.behoerde_id),
            Q(akte__gesperrt=False)
            | Q(akte_id__in=sichtbare_akten_ids(user))
            | Q(an_behoerde_id=z.behoerde_id, status=Aktenabgabe.Status.ANGEBOTEN),
        )

    def eingehend(self, user: AbstractBaseUser | AnonymousUser) -> AktenabgabeQuerySet:
        from dms.access import zugang

        return self.visible_to(user).filter(an_behoerde_id=zugang(user).behoerde_id)

    def ausgehend(self, user: AbstractBaseUser | AnonymousUser) -> AktenabgabeQuerySet:
        from dms.access import zugang

        return self.visible_to(user).filter(von_behoerde_id=zugang(user).behoerde_id)


class Aktenabgabe(models.Model):
    """An offer to hand one file over; the receiving authority accepts (the file moves) or declines (it stays)."""

    class Status(models.TextChoices):
        ANGEBOTEN = "angeboten", "angeboten"
        ANGENOMMEN = "angenommen", "angenommen"
        ABGELEHNT = "abgelehnt", "abgelehnt"
        ZURUECKGEZOGEN = "zurueckgezogen", "zurückgezogen"

    class Grund(models.TextChoices):
        FORTZUG = "fortzug", "Fortzug in den Bezirk der anderen Behörde"
        ZUSTAENDIGKEIT = "zustaendigkeit", "Zuständigkeitswechsel (z. B. Zentrale Ausländerbehörde)"
        SONSTIGES = "sonstiges", "sonstiger Grund"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    akte = models.ForeignKey(Akte, on_delete=models.PROTECT, related_name="abgaben", verbose_name="Akte")
    von_behoerde = models.ForeignKey(
        Behoerde, on_delete=models.PROTECT, related_name="abgaben_ausgehend", verbose_name="abgebende Behörde"
    )
    an_behoerde = models.ForeignKey(
        Behoerde, on_delete=models.PROTECT, related_name="abgaben_eingehend", verbose_name="aufnehmende Behörde"
    )
    grund = models.CharField("Grund", max_length=20, choices=Grund.choices, default=Grund.FORTZUG)
    bemerkung = models.CharField("Bemerkung", max_length=500, blank=True, default="")
    neue_anschrift = models.CharField("neue Anschrift", max_length=500, blank=True, default="")
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.ANGEBOTEN)
    # What the receiving side needs to decide, copied at offer time (it does not see the file before accepting).
    aktenzeichen_alt = models.CharField("bisheriges Aktenzeichen", max_length=60)
    aktenzeichen_neu = models.CharField("neues Aktenzeichen", max_length=60, blank=True, default="")
    person_name = models.CharField("Name der Person", max_length=400)
    person_geburtsdatum = models.DateField("Geburtsdatum", null=True, blank=True)
    azr_nummer = models.CharField("AZR-Nummer", max_length=12, null=True, blank=True)
    anzahl_dokumente = models.PositiveIntegerField("Anzahl Dokumente", default=0)
    angeboten_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="angeboten von",
    )
    angeboten_am = models.DateTimeField("angeboten am", auto_now_add=True)
    entschieden_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="entschieden von",
    )
    entschieden_am = models.DateTimeField("entschieden am", null=True, blank=True)
    ablehnungsgrund = models.CharField("Ablehnungsgrund", max_length=500, blank=True, default="")

    objects = AktenabgabeQuerySet.as_manager()

    class Meta:
        verbose_name = "Aktenabgabe"
        verbose_name_plural = "Aktenabgaben"
        ordering = ["-angeboten_am", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["akte"], condition=Q(status="angeboten"), name="eine_offene_abgabe_je_akte"
            ),
            models.CheckConstraint(condition=~Q(von_behoerde=F("an_behoerde")), name="abgabe_an_andere_behoerde"),
        ]
        indexes = [
            models.Index(fields=["an_behoerde", "status"]),
            models.Index(fields=["von_behoerde", "status"]),
        ]

    def __str__(self) -> str:
        return f"Abgabe {self.aktenzeichen_alt} an {self.an_behoerde_id} ({self.get_status_display()})"

    @property
    def ist_angeboten(self) -> bool:
        return self.status == self.Status.ANGEBOTEN

    @property
    def ist_angenommen(self) -> bool:
        return self.status == self.Status.ANGENOMMEN


class DateiBEintragQuerySet(models.QuerySet["DateiBEintrag"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> DateiBEintragQuerySet:
        from dms.access import zugang

        z = zugang(user)
        if not z.hat_aktenzugang:
            return self.none()
        return self.filter(behoerde_id=z.behoerde_id)


class DateiBEintrag(models.Model):
    """What the sending authority keeps after a hand-over: who, where to, when; deleted 10 years later."""

    behoerde = models.ForeignKey(
        Behoerde, on_delete=models.PROTECT, related_name="datei_b", verbose_name="abgebende Behörde"
    )
    abgabe = models.OneToOneField(
        Aktenabgabe,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="datei_b_eintrag",
        verbose_name="Aktenabgabe",
    )
    familienname = models.CharField("Familienname", max_length=200)
    vornamen = models.CharField("Vornamen", max_length=200, blank=True, default="")
    geburtsdatum = models.DateField("Geburtsdatum", null=True, blank=True)
    azr_nummer = models.CharField("AZR-Nummer", max_length=12, null=True, blank=True)
    aktenzeichen = models.CharField("bisheriges Aktenzeichen", max_length=60)
    ziel_behoerde = models.ForeignKey(
        Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="aufnehmende Behörde"
    )
    ziel_aktenzeichen = models.CharField("Aktenzeichen bei der aufnehmenden Behörde", max_length=60)
    anlass = models.CharField("Anlass", max_length=20, default="fortzug")
    abgegeben_am = models.DateTimeField("abgegeben am")
    loeschen_am = models.DateField("zu löschen am", db_index=True)

    objects = DateiBEintragQuerySet.as_manager()

    class Meta:
        verbose_name = "Datei-B-Eintrag (§§ 67, 68 AufenthV)"
        verbose_name_plural = "Datei-B-Einträge (§§ 67, 68 AufenthV)"
        ordering = ["-abgegeben_am", "-id"]
        indexes = [models.Index(fields=["behoerde", "familienname"])]

    def __str__(self) -> str:
        return f"{self.familienname} → {self.ziel_behoerde_id} ({self.abgegeben_am:%d.%m.%Y})"

"""Posteingang: one incoming mail item (a scanned letter or stack) from upload, API or hot folder.

Life cycle (field `status`):
    eingegangen -> in_verarbeitung -> zugeordnet (filed automatically or by hand)
                                   -> zu_pruefen (waits in a team's in-tray (Postkorb) with suggestions)
                                   -> fehler     (bad input; the original stays here in quarantine)
                                   -> aufgeteilt (a stack split at cover sheets; its parts are child items)
Writes go through scanning.services; reads start at `Posteingang.objects.visible_to(user)`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q, QuerySet

from dms.access import Zugang, sichtbare_akten_ids, zugang
from dms.models import Akte, Behoerde, Dokument, Mitgliedschaft, Rolle, Team, Vorgang

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def teams_der_vertretenen(z: Zugang) -> QuerySet[Mitgliedschaft, Any]:
    """Subquery: the teams of the colleagues the user currently substitutes (their in-trays are hers too)."""
    mitgliedschaften = Mitgliedschaft.objects.filter(user_id__in=z.vertretene_ids, team__isnull=False)
    if z.behoerde_id is None:
        mitgliedschaften = mitgliedschaften.none()
    else:
        mitgliedschaften = mitgliedschaften.filter(behoerde_id=z.behoerde_id)
    return mitgliedschaften.values("team_id")


class PosteingangQuerySet(models.QuerySet["Posteingang"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> PosteingangQuerySet:
        """Own authority only, never an item filed into a restricted file the user is not named on. Mail room, team
        leads and admins see every item of their authority (with that exception); caseworkers see their team's items,
        items assigned to them, their own uploads, and those of colleagues they stand in for."""
        z = zugang(user)
        if not z.hat_postzugang:
            return self.none()
        # An item filed into a restricted file is hidden unless the user is named on that file. (Items filed into a
        # file handed over later stay in the authority's Posteingangsbuch: the receipt is its own record.)
        eigene = self.filter(behoerde_id=z.behoerde_id).filter(
            Q(akte__isnull=True) | Q(akte__gesperrt=False) | Q(akte_id__in=sichtbare_akten_ids(user))
        )
        if z.rolle != Rolle.SACHBEARBEITUNG:
            return eigene
        teams = Q(team_id=z.team_id) if z.team_id else Q(pk__in=[])
        if z.vertretene_ids:
            teams |= Q(team_id__in=teams_der_vertretenen(z))
        return eigene.filter(teams | Q(zugewiesen_an_id__in=z.handelnde_ids) | Q(hochgeladen_von_id=z.user_id))

    def im_postkorb(self) -> PosteingangQuerySet:
        """Items waiting for a person (status zu_pruefen)."""
        return self.filter(status=Posteingang.Status.ZU_PRUEFEN)

    def offen(self) -> PosteingangQuerySet:
        return self.filter(status__in=[Posteingang.Status.EINGEGANGEN, Posteingang.Status.IN_VERARBEITUNG])


# The recognised text of items waiting in an in-tray, as the search box reads it (scanning/postkorb/suche.py); the
# partial GIN index below is built on exactly this expression, for exactly those items.
POSTKORB_SUCHVEKTOR = SearchVector("text", config="german")


def original_pfad(instance: Posteingang, filename: str) -> str:
    # The user's file name never reaches the storage path.
    return f"posteingang/{instance.uuid}/original"


def pdf_pfad(instance: Posteingang, filename: str) -> str:
    return f"posteingang/{instance.uuid}/durchsuchbar.pdf"


class Posteingang(models.Model):
    class Status(models.TextChoices):
        EINGEGANGEN = "eingegangen", "eingegangen"
        IN_VERARBEITUNG = "in_verarbeitung", "in Verarbeitung"
        ZUGEORDNET = "zugeordnet", "zugeordnet"
        ZU_PRUEFEN = "zu_pruefen", "zu prüfen"
        FEHLER = "fehler", "Fehler"
        AUFGETEILT = "aufgeteilt", "an Deckblättern aufgeteilt"

    class Quelle(models.TextChoices):
        UPLOAD = "upload", "Hochladen (Browser)"
        API = "api", "Schnittstelle (Scanner)"
        HOTFOLDER = "hotfolder", "Hotfolder"
        DECKBLATT = "deckblatt", "Teil eines Stapels"
        EMAIL = "email", "E-Mail (Funktionspostfach)"
        ONLINE = "online", "Online-Antrag"
        RUECKLAUF = "ruecklauf", "unzustellbarer Brief (Hybridpost)"

    class Schritt(models.TextChoices):
        """The last pipeline step that finished; a step re-run after a crash skips what is done."""

        NEU = "", "neu"
        GEPRUEFT = "geprueft", "geprüft"
        AUFGETEILT = "aufgeteilt", "aufgeteilt"
        ERKANNT = "erkannt", "Text erkannt"
        ABGESCHLOSSEN = "abgeschlossen", "abgeschlossen"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    quelle = models.CharField("Quelle", max_length=10, choices=Quelle.choices, default=Quelle.UPLOAD)
    status = models.CharField("Status", max_length=16, choices=Status.choices, default=Status.EINGEGANGEN)
    schritt = models.CharField("Verarbeitungsschritt", max_length=15, choices=Schritt.choices, default="", blank=True)
    fehler = models.TextField("Fehler", blank=True, default="", help_text="Was falsch ist und was zu tun ist.")
    hinweis = models.TextField("Hinweis", blank=True, default="")

    # The original exactly as received (kept unchanged, also in quarantine when processing failed).
    original = models.FileField("Original", upload_to=original_pfad, max_length=300)
    dateiname = models.CharField("Dateiname (bereinigt)", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    groesse = models.PositiveBigIntegerField("Größe (Bytes)", default=0)
    mime_type = models.CharField("MIME-Typ (erkannt)", max_length=100, blank=True, default="")

    hochgeladen_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="eingeliefert von",
    )
    eingegangen_am = models.DateTimeField("eingegangen am", auto_now_add=True, db_index=True)
    aktualisiert_am = models.DateTimeField("zuletzt bearbeitet", auto_now=True)
    verarbeitet_am = models.DateTimeField("verarbeitet am", null=True, blank=True)
    versuche = models.PositiveSmallIntegerField("Verarbeitungsversuche", default=0)

    # Derived by the pipeline.
    seiten = models.PositiveIntegerField("Seiten", default=0)
    blatt = models.PositiveIntegerField("Blatt", default=0)
    leere_seiten = models.PositiveIntegerField("leere Seiten", default=0)
    textquelle = models.CharField("Textquelle", max_length=20, blank=True, default="", help_text="ocr / textebene")
    text = models.TextField("erkannter Text", blank=True, default="")
    pdf = models.FileField("durchsuchbares PDF", upload_to=pdf_pfad, max_length=300, blank=True)
    pdf_sha256 = models.CharField("SHA-256 des PDF", max_length=64, blank=True, default="")
    vorschaubilder = models.JSONField("Vorschaubilder", default=list, blank=True)
    erkannte_merkmale = models.JSONField("erkannte Merkmale", default=dict, blank=True)
    vorschlaege = models.JSONField(
        "Vorschläge", default=list, blank=True, help_text="Liste von {akte, aktenzeichen, grund, konfidenz}."
    )
    dokumentart = models.CharField("Dokumentart", max_length=50, blank=True, default="")
    register_nummer = models.CharField("Register (Vorschlag)", max_length=5, blank=True, default="")

    # Result: filed, or waiting in an in-tray.
    akte = models.ForeignKey(
        Akte, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="Akte"
    )
    vorgang = models.ForeignKey(
        Vorgang, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="Vorgang"
    )
    dokument = models.ForeignKey(
        Dokument, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="Dokument"
    )
    automatisch_zugeordnet = models.BooleanField("automatisch zugeordnet", default=False)
    zugeordnet_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="zugeordnet von",
    )
    zugeordnet_am = models.DateTimeField("zugeordnet am", null=True, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="posteingaenge", verbose_name="Team"
    )
    zugewiesen_an = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posteingaenge",
        verbose_name="zugewiesen an",
    )

    # A stack split at cover sheets: each part is an item of its own with `parent` set.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="teile", verbose_name="Stapel"
    )
    teil_nummer = models.PositiveIntegerField("Teil", null=True, blank=True)
    duplikat_von = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="Duplikat von"
    )

    objects = PosteingangQuerySet.as_manager()

    class Meta:
        verbose_name = "Posteingang"
        verbose_name_plural = "Posteingänge"
        ordering = ["-eingegangen_am", "-id"]
        indexes = [
            models.Index(fields=["behoerde", "-eingegangen_am"]),
            models.Index(fields=["behoerde", "status"]),
            models.Index(fields=["status", "aktualisiert_am"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["behoerde", "sha256"]),
            GinIndex(POSTKORB_SUCHVEKTOR, condition=Q(status="zu_pruefen"), name="posteingang_postkorb_text_gin"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "teil_nummer"], condition=Q(parent__isnull=False), name="posteingang_teil_eindeutig"
            )
        ]

    def __str__(self) -> str:
        return f"Posteingang {self.pk} ({self.dateiname})"

    @property
    def ist_abgeschlossen(self) -> bool:
        return self.status in {
            self.Status.ZUGEORDNET,
            self.Status.ZU_PRUEFEN,
            self.Status.FEHLER,
            self.Status.AUFGETEILT,
        }

    @property
    def eingeliefert_von_anzeige(self) -> str:
        if self.hochgeladen_von is not None:
            return self.hochgeladen_von.get_username()
        return self.get_quelle_display()

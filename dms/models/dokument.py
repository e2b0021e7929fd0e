"""Dokument with immutable file versions: original bytes unchanged plus derived searchable PDF, text and counts."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .akte import Akte, Vorgang
from .organisation import Behoerde
from .struktur import Register

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class DokumentQuerySet(models.QuerySet["Dokument"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> DokumentQuerySet:
        from dms.access import sichtbare_akten_ids

        return self.filter(akte_id__in=sichtbare_akten_ids(user))

    def bestehend(self) -> DokumentQuerySet:
        """Documents still standing in their file (not merged into another one)."""
        return self.filter(ersetzt_durch__isnull=True, ersetzt_am__isnull=True)


class Dokument(models.Model):
    class Richtung(models.TextChoices):
        EINGANG = "eingang", "Eingang"
        AUSGANG = "ausgang", "Ausgang"
        INTERN = "intern", "intern"

    class Quelle(models.TextChoices):
        POSTEINGANG = "posteingang", "Posteingang (Scan)"
        ALTAKTE = "altakte", "Altakte (Digitalisierung)"
        # One document cut from a legacy file's sealed original (docs/klassifikation.md); its sheets are the
        # original's and are not counted again for the subsidy.
        ALTAKTE_TEIL = "altakte_teil", "Teil einer Altakte"
        UPLOAD = "upload", "Hochladen"
        ABGABE = "abgabe", "Abgabe-Import"
        FACHVERFAHREN = "fachverfahren", "Fachverfahren"
        VERMERK = "vermerk", "Vermerk"
        POSTAUSGANG = "postausgang", "Postausgang (Schreiben aus Vorlage)"
        EMAIL = "email", "E-Mail"
        ONLINE = "online", "Online-Antrag"

    class OcrStatus(models.TextChoices):
        AUSSTEHEND = "ausstehend", "ausstehend"
        IN_ARBEIT = "in_arbeit", "in Arbeit"
        FERTIG = "fertig", "fertig"
        NICHT_NOETIG = "nicht_noetig", "nicht nötig (Textebene vorhanden)"
        FEHLER = "fehler", "Fehler"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    akte = models.ForeignKey(Akte, on_delete=models.PROTECT, related_name="dokumente", verbose_name="Akte")
    # The file's authority, copied for the full-text index (authority and words from one GIN index, docs/suche.md).
    # PostgreSQL keeps it right, whatever writes (trigger of migration 0024): on insert and on a move it is taken
    # from the file, and when a file changes authority (Aktenabgabe) its documents follow. Code never sets it; on an
    # instance just created it is None until refresh_from_db. Search never relies on it for access: the visibility
    # filter runs on the candidates it yields.
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False)
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="dokumente", verbose_name="Register")
    vorgang = models.ForeignKey(
        Vorgang, on_delete=models.SET_NULL, null=True, blank=True, related_name="dokumente", verbose_name="Vorgang"
    )
    titel = models.CharField("Titel", max_length=300)
    art = models.CharField("Art", max_length=50, blank=True, default="")
    richtung = models.CharField("Richtung", max_length=10, choices=Richtung.choices, default=Richtung.EINGANG)
    eingangsdatum = models.DateField("Eingangsdatum", null=True, blank=True)
    quelle = models.CharField("Quelle", max_length=20, choices=Quelle.choices, default=Quelle.UPLOAD)
    ocr_status = models.CharField(
        "Texterkennung", max_length=15, choices=OcrStatus.choices, default=OcrStatus.AUSSTEHEND
    )
    # Denormalised from the current version so lists need no join; kept in step by the services.
    seiten = models.PositiveIntegerField("Seiten", default=0)
    blatt = models.PositiveIntegerField("Blatt", default=0)
    text = models.TextField("erkannter Text", blank=True, default="")
    suchvektor = SearchVectorField(null=True, editable=False)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    angelegt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="angelegt von",
    )
    version = models.PositiveIntegerField("Version", default=1)
    # A document merged into another one (page editing, dms/seitenbearbeitung/) ends: its pages and sheets live on
    # in `ersetzt_durch`; its own versions stay stored and readable, it leaves the file's lists and the search.
    ersetzt_durch = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aufgenommen",
        verbose_name="aufgegangen in",
    )
    ersetzt_am = models.DateTimeField("aufgegangen am", null=True, blank=True)

    objects = DokumentQuerySet.as_manager()

    class Meta:
        verbose_name = "Dokument"
        verbose_name_plural = "Dokumente"
        ordering = ["-eingangsdatum", "-angelegt_am"]
        indexes = [
            models.Index(fields=["akte", "register"]),
            models.Index(fields=["akte", "-angelegt_am"]),
            # btree_gin: the authority's id as a GIN key beside the words, so `behoerde_id = X AND suchvektor @@ q`
            # is one bitmap from one index (dms/suche.py). A GIN index over several columns also serves a condition
            # on the words alone, so it replaced the GIN index over `suchvektor` (migration 0024).
            # No pending list (fastupdate off, migration 0030): every search scanned the whole unsorted list of entries
            # not yet merged (up to 4 MB), and the planner priced the index by it; inserts merge at once instead.
            GinIndex(fields=["behoerde", "suchvektor"], name="dokument_behoerde_suchvektor", fastupdate=False),
        ]

    def __str__(self) -> str:
        return self.titel

    @property
    def ist_vermerk(self) -> bool:
        return self.quelle == self.Quelle.VERMERK

    @property
    def texterkennung_laeuft(self) -> bool:
        return self.ocr_status in (self.OcrStatus.AUSSTEHEND, self.OcrStatus.IN_ARBEIT)

    @property
    def aktuelle_version(self) -> DokumentVersion | None:
        return self.versionen.order_by("-nummer").first()


def original_pfad(instance: DokumentVersion, filename: str) -> str:
    # No user-supplied name in storage paths: the original file name is kept as data only.
    return f"dokumente/{instance.dokument.uuid}/{instance.nummer}/original"


def pdf_pfad(instance: DokumentVersion, filename: str) -> str:
    return f"dokumente/{instance.dokument.uuid}/{instance.nummer}/durchsuchbar.pdf"


class DokumentVersion(models.Model):
    """One immutable version. The original is never overwritten; a new upload makes a new version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dokument = models.ForeignKey(Dokument, on_delete=models.PROTECT, related_name="versionen", verbose_name="Dokument")
    nummer = models.PositiveIntegerField("Versionsnummer")
    original = models.FileField("Original", upload_to=original_pfad, max_length=300)
    dateiname = models.CharField("ursprünglicher Dateiname", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    groesse = models.PositiveBigIntegerField("Größe (Bytes)")
    mime_type = models.CharField("MIME-Typ (erkannt)", max_length=100)
    pdf = models.FileField("durchsuchbares PDF", upload_to=pdf_pfad, max_length=300, blank=True)
    pdf_sha256 = models.CharField("SHA-256 des PDF", max_length=64, blank=True, default="")
    text = models.TextField("erkannter Text", blank=True, default="")
    seiten = models.PositiveIntegerField("Seiten", default=0)
    blatt = models.PositiveIntegerField("Blatt", default=0)
    leere_seiten = models.PositiveIntegerField("leere Seiten", default=0)
    vorschaubilder = models.JSONField("Vorschaubilder", default=list, blank=True, help_text="Speicherpfade je Seite.")
    transfervermerk = models.JSONField("Transfervermerk", default=dict, blank=True)
    # Sheet numbers (dms/gericht/blaetter.py): per page of this version its sheet number in the file, given when the
    # page count is known; a page edit names per new page the page of the previous version it keeps (or None).
    blattnummern = models.JSONField("Blattnummern je Seite", default=list, blank=True)
    seitenzuordnung = models.JSONField("Seiten aus der Vorversion", null=True, blank=True)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    angelegt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="angelegt von",
    )

    class Meta:
        verbose_name = "Dokumentversion"
        verbose_name_plural = "Dokumentversionen"
        ordering = ["dokument", "nummer"]
        constraints = [models.UniqueConstraint(fields=["dokument", "nummer"], name="version_nummer_je_dokument")]

    def __str__(self) -> str:
        return f"{self.dokument} v{self.nummer}"

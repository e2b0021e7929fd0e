"""Electronic intake: functional mailboxes (IMAP), the mails taken from them, postcode -> authority (Land data),
sending platforms (online services) and the online applications they deliver.

Each way in ends in a Posteingang item, so the same pipeline (conversion, identifiers, filing, in-tray) follows."""

from __future__ import annotations

from django.db import models

from dms.models import Behoerde, Vorgang

from ..models.posteingang import Posteingang


class Postfach(models.Model):
    """An authority's functional mailbox, polled by the beat task `scanning.eingang.postfaecher_abrufen`."""

    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    name = models.CharField("Bezeichnung", max_length=100)
    host = models.CharField("IMAP-Server", max_length=200)
    port = models.PositiveIntegerField("Port", default=993)
    verschluesselung = models.CharField(
        "Verschlüsselung",
        max_length=10,
        choices=[("ssl", "TLS (IMAPS)"), ("starttls", "STARTTLS"), ("keine", "keine (nur Test/localhost)")],
        default="ssl",
    )
    benutzer = models.CharField("Benutzername", max_length=200)
    kennwort_variable = models.CharField(
        "Umgebungsvariable des Kennworts",
        max_length=100,
        help_text="Name der Umgebungsvariable, die das Kennwort enthält (das Kennwort steht nie in der Datenbank).",
    )
    ordner = models.CharField("Eingangsordner", max_length=200, default="INBOX")
    ordner_erledigt = models.CharField("Ordner für übernommene Mails", max_length=200, default="Uebernommen")
    ordner_zu_gross = models.CharField("Ordner für zu große Mails", max_length=200, default="Zu-gross")
    aktiv = models.BooleanField("aktiv", default=True)
    zuletzt_abgerufen = models.DateTimeField("zuletzt abgerufen", null=True, blank=True)
    letzter_fehler = models.TextField("letzter Fehler", blank=True, default="")

    class Meta:
        verbose_name = "Funktionspostfach"
        verbose_name_plural = "Funktionspostfächer"
        ordering = ["behoerde", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.benutzer}@{self.host})"


class EingangsMail(models.Model):
    """One mail taken in: exactly once per authority, Message-ID and content (see docs/eingang.md)."""

    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    postfach = models.ForeignKey(Postfach, on_delete=models.SET_NULL, null=True, blank=True, related_name="mails")
    message_id = models.CharField("Message-ID", max_length=998)
    sha256 = models.CharField("SHA-256", max_length=64)
    absender = models.CharField("Absender", max_length=500, blank=True, default="")
    betreff = models.CharField("Betreff", max_length=500, blank=True, default="")
    posteingang = models.OneToOneField(Posteingang, on_delete=models.PROTECT, related_name="mail")
    eingegangen_am = models.DateTimeField("übernommen am", auto_now_add=True)

    class Meta:
        verbose_name = "E-Mail-Eingang"
        verbose_name_plural = "E-Mail-Eingänge"
        constraints = [
            models.UniqueConstraint(fields=["behoerde", "message_id", "sha256"], name="mail_einmal_je_behoerde")
        ]
        indexes = [models.Index(fields=["behoerde", "message_id"])]

    def __str__(self) -> str:
        return self.message_id


class Zustaendigkeit(models.Model):
    """Postcode -> responsible authority (Land data, fixtures/postleitzahlen.json)."""

    postleitzahl = models.CharField("Postleitzahl", max_length=5, unique=True)
    ort = models.CharField("Ort", max_length=200, blank=True, default="")
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")

    class Meta:
        verbose_name = "Zuständigkeit nach Postleitzahl"
        verbose_name_plural = "Zuständigkeiten nach Postleitzahl"
        ordering = ["postleitzahl"]

    def __str__(self) -> str:
        return f"{self.postleitzahl} {self.ort} → {self.behoerde.kuerzel}"


class Plattform(models.Model):
    """A sending platform (online service portal) whose Ed25519 public key verifies its submissions."""

    kennung = models.SlugField("Kennung", max_length=60, unique=True)
    name = models.CharField("Name", max_length=200)
    oeffentlicher_schluessel = models.TextField("öffentlicher Schlüssel (Ed25519, PEM)")
    aktiv = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "Antragsplattform"
        verbose_name_plural = "Antragsplattformen"

    def __str__(self) -> str:
        return self.name


class Onlineantrag(models.Model):
    """A structured online application (data as JSON + a generated PDF in its Posteingang item)."""

    class Dienst(models.TextChoices):
        VERPFLICHTUNGSERKLAERUNG = "verpflichtungserklaerung", "Verpflichtungserklärung"
        SONSTIGER = "sonstiger", "sonstiger Online-Dienst"

    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    dienst = models.CharField("Online-Dienst", max_length=40, default=Dienst.VERPFLICHTUNGSERKLAERUNG)
    plattform = models.ForeignKey(Plattform, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    einreichung = models.CharField("Einreichungs-ID", max_length=100, help_text="Eindeutig je Plattform (Replay).")
    daten = models.JSONField("Antragsdaten")
    posteingang = models.OneToOneField(Posteingang, on_delete=models.PROTECT, related_name="onlineantrag")
    vorgang = models.ForeignKey(Vorgang, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    eingegangen_am = models.DateTimeField("eingegangen am", auto_now_add=True)

    class Meta:
        verbose_name = "Online-Antrag"
        verbose_name_plural = "Online-Anträge"
        constraints = [
            models.UniqueConstraint(fields=["plattform", "einreichung"], name="einreichung_einmal_je_plattform"),
        ]

    def __str__(self) -> str:
        return f"{self.dienst} {self.einreichung}"


def anlage_pfad(instance: Onlineanlage, filename: str) -> str:
    return f"online/{instance.antrag.posteingang.uuid}/anlage-{instance.nummer}"


class Onlineanlage(models.Model):
    """An attachment of an online application, kept unchanged (the item's PDF holds the converted copy)."""

    antrag = models.ForeignKey(Onlineantrag, on_delete=models.CASCADE, related_name="anlagen")
    nummer = models.PositiveSmallIntegerField()
    art = models.CharField("Art", max_length=200, blank=True, default="")
    dateiname = models.CharField("Dateiname", max_length=255)
    mime_type = models.CharField("MIME-Typ", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    datei = models.FileField(upload_to=anlage_pfad, max_length=300)

    class Meta:
        verbose_name = "Anlage eines Online-Antrags"
        verbose_name_plural = "Anlagen von Online-Anträgen"
        ordering = ["antrag", "nummer"]
        constraints = [models.UniqueConstraint(fields=["antrag", "nummer"], name="anlage_nummer_je_antrag")]

    def __str__(self) -> str:
        return f"{self.antrag_id}/{self.nummer} {self.dateiname}"

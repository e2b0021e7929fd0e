"""Closing of a file, retention rules as versioned data, legal holds, offers to the state archive, deletion records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from dms.models.akte import Akte
from dms.models.organisation import Behoerde


class Abschlussgrund(models.TextChoices):
    FORTZUG = "fortzug", "Fortzug mit Aktenabgabe"
    TOD = "tod", "Tod"
    EINBUERGERUNG = "einbuergerung", "Einbürgerung"
    AUSREISE = "ausreise", "Verlassen des Bundesgebiets"
    VE_HAFTUNG = "ve_haftung", "Ende der Haftung aus einer Verpflichtungserklärung"
    EINREISESPERRE = "einreisesperre", "Ende einer Einreisesperre (Ausweisung, Abschiebung)"
    SONSTIGES = "sonstiges", "sonstiger Abschluss (Fristen der Register)"


class Aufbewahrungsregel(models.Model):
    """One retention rule in one version (fixtures/aufbewahrungsregeln.json); the rule valid on the closing date
    applies. `anlass` is an Abschlussgrund, or `einreisesperre`/`ve_haftung` for the dates a file may carry besides."""

    schluessel = models.SlugField("Schlüssel", max_length=50)
    anlass = models.CharField("Anlass", max_length=20, choices=Abschlussgrund.choices)
    jahre = models.PositiveSmallIntegerField(
        "Frist (Jahre)", null=True, blank=True, help_text="Leer: Fristen der Register."
    )
    rechtsgrundlage = models.CharField("Rechtsgrundlage", max_length=200)
    version = models.CharField("Version", max_length=20)
    gueltig_ab = models.DateField("gültig ab")

    class Meta:
        verbose_name = "Aufbewahrungsregel"
        verbose_name_plural = "Aufbewahrungsregeln"
        ordering = ["anlass", "-gueltig_ab"]
        constraints = [models.UniqueConstraint(fields=["anlass", "gueltig_ab"], name="regel_je_anlass_und_beginn")]

    def __str__(self) -> str:
        return f"{self.get_anlass_display()}: {self.jahre or 'Register'} Jahre ({self.rechtsgrundlage}, {self.version})"


class Aktenschluss(models.Model):
    """Why and when a file ended, and the date its retention ends (computed by `frist.frist_berechnen`)."""

    class Status(models.TextChoices):
        LAUFEND = "laufend", "Aufbewahrung läuft"
        ANGEBOTEN = "angeboten", "dem Archiv angeboten"
        ARCHIVIEREN = "archivieren", "vom Archiv übernommen (Übergabe steht aus)"
        UEBERGEBEN = "uebergeben", "an das Archiv übergeben, Importbestätigung (0506) steht aus"
        FREIGEGEBEN = "freigegeben", "zur Löschung freigegeben"
        FEHLGESCHLAGEN = "fehlgeschlagen", "Übernahme durch das Archiv fehlgeschlagen"

    akte = models.OneToOneField(Akte, on_delete=models.CASCADE, related_name="aktenschluss", verbose_name="Akte")
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    grund = models.CharField("Grund", max_length=20, choices=Abschlussgrund.choices)
    datum = models.DateField("Datum des Ereignisses")
    einreisesperre_bis = models.DateField("Einreisesperre endet am", null=True, blank=True)
    haftung_bis = models.DateField("Haftung aus Verpflichtungserklärung endet am", null=True, blank=True)
    faellig_am = models.DateField("Aufbewahrung endet am")
    rechtsgrundlage = models.CharField("Rechtsgrundlage", max_length=200)
    regel_version = models.CharField("Regelversion", max_length=20)
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.LAUFEND)
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erfasst_am = models.DateTimeField("erfasst am", auto_now=True)

    class Meta:
        verbose_name = "Aktenabschluss"
        verbose_name_plural = "Aktenabschlüsse"
        ordering = ["faellig_am", "id"]
        indexes = [models.Index(fields=["behoerde", "faellig_am", "id"], name="aussonderung_faellig")]

    def __str__(self) -> str:
        return f"{self.akte_id}: {self.get_grund_display()} {self.datum:%d.%m.%Y} → {self.faellig_am:%d.%m.%Y}"


class Loeschsperre(models.Model):
    """A legal hold: while it is not lifted the file is never offered or deleted."""

    class Art(models.TextChoices):
        GERICHTSVERFAHREN = "gerichtsverfahren", "anhängiges Gerichtsverfahren"
        BETROFFENENANFRAGE = "betroffenenanfrage", "Anfrage der betroffenen Person (Art. 15–18 DSGVO)"
        ERMITTLUNG = "ermittlung", "Ermittlungsverfahren"

    akte = models.ForeignKey(Akte, on_delete=models.CASCADE, related_name="loeschsperren", verbose_name="Akte")
    art = models.CharField("Art", max_length=20, choices=Art.choices)
    grund = models.CharField("Begründung", max_length=500)
    gesetzt_von = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    gesetzt_am = models.DateTimeField("gesetzt am", auto_now_add=True)
    aufgehoben_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aufgehoben_am = models.DateTimeField("aufgehoben am", null=True, blank=True)
    aufhebungsgrund = models.CharField("Grund der Aufhebung", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = "Löschsperre"
        verbose_name_plural = "Löschsperren"
        ordering = ["-gesetzt_am"]
        indexes = [models.Index(fields=["akte"], condition=Q(aufgehoben_am__isnull=True), name="sperre_aktiv")]

    def __str__(self) -> str:
        return f"{self.get_art_display()} ({self.akte_id})"


class Anbietung(models.Model):
    """One batch offered to the state archive (xdomea process: 0501 offer, 0504 its receipt, 0502 evaluation, 0505
    our receipt of it, 0503 hand-over, 0507 its receipt, 0506 the per-file import result)."""

    class Status(models.TextChoices):
        ANGEBOTEN = "angeboten", "angeboten (0501)"
        BEWERTET = "bewertet", "bewertet (0502)"
        UEBERGEBEN = "uebergeben", "übergeben (0503), Übernahme durch das Archiv offen"
        ABGESCHLOSSEN = "abgeschlossen", "abgeschlossen"

    prozess_id = models.UUIDField("ProzessID", default=uuid.uuid4, unique=True, editable=False)
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.ANGEBOTEN)
    angeboten_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    angeboten_am = models.DateTimeField("angeboten am", auto_now_add=True)
    frist_bis = models.DateField("Entscheidung des Archivs bis")
    erinnert_am = models.DateTimeField("erinnert am", null=True, blank=True)
    empfang_bestaetigt_am = models.DateTimeField("Empfang bestätigt am", null=True, blank=True)
    bewertet_am = models.DateTimeField("bewertet am", null=True, blank=True)
    bewertet_durch_fristablauf = models.BooleanField("Freigabe durch Fristablauf", default=False)
    bewertung_bestaetigt_am = models.DateTimeField("Empfang der Bewertung bestätigt (0505)", null=True, blank=True)
    uebergeben_am = models.DateTimeField("übergeben am", null=True, blank=True)
    aussonderung_empfangen_am = models.DateTimeField("Empfang der Aussonderung bestätigt (0507)", null=True, blank=True)
    abgeschlossen_am = models.DateTimeField("abgeschlossen am", null=True, blank=True)

    class Meta:
        verbose_name = "Anbietung an das Archiv"
        verbose_name_plural = "Anbietungen an das Archiv"
        ordering = ["-angeboten_am", "-id"]
        indexes = [models.Index(fields=["behoerde", "status"])]

    def __str__(self) -> str:
        return f"Anbietung {self.prozess_id} ({self.get_status_display()})"


class Anbietungsposten(models.Model):
    """One file of an offer and the archive's decision; kept (without the file) after deletion."""

    class Entscheidung(models.TextChoices):
        OFFEN = "offen", "offen"
        ARCHIVIEREN = "archivieren", "archivwürdig (A)"
        VERNICHTEN = "vernichten", "zu vernichten (V)"

    anbietung = models.ForeignKey(Anbietung, on_delete=models.CASCADE, related_name="posten")
    akte = models.ForeignKey(Akte, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    akte_uuid = models.UUIDField("Akte (xdomea-ID)")
    aktenzeichen = models.CharField("Aktenzeichen", max_length=60)
    entscheidung = models.CharField(
        "Entscheidung des Archivs", max_length=15, choices=Entscheidung.choices, default=Entscheidung.OFFEN
    )
    uebergeben = models.BooleanField("übergeben (0503)", default=False)
    archiviert = models.BooleanField("Übernahme bestätigt (0506)", default=False)
    uebernahme_fehlgeschlagen = models.BooleanField("Übernahme fehlgeschlagen (0506)", default=False)
    archiv_meldung = models.TextField("Fehlermeldung des Archivs", blank=True, default="")
    archivkennung = models.CharField("Archivkennung", max_length=200, blank=True, default="")
    uebernahme_gemeldet_am = models.DateTimeField("Übernahme gemeldet am (0506)", null=True, blank=True)

    class Meta:
        verbose_name = "Anbietungsposten"
        verbose_name_plural = "Anbietungsposten"
        ordering = ["anbietung", "aktenzeichen"]
        constraints = [models.UniqueConstraint(fields=["anbietung", "akte_uuid"], name="posten_je_akte")]

    def __str__(self) -> str:
        return f"{self.aktenzeichen}: {self.get_entscheidung_display()}"

    @property
    def loeschung_freigegeben(self) -> bool:
        """Hessian archive law: released when the archive discards it, or has confirmed taking over this very file
        (0506 with Erfolgreich=1; a failed import never releases it). `archiviert` without a recorded 0506 is a
        release under the old rule (a 0504 after the 0503) and releases nothing (`freigaben.py`)."""
        return self.entscheidung == self.Entscheidung.VERNICHTEN or (
            self.entscheidung == self.Entscheidung.ARCHIVIEREN
            and self.archiviert
            and self.uebernahme_gemeldet_am is not None
        )


class Loeschung(models.Model):
    """The deletion record (Löschnachweis): what remains of a file, without personal data."""

    class Status(models.TextChoices):
        BEANTRAGT = "beantragt", "beantragt (wartet auf zweite Person)"
        DURCHGEFUEHRT = "durchgefuehrt", "durchgeführt"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    akte = models.ForeignKey(Akte, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    akte_uuid = models.UUIDField("Akte (xdomea-ID)")
    aktenzeichen = models.CharField("Aktenzeichen", max_length=60)
    status = models.CharField("Status", max_length=15, choices=Status.choices, default=Status.BEANTRAGT)
    grund = models.CharField("Grund", max_length=20, choices=Abschlussgrund.choices)
    ereignis_am = models.DateField("Datum des Ereignisses")
    faellig_am = models.DateField("Aufbewahrung endete am")
    rechtsgrundlage = models.CharField("Rechtsgrundlage", max_length=200)
    regel_version = models.CharField("Regelversion", max_length=20)
    archiv_entscheidung = models.CharField("Entscheidung des Archivs", max_length=15)
    archiv_freigabe_durch_fristablauf = models.BooleanField("Freigabe durch Fristablauf", default=False)
    prozess_id = models.UUIDField("ProzessID der Anbietung", null=True, blank=True)
    beantragt_von = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    beantragt_am = models.DateTimeField("beantragt am", auto_now_add=True)
    genehmigt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    durchgefuehrt_am = models.DateTimeField("durchgeführt am", null=True, blank=True)
    anzahl_dokumente = models.PositiveIntegerField("Dokumente", default=0)
    anzahl_seiten = models.PositiveIntegerField("Seiten", default=0)
    anzahl_dateien = models.PositiveIntegerField("gelöschte Dateien", default=0)
    bytes_geloescht = models.PositiveBigIntegerField("gelöschte Bytes", default=0)
    speicher_bereinigt = models.BooleanField("Speicher bereinigt", default=False)
    pseudonym = models.CharField("Pseudonym im Protokoll", max_length=40, blank=True, default="")
    protokoll_eintraege = models.PositiveIntegerField("pseudonymisierte Protokolleinträge", default=0)

    class Meta:
        verbose_name = "Löschnachweis"
        verbose_name_plural = "Löschnachweise"
        ordering = ["-beantragt_am", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["akte"], condition=Q(status="beantragt"), name="ein_loeschantrag_je_akte"),
            models.CheckConstraint(
                condition=Q(genehmigt_von__isnull=True) | ~Q(genehmigt_von=models.F("beantragt_von")),
                name="loeschung_vier_augen",
            ),
        ]
        indexes = [models.Index(fields=["behoerde", "status"])]

    def __str__(self) -> str:
        return f"Löschung {self.aktenzeichen} ({self.get_status_display()})"


class Archivausgang(models.Model):
    """One message to the state archive that has to arrive (outbox): our receipt of the evaluation (0505) and the
    hand-over (0503). Kept until the archive has accepted it; a failed send is tried again with growing pauses
    (`ausgang.wartezeit`) by the beat task `dms.aussonderung.ausgang_senden` or at once by the records officer.

    The 0505 is stored as sent; the 0503 (the files with all their documents, possibly gigabytes) is written afresh
    from the files for each attempt, so no second copy of the documents lies in the database or the storage."""

    class Art(models.TextChoices):
        BEWERTUNG_EMPFANGEN = "0505", "Empfangsbestätigung der Bewertung (0505)"
        AUSSONDERUNG = "0503", "Aussonderung (0503)"

    class Status(models.TextChoices):
        WARTET = "wartet", "wartet auf Zustellung"
        GESENDET = "gesendet", "zugestellt"

    anbietung = models.ForeignKey(Anbietung, on_delete=models.CASCADE, related_name="ausgang")
    behoerde = models.ForeignKey(Behoerde, on_delete=models.PROTECT, related_name="+", verbose_name="Behörde")
    art = models.CharField("Nachricht", max_length=4, choices=Art.choices)
    dateiname = models.CharField("Dateiname", max_length=200)
    inhalt = models.BinaryField("Inhalt (ZIP)", blank=True, default=b"")
    status = models.CharField("Status", max_length=10, choices=Status.choices, default=Status.WARTET)
    versuche = models.PositiveIntegerField("Zustellversuche", default=0)
    letzter_fehler = models.CharField("letzter Fehler", max_length=500, blank=True, default="")
    letzter_versuch_am = models.DateTimeField("letzter Versuch am", null=True, blank=True)
    naechster_versuch_am = models.DateTimeField("nächster Versuch am", null=True, blank=True)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    gesendet_am = models.DateTimeField("zugestellt am", null=True, blank=True)

    class Meta:
        verbose_name = "Nachricht an das Staatsarchiv"
        verbose_name_plural = "Nachrichten an das Staatsarchiv"
        ordering = ["angelegt_am", "id"]
        constraints = [models.UniqueConstraint(fields=["anbietung", "art"], name="ausgang_je_anbietung_und_art")]
        indexes = [
            models.Index(fields=["naechster_versuch_am"], condition=Q(status="wartet"), name="archivausgang_wartend")
        ]

    def __str__(self) -> str:
        return f"{self.art} {self.anbietung_id} ({self.get_status_display()})"

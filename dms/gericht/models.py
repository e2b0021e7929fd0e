"""Sheet numbers, court submissions, inspection copies and scan seals."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dms.models.akte import Akte
from dms.models.dokument import Dokument, DokumentVersion


class Blatt(models.Model):
    """One sheet number of a file, given once and never again. A removed sheet stays as a documented gap."""

    akte = models.ForeignKey(Akte, on_delete=models.PROTECT, related_name="blaetter", verbose_name="Akte")
    nummer = models.PositiveIntegerField("Blatt")
    # SET_NULL: deletion by law may remove the document row; the gap and its reason stay.
    dokument = models.ForeignKey(
        Dokument, on_delete=models.SET_NULL, null=True, blank=True, related_name="blaetter", verbose_name="Dokument"
    )
    seit_version = models.PositiveIntegerField("vergeben mit Version")
    vergeben_am = models.DateTimeField("vergeben am", auto_now_add=True)
    entfernt_am = models.DateTimeField("entfernt am", null=True, blank=True)
    entfernt_grund = models.CharField("Grund der Entfernung", max_length=500, blank=True, default="")
    entfernt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="entfernt von",
    )

    class Meta:
        verbose_name = "Blatt"
        verbose_name_plural = "Blätter"
        ordering = ["akte", "nummer"]
        constraints = [models.UniqueConstraint(fields=["akte", "nummer"], name="blatt_nummer_je_akte")]
        indexes = [models.Index(fields=["dokument", "entfernt_am"])]

    def __str__(self) -> str:
        return f"Bl. {self.nummer}"


class Auftrag(models.Model):
    """A PDF built in the background (Celery) with progress: the common part of court submissions and inspection
    copies. `services.auftrag_ausfuehren` runs the build, `teile/auftraege.html` shows the progress."""

    class Status(models.TextChoices):
        WARTET = "wartet", "wartet"
        IN_ARBEIT = "in_arbeit", "in Arbeit"
        FERTIG = "fertig", "fertig"
        FEHLER = "fehler", "Fehler"

    status = models.CharField("Status", max_length=10, choices=Status.choices, default=Status.WARTET)
    fortschritt = models.PositiveSmallIntegerField("Fortschritt (%)", default=0)
    seiten = models.PositiveIntegerField("Seiten", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, default="")
    fehler = models.CharField("Fehler", max_length=500, blank=True, default="")
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="erstellt von"
    )
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    fertig_am = models.DateTimeField("fertig am", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def ist_fertig(self) -> bool:
        return self.status == self.Status.FERTIG

    @property
    def laeuft(self) -> bool:
        return self.status in (self.Status.WARTET, self.Status.IN_ARBEIT)


class Aktenvorlage(Auftrag):
    """One court submission (§ 99 VwGO): a PDF of the whole file or chosen procedures, built in the background."""

    akte = models.ForeignKey(Akte, on_delete=models.PROTECT, related_name="aktenvorlagen", verbose_name="Akte")
    vorgaenge = models.JSONField("Vorgänge (leer: ganze Akte)", default=list, blank=True)
    anlass = models.CharField("Anlass", max_length=300)
    empfaenger = models.CharField("Empfänger (Gericht)", max_length=300)
    gericht_aktenzeichen = models.CharField("Aktenzeichen des Gerichts", max_length=100, blank=True, default="")
    datei = models.FileField("PDF", upload_to="aktenvorlagen/", max_length=300, blank=True)
    manifest = models.JSONField("Manifest", default=dict, blank=True)

    class Meta:
        verbose_name = "Aktenvorlage"
        verbose_name_plural = "Aktenvorlagen"
        ordering = ["-angelegt_am"]

    def __str__(self) -> str:
        return f"Aktenvorlage {self.pk}"


class Einsichtskopie(Auftrag):
    """A copy for a lawyer's inspection (§ 29 HVwVfG, § 100 VwGO): chosen documents, redactions burned in; built
    in the background like a court submission."""

    akte = models.ForeignKey(Akte, on_delete=models.PROTECT, related_name="einsichtskopien", verbose_name="Akte")
    empfaenger = models.CharField("Empfänger", max_length=300)
    dokumente = models.JSONField("Dokumente", default=list)
    schwaerzungen = models.JSONField("Schwärzungen (Dokument, Seite, Rechteck, Grund)", default=list, blank=True)
    zurueckgehalten = models.JSONField("zurückgehaltene Dokumente", default=list, blank=True)
    datei = models.FileField("PDF", upload_to="einsichtskopien/", max_length=300, blank=True)

    class Meta:
        verbose_name = "Einsichtskopie"
        verbose_name_plural = "Einsichtskopien"
        ordering = ["-angelegt_am"]

    def __str__(self) -> str:
        return f"Einsichtskopie {self.pk}"


class Siegel(models.Model):
    """The transfer note of a scan bound to the original's bytes: a detached CMS signature (the authority's seal) or
    a PAdES-signed Übereinstimmungsnachweis (the responsible person's QES)."""

    class Art(models.TextChoices):
        SIEGEL = "siegel", "fortgeschrittenes Siegel der Behörde"
        QES = "qes", "qualifizierte elektronische Signatur"

    version = models.ForeignKey(
        DokumentVersion, on_delete=models.PROTECT, related_name="siegel", verbose_name="Dokumentversion"
    )
    art = models.CharField("Art", max_length=10, choices=Art.choices)
    signiert_daten = models.BinaryField("signierte Daten")
    signatur = models.BinaryField("CMS-Signatur (DER)")
    unterzeichner = models.CharField("Unterzeichner", max_length=300)
    bestaetigt_von = models.CharField("Übereinstimmung bestätigt von", max_length=300)
    angelegt_am = models.DateTimeField("angelegt am", auto_now_add=True)
    # A qualified signature: the Übereinstimmungsnachweis as a PAdES-signed PDF (`signatur` holds its CMS).
    nachweis = models.BinaryField("Übereinstimmungsnachweis (PDF, PAdES)", default=b"", blank=True)
    # RFC 3161: when the TSA's token was added (None: none yet); the last failure, for operators and the retry.
    zeitstempel_am = models.DateTimeField("Zeitstempel vom", null=True, blank=True)
    zeitstempel_fehler = models.CharField("letzter Zeitstempelfehler", max_length=300, blank=True)
    # Long-term validation data (certificates, CRLs, OCSP responses; `langzeit.py`): when they were embedded (None:
    # not yet), the last failure and how often it was tried (the beat job gives up after LTV_HOECHSTENS tries).
    ltv_am = models.DateTimeField("Validierungsdaten eingebettet am", null=True, blank=True)
    ltv_fehler = models.CharField("letzter Fehler beim Einbetten der Validierungsdaten", max_length=300, blank=True)
    ltv_versuche = models.PositiveSmallIntegerField("Versuche, Validierungsdaten einzubetten", default=0)
    # Preservation of evidence (Beweiswerterhaltung, `archiv.py`): the authority's seal gets an evidence record
    # (RFC 4998, DER) over original, sealed data and seal; the QES certificate carries its chain of PDF document
    # time-stamps itself. How many archive time-stamps the chain has, when the last was added, until when its TSA
    # certificate is valid, its hash algorithm, and the last failure (for operators and the renewal job).
    archiv_evidenz = models.BinaryField("Evidence Record (RFC 4998, DER)", default=b"", blank=True)
    archiv_anzahl = models.PositiveSmallIntegerField("Archivzeitstempel", default=0)
    archiv_erneuert_am = models.DateTimeField("Archivzeitstempel zuletzt erneuert am", null=True, blank=True)
    archiv_gueltig_bis = models.DateTimeField("letzter Archivzeitstempel gültig bis", null=True, blank=True)
    archiv_algorithmus = models.CharField("Hashverfahren des letzten Archivzeitstempels", max_length=20, blank=True)
    archiv_fehler = models.CharField("letzter Fehler beim Archivzeitstempel", max_length=300, blank=True)

    class Meta:
        verbose_name = "Siegel"
        verbose_name_plural = "Siegel"
        ordering = ["version", "angelegt_am"]
        constraints = [
            # A version is confirmed with a qualified signature once, whatever retries or double clicks happen.
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(art="qes"), name="siegel_eine_qes_je_version"
            )
        ]
        indexes = [
            # the renewal job and the metric: chains by the end of their last TSA certificate; seals still without
            # a chain (few: partial index)
            models.Index(fields=["archiv_gueltig_bis"], name="siegel_archiv_gueltig_bis"),
            models.Index(fields=["id"], condition=models.Q(archiv_anzahl=0), name="siegel_ohne_archivzeitstempel"),
        ]

    def __str__(self) -> str:
        return f"{self.get_art_display()} v{self.version_id}"


class Bestaetigungsauftrag(Auftrag):
    """A qualified confirmation of one or many scans, finished in the background. The request did what needs the
    person (PIN/TAN: `credentials/authorize`, then `signatures/signHash`; the SAD is never stored); the Celery task
    `dms.gericht.qes_abschliessen` embeds each returned signature value, adds time-stamp and validation data, checks
    and stores it, one document (`Bestaetigungsposten`) after the other. `seiten`/`sha256` of `Auftrag` stay unused."""

    akte = models.ForeignKey(Akte, on_delete=models.PROTECT, related_name="bestaetigungsauftraege", verbose_name="Akte")
    name = models.CharField("bestätigt von", max_length=300)
    zertifikate = models.JSONField("Zertifikatskette der Person (Base64, DER, Unterzeichner zuerst)", default=list)

    class Meta:
        verbose_name = "Übereinstimmungsbestätigung"
        verbose_name_plural = "Übereinstimmungsbestätigungen"
        ordering = ["-angelegt_am"]

    def __str__(self) -> str:
        return f"Übereinstimmungsbestätigung {self.pk}"


class Bestaetigungsposten(models.Model):
    """One document of a `Bestaetigungsauftrag`: what the trust service signed (the prepared certificate, its signed
    attributes, the signature value) until the task has embedded it; then the stored seal, or a German error."""

    class Status(models.TextChoices):
        WARTET = "wartet", "wartet"
        FERTIG = "fertig", "bestätigt"
        FEHLER = "fehler", "fehlgeschlagen"

    auftrag = models.ForeignKey(
        Bestaetigungsauftrag, on_delete=models.CASCADE, related_name="posten", verbose_name="Auftrag"
    )
    version = models.ForeignKey(
        DokumentVersion, on_delete=models.PROTECT, related_name="bestaetigungsposten", verbose_name="Dokumentversion"
    )
    status = models.CharField("Status", max_length=10, choices=Status.choices, default=Status.WARTET)
    fehler = models.CharField("Fehler", max_length=500, blank=True, default="")
    daten = models.BinaryField("bestätigte Daten")
    vorbereitet = models.BinaryField("vorbereiteter Nachweis (PDF mit Platzhalter)", default=b"", blank=True)
    dokument_digest = models.BinaryField("Digest des Byte-Bereichs", default=b"", blank=True)
    bereich_start = models.PositiveIntegerField("Platzhalter ab", default=0)
    bereich_ende = models.PositiveIntegerField("Platzhalter bis", default=0)
    attribute = models.BinaryField("signierte Attribute (DER)", default=b"", blank=True)
    signaturwert = models.BinaryField("Signaturwert des Vertrauensdienstes", default=b"", blank=True)
    siegel = models.OneToOneField(
        Siegel, on_delete=models.PROTECT, null=True, blank=True, related_name="posten", verbose_name="Siegel"
    )

    class Meta:
        verbose_name = "Übereinstimmungsbestätigung (Dokument)"
        verbose_name_plural = "Übereinstimmungsbestätigungen (Dokumente)"
        ordering = ["auftrag", "pk"]
        indexes = [models.Index(fields=["version", "status"])]

    def __str__(self) -> str:
        return f"Posten {self.pk} ({self.get_status_display()})"

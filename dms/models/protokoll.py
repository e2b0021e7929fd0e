"""The audit trail: append-only entries in keyed hash chains, one per authority (docs/protokoll.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Protokolleintrag(models.Model):
    class Aktion(models.TextChoices):
        LESEN = "lesen", "gelesen"
        HERUNTERLADEN = "herunterladen", "heruntergeladen"
        ANLEGEN = "anlegen", "angelegt"
        AENDERN = "aendern", "geändert"
        LOESCHEN = "loeschen", "gelöscht"
        EXPORT = "export", "exportiert"
        IMPORT = "import", "importiert"
        BERECHTIGUNG = "berechtigung", "Berechtigung geändert"
        ANMELDUNG = "anmeldung", "angemeldet"
        ABMELDUNG = "abmeldung", "abgemeldet"
        ANMELDUNG_FEHLGESCHLAGEN = "anmeldung_fehlgeschlagen", "Anmeldung fehlgeschlagen"
        SUCHE = "suche", "gesucht"
        ABGABE = "abgabe", "abgegeben"
        PSEUDONYMISIERUNG = "pseudonymisierung", "Protokoll pseudonymisiert"
        UEBERNAHME = "uebernahme", "Protokoll übernommen"

    zeitpunkt = models.DateTimeField("Zeitpunkt", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Benutzer",
        db_constraint=False,
    )
    benutzername = models.CharField("Benutzername", max_length=150, blank=True, default="")
    im_auftrag_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="im Auftrag von",
        db_constraint=False,
    )
    behoerde_id_wert = models.BigIntegerField("Behörde", null=True, blank=True, db_index=True)
    aktion = models.CharField("Aktion", max_length=30, choices=Aktion.choices)
    objekt_typ = models.CharField("Objekttyp", max_length=50, blank=True, default="")
    objekt_id = models.CharField("Objekt-ID", max_length=64, blank=True, default="")
    akte_id_wert = models.BigIntegerField("Akte", null=True, blank=True, db_index=True)
    aktenzeichen = models.CharField("Aktenzeichen", max_length=60, blank=True, default="")
    ip_adresse = models.GenericIPAddressField("IP-Adresse", null=True, blank=True)
    details = models.JSONField("Details", default=dict, blank=True)
    # The chain: one per authority (its id), 0 for entries without one; `nummer` counts 1, 2, 3 ... within it.
    kette = models.BigIntegerField("Kette", default=0)
    nummer = models.BigIntegerField("Nummer in der Kette")
    vorheriger_hash = models.CharField("Hash des vorigen Eintrags", max_length=64)
    # HMAC-SHA256 with the key `schluessel_id` (never in the database) over the fields, the link and the digest.
    hash = models.CharField("Hash", max_length=64)
    schluessel_id = models.CharField("Schlüssel", max_length=16)
    # The personal part (aktenzeichen, details) enters the hash only as this salted digest, so it can be replaced
    # by a pseudonym (the salt is dropped with it) while the chain still verifies; see dms/protokoll/.
    personenbezug_digest = models.CharField("Digest des Personenbezugs", max_length=64)
    personenbezug_salz = models.CharField("Salz", max_length=32, blank=True, default="")
    pseudonymisiert_durch = models.BigIntegerField("pseudonymisiert durch Eintrag", null=True, blank=True)

    class Meta:
        verbose_name = "Protokolleintrag"
        verbose_name_plural = "Protokolleinträge"
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-zeitpunkt"]), models.Index(fields=["aktion", "-zeitpunkt"])]
        constraints = [models.UniqueConstraint(fields=["kette", "nummer"], name="protokoll_kette_nummer")]

    def __str__(self) -> str:
        return f"{self.zeitpunkt:%d.%m.%Y %H:%M} {self.benutzername} {self.get_aktion_display()} {self.objekt_typ}"


class ProtokollPruefung(models.Model):
    """The result of one run of the chain check (`protokoll_pruefen`, beat); `/metrics` exports the latest."""

    zeitpunkt = models.DateTimeField("Zeitpunkt", db_index=True)
    # Full check (every entry) or quick check (entries since the checkpoint before the latest).
    vollstaendig = models.BooleanField("vollständig", default=True)
    in_ordnung = models.BooleanField("in Ordnung")
    befunde = models.PositiveIntegerField("Befunde", default=0)
    erster_befund = models.TextField("erster Befund", blank=True, default="")
    eintraege = models.BigIntegerField("geprüfte Einträge", default=0)
    ketten = models.PositiveIntegerField("geprüfte Ketten", default=0)
    anker_nummer = models.BigIntegerField("Ankerpunkt", null=True, blank=True)
    anker_zeitpunkt = models.DateTimeField("Zeit des Ankerpunkts", null=True, blank=True)
    dauer_sekunden = models.FloatField("Dauer (s)", default=0)

    class Meta:
        verbose_name = "Protokollprüfung"
        verbose_name_plural = "Protokollprüfungen"
        ordering = ["-zeitpunkt"]

    def __str__(self) -> str:
        return f"{self.zeitpunkt:%d.%m.%Y %H:%M} {'in Ordnung' if self.in_ordnung else 'NICHT in Ordnung'}"

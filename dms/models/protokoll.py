"""The audit trail: append-only, hash-chained entries (see dms/audit.py and `protokoll_pruefen`)."""

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
    vorheriger_hash = models.CharField("Hash des vorigen Eintrags", max_length=64)
    hash = models.CharField("Hash", max_length=64, unique=True)

    class Meta:
        verbose_name = "Protokolleintrag"
        verbose_name_plural = "Protokolleinträge"
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-zeitpunkt"]), models.Index(fields=["aktion", "-zeitpunkt"])]

    def __str__(self) -> str:
        return f"{self.zeitpunkt:%d.%m.%Y %H:%M} {self.benutzername} {self.get_aktion_display()} {self.objekt_typ}"

"""Use cases for documents and their immutable versions."""

from __future__ import annotations

import io
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dms import dateien, hintergrund
from dms.audit import Aktion, protokollieren
from dms.gericht.blaetter import blaetter_zuteilen
from dms.gericht.siegel import GESCANNT, scan_versiegeln
from dms.models import Akte, Dokument, DokumentVersion, Register, Vorgang
from dms.neueingaenge.services import neueingang_vermerken
from dms.vermerk import vermerk_pdf

from .fehler import feldfehler
from .locking import update_if_unchanged

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def _ablage_pruefen(akte: Akte, register: Register, vorgang: Vorgang | None) -> None:
    if not register.aktenplan.aktiv:
        raise feldfehler("register", "Dieses Register gehört nicht zum gültigen Aktenplan.")
    if vorgang is not None and vorgang.akte_id != akte.pk:
        raise feldfehler("vorgang", "Der Vorgang gehört nicht zu dieser Akte.")


def verarbeitung_nach_commit(version_id: int) -> None:
    """Derive searchable PDF, text, counts and thumbnails in the OCR worker once the upload is committed."""
    transaction.on_commit(lambda: hintergrund.verarbeitung_einreihen(version_id))


def _version_speichern(
    *,
    dokument: Dokument,
    datei: IO[bytes],
    dateiname: str,
    info: dateien.Dateiinfo,
    user: User | None,
    transfervermerk: dict[str, Any] | None = None,
) -> DokumentVersion:
    nummer = (dokument.versionen.aggregate(m=Max("nummer"))["m"] or 0) + 1
    version = DokumentVersion(
        dokument=dokument,
        nummer=nummer,
        dateiname=dateien.sicherer_dateiname(dateiname),
        sha256=info.sha256,
        groesse=info.groesse,
        mime_type=info.mime_type,
        angelegt_von=user if user is not None and user.is_authenticated else None,
        transfervermerk=transfervermerk or {},
    )
    datei.seek(0)
    version.original.save("original", File(datei), save=False)
    version.save()
    return version


def dokument_anlegen(
    *,
    akte: Akte,
    register: Register,
    datei: IO[bytes],
    dateiname: str,
    user: User | None,
    request: HttpRequest | None = None,
    vorgang: Vorgang | None = None,
    titel: str = "",
    art: str = "",
    richtung: str = Dokument.Richtung.EINGANG,
    eingangsdatum: date | None = None,
    quelle: str = Dokument.Quelle.UPLOAD,
    erlaubt: frozenset[str] = dateien.DOKUMENT_TYPEN,
    transfervermerk: dict[str, Any] | None = None,
    verarbeiten: bool = True,
) -> Dokument:
    """File a new document into an Akte; the original is stored unchanged with its SHA-256."""
    _ablage_pruefen(akte, register, vorgang)
    info = dateien.datei_pruefen(datei, erlaubt=erlaubt)
    titel = (titel or dateien.sicherer_dateiname(dateiname)).strip()[:300]
    with transaction.atomic():
        dokument = Dokument.objects.create(
            akte=akte,
            register=register,
            vorgang=vorgang,
            titel=titel,
            art=art,
            richtung=richtung,
            eingangsdatum=eingangsdatum or timezone.localdate(),
            quelle=quelle,
            angelegt_von=user if user is not None and user.is_authenticated else None,
        )
        version = _version_speichern(
            dokument=dokument, datei=datei, dateiname=dateiname, info=info, user=user, transfervermerk=transfervermerk
        )
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=user,
            request=request,
            objekt=dokument,
            akte=akte,
            details={"sha256": info.sha256, "version": version.nummer},
        )
        # Every filing path comes through here (Poststelle, colleague, legacy delivery, Fachverfahren, xdomea):
        # the file's caseworker, her team and her substitutes see it as new mail.
        neueingang_vermerken(dokument=dokument, user=user)
        if transfervermerk and quelle in GESCANNT:
            scan_versiegeln(version=version, user=user)
        if verarbeiten:
            verarbeitung_nach_commit(version.pk)
    return dokument


def dokument_version_hinzufuegen(
    *,
    dokument: Dokument,
    datei: IO[bytes],
    dateiname: str,
    user: User | None,
    request: HttpRequest | None = None,
    erlaubt: frozenset[str] = dateien.DOKUMENT_TYPEN,
    transfervermerk: dict[str, Any] | None = None,
    verarbeiten: bool = True,
    seitenzuordnung: list[int | None] | None = None,
) -> DokumentVersion:
    """A new version; earlier versions stay as they are. `verarbeiten=False`: the caller schedules derivation.

    `seitenzuordnung` (a page edit): per page of the new version the page of the previous version it keeps, or
    None for a new page; kept pages keep their sheet numbers, dropped ones become a documented gap. Without it,
    pages keep the numbers of the same positions."""
    info = dateien.datei_pruefen(datei, erlaubt=erlaubt)
    with transaction.atomic():
        dokument = Dokument.objects.select_for_update().get(pk=dokument.pk)
        version = _version_speichern(
            dokument=dokument, datei=datei, dateiname=dateiname, info=info, user=user, transfervermerk=transfervermerk
        )
        if transfervermerk and dokument.quelle in GESCANNT:
            scan_versiegeln(version=version, user=user)
        if seitenzuordnung is not None:
            DokumentVersion.objects.filter(pk=version.pk).update(seitenzuordnung=seitenzuordnung)
        Dokument.objects.filter(pk=dokument.pk).update(ocr_status=Dokument.OcrStatus.AUSSTEHEND)
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=dokument,
            akte=dokument.akte,
            details={"neue_version": version.nummer, "sha256": info.sha256},
        )
        if verarbeiten:
            verarbeitung_nach_commit(version.pk)
    return version


def dokument_ablage_aendern(
    *,
    dokument: Dokument,
    user: User | None,
    request: HttpRequest | None = None,
    register: Register | None = None,
    vorgang: Vorgang | None = None,
    vorgang_entfernen: bool = False,
) -> Dokument:
    """Move a document to another register and/or procedure of the same file."""
    ziel_register = register or dokument.register
    ziel_vorgang = None if vorgang_entfernen else (vorgang or dokument.vorgang)
    _ablage_pruefen(dokument.akte, ziel_register, ziel_vorgang)
    with transaction.atomic():
        Dokument.objects.filter(pk=dokument.pk).update(register=ziel_register, vorgang=ziel_vorgang)
        dokument.refresh_from_db()
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=dokument,
            akte=dokument.akte,
            details={"register": ziel_register.nummer, "vorgang": ziel_vorgang.pk if ziel_vorgang else None},
        )
    return dokument


def vermerk_anlegen(
    *,
    akte: Akte,
    register: Register,
    titel: str,
    text: str,
    user: User,
    request: HttpRequest | None = None,
    vorgang: Vorgang | None = None,
) -> Dokument:
    """An internal note, filed as a PDF with a real text layer. Its text is known exactly, so it is stored as the
    derived text at once (no OCR run); document and derived data are written in one transaction."""
    verfasser = user.get_full_name() or user.get_username()
    inhalt, seiten = vermerk_pdf(titel=titel, text=text, akte=akte, verfasser=verfasser)
    with transaction.atomic():
        dokument = dokument_anlegen(
            akte=akte,
            register=register,
            vorgang=vorgang,
            datei=io.BytesIO(inhalt),
            dateiname="vermerk.pdf",
            titel=f"Vermerk: {titel}",
            art="vermerk",
            richtung=Dokument.Richtung.INTERN,
            quelle=Dokument.Quelle.VERMERK,
            user=user,
            request=request,
            verarbeiten=False,
        )
        ableitungen_speichern(
            version=dokument.versionen.get(),
            text=f"{titel}\n{text}",
            seiten=seiten,
            blatt=seiten,
            ocr_status=Dokument.OcrStatus.NICHT_NOETIG,
        )
    return dokument


def ableitungen_speichern(
    *,
    version: DokumentVersion,
    text: str,
    seiten: int,
    blatt: int,
    leere_seiten: int = 0,
    pdf: IO[bytes] | None = None,
    pdf_sha256: str = "",
    vorschaubilder: list[str] | None = None,
    ocr_status: str = Dokument.OcrStatus.FERTIG,
) -> DokumentVersion:
    """Store what the pipeline derived from a version (idempotent: running it twice gives the same row)."""
    with transaction.atomic():
        version = DokumentVersion.objects.select_for_update().get(pk=version.pk)
        if pdf is not None:
            if version.pdf:
                version.pdf.delete(save=False)
            version.pdf.save("durchsuchbar.pdf", File(pdf), save=False)
            version.pdf_sha256 = pdf_sha256
        version.text = text
        version.seiten = seiten
        version.blatt = blatt
        version.leere_seiten = leere_seiten
        if vorschaubilder is not None:
            version.vorschaubilder = vorschaubilder
        version.save()
        ist_aktuell = not version.dokument.versionen.filter(nummer__gt=version.nummer).exists()
        if ist_aktuell:
            Dokument.objects.filter(pk=version.dokument_id).update(
                text=text,
                seiten=seiten,
                blatt=blatt,
                ocr_status=ocr_status,
                suchvektor=SearchVector("titel", weight="A", config="german")
                + SearchVector("text", weight="B", config="german"),
            )
            suchvektor_aktualisieren(dokument_ids=[version.dokument_id])  # the UPDATE above saw the old text
            blaetter_zuteilen(version=version)  # the pages enter the file now that their count is known
    return version


def zaehlung_uebernehmen(*, version: DokumentVersion, seiten: int, blatt: int) -> None:
    """Page and sheet counts another system already established (xdomea hand-over) for the current version."""
    with transaction.atomic():
        DokumentVersion.objects.filter(pk=version.pk).update(seiten=seiten, blatt=blatt)
        Dokument.objects.filter(pk=version.dokument_id).update(seiten=seiten, blatt=blatt)
        blaetter_zuteilen(version=version)


def ocr_status_setzen(*, dokument_id: int, status: str) -> None:
    Dokument.objects.filter(pk=dokument_id).update(ocr_status=status)


def suchvektor_aktualisieren(*, dokument_ids: list[int]) -> None:
    Dokument.objects.filter(pk__in=dokument_ids).update(
        suchvektor=SearchVector("titel", weight="A", config="german")
        + SearchVector("text", weight="B", config="german")
    )


DOKUMENT_AENDERBAR = ("titel", "art", "eingangsdatum", "register", "vorgang")


def dokument_daten_aendern(
    *,
    dokument: Dokument,
    erwartete_version: int,
    user: User,
    request: HttpRequest | None = None,
    **aenderungen: Any,
) -> Dokument:
    """Correct a document's title, kind, date, register or procedure (same file); raises Konflikt when someone saved
    it since `erwartete_version` was loaded. The file's versions stay untouched."""
    unbekannt = set(aenderungen) - set(DOKUMENT_AENDERBAR)
    if unbekannt:
        raise ValidationError(f"Diese Felder können nicht geändert werden: {', '.join(sorted(unbekannt))}")
    if "titel" in aenderungen:
        aenderungen["titel"] = str(aenderungen["titel"]).strip()[:300]
        if not aenderungen["titel"]:
            raise feldfehler("titel", "Bitte geben Sie einen Titel an.")
    _ablage_pruefen(
        dokument.akte, aenderungen.get("register") or dokument.register, aenderungen.get("vorgang", dokument.vorgang)
    )
    with transaction.atomic():
        dokument = update_if_unchanged(dokument, erwartete_version=erwartete_version, changes=aenderungen)
        if "titel" in aenderungen:
            suchvektor_aktualisieren(dokument_ids=[dokument.pk])
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=dokument,
            akte=dokument.akte,
            details={"felder": sorted(aenderungen)},
        )
    return dokument

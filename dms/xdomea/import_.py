"""xdomea import: an `Abgabe.Abgabe.0401` package from another system becomes person, Akte, Vorgänge and Dokumente.

All or nothing: the package is checked (zip entries, XML without DTD/entities, xdomea 3.0.0 schema, every primary file
present with the size and SHA-256 the message states), then everything is created in one transaction through the
services. On any failure the transaction is rolled back, files already written to storage are deleted, the operator
gets a log line and the caller an `ImportAbgelehnt` with the German reason and, where possible, a negative 0402.
"""

from __future__ import annotations

import gc
import logging
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.betrieb.protokollierung import ohne_werte
from dms.models import Akte, Behoerde, Dokument, DokumentVersion, Person, Register, Vorgang, Vorgangsart
from dms.services import akte_anlegen, dokument_anlegen, dokument_version_hinzufuegen, person_anlegen, vorgang_anlegen
from dms.services.berechtigungen import sperrvermerk_uebernehmen
from dms.services.dokumente import ableitungen_speichern, verarbeitung_nach_commit, zaehlung_uebernehmen
from dms.wiedervorlagen.services import wiedervorlage_anlegen

from .paket import Entpackt, PaketFehler, entpacken, nachricht_finden, nachricht_lesen, zip_pruefen
from .plan import AktePlan, DateiPlan, DokumentPlan, plan_lesen
from .quittung import importbestaetigung
from .schema import DATEIFORMAT

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

# Formats accepted from another authority's file: the scan formats plus what xdomea packages commonly carry.
ERLAUBTE_TYPEN = frozenset(DATEIFORMAT)
STANDARD_REGISTER = "14"  # Sonstiges
_IMPORT_SPERRE = 47110002  # advisory lock class of the duplicate check (47110001: the audit chains)


class ImportAbgelehnt(Exception):
    """The whole package was rejected; nothing was imported."""

    def __init__(self, grund: str, quittung: bytes | None = None) -> None:
        super().__init__(grund)
        self.grund = grund
        self.quittung = quittung


@dataclass(frozen=True)
class ImportErgebnis:
    akte: Akte
    prozess_id: str
    dokumente: int
    dateien: int
    quittung: bytes


def _behoerde(behoerde: Behoerde | str) -> Behoerde:
    if isinstance(behoerde, Behoerde):
        return behoerde
    gefunden = Behoerde.objects.filter(kuerzel=str(behoerde).strip().upper(), aktiv=True).first()
    if gefunden is None:
        raise PaketFehler(f"Unbekannte oder inaktive Behörde „{behoerde}“: an sie kann nichts importiert werden.")
    return gefunden


class _Importlauf:
    """One import: remembers every stored file so a failure can remove them again."""

    def __init__(self, plan: AktePlan, zf: zipfile.ZipFile, namen: dict[str, zipfile.ZipInfo], behoerde: Behoerde):
        self.plan = plan
        self.zf = zf
        self.namen = namen
        self.behoerde = behoerde
        self.gespeichert: list[str] = []
        self.dateien = 0
        self.register = {r.nummer: r for r in Register.objects.aktiv()}

    def aufraeumen(self) -> None:
        for name in self.gespeichert:
            try:
                default_storage.delete(name)
            except OSError:  # pragma: no cover - logged, the DB rows are rolled back anyway
                logger.exception("xdomea-Import: Datei %s konnte nicht entfernt werden", name)

    def _merken(self, version: DokumentVersion) -> None:
        self.gespeichert += [f.name for f in (version.original, version.pdf) if f and f.name]

    def _entpacken(self, datei: DateiPlan) -> Entpackt:
        info = self.namen.get(datei.name)
        if info is None:
            raise PaketFehler(f"Die Primärdatei „{datei.name}“ („{datei.original_name}“) fehlt im Paket.")
        self.dateien += 1
        return entpacken(self.zf, info, erwartet_sha256=datei.sha256, erwartet_groesse=datei.groesse)

    def _person(self, user: Any, request: Any) -> Person:
        daten = dict(self.plan.person)
        azr = daten.get("azr_nummer")
        if azr:
            vorhanden = Person.objects.filter(behoerde=self.behoerde, azr_nummer=azr).first()
            if vorhanden is not None:
                return vorhanden
        if daten.get("geschlecht") not in Person.Geschlecht.values:
            daten["geschlecht"] = Person.Geschlecht.UNBEKANNT
        return person_anlegen(behoerde=self.behoerde, user=user, request=request, **daten)

    def _vorgaenge(self, akte: Akte, user: Any, request: Any) -> list[Vorgang | None]:
        arten = {v.schluessel: v for v in Vorgangsart.objects.filter(aktiv=True)}
        nach_name = {v.bezeichnung: v for v in arten.values()}
        ergebnis: list[Vorgang | None] = []
        for vp in self.plan.vorgaenge:
            art = arten.get(vp.schluessel) or nach_name.get(vp.typ)
            if art is None:
                # Unknown type: its documents are filed without a procedure; the old reference stays in the note.
                logger.warning("xdomea-Import: Vorgangsart %r unbekannt, Vorgang %s ohne Zuordnung", vp.typ, vp.id)
                ergebnis.append(None)
                continue
            vorgang = vorgang_anlegen(
                akte=akte,
                vorgangsart=art,
                user=user,
                request=request,
                betreff=vp.betreff[:300],
                status=vp.status if vp.status in Vorgang.Status.values else Vorgang.Status.OFFEN,
                begonnen_am=vp.begonnen_am,
                abgeschlossen_am=vp.abgeschlossen_am,
            )
            ergebnis.append(vorgang)
            if vp.wiedervorlage is not None and not vorgang.ist_abgeschlossen:
                self._wiedervorlage(vorgang, vp, user, request)
        return ergebnis

    def _wiedervorlage(self, vorgang: Vorgang, vp: Any, user: Any, request: Any) -> None:
        """The sender's resubmission date becomes a Wiedervorlage on the procedure, for the importing user (a
        command import without a user: the file's caseworker); nobody to give it to, it is logged and dropped."""
        zustaendig = user if user is not None and user.is_authenticated else vorgang.akte.sachbearbeitung
        if zustaendig is None:
            logger.warning("xdomea-Import: Wiedervorlage des Vorgangs %s ohne zuständige Person", vorgang.pk)
            return
        try:
            wiedervorlage_anlegen(
                user=zustaendig,
                vorgang=vorgang,
                faellig_am=vp.wiedervorlage,
                notiz=f"{vp.wiedervorlage_grund} (übernommen aus xdomea-Abgabe)".strip(),
                request=request,
            )
        except (PermissionDenied, ValidationError):
            # The import itself must not fail over a resubmission (e.g. imported by a role that cannot change files).
            logger.warning("xdomea-Import: Wiedervorlage des Vorgangs %s nicht übernommen", vorgang.pk)

    def _vermerk(self, dp: DokumentPlan, nummer: str, datei: DateiPlan, sha: str) -> dict[str, Any]:
        return {
            "quelle": "xdomea Abgabe.Abgabe.0401",
            "prozess_id": self.plan.prozess_id,
            "absender": self.plan.absender,
            "frueheres_aktenzeichen": self.plan.kennzeichen,
            "dokument_id_extern": dp.id,
            "version_extern": nummer,
            "dateiname_im_paket": datei.name,
            "sha256": sha,
            "importiert_am": timezone.now().isoformat(),
        }

    def _dokument(
        self, akte: Akte, dp: DokumentPlan, vorgang: Vorgang | None, user: Any, request: Any, verarbeiten: bool
    ) -> None:
        register = self.register.get(dp.register) or self.register[STANDARD_REGISTER]
        dokument: Dokument | None = None
        version: DokumentVersion | None = None
        for vp in dp.versionen:
            entpackt = self._entpacken(vp.original)
            try:
                vermerk = self._vermerk(dp, vp.nummer, vp.original, entpackt.sha256)
                if dokument is None:
                    dokument = dokument_anlegen(
                        akte=akte,
                        register=register,
                        datei=entpackt.datei,
                        dateiname=vp.original.original_name,
                        user=user,
                        request=request,
                        vorgang=vorgang,
                        titel=dp.titel,
                        art=dp.art[:50],
                        richtung=dp.richtung,
                        eingangsdatum=dp.datum,
                        quelle=Dokument.Quelle.ABGABE,
                        erlaubt=ERLAUBTE_TYPEN,
                        transfervermerk=vermerk,
                        verarbeiten=False,
                    )
                    version = dokument.versionen.get(nummer=1)
                else:
                    version = dokument_version_hinzufuegen(
                        dokument=dokument,
                        datei=entpackt.datei,
                        dateiname=vp.original.original_name,
                        user=user,
                        request=request,
                        erlaubt=ERLAUBTE_TYPEN,
                        transfervermerk=vermerk,
                        verarbeiten=False,
                    )
                self._merken(version)
            finally:
                entpackt.datei.close()
            if vp.pdf is not None:
                pdf = self._entpacken(vp.pdf)
                try:
                    version = ableitungen_speichern(
                        version=version,
                        text="",
                        seiten=0,
                        blatt=0,
                        pdf=pdf.datei,
                        pdf_sha256=pdf.sha256,
                        ocr_status=Dokument.OcrStatus.AUSSTEHEND,
                    )
                    self._merken(version)
                finally:
                    pdf.datei.close()
        assert dokument is not None and version is not None
        if dp.seiten is not None or dp.blatt is not None:
            zaehlung_uebernehmen(version=version, seiten=dp.seiten or 0, blatt=dp.blatt or 0)
        if verarbeiten:
            # Text, counts and thumbnails of the current version are derived by the OCR worker after commit.
            verarbeitung_nach_commit(version.pk)

    def ausfuehren(self, user: Any, request: Any, verarbeiten: bool) -> Akte:
        person = self._person(user, request)
        akte = akte_anlegen(
            person=person,
            user=user,
            request=request,
            medium=self.plan.medium,
            vertraulichkeit=self.plan.vertraulichkeit,
            fruehere_aktenzeichen=[*self.plan.fruehere, self.plan.kennzeichen],
        )
        if self.plan.gesperrt:
            akte = sperrvermerk_uebernehmen(akte=akte, user=user, request=request)
        vorgaenge = self._vorgaenge(akte, user, request)
        for nummer, dp in enumerate(self.plan.dokumente, start=1):
            vorgang = vorgaenge[dp.vorgang] if dp.vorgang is not None else None
            self._dokument(akte, dp, vorgang, user, request, verarbeiten)
            if nummer % 100 == 0:
                # Model instances with file fields are reference cycles; free them while the import runs.
                gc.collect()
        return akte


def _empfaenger_pruefen(plan: AktePlan, behoerde: Behoerde) -> None:
    if plan.empfaenger_kuerzel and plan.empfaenger_kuerzel != behoerde.kuerzel:
        adressat = Behoerde.objects.filter(kuerzel=plan.empfaenger_kuerzel).first()
        if adressat is not None:
            raise PaketFehler(f"Die Abgabe ist an {adressat.name} adressiert, nicht an {behoerde.name}.")


def _doppelt_pruefen(plan: AktePlan, behoerde: Behoerde) -> None:
    """Refuse a package whose file still exists in the receiving authority (re-import of its own export, or the
    same package twice): a second copy would split the file and could escape the original's restriction.

    A file that was handed over (status abgegeben) may come back. The message names nothing the package does not.
    """
    try:
        kennung = uuid.UUID(plan.id) if plan.id else None
    except ValueError:
        kennung = None
    gleich = Q(aktenzeichen=plan.kennzeichen) | Q(fruehere_aktenzeichen__contains=[plan.kennzeichen])
    if kennung is not None:
        gleich |= Q(uuid=kennung)
    if not plan.kennzeichen and kennung is None:
        return
    with connection.cursor() as cursor:
        # Two imports of the same package at once: the second waits for the first and then sees its file.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_IMPORT_SPERRE, f"{behoerde.pk}:{plan.kennzeichen}"]
        )
    if Akte.objects.filter(gleich, behoerde=behoerde).exclude(status=Akte.Status.ABGEGEBEN).exists():
        raise PaketFehler(
            f"Die Akte „{plan.kennzeichen or plan.id}“ ist in dieser Behörde bereits vorhanden (als Akte oder aus "
            "einem früheren Import). Ein erneuter Import würde sie verdoppeln und wurde abgelehnt; bitte arbeiten "
            "Sie in der vorhandenen Akte weiter."
        )


def paket_importieren(
    *,
    paket: str | Path | IO[bytes],
    behoerde: Behoerde | str,
    user: User | None = None,
    request: HttpRequest | None = None,
    benutzername: str = "",
    verarbeiten: bool = True,
) -> ImportErgebnis:
    """Import one 0401 package into `behoerde`; all or nothing. Raises ImportAbgelehnt with the German reason."""
    paketname = Path(str(getattr(paket, "name", paket))).name
    nachricht = None
    ziel: Behoerde | None = None
    lauf: _Importlauf | None = None
    try:
        ziel = _behoerde(behoerde)
        try:
            zf = zipfile.ZipFile(paket)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise PaketFehler("Das Paket ist keine gültige ZIP-Datei.") from exc
        with zf:
            namen = zip_pruefen(zf)
            info = nachricht_finden(namen)
            try:
                nachricht = nachricht_lesen(zf, info)
            except PaketFehler as exc:
                nachricht = exc.nachricht
                raise
            plan = plan_lesen(nachricht, STANDARD_REGISTER)
            _empfaenger_pruefen(plan, ziel)
            fehlend = [d for d in plan.dateien() if d.name not in namen]
            if fehlend:
                raise PaketFehler(
                    f"Die Primärdatei „{fehlend[0].name}“ („{fehlend[0].original_name}“) fehlt im Paket"
                    + (f" (insgesamt {len(fehlend)} fehlende Dateien)." if len(fehlend) > 1 else ".")
                )
            lauf = _Importlauf(plan, zf, namen, ziel)
            with transaction.atomic():
                _doppelt_pruefen(plan, ziel)
                akte = lauf.ausfuehren(user, request, verarbeiten)
                protokollieren(
                    aktion=Aktion.IMPORT,
                    user=user,
                    request=request,
                    objekt=akte,
                    benutzername=benutzername,
                    details={
                        "format": "xdomea 3.0.0 Abgabe.Abgabe.0401",
                        "prozess_id": plan.prozess_id,
                        "paket": paketname,
                        "absender": plan.absender,
                        "frueheres_aktenzeichen": plan.kennzeichen,
                        "dokumente": len(plan.dokumente),
                        "dateien": lauf.dateien,
                    },
                )
                quittung = importbestaetigung(nachricht=nachricht, empfaenger_behoerde=ziel, erfolgreich=True)
                assert quittung is not None
    except (PaketFehler, ValidationError) as exc:
        grund = exc.grund if isinstance(exc, PaketFehler) else "; ".join(exc.messages)
        if lauf is not None:
            lauf.aufraeumen()
        # No package name or Aktenzeichen in the log, and the reason without its quoted values (file names, element
        # content): they can carry names. The full reason is in the negative receipt and shown to the user.
        logger.warning(
            "xdomea-Import abgelehnt: behoerde=%s grund=%s", ziel.kuerzel if ziel else behoerde, ohne_werte(grund)
        )
        raise ImportAbgelehnt(grund, _negative_quittung(nachricht, ziel, grund)) from exc
    except BaseException:
        if lauf is not None:
            lauf.aufraeumen()
        logger.exception("xdomea-Import fehlgeschlagen: behoerde=%s", ziel.kuerzel if ziel else behoerde)
        raise
    logger.info(
        "xdomea-Import: Akte %s (%s Dokumente, %s Dateien, Prozess %s)",
        akte.pk,
        len(plan.dokumente),
        lauf.dateien,
        plan.prozess_id,
    )
    return ImportErgebnis(
        akte=akte, prozess_id=plan.prozess_id, dokumente=len(plan.dokumente), dateien=lauf.dateien, quittung=quittung
    )


def _negative_quittung(nachricht: Any, behoerde: Behoerde | None, grund: str) -> bytes | None:
    try:
        return importbestaetigung(
            nachricht=nachricht, empfaenger_behoerde=behoerde, erfolgreich=False, fehler=grund[:2000]
        )
    except Exception:  # the receipt is a courtesy; the rejection itself must not fail
        logger.exception("xdomea-Import: negative Importbestätigung konnte nicht erzeugt werden")
        return None

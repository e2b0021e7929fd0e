"""Use cases of the legacy-file digitisation: lots, their status, deliveries, TR-RESISCAN samples, scan requests.

Views, the management command and the Celery task call only these. Every write is atomic and audited.
"""

from __future__ import annotations

import csv
import logging
import math
import random
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dms import services as dms_services
from dms.audit import Aktion, protokollieren
from dms.hintergrund import aufgabe_senden
from dms.models import Akte, Behoerde, Dokument, DokumentVersion, Register

from . import zugriff
from .gliederung import index_anwenden, ocr_einplanen
from .lieferung import ALTAKTEN_QUEUE, ALTAKTEN_REGISTER, Position, geoeffnet, lieferung_pfad, lieferung_pruefen
from .models import Digitalisierungslos, Lieferung, LosAkte, LosStatuswechsel, Scanauftrag, Stichprobe

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("scanning.altakten")

S = Digitalisierungslos.Status
REIHENFOLGE: list[str] = [S.VORBEREITET, S.ABGEHOLT, S.GESCANNT, S.GELIEFERT, S.IMPORTIERT, S.GEPRUEFT, S.ABGESCHLOSSEN]
# The paper is at the provider in these states: a file needed now must be scanned on demand.
UNTERWEGS = {S.ABGEHOLT, S.GESCANNT, S.GELIEFERT}
MAX_AKTEN_JE_LOS = 5000
LIEFERUNG_IMPORTIEREN = "scanning.altakten.lieferung_importieren"  # stable: messages may be queued


def _darf_fuehren(user: User, behoerde_id: int) -> None:
    if not zugriff.darf_lose_fuehren(user, behoerde_id):
        raise ValidationError("Digitalisierungslose führen nur Projektleitung, Teamleitung und Poststelle der Behörde.")


def los_anlegen(
    *,
    behoerde: Behoerde,
    akten: Iterable[Akte],
    user: User,
    request: HttpRequest | None = None,
    bezeichnung: str = "",
    blatt_geplant: int = 0,
    stichprobe_prozent: Decimal = Decimal("5.00"),
) -> Digitalisierungslos:
    """A new lot of paper files; each file can be in one lot only."""
    _darf_fuehren(user, behoerde.pk)
    akten = list(akten)
    if not akten:
        raise ValidationError("Ein Los braucht mindestens eine Akte.")
    if len(akten) > MAX_AKTEN_JE_LOS:
        raise ValidationError(f"Ein Los umfasst höchstens {MAX_AKTEN_JE_LOS} Akten (üblich sind etwa 1.000).")
    fremde = [a.aktenzeichen for a in akten if a.behoerde_id != behoerde.pk]
    if fremde:
        raise ValidationError(f"Diese Akten gehören nicht zu Ihrer Behörde: {', '.join(fremde[:10])}.")
    if not Decimal("0.01") <= Decimal(stichprobe_prozent) <= Decimal("100"):
        raise ValidationError("Der Stichprobenanteil muss zwischen 0,01 und 100 Prozent liegen.")
    with transaction.atomic():
        schon = list(
            LosAkte.objects.filter(akte__in=akten).select_related("akte", "los").order_by("akte__aktenzeichen")[:10]
        )
        if schon:
            liste = ", ".join(f"{la.akte.aktenzeichen} (Los {la.los.nummer})" for la in schon)
            raise ValidationError(f"Diese Akten sind schon in einem Los: {liste}.")
        letzte = Digitalisierungslos.objects.select_for_update().filter(behoerde=behoerde).aggregate(m=Max("nummer"))
        los = Digitalisierungslos.objects.create(
            behoerde=behoerde,
            nummer=(letzte["m"] or 0) + 1,
            bezeichnung=bezeichnung.strip()[:200],
            blatt_geplant=blatt_geplant,
            stichprobe_prozent=stichprobe_prozent,
            angelegt_von=user,
        )
        LosAkte.objects.bulk_create(
            [LosAkte(los=los, akte=a, position=i) for i, a in enumerate(sorted(akten, key=lambda a: a.aktenzeichen), 1)]
        )
        LosStatuswechsel.objects.create(los=los, nach_status=S.VORBEREITET, zeitpunkt=timezone.now(), user=user)
        protokollieren(aktion=Aktion.ANLEGEN, user=user, request=request, objekt=los, details={"akten": len(akten)})
    return los


def qa_bestanden(los: Digitalisierungslos) -> bool:
    """The sample check passed: samples were drawn and every one is in order."""
    stichproben = los.stichproben.all()
    return stichproben.exists() and not stichproben.exclude(ergebnis=Stichprobe.Ergebnis.IN_ORDNUNG).exists()


def _alle_importiert(los: Digitalisierungslos) -> bool:
    return not los.akten.filter(importiert_am__isnull=True).exists()


def _wechseln(los: Digitalisierungslos, nach: str, user: User | None, bemerkung: str, request=None) -> None:
    von = los.status
    Digitalisierungslos.objects.filter(pk=los.pk).update(status=nach)
    LosStatuswechsel.objects.create(
        los=los, von_status=von, nach_status=nach, zeitpunkt=timezone.now(), user=user, bemerkung=bemerkung[:500]
    )
    protokollieren(aktion=Aktion.AENDERN, user=user, request=request, objekt=los, details={"status": [von, nach]})
    los.status = nach


def los_status_setzen(
    *,
    los: Digitalisierungslos,
    nach: str,
    user: User,
    request: HttpRequest | None = None,
    bemerkung: str = "",
) -> Digitalisierungslos:
    """Move a lot one step forward. `importiert` needs every file imported, `geprueft` and `abgeschlossen` a
    passed sample check."""
    _darf_fuehren(user, los.behoerde_id)
    if nach not in S.values:
        raise ValidationError("Unbekannter Status.")
    with transaction.atomic():
        los = Digitalisierungslos.objects.select_for_update().get(pk=los.pk)
        if REIHENFOLGE.index(nach) != REIHENFOLGE.index(los.status) + 1:
            raise ValidationError(
                f"Von „{los.get_status_display()}“ geht es nur zum nächsten Schritt, nicht nach „{S(nach).label}“."
            )
        if nach == S.IMPORTIERT and not _alle_importiert(los):
            raise ValidationError("Es sind noch nicht alle Akten des Loses importiert.")
        if nach in (S.GEPRUEFT, S.ABGESCHLOSSEN) and not qa_bestanden(los):
            raise ValidationError(
                "Das Los kann erst abgeschlossen werden, wenn die Stichprobenprüfung bestanden ist "
                "(alle Stichproben geprüft und in Ordnung)."
            )
        _wechseln(los, nach, user, bemerkung, request)
    return los


def stichproben_ziehen(*, los: Digitalisierungslos, user: User, request: HttpRequest | None = None) -> list[Stichprobe]:
    """Draw the sampling plan: the configured share of the lot's files (at least one), at random. Idempotent."""
    _darf_fuehren(user, los.behoerde_id)
    with transaction.atomic():
        los = Digitalisierungslos.objects.select_for_update().get(pk=los.pk)
        vorhanden = list(los.stichproben.all())
        if vorhanden:
            return vorhanden
        if los.status != S.IMPORTIERT:
            raise ValidationError("Stichproben werden gezogen, wenn alle Akten des Loses importiert sind.")
        ids = list(los.akten.values_list("pk", flat=True))
        anzahl = max(1, math.ceil(len(ids) * los.stichprobe_prozent / 100))
        gezogen = random.SystemRandom().sample(ids, min(anzahl, len(ids)))
        proben = Stichprobe.objects.bulk_create([Stichprobe(los=los, los_akte_id=i) for i in sorted(gezogen)])
        protokollieren(aktion=Aktion.ANLEGEN, user=user, request=request, objekt=los, details={"stichproben": anzahl})
    return proben


def _importeure(los: Digitalisierungslos) -> set[int]:
    return set(los.lieferungen.values_list("angelegt_von_id", flat=True))


def stichprobe_erfassen(
    *,
    stichprobe: Stichprobe,
    ergebnis: str,
    user: User,
    request: HttpRequest | None = None,
    mangel: str = "",
    notiz: str = "",
) -> Stichprobe:
    """Record one sample's result. 4-eyes: never by whoever imported the lot's deliveries. A defect orders a
    re-scan; when every sample is in order the lot is `geprueft`."""
    los = stichprobe.los
    if not zugriff.darf_pruefen(user, los.behoerde_id):
        raise ValidationError("Sie dürfen Stichproben dieser Behörde nicht prüfen.")
    if user.pk in _importeure(los):
        raise ValidationError(
            "Vier-Augen-Prinzip: Wer die Lieferung importiert hat, darf die Stichprobe nicht prüfen. "
            "Bitte lassen Sie eine zweite Person prüfen."
        )
    if ergebnis not in (Stichprobe.Ergebnis.IN_ORDNUNG, Stichprobe.Ergebnis.MANGEL):
        raise ValidationError("Bitte wählen Sie „in Ordnung“ oder „Mangel“.")
    notiz = notiz.strip()[:1000]
    if ergebnis == Stichprobe.Ergebnis.MANGEL:
        if mangel not in Stichprobe.Mangel.values:
            raise ValidationError("Bitte geben Sie die Art des Mangels an.")
        if not notiz:
            raise ValidationError("Bitte beschreiben Sie den Mangel in der Notiz.")
    else:
        mangel = ""
    with transaction.atomic():
        los = Digitalisierungslos.objects.select_for_update().get(pk=los.pk)
        if los.status not in (S.IMPORTIERT, S.GEPRUEFT):
            raise ValidationError("Stichproben werden nach dem Import und vor dem Abschluss geprüft.")
        probe = Stichprobe.objects.select_for_update().select_related("los_akte__akte").get(pk=stichprobe.pk)
        if (
            ergebnis == Stichprobe.Ergebnis.IN_ORDNUNG
            and probe.ergebnis == Stichprobe.Ergebnis.MANGEL
            and probe.los_akte.scanauftraege.filter(status=Scanauftrag.Status.OFFEN).exists()
        ):
            raise ValidationError("Der Nachscan zu diesem Mangel ist noch nicht geliefert.")
        probe.ergebnis, probe.mangel, probe.notiz = ergebnis, mangel, notiz
        probe.geprueft_von, probe.geprueft_am = user, timezone.now()
        probe.save()
        if ergebnis == Stichprobe.Ergebnis.MANGEL:
            Scanauftrag.objects.get_or_create(
                los_akte=probe.los_akte,
                art=Scanauftrag.Art.NACHSCAN,
                status=Scanauftrag.Status.OFFEN,
                defaults={"grund": f"{probe.get_mangel_display()}: {notiz}", "angelegt_von": user},
            )
            if los.status == S.GEPRUEFT:
                _wechseln(los, S.IMPORTIERT, user, "Mangel in der Stichprobe", request)
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=probe,
            akte=probe.los_akte.akte,
            details={"ergebnis": ergebnis, "mangel": mangel},
        )
        if los.status == S.IMPORTIERT and qa_bestanden(los):
            _wechseln(los, S.GEPRUEFT, user, "Stichprobenprüfung bestanden", request)
    return probe


def eilscan_anfordern(*, akte: Akte, grund: str, user: User, request: HttpRequest | None = None) -> Scanauftrag:
    """A file is needed while its lot is at the provider: order it scanned on demand, urgently."""
    la = LosAkte.objects.select_related("los").filter(akte=akte).first()
    if la is None or not zugriff.darf_inhalt_sehen(user, la.los.behoerde_id):
        raise ValidationError("Diese Akte ist in keinem Digitalisierungslos Ihrer Behörde.")
    if la.importiert_am is not None:
        raise ValidationError("Diese Akte ist bereits digitalisiert und in der E-Akte abrufbar.")
    if la.los.status not in UNTERWEGS:
        raise ValidationError("Die Papierakte ist nicht beim Dienstleister; sie kann direkt eingesehen werden.")
    grund = grund.strip()[:1000]
    if not grund:
        raise ValidationError("Bitte geben Sie an, wofür die Akte dringend gebraucht wird.")
    with transaction.atomic():
        auftrag, neu = Scanauftrag.objects.get_or_create(
            los_akte=la,
            art=Scanauftrag.Art.EILSCAN,
            status=Scanauftrag.Status.OFFEN,
            defaults={"grund": grund, "angelegt_von": user},
        )
        if neu:
            protokollieren(aktion=Aktion.ANLEGEN, user=user, request=request, objekt=auftrag, akte=akte)
    return auftrag


def lieferung_annehmen(
    *,
    los: Digitalisierungslos,
    quelle: str,
    user: User,
    request: HttpRequest | None = None,
    im_hintergrund: bool = True,
) -> Lieferung:
    """Register a delivery from the inbox and start its import in the background (queue `altakten`).

    `im_hintergrund=False` (management command) leaves running it to the caller: `lieferung_ausfuehren`."""
    _darf_fuehren(user, los.behoerde_id)
    if los.status in (S.VORBEREITET, S.ABGESCHLOSSEN):
        raise ValidationError(f"Für ein Los im Status „{los.get_status_display()}“ wird keine Lieferung angenommen.")
    try:
        pfad = lieferung_pfad(quelle, los.behoerde.kuerzel)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not pfad.exists():
        raise ValidationError("Diese Lieferung gibt es im Eingangsordner nicht.")
    with transaction.atomic():
        lieferung = Lieferung.objects.create(los=los, quelle=quelle, angelegt_von=user)
        protokollieren(aktion=Aktion.IMPORT, user=user, request=request, objekt=lieferung, details={"quelle": quelle})
        if im_hintergrund:
            # By name: the task module imports these services (scanning/altakten/tasks.py).
            transaction.on_commit(
                lambda: aufgabe_senden(LIEFERUNG_IMPORTIEREN, args=[lieferung.pk], queue=ALTAKTEN_QUEUE)
            )
    return lieferung


def _text(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _grund(exc: Exception) -> str:
    """A German reason for the user; the technical details go to the operators' log (logger.exception)."""
    if isinstance(exc, zipfile.BadZipFile):
        return "Die ZIP-Datei ist beschädigt (Prüfsummen- oder Formatfehler)."
    if isinstance(exc, csv.Error):
        return "Das Manifest manifest.csv ist keine lesbare CSV-Datei."
    if isinstance(exc, RuntimeError) and "encrypt" in str(exc).lower():
        return "Die ZIP-Datei ist verschlüsselt; bitte unverschlüsselt liefern."
    if isinstance(exc, (ValueError, OSError, ValidationError)):
        return _text(exc)
    return "Unerwarteter technischer Fehler (Einzelheiten im Betriebsprotokoll)."


def lieferung_ausfuehren(*, lieferung_id: int) -> Lieferung:
    """Validate all, then import (the task body; also called by the management command)."""
    with transaction.atomic():
        lieferung = (
            Lieferung.objects.select_for_update().select_related("los__behoerde", "angelegt_von").get(pk=lieferung_id)
        )
        if lieferung.status == Lieferung.Status.IMPORTIERT:
            return lieferung
        Lieferung.objects.filter(pk=lieferung.pk).update(status=Lieferung.Status.IN_ARBEIT)
    user = lieferung.angelegt_von
    try:
        with geoeffnet(lieferung_pfad(lieferung.quelle, lieferung.los.behoerde.kuerzel)) as ordner:
            erg = lieferung_pruefen(lieferung.los, ordner)
            if not erg.ok:
                logger.warning("Lieferung %s abgelehnt: %s Fehler", lieferung.pk, len(erg.fehler))
                with transaction.atomic():
                    Lieferung.objects.filter(pk=lieferung.pk).update(
                        status=Lieferung.Status.ABGELEHNT,
                        fehler=erg.fehler[:1000],
                        anzahl=len(erg.positionen) + len(erg.fehler),
                        beendet_am=timezone.now(),
                    )
                    protokollieren(
                        aktion=Aktion.IMPORT,
                        user=user,
                        objekt=lieferung,
                        details={"ergebnis": "abgelehnt", "fehler": len(erg.fehler)},
                    )
                lieferung.refresh_from_db()
                return lieferung
            Lieferung.objects.filter(pk=lieferung.pk).update(anzahl=len(erg.positionen))
            neu, alt = positionen_importieren(lieferung, erg.positionen, user)
    except Exception as exc:  # any failure must end "in Arbeit" with a message, never silently
        logger.exception("Lieferung %s: Import unterbrochen", lieferung.pk)
        Lieferung.objects.filter(pk=lieferung.pk).update(
            status=Lieferung.Status.FEHLER,
            fehler=[{"zeile": 0, "meldung": f"Import unterbrochen: {_grund(exc)[:300]} Erneut starten setzt fort."}],
            beendet_am=timezone.now(),
        )
        lieferung.refresh_from_db()
        return lieferung
    with transaction.atomic():
        Lieferung.objects.filter(pk=lieferung.pk).update(
            status=Lieferung.Status.IMPORTIERT,
            importiert=neu,
            uebersprungen=alt,
            seiten=sum(p.seiten for p in erg.positionen),
            fehler=[],
            beendet_am=timezone.now(),
        )
        protokollieren(
            aktion=Aktion.IMPORT, user=user, objekt=lieferung, details={"neu": neu, "bereits_vorhanden": alt}
        )
        los = Digitalisierungslos.objects.select_for_update().get(pk=lieferung.los_id)
        if REIHENFOLGE.index(los.status) < REIHENFOLGE.index(S.IMPORTIERT) and _alle_importiert(los):
            for schritt in REIHENFOLGE[REIHENFOLGE.index(los.status) + 1 : REIHENFOLGE.index(S.IMPORTIERT) + 1]:
                _wechseln(los, schritt, user, f"Lieferung {lieferung.pk}")
    lieferung.refresh_from_db()
    logger.info("Lieferung %s importiert: %s neu, %s bereits vorhanden", lieferung.pk, neu, alt)
    return lieferung


# ---------------------------------------------------------------- importing a validated delivery


def _transfervermerk(los: Digitalisierungslos, lieferung: Lieferung, p: Position, user: Any) -> dict[str, Any]:
    """TR-RESISCAN transfer note: who scanned with what and when, anomalies, checks done."""
    return {
        "art": "Altaktendigitalisierung (ersetzendes Scannen)",
        "los": los.nummer,
        "lieferung": lieferung.pk,
        "manifest_zeile": p.zeile,
        "dateiname": p.dateiname,
        "scandatum": p.scandatum.isoformat(),
        "operator": p.operator,
        "scanner": p.scanner,
        "aufloesung_dpi": p.dpi,
        "seiten": p.seiten,
        "blatt": p.blatt,
        "sha256": p.sha256,
        "auffaelligkeiten": p.bemerkung or "keine",
        "eingangspruefung": "Prüfsumme und Seitenzahl beim Import geprüft: in Ordnung",
        "qualitaetspruefung": f"Stichprobenprüfung des Loses {los.nummer} (Vier-Augen-Prinzip)",
        "nachscan": p.nachscan,
        "importiert_von": user.get_username() if user is not None else "",
        "importiert_am": timezone.now().isoformat(timespec="seconds"),
    }


def _eine_importieren(
    los: Digitalisierungslos, lieferung: Lieferung, p: Position, register: Register, user: Any
) -> None:
    vermerk = _transfervermerk(los, lieferung, p, user)
    with transaction.atomic():
        los_akte = LosAkte.objects.select_for_update().select_related("akte").get(pk=p.los_akte_id)
        # Re-checked under the row lock: a parallel run of the same delivery imports each file once.
        if DokumentVersion.objects.filter(
            dokument__akte_id=p.akte_id, dokument__quelle=Dokument.Quelle.ALTAKTE, sha256=p.sha256
        ).exists():
            return
        with p.pfad.open("rb") as datei:
            bisher = los_akte.dokument if p.nachscan and los_akte.dokument_id else None
            if bisher is not None:
                version = dms_services.dokument_version_hinzufuegen(
                    dokument=bisher,
                    datei=datei,
                    dateiname=p.dateiname,
                    user=user,
                    transfervermerk=vermerk,
                    verarbeiten=False,
                )
                ocr_einplanen(version.pk)  # a re-scan is legacy work too: queue `altakten`, not `ocr`
            else:
                dokument = dms_services.dokument_anlegen(
                    akte=los_akte.akte,
                    register=register,
                    datei=datei,
                    dateiname=p.dateiname,
                    user=user,
                    titel=f"Altakte (Papierakte, gescannt am {p.scandatum:%d.%m.%Y})",
                    art="altakte",
                    richtung=Dokument.Richtung.INTERN,
                    eingangsdatum=p.scandatum,
                    quelle=Dokument.Quelle.ALTAKTE,
                    transfervermerk=vermerk,
                    verarbeiten=False,
                )
                version = dokument.versionen.get()
                ocr_einplanen(version.pk)
        # The verified counts are known now; the pipeline refines text and thumbnails later.
        dms_services.ableitungen_speichern(
            version=version, text="", seiten=p.seiten, blatt=p.blatt, ocr_status=Dokument.OcrStatus.AUSSTEHEND
        )
        LosAkte.objects.filter(pk=los_akte.pk).update(
            dokument=version.dokument_id, importiert_am=timezone.now(), seiten=p.seiten, blatt=p.blatt
        )
        Scanauftrag.objects.filter(los_akte=los_akte, status=Scanauftrag.Status.OFFEN).update(
            status=Scanauftrag.Status.ERLEDIGT, erledigt_am=timezone.now()
        )


def positionen_importieren(lieferung: Lieferung, positionen: list[Position], user: Any) -> tuple[int, int]:
    """Import validated positions, one short transaction per file (each writes an audit entry; see
    docs/architecture.md on the chain lock); returns (new, skipped)."""
    los = lieferung.los
    register = Register.objects.aktiv().get(nummer=ALTAKTEN_REGISTER)
    neu = uebersprungen = 0
    for i, p in enumerate(positionen, 1):
        if p.schon_da:
            uebersprungen += 1
        else:
            _eine_importieren(los, lieferung, p, register, user)
            neu += 1
        if p.abschnitte and not p.nachscan:
            index_anwenden(los_akte_id=p.los_akte_id, abschnitte=p.abschnitte, user=user)
        if i % 100 == 0:
            Lieferung.objects.filter(pk=lieferung.pk).update(importiert=neu, uebersprungen=uebersprungen)
            logger.info("Lieferung %s: %s von %s Dateien verarbeitet", lieferung.pk, i, len(positionen))
    return neu, uebersprungen

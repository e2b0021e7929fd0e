"""Integrity check: re-hash every stored original and derived file against its recorded SHA-256.

Runs in steps (a Celery task per step, scheduled by beat; `manage.py integritaet_pruefen` for operators). A step
holds a transaction-level advisory lock (never two steps at once), reads files in 1 MB chunks (bounded memory),
writes its findings and the position per source in the same transaction: a killed worker's step is rolled back
and done again by the next one. Findings go to the log (one line each) and to `/metrics`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from dms.dateien import sha256_und_groesse

from .dateien import Datei, dateiquellen
from .models import Integritaetsbefund, Integritaetslauf

logger = logging.getLogger("dms.betrieb.integritaet")

_SPERRE = 4711_0018
FERTIG = -1  # position of a source that has been checked completely


@dataclass(frozen=True)
class Ergebnis:
    lauf: Integritaetslauf | None
    neue_befunde: list[Integritaetsbefund]


def lauf_starten() -> Integritaetslauf:
    """The running run, or a new one."""
    laufend = Integritaetslauf.objects.filter(status=Integritaetslauf.Status.LAEUFT).order_by("id").first()
    return laufend or Integritaetslauf.objects.create()


def _hash(pfad: str) -> tuple[str, int] | None:
    """(SHA-256, size) of a stored file; None when it is missing."""
    try:
        with default_storage.open(pfad, "rb") as f:
            return sha256_und_groesse(f)  # streamed in 1 MB blocks
    except FileNotFoundError:
        return None
    except Exception:
        if not default_storage.exists(pfad):  # S3 reports a missing key by its own error types
            return None
        raise


def _pruefen(datei: Datei) -> tuple[str, str, int]:
    """(art or "", found checksum, bytes read)."""
    if not datei.sha256:
        return ("" if default_storage.exists(datei.pfad) else Integritaetsbefund.Art.FEHLT), "", 0
    gelesen = _hash(datei.pfad)
    if gelesen is None:
        return Integritaetsbefund.Art.FEHLT, "", 0
    sha, groesse = gelesen
    return ("" if sha == datei.sha256 else Integritaetsbefund.Art.VERAENDERT), sha, groesse


def schritt(*, max_sekunden: float = 20.0, max_dateien: int = 2000, batch: int = 200) -> Ergebnis:
    """Continue the running run for a bounded time; finish it when every source is done."""
    start = time.monotonic()
    befunde: list[Integritaetsbefund] = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SPERRE])
            gesperrt = cursor.fetchone()
        if not gesperrt or not gesperrt[0]:
            return Ergebnis(None, [])  # another step is running
        lauf = (
            Integritaetslauf.objects.select_for_update()
            .filter(status=Integritaetslauf.Status.LAEUFT)
            .order_by("id")
            .first()
        )
        if lauf is None:
            return Ergebnis(None, [])
        dateien = 0
        position = dict(lauf.position)
        for quelle in dateiquellen():
            nach = int(position.get(quelle.name, 0))
            while nach != FERTIG and dateien < max_dateien and time.monotonic() - start < max_sekunden:
                zeilen = quelle.zeilen(nach, batch)
                if not zeilen:
                    nach = FERTIG
                    break
                for pk, liste in zeilen:
                    for datei in liste:
                        art, gefunden, gelesen = _pruefen(datei)
                        dateien += 1
                        lauf.geprueft += 1
                        lauf.bytes_gelesen += gelesen
                        if art:
                            befunde.append(
                                Integritaetsbefund(
                                    lauf=lauf,
                                    quelle=quelle.name,
                                    objekt_id=pk,
                                    pfad=datei.pfad,
                                    art=art,
                                    erwartet=datei.sha256,
                                    gefunden=gefunden,
                                )
                            )
                    nach = pk
            position[quelle.name] = nach
            if nach != FERTIG:
                break
        Integritaetsbefund.objects.bulk_create(befunde)
        lauf.fehlend += sum(1 for b in befunde if b.art == Integritaetsbefund.Art.FEHLT)
        lauf.veraendert += sum(1 for b in befunde if b.art == Integritaetsbefund.Art.VERAENDERT)
        lauf.position = position
        if all(position.get(q.name) == FERTIG for q in dateiquellen()):
            lauf.status = Integritaetslauf.Status.FERTIG
            lauf.beendet_am = timezone.now()
        lauf.save()
    for b in befunde:
        logger.error(
            "Integritätsprüfung: %s",
            b.get_art_display(),
            extra={"quelle": b.quelle, "objekt_id": b.objekt_id, "pfad": b.pfad, "art": b.art, "lauf": lauf.pk},
        )
    if lauf.status == Integritaetslauf.Status.FERTIG:
        logger.info(
            "Integritätsprüfung beendet",
            extra={"lauf": lauf.pk, "geprueft": lauf.geprueft, "fehlend": lauf.fehlend, "veraendert": lauf.veraendert},
        )
    return Ergebnis(lauf, befunde)


def vollstaendig_pruefen(*, neu: bool = True) -> Integritaetslauf:
    """A whole run in the foreground (the operators' command, the restore drill)."""
    if neu:
        Integritaetslauf.objects.filter(status=Integritaetslauf.Status.LAEUFT).update(
            status=Integritaetslauf.Status.ABGEBROCHEN, beendet_am=timezone.now()
        )
    lauf = lauf_starten()
    while True:
        ergebnis = schritt(max_sekunden=60.0, max_dateien=10_000)
        if ergebnis.lauf is None:
            time.sleep(1)  # a scheduled step holds the lock; it continues the same run
        lauf.refresh_from_db()
        if lauf.status == Integritaetslauf.Status.FERTIG:
            return lauf


def letzter_fertiger_lauf() -> Integritaetslauf | None:
    return Integritaetslauf.objects.filter(status=Integritaetslauf.Status.FERTIG).order_by("-id").first()

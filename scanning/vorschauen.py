"""Renewing stored thumbnails of cropped and turned pages (the upgrade after the visible-area fix, docs/operations.md).

Thumbnails made before the fix were rendered from the media box: for a page whose crop box is smaller they show
the hidden margins (and the wrong proportions). Cached viewer images of that time carry the old name
(`…/seiten/<quelle>-<breite>-<seite>.png`) and are no longer read; they still hold the hidden area: they are
replaced by images of the page as shown under the current name (`…-sichtbar.png`).

`lauf` goes through the stored document versions in id order, in batches: a version counts when its PDF (the
searchable copy, else a PDF original) has a page with a crop box other than its media box or a /Rotate and it has
stored thumbnails. For each such page the thumbnail is rendered again as shown (`raster.seite_rastern`, crop box
and /Rotate, `vorschau.vorschaubild`) and compared with the stored one: only when it differs (other size, or pixels
off by more than `ABWEICHUNG` on average) is it written, and the version's list of thumbnails is stored through
`ableitungen_speichern` (the one service for derived artefacts) with an audit entry on the document. Old viewer
images of such a version are rendered again as shown and the old ones deleted. Running it again changes nothing
(idempotent); a run can be resumed after the last batch it finished (its audit entries say where).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import tempfile
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

import pikepdf
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from PIL import Image, ImageChops, ImageStat

from dms import hintergrund
from dms import services as dms_services
from dms.audit import Aktion, protokollieren
from dms.dateien import PDF
from dms.models import DokumentVersion, Protokolleintrag
from dms.seitenlage import drehung, sichtbar
from dms.views.dokument import BREITEN, MAX_SEITEN_ANZEIGE, seite_png, seitenbild_pfad, seitenquelle

from .pipeline import raster, vorschau
from .pipeline.dokument import vorschau_speichern

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger("scanning.vorschauen")

AUFGABE = "scanning.tasks.vorschauen_erneuern"
BETRIEB = "vorschauen_erneuern"
# Rendering resolution for a thumbnail 200 px high (an A4 page: 702 px, reduced as the pipeline reduces its raster).
DPI = 60
# Mean difference (0–255) up to which a stored thumbnail counts as right (the pipeline rendered it from another
# resolution); a thumbnail of the whole media box differs in size or by far more.
ABWEICHUNG = 6.0
# Cached viewer images from before the fix: "<quelle>-<breite>-<seite>.png" (now "…-sichtbar.png").
_ALTES_SEITENBILD = re.compile(r"^(pdf|original)-(\d+)-(\d+)\.png$")


@dataclass
class Ergebnis:
    geprueft: int = 0
    erneuert: int = 0
    seiten: int = 0
    seitenbilder_entfernt: int = 0
    fehler: int = 0
    bis_id: int = 0


def _quelle(version: DokumentVersion) -> str | None:
    if version.pdf:
        return str(version.pdf.name)
    if version.mime_type == PDF and version.original:
        return str(version.original.name)
    return None


def _gezeigt_anders(page: pikepdf.Page) -> bool:
    a, b, c, d = (float(v) for v in page.mediabox)
    media = (min(a, c), min(b, d), max(a, c), max(b, d))
    return drehung(page) != 0 or any(abs(a - b) > 0.01 for a, b in zip(sichtbar(page), media, strict=True))


def _gleich(gespeichert: bytes, neu: bytes) -> bool:
    try:
        alt = Image.open(io.BytesIO(gespeichert)).convert("L")
    except OSError:
        return False
    jetzt = Image.open(io.BytesIO(neu)).convert("L")
    if alt.size != jetzt.size:
        return False
    return float(ImageStat.Stat(ImageChops.difference(alt, jetzt)).mean[0]) <= ABWEICHUNG


def _lesen(pfad: str) -> bytes:
    if not pfad or not default_storage.exists(pfad):
        return b""
    with default_storage.open(pfad, "rb") as fh:
        return bytes(fh.read())


def _alte_seitenbilder(version: DokumentVersion) -> int:
    """Replace the version's cached viewer images from before the fix (media box): each is deleted and, unless the
    viewer has cached that page and width since, rendered again as shown under the current name; returns how many."""
    ordner = f"dokumente/{version.dokument.uuid}/{version.nummer}"
    try:
        _ordner, dateien = default_storage.listdir(f"{ordner}/seiten")
    except (FileNotFoundError, NotADirectoryError):
        return 0
    alte = [(d, treffer) for d in dateien if (treffer := _ALTES_SEITENBILD.match(d))]
    quelle = "pdf" if version.pdf else "original"
    for name, treffer in alte:
        breite, seite = int(treffer.group(2)), int(treffer.group(3))
        if breite in BREITEN.values() and 1 <= seite <= MAX_SEITEN_ANZEIGE:
            with contextlib.suppress(Http404):
                seite_png(seitenbild_pfad(ordner, quelle, breite, seite), partial(seitenquelle, version), seite, breite)
        default_storage.delete(f"{ordner}/seiten/{name}")
    return len(alte)


def version_erneuern(version: DokumentVersion, *, user: User | None = None, lauf: str = "") -> tuple[int, int]:
    """Renew the thumbnails of one version's cropped or turned pages where they differ from the page as shown;
    returns (thumbnails written, old viewer images deleted). Writes nothing for a version that is right."""
    name = _quelle(version)
    if name is None or not version.vorschaubilder:
        return 0, 0
    # pikepdf reads only the cross-reference table and the page tree: most versions are not read further
    with default_storage.open(name, "rb") as fh, pikepdf.open(cast("BinaryIO", fh)) as pdf:
        seiten = [i for i, page in enumerate(pdf.pages, 1) if _gezeigt_anders(page)]
    if not seiten:
        return 0, 0
    with tempfile.TemporaryDirectory(prefix="vorschau-") as ordner:
        pfad = Path(ordner) / "quelle.pdf"
        with default_storage.open(name, "rb") as fh, pfad.open("wb") as ziel:
            for block in iter(lambda: fh.read(1 << 20), b""):
                ziel.write(block)
        pfade = list(version.vorschaubilder)
        neu: dict[int, bytes] = {}
        for s in seiten:
            if s > len(pfade):
                continue
            png = vorschau.vorschaubild(raster.seite_rastern(pfad, PDF, s, DPI))
            if not _gleich(_lesen(pfade[s - 1]), png):
                neu[s] = png
    entfernt = _alte_seitenbilder(version)
    if not neu:
        return 0, entfernt
    for s, png in neu.items():
        pfade[s - 1] = vorschau_speichern(version, s, png)
    with transaction.atomic():
        version = DokumentVersion.objects.select_related("dokument__akte").get(pk=version.pk)
        dokument = version.dokument
        dms_services.ableitungen_speichern(
            version=version,
            text=version.text,
            seiten=version.seiten,
            blatt=version.blatt,
            leere_seiten=version.leere_seiten,
            vorschaubilder=pfade,
            ocr_status=dokument.ocr_status,
        )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            objekt=dokument,
            akte=dokument.akte,
            details={
                "betrieb": BETRIEB,
                "lauf": lauf,
                "version": version.nummer,
                "vorschaubilder_erneuert": sorted(neu),
                "grund": "Vorschaubilder aus dem sichtbaren Bereich der Seite neu erstellt",
            },
        )
    return len(neu), entfernt


def _kandidaten(nach: int, anzahl: int) -> list[DokumentVersion]:
    return list(
        DokumentVersion.objects.filter(pk__gt=nach)
        .exclude(vorschaubilder=[])
        .filter(Q(mime_type=PDF) | ~Q(pdf=""))
        .select_related("dokument")
        .order_by("pk")[:anzahl]
    )


def stapel(*, nach: int, anzahl: int, user: User | None = None, lauf: str = "") -> Ergebnis:
    """One batch: the next `anzahl` versions with thumbnails after id `nach`; the batch's audit entry records the
    position (`bis_id`), so a run can be resumed after it. A version that fails is logged and counted, the rest go
    on."""
    ergebnis = Ergebnis(bis_id=nach)
    for version in _kandidaten(nach, anzahl):
        ergebnis.geprueft += 1
        ergebnis.bis_id = version.pk
        try:
            geschrieben, entfernt = version_erneuern(version, user=user, lauf=lauf)
        except Exception:
            logger.exception("Vorschaubilder der Dokumentversion %s konnten nicht erneuert werden", version.pk)
            ergebnis.fehler += 1
            continue
        ergebnis.seitenbilder_entfernt += entfernt
        if geschrieben:
            ergebnis.erneuert += 1
            ergebnis.seiten += geschrieben
    protokollieren(
        aktion=Aktion.AENDERN,
        user=user,
        details={
            "betrieb": BETRIEB,
            "lauf": lauf,
            "von_id": nach,
            "bis_id": ergebnis.bis_id,
            "geprueft": ergebnis.geprueft,
            "erneuert": ergebnis.erneuert,
            "seiten": ergebnis.seiten,
            "seitenbilder_entfernt": ergebnis.seitenbilder_entfernt,
            "fehler": ergebnis.fehler,
            "fertig": ergebnis.geprueft < anzahl,
        },
    )
    return ergebnis


def letzte_position() -> tuple[str, int] | None:
    """(run, last id done) of the latest batch of a run that has not finished, for resuming; None when none."""
    eintrag = (
        Protokolleintrag.objects.filter(objekt_typ="", details__betrieb=BETRIEB)
        .order_by("-zeitpunkt", "-id")
        .values_list("details", flat=True)
        .first()
    )
    if not eintrag or eintrag.get("fertig"):
        return None
    return str(eintrag.get("lauf", "")), int(eintrag.get("bis_id", 0))


def neuer_lauf() -> str:
    return uuid.uuid4().hex[:12]


def lauf(
    *, anzahl: int = 200, nach: int = 0, user: User | None = None, lauf_id: str = "", max_stapel: int | None = None
) -> Ergebnis:
    """Batches in the foreground until every version after `nach` is checked (or `max_stapel` batches ran)."""
    lauf_id = lauf_id or neuer_lauf()
    gesamt = Ergebnis(bis_id=nach)
    gelaufen = 0
    while max_stapel is None or gelaufen < max_stapel:
        e = stapel(nach=gesamt.bis_id, anzahl=anzahl, user=user, lauf=lauf_id)
        gelaufen += 1
        for feld in ("geprueft", "erneuert", "seiten", "seitenbilder_entfernt", "fehler"):
            setattr(gesamt, feld, getattr(gesamt, feld) + getattr(e, feld))
        gesamt.bis_id = e.bis_id
        if e.geprueft < anzahl:
            break
    return gesamt


def einreihen(
    *, nach: int = 0, anzahl: int = 200, lauf_id: str = "", queue: str | None = None, user_id: int | None = None
) -> str:
    """Queue the run in the background: each task does one batch and queues the next (`tasks.vorschauen_erneuern`);
    `user_id`: the operator who started it, named in every audit entry."""
    lauf_id = lauf_id or neuer_lauf()
    hintergrund.aufgabe_senden(AUFGABE, args=[nach, anzahl, lauf_id, queue or "", user_id], queue=queue)
    return lauf_id

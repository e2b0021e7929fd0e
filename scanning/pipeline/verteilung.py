"""Page-parallel OCR of a large document version (a legacy file of hundreds of pages) across many workers.

The version's pages are cut into blocks of `OCR_SEITEN_JE_AUFGABE` pages; each block is one Celery task on the queue
the document came in on. Workers share nothing but PostgreSQL, Redis and the object store: a block task fetches the
original from storage into its own working directory, runs the page loop over its pages, writes the thumbnails to
their final storage path and ONE block result (texts, page infos, text-layer PDFs) to `arbeit/version-<uuid>/`.
Then it lists that folder; the task that sees every block there queues the join. The join merges the searchable PDF
and stores the derived data with `ableitungen_speichern`, then removes the block results.

Crash-safe and idempotent: every write is a whole object written after the work; a block task killed mid-way is
delivered again (acks_late) and redoes only its unfinished pages (working directory) or all of them on another
machine; a block delivered twice writes the same result; the last block to finish always sees all blocks (it wrote
its own before listing), two that finish together may both queue the join; the join runs under a session advisory
lock per version (released by PostgreSQL when its worker dies) and skips a version it finds done.

Lost messages (a block's message gone with a broker failure, a join never queued): a row `Seitenverteilung` per
fanned-out version records the blocks and the last progress. The sweeper (`haengende_bloecke_einreihen`, beat)
re-queues the missing blocks, or the join when every block is there, for versions without progress for
`OCR_BLOCK_HAENGT_SEKUNDEN`; both are idempotent (a block with a result is skipped, the join runs once). After
`OCR_BLOCK_VERSUCHE` re-queues it gives up: the document's text recognition is marked failed (the original stays),
with a German sentence on the row, a log line and the failure metric.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone

from dms import services as dms_services
from dms.dateien import SCAN_TYPEN
from dms.models import Dokument, DokumentVersion

from ..betrieb import fehler_gezaehlt
from ..models import Seitenverteilung
from . import arbeitsbereich, texterkennung
from .arbeitsbereich import Arbeitsbereich

logger = logging.getLogger("scanning.pipeline")

# Advisory lock namespace of the join (the second key is the version id).
_SPERRE_ZUSAMMENFUEHREN = 47110018
AUFGEGEBEN = (
    "Die Texterkennung dieses Dokuments ist nach {versuche} erneuten Versuchen nicht fertig geworden (es fehlten "
    "Ergebnisse für Seiten {seiten}). Das Original ist unverändert gespeichert und kann geöffnet werden; bitte wenden "
    "Sie sich mit der Dokumentnummer {dokument} an den IT-Betrieb."
)


def bloecke_bilden(seiten: int, je_block: int) -> list[tuple[int, int]]:
    """[(von, bis), …] 1-based, inclusive, covering 1..seiten."""
    return [(von, min(seiten, von + je_block - 1)) for von in range(1, seiten + 1, je_block)]


def lohnt_sich(mime: str, seiten: int) -> bool:
    """Fan out only scans (no converted office files: their reading copy is local) longer than one block."""
    je_block = int(getattr(settings, "OCR_SEITEN_JE_AUFGABE", 0) or 0)
    return je_block > 0 and mime in SCAN_TYPEN and seiten > je_block


def _ordner(version: DokumentVersion) -> str:
    return f"arbeit/version-{version.uuid}"


def _block_name(version: DokumentVersion, von: int) -> str:
    return f"{_ordner(version)}/block-{von:05d}.json"


def _speichern(name: str, daten: bytes) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(daten))


def _arbeitsbereich(version: DokumentVersion) -> Arbeitsbereich:
    return Arbeitsbereich(f"version-{version.uuid}")


def _fertig(version: DokumentVersion) -> bool:
    return bool(version.pdf) and version.dokument.ocr_status != Dokument.OcrStatus.IN_ARBEIT


def verteilen(version: DokumentVersion, seiten: int, queue: str | None) -> int:
    """Queue one task per block of pages (on `queue`, the queue the document came in on); returns the number."""
    from ..tasks import dokument_seiten_erkennen  # the task module imports this one

    je_block = int(settings.OCR_SEITEN_JE_AUFGABE)
    bloecke = bloecke_bilden(seiten, je_block)
    jetzt = timezone.now()
    Seitenverteilung.objects.update_or_create(
        version=version,
        defaults={
            "seiten": seiten,
            "je_block": je_block,
            "bloecke": len(bloecke),
            "queue": queue or "",
            "status": Seitenverteilung.Status.LAEUFT,
            "verteilt_am": jetzt,
            "fortschritt_am": jetzt,
            "versuche": 0,
            "fehler": "",
        },
    )
    for von, bis in bloecke:
        dokument_seiten_erkennen.apply_async(args=[version.pk, von, bis, len(bloecke)], queue=queue)
    logger.info("Dokumentversion %s: %s Seiten in %s Bloecken verteilt", version.pk, seiten, len(bloecke))
    return len(bloecke)


def _laden(version_id: int) -> DokumentVersion | None:
    return DokumentVersion.objects.select_related("dokument").filter(pk=version_id).first()


def block_erkennen(version_id: int, von: int, bis: int, bloecke: int, queue: str | None) -> None:
    """One block of pages on whichever worker took it; queues the join when it finds all `bloecke` done."""
    version = _laden(version_id)
    if version is None or _fertig(version):
        return
    from .dokument import vorschau_speichern  # that module imports this one

    if not default_storage.exists(_block_name(version, von)):
        ab = _arbeitsbereich(version)
        pfad = ab.original_holen(version.original)
        infos = texterkennung.seiten_erkennen(pfad, version.mime_type, von, bis, ab)
        pdfs: dict[str, str] = {}
        for s, info in zip(range(von, bis + 1), infos, strict=True):
            seite_pdf = ab.datei(f"seite-{s:05d}.pdf")
            if seite_pdf.exists():
                pdfs[str(s)] = base64.b64encode(seite_pdf.read_bytes()).decode("ascii")
            info["vorschau"] = vorschau_speichern(version, s, ab.datei(f"vorschau-{s:05d}.png").read_bytes())
        daten = json.dumps({"von": von, "bis": bis, "seiten": infos, "pdf": pdfs}, ensure_ascii=False)
        _speichern(_block_name(version, von), daten.encode("utf-8"))  # the block's one write, after its work
        for s in range(von, bis + 1):  # in the store now; the local original stays for this machine's next block
            for name in (f"seite-{s:05d}.json", f"seite-{s:05d}.pdf", f"vorschau-{s:05d}.png"):
                ab.datei(name).unlink(missing_ok=True)
        arbeitsbereich.alte_entfernen(f"version-{version.uuid}")
        _fortschritt(version)
    if len(_vorhandene_bloecke(version)) >= bloecke:
        from ..tasks import dokument_zusammenfuehren

        dokument_zusammenfuehren.apply_async(args=[version.pk, bloecke], queue=queue)


def _fortschritt(version: DokumentVersion) -> None:
    Seitenverteilung.objects.filter(version=version, status=Seitenverteilung.Status.LAEUFT).update(
        fortschritt_am=timezone.now()
    )


@contextmanager
def _allein_zusammenfuehren(version_id: int) -> Iterator[bool]:
    """True for the one join of this version that may run now (a session lock: a killed worker's is freed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_SPERRE_ZUSAMMENFUEHREN, version_id])
        erhalten = bool(cursor.fetchone()[0])
    try:
        yield erhalten
    finally:
        if erhalten:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_SPERRE_ZUSAMMENFUEHREN, version_id])


def _vorhandene_bloecke(version: DokumentVersion) -> list[str]:
    try:
        _, dateien = default_storage.listdir(_ordner(version))
    except FileNotFoundError:
        return []
    return sorted(f"{_ordner(version)}/{d}" for d in dateien if d.startswith("block-") and d.endswith(".json"))


def _aufraeumen(version: DokumentVersion, namen: list[str]) -> None:
    for name in namen:
        default_storage.delete(name)
    _arbeitsbereich(version).entfernen()


def bloecke_zusammenfuehren(version_id: int, bloecke: int) -> None:
    """The join: every block's pages into the searchable PDF, text and counts of the version (once)."""
    with _allein_zusammenfuehren(version_id) as allein:
        if not allein:
            logger.info("Dokumentversion %s: Zusammenfuehren laeuft bereits anderswo", version_id)
            return
        _zusammenfuehren(version_id, bloecke)


def _zusammenfuehren(version_id: int, bloecke: int) -> None:
    version = _laden(version_id)
    if version is None:
        return
    namen = _vorhandene_bloecke(version)
    if _fertig(version):
        _aufraeumen(version, namen)  # a join delivered again after it stored everything
        return
    if len(namen) < bloecke:
        return  # not all there (a second join queued early); the last block queues it again
    _fortschritt(version)
    ab = _arbeitsbereich(version)
    pfad = ab.original_holen(version.original)
    infos: list[dict] = []
    for name in namen:
        with default_storage.open(name, "rb") as f:
            block = json.loads(f.read().decode("utf-8"))
        infos += block["seiten"]
        for s, inhalt in block["pdf"].items():
            ab.schreiben_bytes(f"seite-{int(s):05d}.pdf", base64.b64decode(inhalt))
    e = texterkennung.ergebnis_bilden(pfad, version.mime_type, infos, ab, titel=version.dokument.titel)
    from .dokument import ergebnis_speichern  # that module imports this one

    ergebnis_speichern(version, e, [str(i["vorschau"]) for i in infos])
    logger.info("Dokumentversion %s: %s Seiten aus %s Bloecken zusammengefuehrt", version.pk, e.seiten, len(namen))
    _aufraeumen(version, namen)
    Seitenverteilung.objects.filter(version=version).delete()


def haengende_bloecke_einreihen() -> int:
    """The sweeper: versions without progress for OCR_BLOCK_HAENGT_SEKUNDEN get their missing blocks (or the join)
    queued again, at most OCR_BLOCK_VERSUCHE times; then the document's recognition is marked failed. Returns the
    number of versions re-queued."""
    from ..tasks import dokument_seiten_erkennen, dokument_zusammenfuehren

    grenze = timezone.now() - timedelta(seconds=int(settings.OCR_BLOCK_HAENGT_SEKUNDEN))
    haengend = Seitenverteilung.objects.filter(status=Seitenverteilung.Status.LAEUFT, fortschritt_am__lt=grenze)
    eingereiht = 0
    for v in haengend.select_related("version__dokument").order_by("fortschritt_am")[:200]:
        version = v.version
        if _fertig(version):  # done, the row's delete was lost
            Seitenverteilung.objects.filter(pk=v.pk).delete()
            continue
        vorhanden = set(_vorhandene_bloecke(version))
        fehlend = [b for b in bloecke_bilden(v.seiten, v.je_block) if _block_name(version, b[0]) not in vorhanden]
        # One sweeper wins a row (two beats, or a run overlapping the next): the update only matches the state read.
        uebernommen = Seitenverteilung.objects.filter(pk=v.pk, fortschritt_am=v.fortschritt_am, versuche=v.versuche)
        if v.versuche >= int(settings.OCR_BLOCK_VERSUCHE):
            _aufgeben(v, uebernommen, fehlend)
            continue
        if not uebernommen.update(versuche=F("versuche") + 1, fortschritt_am=timezone.now()):
            continue
        queue = v.queue or None
        for von, bis in fehlend:
            dokument_seiten_erkennen.apply_async(args=[version.pk, von, bis, v.bloecke], queue=queue)
        if not fehlend:
            dokument_zusammenfuehren.apply_async(args=[version.pk, v.bloecke], queue=queue)
        logger.warning(
            "Dokumentversion %s: keine Fortschritte seit %s, erneut eingereiht (Versuch %s): %s",
            version.pk,
            v.fortschritt_am.isoformat(),
            v.versuche + 1,
            f"Bloecke ab Seite {[von for von, _ in fehlend]}" if fehlend else "Zusammenfuehren",
        )
        fehler_gezaehlt(art="seitenblock", code="erneut_eingereiht")
        eingereiht += 1
    return eingereiht


def _aufgeben(v: Seitenverteilung, uebernommen: QuerySet[Seitenverteilung], fehlend: list[tuple[int, int]]) -> None:
    seiten = ", ".join(f"{von}–{bis}" for von, bis in fehlend) or "Zusammenführen"
    meldung = AUFGEGEBEN.format(versuche=v.versuche, seiten=seiten, dokument=v.version.dokument_id)
    if not uebernommen.update(status=Seitenverteilung.Status.FEHLER, fehler=meldung, fortschritt_am=timezone.now()):
        return
    dms_services.ocr_status_setzen(dokument_id=v.version.dokument_id, status=Dokument.OcrStatus.FEHLER)
    logger.error(
        "Dokumentversion %s (Dokument %s): Seitenbloecke nach %s Versuchen aufgegeben, fehlend: %s",
        v.version_id,
        v.version.dokument_id,
        v.versuche,
        [von for von, _ in fehlend] or "Zusammenfuehren",
    )
    fehler_gezaehlt(art="seitenblock", code="aufgegeben")

"""What the Poststelle contributes to operations (dms/betrieb): its file sources for the integrity check and the
backup, its metrics (mail items by status, OCR seconds per page, pages per hour, failures by reason) and its queues.
Registered from ScanningConfig.ready(); the pipeline records events through the small functions below."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.cache import cache
from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric

from dms.betrieb import dateien, ereignisse, metriken

OCR_SEKUNDEN = ereignisse.verteilung(
    "akte_ocr_sekunden_pro_seite",
    "Dauer der Erkennung einer Seite (Rastern, Leerseitenprüfung, Tesseract, Vorschau), nach Textquelle.",
    ("quelle",),
    (0.25, 0.5, 1, 2, 3, 4, 5, 8, 13, 20, 30, 60),
)
OCR_SEITEN = ereignisse.zaehler("akte_ocr_seiten", "Erkannte Seiten, nach Textquelle.", ("quelle",))
SEITEN_PRO_STUNDE = ereignisse.minutenrate("akte_ocr_seiten_letzte_stunde", "Erkannte Seiten der letzten 60 Minuten.")
FEHLER = ereignisse.zaehler(
    "akte_verarbeitung_fehler", "Abgewiesene oder gescheiterte Verarbeitungen, nach Art und Grund.", ("art", "grund")
)
# A COUNT over the whole table per scrape is too much for millions of items; a minute-old figure is enough.
STATUS_CACHE_SEKUNDEN = 60


def seite_erkannt(*, sekunden: float, quelle: str) -> None:
    ereignisse.beobachten(OCR_SEKUNDEN, sekunden, quelle=quelle)
    ereignisse.zaehlen(OCR_SEITEN, quelle=quelle)
    ereignisse.minute_zaehlen(SEITEN_PRO_STUNDE)


def fehler_gezaehlt(*, art: str, code: str) -> None:
    # The code's stem only ("intern:ValueError" stays, free text never reaches a label).
    ereignisse.zaehlen(FEHLER, art=art, grund=code.split(" ", 1)[0][:60])


def _posteingang_sammeln() -> Iterator[Metric]:
    from .models import Posteingang

    zahlen = cache.get("betrieb:posteingang_status")
    if zahlen is None:
        zahlen = dict(Posteingang.objects.order_by().values_list("status").annotate(n=Count("id")))
        cache.set("betrieb:posteingang_status", zahlen, STATUS_CACHE_SEKUNDEN)
    g = GaugeMetricFamily("akte_posteingang", "Posteingänge nach Status (bis zu einer Minute alt).", labels=["status"])
    for status in Posteingang.Status.values:
        g.add_metric([status], zahlen.get(status, 0))
    yield g


def registrieren() -> None:
    from .altakten.lieferung import ALTAKTEN_QUEUE
    from .models import Posteingang

    dateien.dateiquelle_registrieren(
        dateien.modellquelle(
            "posteingang", Posteingang, [("original", "sha256"), ("pdf", "pdf_sha256")], "vorschaubilder"
        )
    )
    metriken.sammler_registrieren("posteingang", _posteingang_sammeln)
    metriken.warteschlangen_registrieren(ALTAKTEN_QUEUE)

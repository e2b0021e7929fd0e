"""What `dms` itself registers with the operations package (called from DmsConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from ..protokoll.pruefung import letzte_pruefung
from . import dateien, integritaet, metriken, protokollierung


def _integritaet_sammeln() -> Iterator[Metric]:
    lauf = integritaet.letzter_fertiger_lauf()
    befunde = GaugeMetricFamily(
        "akte_integritaet_befunde", "Befunde der letzten vollständigen Integritätsprüfung.", labels=["art"]
    )
    if lauf is not None:
        befunde.add_metric(["fehlt"], lauf.fehlend)
        befunde.add_metric(["veraendert"], lauf.veraendert)
        yield befunde
        yield GaugeMetricFamily(
            "akte_integritaet_geprueft_dateien",
            "Geprüfte Dateien der letzten vollständigen Prüfung.",
            value=lauf.geprueft,
        )
        assert lauf.beendet_am is not None
        yield GaugeMetricFamily(
            "akte_integritaet_beendet_zeitpunkt",
            "Ende der letzten vollständigen Integritätsprüfung (Unix-Zeit).",
            value=lauf.beendet_am.timestamp(),
        )
    laufend = integritaet.Integritaetslauf.objects.filter(status=integritaet.Integritaetslauf.Status.LAEUFT).first()
    yield GaugeMetricFamily(
        "akte_integritaet_laufend_geprueft",
        "Geprüfte Dateien des laufenden Prüflaufs (0 wenn keiner läuft).",
        value=laufend.geprueft if laufend is not None else 0,
    )


def _protokoll_sammeln() -> Iterator[Metric]:
    ergebnis = letzte_pruefung()
    if ergebnis is None:
        return
    yield GaugeMetricFamily(
        "akte_protokollkette_ok",
        "1, wenn die letzte Prüfung der Protokollkette fehlerfrei war.",
        value=int(ergebnis.in_ordnung),
    )
    yield GaugeMetricFamily(
        "akte_protokollkette_befunde", "Befunde der letzten Prüfung der Protokollkette.", value=ergebnis.befunde
    )
    yield GaugeMetricFamily(
        "akte_protokollkette_geprueft_zeitpunkt",
        "Zeitpunkt der letzten Prüfung der Protokollkette (Unix-Zeit).",
        value=ergebnis.zeitpunkt.timestamp(),
    )


def _archiv_sammeln() -> Iterator[Metric]:
    from dms.gericht.archiv import faellig_zaehlen

    faellig, abgelaufen = faellig_zaehlen(zwischenspeicher=True)
    yield GaugeMetricFamily(
        "akte_archivzeitstempel_faellig",
        "Siegel, deren Archivzeitstempel anzulegen oder zu erneuern ist (TSA-Zertifikat läuft ab, Hashverfahren "
        "ungeeignet).",
        value=faellig,
    )
    yield GaugeMetricFamily(
        "akte_archivzeitstempel_abgelaufen",
        "Siegel, deren letzter Archivzeitstempel abgelaufen ist (nicht rechtzeitig erneuert: Beweiswert gefährdet).",
        value=abgelaufen,
    )


def registrieren() -> None:
    from dms.models import DokumentVersion

    dateien.dateiquelle_registrieren(
        dateien.modellquelle(
            "dokumentversion", DokumentVersion, [("original", "sha256"), ("pdf", "pdf_sha256")], "vorschaubilder"
        )
    )
    metriken.sammler_registrieren("integritaet", _integritaet_sammeln)
    metriken.sammler_registrieren("protokollkette", _protokoll_sammeln)
    metriken.sammler_registrieren("archivzeitstempel", _archiv_sammeln)
    protokollierung.celery_verbinden()

"""Preflight: judge the file by its content before any heavy work. Raises EingabeFehler with a German sentence.

Checks here: empty file, size limit, type by content (an HTML page named .pdf is HTML). The content checks (damaged,
encrypted, active content, pages, page size, image bombs) are `dms.vorpruefung`, shared with every upload path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from dms.dateien import JPEG, PDF, PNG, SCAN_TYPEN, TIFF, UMWANDELBARE_TYPEN, mime_erkennen
from dms.vorpruefung import ERNEUT, Vorpruefungsfehler, bild_pruefen, pdf_pruefen

from .fehler import EingabeFehler


@dataclass(frozen=True)
class Pruefergebnis:
    mime_type: str
    seiten: int


def _lesbarer_typ(mime: str) -> str:
    return {
        "text/html": "eine HTML-Seite",
        "text/plain": "eine Textdatei",
        "application/zip": "ein ZIP-Archiv",
        "application/x-empty": "leer",
    }.get(mime, f"vom Typ {mime}")


def pruefen(pfad: Path, *, max_bytes: int | None = None, max_seiten: int | None = None) -> Pruefergebnis:
    max_bytes = max_bytes or settings.MAX_UPLOAD_BYTES
    max_seiten = max_seiten or settings.MAX_PAGES
    groesse = pfad.stat().st_size
    if groesse == 0:
        raise EingabeFehler("leer", f"Die Datei ist leer (0 Bytes). {ERNEUT}")
    if groesse > max_bytes:
        raise EingabeFehler(
            "zu_gross",
            f"Die Datei ist größer als {max_bytes // (1024 * 1024)} MB. Bitte teilen Sie den Stapel auf und laden "
            "Sie die Teile einzeln hoch.",
        )
    with pfad.open("rb") as f:
        kopf = f.read(8192)
    mime = mime_erkennen(kopf)
    if mime in UMWANDELBARE_TYPEN:
        # DOCX, ODT, RTF, e-mail: judged and converted by pipeline/konvertieren.py; its PDF passes this check again.
        return Pruefergebnis(mime_type=mime, seiten=0)
    if mime not in SCAN_TYPEN:
        raise EingabeFehler(
            "falscher_typ",
            f"Die Datei ist keine PDF-, TIFF-, PNG-, JPEG-, DOCX-, ODT-, RTF- oder E-Mail-Datei, sondern "
            f"{_lesbarer_typ(mime)} – der Typ wird am Inhalt erkannt, nicht am Dateinamen. Bitte speichern Sie das "
            "Dokument als PDF und laden Sie es erneut hoch.",
        )
    try:
        seiten = pdf_pruefen(pfad, max_seiten) if mime == PDF else bild_pruefen(pfad, max_seiten)
    except Vorpruefungsfehler as exc:
        raise EingabeFehler(exc.code, exc.meldung) from exc
    assert mime in (PDF, TIFF, PNG, JPEG)
    return Pruefergebnis(mime_type=mime, seiten=seiten)

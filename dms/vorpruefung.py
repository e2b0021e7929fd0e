"""Content checks every file passes before it is stored anywhere: the mail room's preflight and every upload into a
file (page, API, Fachverfahren, xdomea import, legacy deliveries, e-mail) share them (issue 10, item 6).

Checks: truncated or damaged PDF, password protection, active content wherever it sits (JavaScript, Launch,
SubmitForm, XFA, also written inline), page limit, page size and /UserUnit, decompression bombs and truncated images.
Raises `Vorpruefungsfehler` with a short code and a German sentence that says what is wrong and what to do.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, cast

import pikepdf
from django.conf import settings
from PIL import Image

ERNEUT = "Bitte scannen Sie das Schriftstück erneut und laden Sie die neue Datei hoch."
# Pillow refuses images above 2x this many pixels; above 1x we refuse too (an A3 page at 600 dpi is ~70 MP).
MAX_BILDPUNKTE = 89_478_485
# Keys and action types that carry active content (JavaScript, launching programs, sending or importing data, XFA).
_AKTIVE_SCHLUESSEL = frozenset({"/JS", "/JavaScript", "/XFA"})
_AKTIVE_AKTIONEN = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute", "/GoToE"})
# A page larger than this (width × height in points, UserUnit applied) would be rasterised above MAX_BILDPUNKTE.
_PUNKT_ZU_ZOLL = 72


class Vorpruefungsfehler(Exception):
    """The file cannot be taken. `meldung` says what is wrong and what to do."""

    def __init__(self, code: str, meldung: str) -> None:
        self.code = code
        self.meldung = meldung
        super().__init__(f"{code}: {meldung}")


@contextlib.contextmanager
def _geoeffnet(quelle: Path | IO[bytes]) -> Iterator[IO[bytes]]:
    """A path is opened and closed here; an open file is rewound before and after and stays open."""
    if isinstance(quelle, Path):
        with quelle.open("rb") as f:
            yield f
        return
    quelle.seek(0)
    try:
        yield quelle
    finally:
        quelle.seek(0)


def pdf_pruefen(quelle: Path | IO[bytes], max_seiten: int | None = None) -> int:
    """A PDF that can be processed safely: complete, readable, not encrypted, no active content, sane pages."""
    max_seiten = max_seiten or settings.MAX_PAGES
    with _geoeffnet(quelle) as f:
        f.seek(0, 2)
        groesse = f.tell()
        f.seek(max(0, groesse - 2048))
        ende = f.read()
        f.seek(0)
        if b"%%EOF" not in ende:
            raise Vorpruefungsfehler(
                "pdf_abgeschnitten",
                "Die PDF-Datei ist unvollständig (abgeschnitten), vermutlich wurde die Übertragung unterbrochen. "
                f"{ERNEUT}",
            )
        return _pdf_lesen(f, max_seiten)


def _pdf_lesen(f: IO[bytes], max_seiten: int) -> int:
    try:
        pdf = pikepdf.open(cast(BinaryIO, f))
    except pikepdf.PasswordError as exc:
        raise Vorpruefungsfehler(
            "pdf_verschluesselt",
            "Die PDF-Datei ist mit einem Kennwort geschützt und kann nicht gelesen werden. Bitte laden Sie eine "
            "Fassung ohne Kennwortschutz hoch oder scannen Sie das Papier erneut.",
        ) from exc
    except pikepdf.PdfError as exc:
        raise Vorpruefungsfehler(
            "pdf_beschaedigt", f"Die PDF-Datei ist beschädigt und kann nicht gelesen werden. {ERNEUT}"
        ) from exc
    with pdf:
        try:
            seiten = len(pdf.pages)
        except pikepdf.PdfError as exc:
            raise Vorpruefungsfehler(
                "pdf_beschaedigt", f"Die PDF-Datei ist beschädigt (Seitenbaum unlesbar). {ERNEUT}"
            ) from exc
        if seiten == 0:
            raise Vorpruefungsfehler("pdf_leer", f"Die PDF-Datei enthält keine Seite. {ERNEUT}")
        if seiten > max_seiten:
            raise Vorpruefungsfehler(
                "zu_viele_seiten",
                f"Die PDF-Datei hat {seiten:,} Seiten; erlaubt sind höchstens {max_seiten:,}. Bitte teilen Sie den "
                "Stapel auf und laden Sie die Teile einzeln hoch.".replace(",", "."),
            )
        if _hat_aktive_inhalte(pdf):
            raise Vorpruefungsfehler(
                "pdf_javascript",
                "Die PDF-Datei enthält JavaScript oder andere aktive Inhalte (ausführbaren Code, Programmaufrufe, "
                "Formularversand) und wird aus Sicherheitsgründen nicht verarbeitet. Bitte drucken Sie das "
                "Schriftstück aus und scannen Sie es, oder fordern Sie beim Absender eine Fassung ohne aktive "
                "Inhalte an.",
            )
        _seitengroesse_pruefen(pdf)
    return seiten


def _ist_aktiv(d: pikepdf.Dictionary) -> bool:
    if any(k in d for k in _AKTIVE_SCHLUESSEL):
        return True
    art = d.get("/S")
    return isinstance(art, pikepdf.Name) and str(art) in _AKTIVE_AKTIONEN


def _aktiv_in(obj: pikepdf.Object, tiefe: int = 0) -> bool:
    """`obj` and every direct object inside it (an action written inline in the catalogue, a page's /AA, an
    annotation's /A ...). Indirect objects are visited on their own by the caller, so nothing is visited twice."""
    if tiefe > 64:
        return True  # deeper nesting than any honest file has: treated as hostile
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        if _ist_aktiv(obj):
            return True
        kinder = [wert for _, wert in obj.items()]
    elif isinstance(obj, pikepdf.Array):
        kinder = list(obj)
    else:
        return False
    return any(not k.is_indirect and _aktiv_in(k, tiefe + 1) for k in kinder if isinstance(k, pikepdf.Object))


def _hat_aktive_inhalte(pdf: pikepdf.Pdf) -> bool:
    """Active content wherever it can sit: in any object, indirect or written inline in another (issue 10, item 4)."""
    try:
        if _aktiv_in(pdf.trailer):
            return True
        for obj in pdf.objects:
            try:
                if _aktiv_in(obj):
                    return True
            except (pikepdf.PdfError, ValueError, TypeError):
                continue
    except (pikepdf.PdfError, ValueError, TypeError):
        return True  # an object graph we cannot walk is not served
    return False


def _seitengroesse_pruefen(pdf: pikepdf.Pdf) -> None:
    """Page size and /UserUnit: a page that would rasterise above MAX_BILDPUNKTE is refused before any work."""
    dpi = settings.OCR_DPI
    for nummer, seite in enumerate(pdf.pages, start=1):
        try:
            box = [float(v) for v in seite.mediabox]  # inherited from the page tree where needed
            einheit = float(seite.obj.get("/UserUnit", 1))
        except (pikepdf.PdfError, ValueError, TypeError) as exc:
            raise Vorpruefungsfehler(
                "pdf_beschaedigt", f"Die PDF-Datei ist beschädigt (Seitengröße von Seite {nummer} unlesbar). {ERNEUT}"
            ) from exc
        breite = abs(box[2] - box[0]) * einheit / _PUNKT_ZU_ZOLL
        hoehe = abs(box[3] - box[1]) * einheit / _PUNKT_ZU_ZOLL
        if einheit <= 0 or breite * dpi * hoehe * dpi > MAX_BILDPUNKTE:
            raise Vorpruefungsfehler(
                "seite_zu_gross",
                f"Seite {nummer} der PDF-Datei ist unzulässig groß ({breite * 2.54:.0f} × {hoehe * 2.54:.0f} cm); "
                "erlaubt sind Seiten bis etwa DIN A1. Die Datei wird zum Schutz des Systems nicht verarbeitet. "
                "Bitte verkleinern Sie die Seiten auf ein übliches Format oder scannen Sie das Papier erneut.",
            )


def bild_pruefen(quelle: Path | IO[bytes], max_seiten: int | None = None) -> int:
    """An image (TIFF, PNG, JPEG) that decodes completely and is not a decompression bomb."""
    max_seiten = max_seiten or settings.MAX_PAGES
    with _geoeffnet(quelle) as f:
        return _bild_lesen(f, max_seiten)


def _bild_lesen(f: IO[bytes], max_seiten: int) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(f) as img:
                breite, hoehe = img.size
                if breite * hoehe > MAX_BILDPUNKTE:
                    raise Image.DecompressionBombError("zu groß")
                seiten = int(getattr(img, "n_frames", 1))
                if seiten > max_seiten:
                    raise Vorpruefungsfehler(
                        "zu_viele_seiten",
                        f"Die Bilddatei hat {seiten} Seiten; erlaubt sind höchstens {max_seiten}. Bitte teilen Sie "
                        "den Stapel auf und laden Sie die Teile einzeln hoch.",
                    )
                img.load()  # the first frame decodes completely: finds truncated files
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Vorpruefungsfehler(
            "bild_zu_gross",
            "Das Bild ist unzulässig groß (mehr als 89 Millionen Bildpunkte) und wird zum Schutz des Systems nicht "
            "verarbeitet. Bitte scannen Sie mit 300 dpi erneut und laden Sie die neue Datei hoch.",
        ) from exc
    except Vorpruefungsfehler:
        raise
    except (OSError, SyntaxError, ValueError) as exc:
        raise Vorpruefungsfehler(
            "bild_beschaedigt", f"Die Bilddatei ist beschädigt oder unvollständig. {ERNEUT}"
        ) from exc
    return seiten

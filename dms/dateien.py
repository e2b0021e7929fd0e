"""Uploaded files: content-based type detection, checksums and safe display names (no I/O on models here)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import magic
from django.conf import settings
from django.core.exceptions import ValidationError

from .vorpruefung import Vorpruefungsfehler, bild_pruefen, pdf_pruefen

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"
SCAN_TYPEN = frozenset({PDF, TIFF, PNG, JPEG})

# Office documents and e-mails: accepted wherever a document is, converted to PDF/A for reading (original kept).
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
RTF = "text/rtf"
EML = "message/rfc822"
BUERO_TYPEN = frozenset({DOCX, ODT, RTF})
UMWANDELBARE_TYPEN = BUERO_TYPEN | {EML}
DOKUMENT_TYPEN = SCAN_TYPEN | UMWANDELBARE_TYPEN

ENDUNG = {
    PDF: "pdf",
    TIFF: "tif",
    PNG: "png",
    JPEG: "jpg",
    DOCX: "docx",
    ODT: "odt",
    RTF: "rtf",
    EML: "eml",
    "text/plain": "txt",
    "application/xml": "xml",
}

_UNSICHER = re.compile(r"[^\w.\- ()äöüÄÖÜß]+")


@dataclass(frozen=True)
class Dateiinfo:
    sha256: str
    groesse: int
    mime_type: str


def sicherer_dateiname(name: str, fallback: str = "datei") -> str:
    """A display name without paths, control characters or markup; the stored path never uses it.

    >>> sicherer_dateiname("../../etc/<script>passwd.pdf")
    'script_passwd.pdf'
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSICHER.sub("_", name).strip(" ._")
    return name[:200] or fallback


_MAILKOPF = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,60}:[^\r\n]*\r?\n")


def ist_mailkopf(kopf: bytes) -> bool:
    """An RFC 5322 header block (libmagic calls a mail starting with MIME-Version: plain text)."""
    namen = set()
    rest = kopf
    while (m := _MAILKOPF.match(rest)) is not None:
        namen.add(m.group(0).split(b":", 1)[0].lower())
        rest = rest[m.end() :]
        while rest[:1] in (b" ", b"\t"):  # folded continuation lines
            zeile_ende = rest.find(b"\n")
            rest = rest[zeile_ende + 1 :] if zeile_ende >= 0 else b""
    return b"from" in namen and bool(namen & {b"date", b"message-id", b"subject"})


def mime_erkennen(kopf: bytes) -> str:
    """Judge the type by content, never by the file name."""
    if not kopf:
        return "application/x-empty"
    mime = magic.from_buffer(kopf, mime=True)
    if mime == "text/plain" and ist_mailkopf(kopf):
        return EML
    return mime


def sha256_und_groesse(datei: IO[bytes], *, abbruch_ab: int | None = None) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, streamed from the start in 1 MB chunks; the position is reset to 0.

    With `abbruch_ab` reading stops as soon as the size exceeds it (the checksum is then of a prefix only)."""
    datei.seek(0)
    h = hashlib.sha256()
    groesse = 0
    for chunk in iter(lambda: datei.read(1024 * 1024), b""):
        h.update(chunk)
        groesse += len(chunk)
        if abbruch_ab is not None and groesse > abbruch_ab:
            break
    datei.seek(0)
    return h.hexdigest(), groesse


def datei_sha256(pfad: Path) -> str:
    """SHA-256 (hex) of a file on disk, streamed."""
    with pfad.open("rb") as f:
        return sha256_und_groesse(f)[0]


def datei_pruefen(datei: IO[bytes], *, erlaubt: frozenset[str] = SCAN_TYPEN, max_bytes: int | None = None) -> Dateiinfo:
    """Stream the file once: size limit, checksum and detected type; raise a German ValidationError when bad."""
    limit = max_bytes or settings.MAX_UPLOAD_BYTES
    datei.seek(0)
    kopf = datei.read(8192)
    sha256, groesse = sha256_und_groesse(datei, abbruch_ab=limit)
    if groesse == 0:
        raise ValidationError({"datei": ["Die Datei ist leer (0 Bytes). Bitte scannen oder wählen Sie sie erneut."]})
    if groesse > limit:
        raise ValidationError(
            {"datei": [f"Die Datei ist größer als {limit // (1024 * 1024)} MB. Bitte teilen Sie sie auf."]}
        )
    mime = mime_erkennen(kopf)
    if mime not in erlaubt:
        namen = ", ".join(sorted(ENDUNG.get(m, m).upper() for m in erlaubt))
        raise ValidationError({"datei": [f"Dateityp {mime} wird nicht angenommen. Erlaubt sind: {namen}."]})
    inhalt_pruefen(datei, mime)
    return Dateiinfo(sha256=sha256, groesse=groesse, mime_type=mime)


def inhalt_pruefen(datei: IO[bytes], mime: str) -> None:
    """The mail room's content checks for every file stored anywhere (issue 10, item 6): a PDF or image that is
    damaged, encrypted, active, oversized or a bomb is refused with the preflight's German sentence, never stored
    as a document that only looks fine. Office files and e-mails are judged by their conversion."""
    try:
        if mime == PDF:
            pdf_pruefen(datei)
        elif mime in (TIFF, PNG, JPEG):
            bild_pruefen(datei)
    except Vorpruefungsfehler as exc:
        raise ValidationError({"datei": [exc.meldung]}) from exc

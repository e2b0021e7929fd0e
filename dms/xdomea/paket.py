"""Safe reading of an incoming xdomea package: zip checks (paths, bombs) and a hardened XML parse.

Every problem raises `PaketFehler` with a precise German reason; nothing here writes to the database or storage.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from lxml import etree

from .schema import NACHRICHT_ABGABE, SchemaFehler, q, sicherer_parser, validieren_baum

CHUNK = 1024 * 1024
_LAUFWERK = re.compile(r"^[A-Za-z]:")


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_entpackt() -> int:
    """Upper bound of the total uncompressed size of one package (default 20 GiB)."""
    return _limit("XDOMEA_MAX_ENTPACKT_BYTES", 20 * 1024**3)


def max_rate() -> int:
    """Largest accepted compression ratio of one entry above 1 MiB (zip bomb guard)."""
    return _limit("XDOMEA_MAX_KOMPRESSIONSRATE", 100)


def max_eintraege() -> int:
    return _limit("XDOMEA_MAX_EINTRAEGE", 200_000)


def max_xml() -> int:
    return _limit("XDOMEA_MAX_XML_BYTES", 200 * 1024**2)


class PaketFehler(Exception):
    """The package is rejected; `grund` is the German reason shown to the user and written to the log."""

    def __init__(self, grund: str, *, nachricht: etree._Element | None = None) -> None:
        super().__init__(grund)
        self.grund = grund
        self.nachricht = nachricht


def eintrag_name_pruefen(name: str) -> None:
    """Refuse absolute paths, drive letters, backslashes and `..` in entry names (zip slip)."""
    if not name or "\x00" in name:
        raise PaketFehler("Das Paket enthält einen Eintrag ohne gültigen Namen.")
    if name.startswith(("/", "\\")) or _LAUFWERK.match(name):
        raise PaketFehler(f"Das Paket enthält einen absoluten Pfad ({name!r}); es wird nicht verarbeitet.")
    if "\\" in name or any(teil == ".." for teil in name.split("/")):
        raise PaketFehler(f"Das Paket enthält einen unzulässigen Pfad ({name!r}); es wird nicht verarbeitet.")


def zip_pruefen(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Check every entry before reading any: names, duplicates, encryption, total size and compression ratio."""
    eintraege = zf.infolist()
    if len(eintraege) > max_eintraege():
        raise PaketFehler(f"Das Paket enthält {len(eintraege)} Einträge; erlaubt sind höchstens {max_eintraege()}.")
    gesamt = 0
    namen: dict[str, zipfile.ZipInfo] = {}
    for info in eintraege:
        eintrag_name_pruefen(info.filename)
        if info.is_dir():
            continue
        if info.filename in namen:
            raise PaketFehler(f"Der Eintrag {info.filename!r} kommt im Paket mehrfach vor.")
        if info.flag_bits & 0x1:
            raise PaketFehler(f"Der Eintrag {info.filename!r} ist verschlüsselt; das wird nicht unterstützt.")
        gesamt += info.file_size
        if gesamt > max_entpackt():
            raise PaketFehler(
                f"Das Paket ist entpackt größer als {max_entpackt() // 1024**2} MB (Schutz vor ZIP-Bomben)."
            )
        if info.file_size > CHUNK and info.file_size > max_rate() * max(info.compress_size, 1):
            raise PaketFehler(
                f"Der Eintrag {info.filename!r} ist ungewöhnlich stark komprimiert "
                f"({info.file_size} Bytes aus {info.compress_size}); das Paket wird als mögliche ZIP-Bombe abgelehnt."
            )
        namen[info.filename] = info
    return namen


def nachricht_finden(
    namen: dict[str, zipfile.ZipInfo], arten: tuple[str, ...] = (NACHRICHT_ABGABE,)
) -> zipfile.ZipInfo:
    """The one XML message of the package (named `…_<Nachrichtentyp>.xml`, else the one XML at the top)."""
    kandidaten = [i for n, i in namen.items() if "/" not in n and n.endswith(tuple(f"_{a}.xml" for a in arten))]
    if not kandidaten:
        kandidaten = [i for n, i in namen.items() if "/" not in n and n.lower().endswith(".xml")]
    if not kandidaten:
        raise PaketFehler(f"Das Paket enthält keine xdomea-Nachricht (…_{arten[0]}.xml).")
    if len(kandidaten) > 1:
        raise PaketFehler("Das Paket enthält mehrere XML-Nachrichten; erwartet wird genau eine Nachricht.")
    if kandidaten[0].file_size > max_xml():
        raise PaketFehler(f"Die Nachricht ist größer als {max_xml() // 1024**2} MB.")
    return kandidaten[0]


def nachricht_lesen(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, arten: tuple[str, ...] = (NACHRICHT_ABGABE,)
) -> etree._Element:
    """Parse without DTDs or entities, then validate against xdomea 3.0.0 and check the message type."""
    try:
        daten = zf.read(info)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise PaketFehler(f"Die Nachricht {info.filename!r} ist im Paket beschädigt: {exc}") from exc
    kopf = daten[:4096]
    if b"<!DOCTYPE" in daten or b"<!ENTITY" in daten or b"<!\x00D" in kopf:
        raise PaketFehler(
            "Die Nachricht enthält eine DTD oder Entitätsdeklaration (DOCTYPE/ENTITY). "
            "Aus Sicherheitsgründen (externe Entitäten, Entitätsexpansion) wird sie nicht verarbeitet."
        )
    try:
        baum = etree.fromstring(daten, sicherer_parser())
    except etree.XMLSyntaxError as exc:
        raise PaketFehler(f"Die Nachricht ist kein wohlgeformtes XML: {exc}") from exc
    if baum.getroottree().docinfo.doctype:
        raise PaketFehler("Die Nachricht enthält eine DTD (DOCTYPE); sie wird nicht verarbeitet.")
    if baum.tag not in {q(a) for a in arten}:
        was = "xdomea-Abgabe" if arten == (NACHRICHT_ABGABE,) else "erwartete xdomea-Nachricht"
        raise PaketFehler(
            f"Die Nachricht ist keine {was} ({' oder '.join(arten)}), sondern {etree.QName(baum).localname}."
        )
    try:
        validieren_baum(baum)
    except SchemaFehler as exc:
        raise PaketFehler(str(exc), nachricht=baum) from exc
    return baum


@dataclass
class Entpackt:
    datei: IO[bytes]
    sha256: str
    groesse: int


def entpacken(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, erwartet_sha256: str = "", erwartet_groesse: Any = None
) -> Entpackt:
    """Copy one primary file into a temporary file in chunks; verify CRC, size and SHA-256 where known."""
    ziel = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    h = hashlib.sha256()
    groesse = 0
    try:
        with zf.open(info) as quelle:
            for chunk in iter(lambda: quelle.read(CHUNK), b""):
                groesse += len(chunk)
                if groesse > info.file_size:
                    raise PaketFehler(f"Die Primärdatei {info.filename!r} ist größer als im Paket angegeben.")
                h.update(chunk)
                ziel.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        ziel.close()
        raise PaketFehler(f"Die Primärdatei {info.filename!r} ist im Paket beschädigt ({exc}).") from exc
    except PaketFehler:
        ziel.close()
        raise
    sha = h.hexdigest()
    if erwartet_groesse not in (None, "") and str(groesse) != str(erwartet_groesse):
        ziel.close()
        raise PaketFehler(
            f"Die Primärdatei {info.filename!r} hat {groesse} Bytes, die Nachricht nennt {erwartet_groesse}; "
            "sie wurde verändert oder ist unvollständig."
        )
    if erwartet_sha256 and sha != erwartet_sha256.lower():
        ziel.close()
        raise PaketFehler(
            f"Die Primärdatei {info.filename!r} wurde verändert: die Prüfsumme (SHA-256) stimmt nicht "
            f"(erwartet {erwartet_sha256}, im Paket {sha})."
        )
    ziel.seek(0)
    return Entpackt(datei=ziel, sha256=sha, groesse=groesse)

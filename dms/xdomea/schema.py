"""xdomea 3.0.0: the vendored schema, a safe XML parser, code list values and the mapping of our codes to theirs."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import IO

from lxml import etree

NS = "urn:xoev-de:xdomea:schema:3.0.0"
XDOMEA_VERSION = "3.0.0"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "xdomea_3.0.0"
SCHEMA_PATH = SCHEMA_DIR / "xdomea.xsd"

NACHRICHT_ABGABE = "Abgabe.Abgabe.0401"
NACHRICHT_IMPORTBESTAETIGUNG = "Abgabe.ImportBestaetigen.0402"

LIST_NACHRICHTENTYP = ("urn:xoev-de:xdomea:codeliste:nachrichtentyp", "2.0")
LIST_VERTRAULICHKEIT = ("urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe", "1.0")
LIST_MEDIUM = ("urn:xoev-de:xdomea:codeliste:medium", "1.0")
LIST_DATEIFORMAT = ("urn:xoev-de:xdomea:codeliste:dateiformat", "1.0")
LIST_AUSSONDERUNGSART = ("urn:xoev-de:xdomea:codeliste:aussonderungsart", "1.0")

# Our product's own extension identifier (AnwendungsspezifischeErweiterung/Kennung).
ERWEITERUNG_KENNUNG = "urn:de-he:auslaenderakte:xdomea:erweiterung:1"

# Akte.Vertraulichkeit stores its own short codes; the xdomea code list 1.0 numbers them differently
# (001 geheim, 002 NfD, 003 offen, 004 streng geheim, 005 vertraulich), so map explicitly both ways.
# Akte.Vertraulichkeit stores the xdomea codes themselves; only these three levels are kept in this system.
VERTRAULICHKEIT_NACH_XDOMEA = {"002": "002", "003": "003", "005": "005"}
VERTRAULICHKEIT_VON_XDOMEA = dict(VERTRAULICHKEIT_NACH_XDOMEA)
# Levels above VS-Vertraulich are not kept in this system; an import refuses them (see import_).
VERTRAULICHKEIT_NICHT_ERLAUBT = {"001": "geheim", "004": "streng geheim"}

MEDIUM_NACH_XDOMEA = {"elektronisch": "001", "hybrid": "002", "papier": "003"}
MEDIUM_VON_XDOMEA = {v: k for k, v in MEDIUM_NACH_XDOMEA.items()}

# MIME type (detected by content) -> code of the xdomea code list Dateiformat 1.0 and the file extension.
DATEIFORMAT = {
    "application/pdf": ("018", "pdf"),
    "image/tiff": ("023", "tif"),
    "image/png": ("019", "png"),
    "image/jpeg": ("011", "jpg"),
    "text/plain": ("045", "txt"),
    "application/xml": ("030", "xml"),
    "text/xml": ("030", "xml"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("035", "docx"),
    "application/vnd.oasis.opendocument.text": ("015", "odt"),
}
DATEIFORMAT_PDFA = "044"  # pdf - Portable Document Format (PDF/A)
DATEIFORMAT_SONSTIGES = "100"


def q(name: str) -> str:
    """Qualified xdomea element name."""
    return f"{{{NS}}}{name}"


@functools.cache
def xdomea_schema() -> etree.XMLSchema:
    """The compiled schema (loaded once per process; local files only, never the network)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def sicherer_parser() -> etree.XMLParser:
    """No DTD loading, no entity expansion, no network, libxml2's default size/depth limits (no huge_tree)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


class SchemaFehler(ValueError):
    """The XML is not a valid xdomea 3.0.0 message; the text says where and why in German."""


def fehler_text(log: etree._ListErrorLog, limit: int = 3) -> str:
    teile = [f"Zeile {e.line}: {e.message}" for e in list(log)[:limit]]
    return "; ".join(teile) or "unbekannter Fehler"


def validieren_datei(pfad: str | Path | IO[bytes]) -> None:
    """Validate a message while streaming through it, so memory stays flat for large messages."""
    schema = xdomea_schema()
    try:
        for _event, element in etree.iterparse(
            pfad, events=("end",), schema=schema, resolve_entities=False, no_network=True, huge_tree=False
        ):
            # Validation runs on the parser's event stream, so finished subtrees can go at once: the tree we hold
            # stays as small as one path from the root, whatever the number of documents.
            element.clear(keep_tail=True)
            eltern = element.getparent()
            if eltern is not None:
                while element.getprevious() is not None:
                    del eltern[0]
    except etree.XMLSyntaxError as exc:
        raise SchemaFehler(f"Die Nachricht entspricht nicht dem Schema xdomea {XDOMEA_VERSION}: {exc}") from exc


def validieren_baum(baum: etree._ElementTree | etree._Element) -> None:
    schema = xdomea_schema()
    if not schema.validate(baum):
        raise SchemaFehler(
            f"Die Nachricht entspricht nicht dem Schema xdomea {XDOMEA_VERSION}: {fehler_text(schema.error_log)}"
        )

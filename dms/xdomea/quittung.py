"""The answer to an Abgabe: `Abgabe.ImportBestaetigen.0402`, success or failure per handed-over object."""

from __future__ import annotations

import copy
import re

from django.utils import timezone
from lxml import etree

from dms.models import Behoerde

from . import elemente as x
from .schema import NACHRICHT_IMPORTBESTAETIGUNG, NS, q, validieren_baum

_UUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


def objekt_ids(nachricht: etree._Element | None) -> list[str]:
    """IDs of the top-level Schriftgutobjekte of a 0401 message (only well-formed UUIDs)."""
    if nachricht is None:
        return []
    ids = []
    for sgo in nachricht.findall(q("Schriftgutobjekt")):
        for obj in sgo:
            wert = (obj.findtext(f"{q('Identifikation')}/{q('ID')}") or "").strip()
            if _UUID.match(wert):
                ids.append(wert)
    return ids


def importbestaetigung(
    *,
    nachricht: etree._Element | None,
    empfaenger_behoerde: Behoerde | None,
    erfolgreich: bool,
    fehler: str = "",
) -> bytes | None:
    """A validated 0402 for the incoming message; None when the message is too broken to answer (no IDs)."""
    ids = objekt_ids(nachricht)
    eingang_kopf = nachricht.find(q("Kopf")) if nachricht is not None else None
    prozess_id = (eingang_kopf.findtext(q("ProzessID")) if eingang_kopf is not None else "") or ""
    if not ids or not _UUID.match(prozess_id.strip()):
        return None
    wurzel = etree.Element(q(NACHRICHT_IMPORTBESTAETIGUNG), nsmap={"xdomea": NS})
    kopf = etree.SubElement(wurzel, q("Kopf"))
    absender_alt = eingang_kopf.find(q("Absender")) if eingang_kopf is not None else None
    # The original sender becomes the recipient of the receipt.
    empfaenger = copy.deepcopy(absender_alt) if absender_alt is not None else x.kontakt_behoerde("Empfaenger", None)
    x.kopf_basis(
        kopf,
        prozess_id=prozess_id.strip(),
        nachrichtentyp="0402",
        erstellt=timezone.now(),
        absender=x.kontakt_behoerde("Absender", empfaenger_behoerde),
        empfaenger=empfaenger,
    )
    for sgo_id in ids:
        obj = etree.SubElement(wurzel, q("AbgegebenesObjekt"))
        x.sub(obj, "IDSGO", sgo_id)
        x.sub(obj, "Erfolgreich", erfolgreich)
        if not erfolgreich and fehler:
            x.sub(obj, "Fehlermeldung", fehler)
    validieren_baum(wurzel)
    return etree.tostring(wurzel, xml_declaration=True, encoding="UTF-8", pretty_print=True)

"""Small builders for xdomea elements shared by the export, the import receipt (0402) and the hand-over."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from lxml import etree

from dms.models import Behoerde

from .schema import ERWEITERUNG_KENNUNG, LIST_NACHRICHTENTYP, NS, q

NSMAP = {"xdomea": NS}
PRODUKTNAME = "Elektronische Ausländerakte"
PRODUKTVERSION = "0.1.0"


def el(tag: str, text: Any = None, **attrib: str) -> etree._Element:
    e = etree.Element(q(tag), nsmap=NSMAP, **attrib)
    if text is not None:
        e.text = _text(text)
    return e


def sub(parent: etree._Element, tag: str, text: Any = None, **attrib: str) -> etree._Element:
    e = etree.SubElement(parent, q(tag), **attrib)
    if text is not None:
        e.text = _text(text)
    return e


def _text(wert: Any) -> str:
    if isinstance(wert, bool):
        return "1" if wert else "0"
    if isinstance(wert, datetime):
        return wert.isoformat(timespec="seconds")
    if isinstance(wert, date):
        return wert.isoformat()
    return str(wert)


def code(parent: etree._Element, tag: str, wert: str, liste: tuple[str, str] | None = None, name: str = "") -> None:
    """A code list value: <tag listURI listVersionID><code/><name/></tag> (code and name are unqualified)."""
    attrib = {"listURI": liste[0], "listVersionID": liste[1]} if liste else {}
    c = sub(parent, tag, **attrib)
    etree.SubElement(c, "code").text = wert
    if name:
        etree.SubElement(c, "name").text = name


def kontakt_behoerde(tag: str, behoerde: Behoerde | None, ersatzname: str = "nicht angegeben") -> etree._Element:
    """KontaktType for an authority: Behoerdenkennung (our Kürzel) and Institution."""
    k = el(tag)
    if behoerde is None:
        inst = sub(k, "Institution")
        sub(inst, "Name", ersatzname)
        return k
    kennung = sub(k, "Behoerdenkennung")
    code(kennung, "Behoerdenschluessel", behoerde.kuerzel, name=behoerde.name)
    inst = sub(k, "Institution")
    sub(inst, "Name", behoerde.name)
    sub(inst, "Kurzbezeichnung", behoerde.kuerzel)
    return k


def kopf_basis(
    kopf: etree._Element,
    *,
    prozess_id: str,
    nachrichtentyp: str,
    erstellt: datetime,
    absender: etree._Element,
    empfaenger: etree._Element,
) -> None:
    """The common head (NkBasisType) in schema order."""
    sub(kopf, "ProzessID", prozess_id)
    code(kopf, "Nachrichtentyp", nachrichtentyp, LIST_NACHRICHTENTYP)
    sub(kopf, "Erstellungszeitpunkt", erstellt)
    absender.tag = q("Absender")
    empfaenger.tag = q("Empfaenger")
    kopf.append(absender)
    kopf.append(empfaenger)
    system = sub(kopf, "SendendesSystem")
    sub(system, "InstanzID", getattr(settings, "XDOMEA_INSTANZ_ID", "") or "auslaenderakte")
    sub(system, "Produktname", PRODUKTNAME)
    sub(system, "Version", PRODUKTVERSION)


def erweiterung(
    felder: Iterable[tuple[str, Any]],
    gruppen: Iterable[tuple[str, str, Iterable[tuple[str, Any]]]] = (),
    name: str = "Ausländerakte",
) -> etree._Element:
    """AnwendungsspezifischeErweiterung with our identifier; Feldgruppen come before Felder (schema order)."""
    e = el("AnwendungsspezifischeErweiterung")
    sub(e, "Kennung", ERWEITERUNG_KENNUNG)
    sub(e, "Name", name)
    for gname, beschreibung, gfelder in gruppen:
        g = sub(e, "Feldgruppe")
        sub(g, "Name", gname)
        sub(g, "Beschreibung", beschreibung)
        for fname, wert in gfelder:
            f = sub(g, "Feld")
            sub(f, "Name", fname)
            sub(f, "Wert", wert)
    for fname, wert in felder:
        if wert is None or wert == "":
            continue
        f = sub(e, "Feld")
        sub(f, "Name", fname)
        sub(f, "Wert", wert)
    return e


def erweiterung_lesen(parent: etree._Element) -> tuple[dict[str, list[str]], list[tuple[str, dict[str, str]]]]:
    """Our own extension under `parent` (direct children only): fields (multi-valued) and groups."""
    felder: dict[str, list[str]] = {}
    gruppen: list[tuple[str, dict[str, str]]] = []
    for e in parent.findall(q("AnwendungsspezifischeErweiterung")):
        if (e.findtext(q("Kennung")) or "").strip() != ERWEITERUNG_KENNUNG:
            continue
        for g in e.findall(q("Feldgruppe")):
            werte = {(f.findtext(q("Name")) or ""): (f.findtext(q("Wert")) or "") for f in g.findall(q("Feld"))}
            gruppen.append((g.findtext(q("Beschreibung")) or "", werte))
        for f in e.findall(q("Feld")):
            felder.setdefault(f.findtext(q("Name")) or "", []).append(f.findtext(q("Wert")) or "")
    return felder, gruppen

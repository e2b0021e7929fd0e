"""xdomea 3.0.0 messages of the Aussonderung. Written (by the authority): 0501 Anbieteverzeichnis, 0503 Aussonderung
and 0505 BewertungEmpfangBestaetigen (our receipt of a 0502 that asks for one). Read (from the archive): 0502
Bewertungsverzeichnis, 0504 AnbietungEmpfangBestaetigen (receipt of the 0501), 0507 AussonderungEmpfangBestaetigen
(receipt of the 0503) and 0506 AussonderungImportBestaetigen (per file: taken over or not, with the reason). Every
message is validated against the schema (dms/xdomea/schema.py); incoming zips go through the same safe unpacking as
the hand-over import (dms/xdomea/paket.py).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

from dms.models import Akte, Behoerde, Dokument
from dms.xdomea import elemente as x
from dms.xdomea.export import Paketschreiber, paketname, schriftgutobjekt_schreiben
from dms.xdomea.paket import PaketFehler, nachricht_finden, nachricht_lesen, zip_pruefen
from dms.xdomea.schema import LIST_AUSSONDERUNGSART, NS, q, validieren_baum, validieren_datei

ANBIETEVERZEICHNIS = "Aussonderung.Anbieteverzeichnis.0501"
BEWERTUNGSVERZEICHNIS = "Aussonderung.Bewertungsverzeichnis.0502"
AUSSONDERUNG = "Aussonderung.Aussonderung.0503"
EMPFANGSBESTAETIGUNG = "Aussonderung.AnbietungEmpfangBestaetigen.0504"
BEWERTUNG_EMPFANGEN = "Aussonderung.BewertungEmpfangBestaetigen.0505"
IMPORTBESTAETIGUNG = "Aussonderung.AussonderungImportBestaetigen.0506"
AUSSONDERUNG_EMPFANGEN = "Aussonderung.AussonderungEmpfangBestaetigen.0507"
# What the archive may send us, and so what `antwort_lesen` accepts.
ARCHIVNACHRICHTEN = (BEWERTUNGSVERZEICHNIS, EMPFANGSBESTAETIGUNG, IMPORTBESTAETIGUNG, AUSSONDERUNG_EMPFANGEN)
LIST_BEWERTUNGSVORSCHLAG = ("urn:xoev-de:xdomea:codeliste:bewertungsvorschlag", "1.0")


def archiv_kontakt(tag: str) -> etree._Element:
    k = x.el(tag)
    kennung = x.sub(k, "Behoerdenkennung")
    x.code(kennung, "Behoerdenschluessel", settings.STAATSARCHIV_KENNUNG, name=settings.STAATSARCHIV_NAME)
    inst = x.sub(k, "Institution")
    x.sub(inst, "Name", settings.STAATSARCHIV_NAME)
    return k


def _kopf(behoerde: Behoerde, prozess_id: str, typ: str) -> etree._Element:
    kopf = x.el("Kopf")
    x.kopf_basis(
        kopf,
        prozess_id=prozess_id,
        nachrichtentyp=typ,
        erstellt=timezone.now(),
        absender=x.kontakt_behoerde("Absender", behoerde),
        empfaenger=archiv_kontakt("Empfaenger"),
    )
    return kopf


def aussonderungsart(akte: Akte) -> str:
    """A (archive) if any register in use says so, V (destroy) if all do, else B (to be evaluated)."""
    arten = set(Dokument.objects.filter(akte=akte).values_list("register__aussonderungsart", flat=True).distinct())
    if "A" in arten:
        return "A"
    if arten == {"V"}:
        return "V"
    return "B"


def anbieteverzeichnis(behoerde: Behoerde, prozess_id: str, akten: Iterable[Akte]) -> bytes:
    """0501: the files' metadata for the archive's evaluation (no primary files), as a zip with one XML."""
    wurzel = etree.Element(q(ANBIETEVERZEICHNIS), nsmap={"xdomea": NS})
    kopf = _kopf(behoerde, prozess_id, "0501")
    x.sub(kopf, "Empfangsbestaetigung", True)
    wurzel.append(kopf)
    for akte in akten:
        sgo = x.sub(wurzel, "Schriftgutobjekt")
        a = x.sub(sgo, "Akte")
        x.sub(x.sub(a, "Identifikation"), "ID", str(akte.uuid))
        meta = x.sub(a, "AllgemeineMetadaten")
        x.sub(meta, "Betreff", "Ausländerakte")
        x.sub(meta, "Kennzeichen", akte.aktenzeichen)
        arch = x.sub(a, "ArchivspezifischeMetadaten")
        art = aussonderungsart(akte)
        x.code(x.sub(arch, "Aussonderungsart"), "Aussonderungsart", art, LIST_AUSSONDERUNGSART)
        x.code(arch, "Bewertungsvorschlag", "A" if art == "A" else "V", LIST_BEWERTUNGSVORSCHLAG)
        x.sub(a, "Typ", "Ausländerakte")
        lz = x.sub(a, "Laufzeit")
        x.sub(lz, "Beginn", timezone.localtime(akte.angelegt_am).date())
        schluss = getattr(akte, "aktenschluss", None)
        if schluss is not None:
            x.sub(lz, "Ende", schluss.datum)
    validieren_baum(wurzel)
    return _zip_mit(
        paketname(prozess_id, ANBIETEVERZEICHNIS), etree.tostring(wurzel, xml_declaration=True, encoding="utf-8")
    )


def bewertung_empfangen(behoerde: Behoerde, prozess_id: str) -> bytes:
    """0505: our receipt of the archive's evaluation (sent when its head asks for one), as a zip with one XML."""
    wurzel = etree.Element(q(BEWERTUNG_EMPFANGEN), nsmap={"xdomea": NS})
    wurzel.append(_kopf(behoerde, prozess_id, "0505"))
    validieren_baum(wurzel)
    return _zip_mit(
        paketname(prozess_id, BEWERTUNG_EMPFANGEN), etree.tostring(wurzel, xml_declaration=True, encoding="utf-8")
    )


def _zip_mit(name: str, xml: bytes) -> bytes:
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}.xml", xml)
    return puffer.getvalue()


def aussonderung_schreiben(behoerde: Behoerde, prozess_id: str, akten: Iterable[Akte], ziel: Path) -> tuple[Path, int]:
    """0503: the files the archive takes, with every document's primary files, streamed into a zip in `ziel`."""
    name = paketname(prozess_id, AUSSONDERUNG)
    zip_pfad = ziel / f"{name}.zip"
    fd, xml_name = tempfile.mkstemp(prefix="xdomea-", suffix=".xml", dir=ziel)
    anzahl = 0
    try:
        with zipfile.ZipFile(zip_pfad, "w", allowZip64=True) as zf:
            schreiber = Paketschreiber(zf)
            with os.fdopen(fd, "wb") as xml_datei, etree.xmlfile(xml_datei, encoding="utf-8") as xf:
                xf.write_declaration()
                with xf.element(q(AUSSONDERUNG), nsmap={"xdomea": NS}):
                    kopf = _kopf(behoerde, prozess_id, "0503")
                    x.sub(kopf, "Importbestaetigung", True)
                    x.sub(kopf, "RueckmeldungArchivkennung", False)
                    x.sub(kopf, "Empfangsbestaetigung", True)
                    xf.write(kopf)
                    for akte in akten:
                        anzahl += schriftgutobjekt_schreiben(xf, akte, schreiber)
            validieren_datei(xml_name)
            zf.write(xml_name, f"{name}.xml", compress_type=zipfile.ZIP_DEFLATED)
    except BaseException:
        zip_pfad.unlink(missing_ok=True)
        raise
    finally:
        Path(xml_name).unlink(missing_ok=True)
    return zip_pfad, anzahl


@dataclass(frozen=True)
class Importergebnis:
    """One file of a 0506: taken over by the archive or not, with the archive's reason and its own id."""

    erfolgreich: bool
    meldung: str
    archivkennung: str


@dataclass(frozen=True)
class Archivantwort:
    art: str  # "0502", "0504", "0506" or "0507"
    prozess_id: str
    absender: str  # Behoerdenschluessel of the sender (the archive)
    empfaenger: str  # Behoerdenschluessel of the receiver (our authority's Kürzel)
    bewertungen: dict[str, str]  # file uuid -> A / V (0502 only)
    importergebnisse: dict[str, Importergebnis]  # file uuid -> result (0506 only)
    empfangsbestaetigung_erbeten: bool  # the head asks for our receipt (0502: answered with 0505)


def _paket_lesen(inhalt: bytes) -> etree._Element:
    if inhalt[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(inhalt)) as zf:
                namen = zip_pruefen(zf)
                return nachricht_lesen(zf, nachricht_finden(namen, ARCHIVNACHRICHTEN), ARCHIVNACHRICHTEN)
        except zipfile.BadZipFile as exc:
            raise PaketFehler("Die Datei ist kein gültiges ZIP-Paket.") from exc
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w") as zf:
        zf.writestr("nachricht.xml", inhalt)
    with zipfile.ZipFile(puffer) as zf:
        return nachricht_lesen(zf, zf.getinfo("nachricht.xml"), ARCHIVNACHRICHTEN)


def _importergebnisse(baum: etree._Element) -> dict[str, Importergebnis]:
    ergebnisse: dict[str, Importergebnis] = {}
    for objekt in baum.findall(q("AusgesondertesSGO")):
        oid = (objekt.findtext(q("IDSGO")) or "").strip().lower()
        if oid in ergebnisse:
            raise PaketFehler(
                f"Das Schriftgutobjekt {oid} ist in der Importbestätigung mehrfach aufgeführt; "
                "sie wurde nicht verarbeitet."
            )
        gruende = [t.strip() for t in (e.text or "" for e in objekt.findall(q("Fehlermeldung"))) if t.strip()]
        for code in objekt.findall(q("FehlermeldungCode")):
            wert = " ".join(
                filter(None, ((code.findtext("code") or "").strip(), (code.findtext("name") or "").strip()))
            )
            if wert:
                gruende.append(f"Code {wert}")
        ergebnisse[oid] = Importergebnis(
            erfolgreich=(objekt.findtext(q("Erfolgreich")) or "").strip() in ("1", "true"),
            meldung="; ".join(gruende)[:2000],
            archivkennung=(objekt.findtext(q("Archivkennung")) or "").strip()[:200],
        )
    return ergebnisse


def antwort_lesen(inhalt: bytes) -> Archivantwort:
    """Read an archive's message (zip or bare XML; 0502, 0504, 0506, 0507); PaketFehler with a German reason."""
    baum = _paket_lesen(inhalt)
    kopf = baum.find(q("Kopf"))
    assert kopf is not None  # the schema requires it
    bewertungen: dict[str, str] = {}
    for objekt in baum.findall(q("BewertetesObjekt")):
        oid = (objekt.findtext(q("ID")) or "").strip().lower()
        code = (objekt.findtext(f"{q('Aussonderungsart')}/{q('Aussonderungsart')}/code") or "").strip()
        if oid in bewertungen:
            raise PaketFehler(f"Die Akte {oid} ist im Bewertungsverzeichnis mehrfach bewertet.")
        bewertungen[oid] = code
    return Archivantwort(
        art=etree.QName(baum).localname.rsplit(".", 1)[-1],
        prozess_id=(kopf.findtext(q("ProzessID")) or "").strip().lower(),
        absender=(
            kopf.findtext(f"{q('Absender')}/{q('Behoerdenkennung')}/{q('Behoerdenschluessel')}/code") or ""
        ).strip(),
        empfaenger=(
            kopf.findtext(f"{q('Empfaenger')}/{q('Behoerdenkennung')}/{q('Behoerdenschluessel')}/code") or ""
        ).strip(),
        bewertungen=bewertungen,
        importergebnisse=_importergebnisse(baum),
        empfangsbestaetigung_erbeten=(kopf.findtext(q("Empfangsbestaetigung")) or "").strip() in ("1", "true"),
    )

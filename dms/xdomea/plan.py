"""Reading a validated 0401 message into a plain plan of what to create (no database writes here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree

from .elemente import erweiterung_lesen
from .paket import PaketFehler
from .schema import (
    DATEIFORMAT_PDFA,
    MEDIUM_VON_XDOMEA,
    VERTRAULICHKEIT_NICHT_ERLAUBT,
    VERTRAULICHKEIT_VON_XDOMEA,
    q,
)

_PDF_CODES = {"018", DATEIFORMAT_PDFA}
RICHTUNGEN = {"eingang", "ausgang", "intern"}


@dataclass
class DateiPlan:
    name: str
    original_name: str
    rolle: str  # "original" or "pdf"
    sha256: str = ""
    groesse: str = ""


@dataclass
class VersionPlan:
    nummer: str
    original: DateiPlan
    pdf: DateiPlan | None = None


@dataclass
class VorgangPlan:
    id: str
    kennzeichen: str
    betreff: str
    typ: str
    schluessel: str
    status: str
    begonnen_am: date | None
    abgeschlossen_am: date | None
    wiedervorlage: date | None
    wiedervorlage_grund: str


@dataclass
class DokumentPlan:
    id: str
    titel: str
    art: str
    richtung: str
    datum: date | None
    register: str
    vorgang: int | None
    versionen: list[VersionPlan]
    seiten: int | None = None
    blatt: int | None = None
    quelle_extern: str = ""


@dataclass
class AktePlan:
    id: str
    kennzeichen: str
    fruehere: list[str]
    person: dict[str, Any]
    medium: str
    vertraulichkeit: str
    absender: str
    empfaenger_kuerzel: str
    prozess_id: str
    # The sender's Sperrvermerk (our extension field `gesperrt`, or the Bemerkung "Sperrvermerk"): kept on import.
    gesperrt: bool = False
    vorgaenge: list[VorgangPlan] = field(default_factory=list)
    dokumente: list[DokumentPlan] = field(default_factory=list)

    def dateien(self) -> list[DateiPlan]:
        out = []
        for d in self.dokumente:
            for v in d.versionen:
                out.append(v.original)
                if v.pdf:
                    out.append(v.pdf)
        return out


def _t(e: etree._Element | None, *pfad: str) -> str:
    if e is None:
        return ""
    return (e.findtext("/".join(q(p) for p in pfad)) or "").strip()


def _datum(wert: str, was: str) -> date | None:
    if not wert:
        return None
    try:
        return date.fromisoformat(wert[:10])
    except ValueError as exc:
        raise PaketFehler(f"Ungültiges Datum bei {was}: {wert!r}.") from exc


def _code(e: etree._Element | None, *pfad: str) -> str:
    if e is None:
        return ""
    c = e.find("/".join(q(p) for p in pfad))
    return (c.findtext("code") or "").strip() if c is not None else ""


def _ist_zahl(wert: str) -> bool:
    """Plain ASCII digits only: str.isdigit() also accepts e.g. '²', which int() rejects."""
    return wert.isascii() and wert.isdigit()


def _int(werte: list[str] | None, was: str) -> int | None:
    wert = (werte or [""])[0].strip()
    if not wert:
        return None
    if not _ist_zahl(wert):
        raise PaketFehler(f"Ungültige Zahl bei {was}: {wert!r}.")
    return int(wert)


def _erster(felder: dict[str, list[str]], name: str) -> str:
    return (felder.get(name) or [""])[0]


def _person(akte: etree._Element) -> dict[str, Any]:
    felder, _ = erweiterung_lesen(akte)
    if felder.get("familienname"):
        daten: dict[str, Any] = {
            "familienname": _erster(felder, "familienname"),
            "vornamen": _erster(felder, "vornamen"),
            "geburtsname": _erster(felder, "geburtsname"),
            "geburtsdatum": _datum(_erster(felder, "geburtsdatum"), "Geburtsdatum"),
            "geburtsort": _erster(felder, "geburtsort"),
            "geschlecht": _erster(felder, "geschlecht") or "x",
            "azr_nummer": _erster(felder, "azr_nummer") or None,
            "staatsangehoerigkeiten": felder.get("staatsangehoerigkeit", []),
            "namensvarianten": felder.get("namensvariante", []),
        }
        return daten
    for kontakt in akte.findall(q("Kontakt")):
        familienname = _t(kontakt, "Name", "Familienname", "Name")
        if familienname:
            return {
                "familienname": familienname,
                "vornamen": _t(kontakt, "Name", "Vorname", "Name"),
                "geburtsdatum": _datum(_t(kontakt, "Geburt", "Datum"), "Geburtsdatum"),
            }
    raise PaketFehler(
        "Die Abgabe enthält keine Angaben zur Person (Familienname in Kontakt oder Erweiterung); "
        "ohne sie kann keine Akte angelegt werden."
    )


def _version(v: etree._Element, titel: str, gruppen: dict[str, dict[str, str]]) -> VersionPlan:
    nummer = _t(v, "Nummer")
    original: DateiPlan | None = None
    pdf: DateiPlan | None = None
    for f in v.findall(q("Format")):
        name = _t(f, "Primaerdokument", "Dateiname")
        if "/" in name or "\\" in name:
            raise PaketFehler(f"Der Dateiname {name!r} im Dokument „{titel}“ enthält einen Pfad.")
        info = gruppen.get(name, {})
        rolle = info.get("rolle") or ("original" if original is None else "")
        if not rolle and _code(f, "Name") in _PDF_CODES and pdf is None:
            rolle = "pdf"
        datei = DateiPlan(
            name=name,
            original_name=_t(f, "Primaerdokument", "DateinameOriginal") or name,
            rolle=rolle,
            sha256=info.get("sha256", ""),
            groesse=info.get("groesse", ""),
        )
        if rolle == "original" and original is None:
            original = datei
        elif rolle == "pdf" and pdf is None:
            pdf = datei
        else:
            raise PaketFehler(
                f"Version {nummer or '?'} des Dokuments „{titel}“ enthält mehr Formate als übernommen werden "
                "können (ein Original und eine PDF-Fassung je Version)."
            )
    if original is None:
        raise PaketFehler(f"Version {nummer or '?'} des Dokuments „{titel}“ enthält keine Primärdatei.")
    return VersionPlan(nummer=nummer, original=original, pdf=pdf)


def _dokument(d: etree._Element, register: str, vorgang: int | None) -> DokumentPlan:
    felder, gruppen_liste = erweiterung_lesen(d)
    gruppen = dict(gruppen_liste)
    titel = _t(d, "AllgemeineMetadaten", "Betreff")
    ein, aus, schr = _t(d, "Posteingangsdatum"), _t(d, "Postausgangsdatum"), _t(d, "DatumDesSchreibens")
    richtung = _erster(felder, "richtung")
    if richtung not in RICHTUNGEN:
        richtung = "eingang" if ein else "ausgang" if aus else "intern" if schr else "eingang"
    versionen_el = d.findall(q("Version"))
    if not versionen_el:
        raise PaketFehler(f"Das Dokument „{titel or _t(d, 'Identifikation', 'ID')}“ enthält keine Version.")
    versionen = [_version(v, titel, gruppen) for v in versionen_el]
    # Foreign packages may number versions freely: non-numeric numbers sort last instead of failing.
    versionen.sort(key=lambda v: (0, int(v.nummer)) if _ist_zahl(v.nummer) else (1, 0))
    if not titel:
        titel = versionen[0].original.original_name
    return DokumentPlan(
        id=_t(d, "Identifikation", "ID"),
        titel=titel,
        art=_erster(felder, "art") or _t(d, "Typ"),
        richtung=richtung,
        datum=_datum(ein or aus or schr, f"Dokument „{titel}“"),
        register=_erster(felder, "register") or register,
        vorgang=vorgang,
        versionen=versionen,
        seiten=_int(felder.get("seiten"), f"Seitenzahl des Dokuments „{titel}“"),
        blatt=_int(felder.get("blatt"), f"Blattnummer des Dokuments „{titel}“"),
        quelle_extern=_erster(felder, "quelle"),
    )


def _vorgang(plan: AktePlan, v: etree._Element, register: str) -> None:
    felder, _ = erweiterung_lesen(v)
    plan.vorgaenge.append(
        VorgangPlan(
            id=_t(v, "Identifikation", "ID"),
            kennzeichen=_t(v, "AllgemeineMetadaten", "Kennzeichen"),
            betreff=_t(v, "AllgemeineMetadaten", "Betreff"),
            typ=_t(v, "Typ"),
            schluessel=_erster(felder, "vorgangsart"),
            status=_erster(felder, "status") or ("abgeschlossen" if _t(v, "ZdA") in {"1", "true"} else "offen"),
            begonnen_am=_datum(_t(v, "Laufzeit", "Beginn"), "Laufzeit des Vorgangs"),
            abgeschlossen_am=_datum(_t(v, "Laufzeit", "Ende") or _t(v, "ZdADatum"), "Laufzeit des Vorgangs"),
            wiedervorlage=_datum(_erster(felder, "wiedervorlage"), "Wiedervorlage"),
            wiedervorlage_grund=_erster(felder, "wiedervorlage_grund"),
        )
    )
    index = len(plan.vorgaenge) - 1
    for d in v.findall(q("Dokument")):
        plan.dokumente.append(_dokument(d, register, index))
    for tv in v.findall(q("Teilvorgang")):
        _vorgang(plan, tv, register)


def _inhalt(plan: AktePlan, akte: etree._Element, register: str) -> None:
    inhalt = akte.find(q("Akteninhalt"))
    if inhalt is None:
        return
    for d in inhalt.findall(q("Dokument")):
        plan.dokumente.append(_dokument(d, register, None))
    for v in inhalt.findall(q("Vorgang")):
        _vorgang(plan, v, register)
    for t in inhalt.findall(q("Teilakte")):
        reg = _t(t, "AllgemeineMetadaten", "Aktenplaneinheit", "Kennzeichen") or register
        _inhalt(plan, t, reg)


def _gesperrt(akte: etree._Element, felder: dict[str, list[str]]) -> bool:
    """Restricted if any sign says so: a package must never lose a restriction on its way (issue 10, item 2)."""
    werte = {w.strip().lower() for w in felder.get("gesperrt", [])}
    bemerkung = _t(akte, "AllgemeineMetadaten", "Bemerkung").lower()
    return bool(werte & {"1", "true", "ja"}) or "sperrvermerk" in bemerkung


def plan_lesen(nachricht: etree._Element, standard_register: str) -> AktePlan:
    objekte = [obj for sgo in nachricht.findall(q("Schriftgutobjekt")) for obj in sgo]
    if len(objekte) != 1 or objekte[0].tag != q("Akte"):
        raise PaketFehler(
            "Dieses System übernimmt je Paket genau eine Akte (Schriftgutobjekt „Akte“); "
            f"das Paket enthält {len(objekte)} Schriftgutobjekt(e)."
        )
    akte = objekte[0]
    kopf = nachricht.find(q("Kopf"))
    vs = _code(akte, "AllgemeineMetadaten", "Vertraulichkeitsstufe") or "002"
    if vs in VERTRAULICHKEIT_NICHT_ERLAUBT:
        raise PaketFehler(
            f"Die Akte ist als „{VERTRAULICHKEIT_NICHT_ERLAUBT[vs]}“ eingestuft; "
            "solche Verschlusssachen dürfen in diesem System nicht gespeichert werden."
        )
    medium = _code(akte, "AllgemeineMetadaten", "Medium") or "001"
    felder, _ = erweiterung_lesen(akte)
    kennzeichen = _t(akte, "AllgemeineMetadaten", "Kennzeichen")
    absender = _t(kopf, "Absender", "Institution", "Name") or _t(kopf, "Absender", "Behoerdenkennung")
    empfaenger = kopf.find(f"{q('Empfaenger')}/{q('Behoerdenkennung')}/{q('Behoerdenschluessel')}")
    plan = AktePlan(
        id=_t(akte, "Identifikation", "ID"),
        kennzeichen=kennzeichen,
        fruehere=[a for a in felder.get("frueheres_aktenzeichen", []) if a],
        person=_person(akte),
        medium=MEDIUM_VON_XDOMEA.get(medium, "elektronisch"),
        vertraulichkeit=VERTRAULICHKEIT_VON_XDOMEA.get(vs, "002"),
        absender=absender,
        empfaenger_kuerzel=(empfaenger.findtext("code") or "").strip() if empfaenger is not None else "",
        prozess_id=_t(kopf, "ProzessID"),
        gesperrt=_gesperrt(akte, felder),
    )
    _inhalt(plan, akte, standard_register)
    namen = [d.name for d in plan.dateien()]
    if len(set(namen)) != len(namen):
        raise PaketFehler("Die Nachricht verweist mehrfach auf dieselbe Primärdatei.")
    return plan

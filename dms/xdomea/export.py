"""xdomea export: one Akte as an `Abgabe.Abgabe.0401` package, streamed.

The zip is written entry by entry: each primary file is copied from storage in 1 MiB chunks while its SHA-256 is
computed, and the XML message is written incrementally (lxml `xmlfile`) into a temporary file, validated while
streaming through it, then added as the last zip entry. Memory therefore does not grow with the number of documents.
Mapping: docs/xdomea.md.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils import timezone
from lxml import etree

from dms.audit import Aktion, protokollieren
from dms.dateien import datei_sha256
from dms.models import Akte, Behoerde, Dokument, DokumentVersion, Protokolleintrag, Register, Vorgang

from . import elemente as x
from .paket import CHUNK
from .schema import (
    DATEIFORMAT,
    DATEIFORMAT_PDFA,
    DATEIFORMAT_SONSTIGES,
    LIST_AUSSONDERUNGSART,
    LIST_DATEIFORMAT,
    LIST_MEDIUM,
    LIST_VERTRAULICHKEIT,
    MEDIUM_NACH_XDOMEA,
    NACHRICHT_ABGABE,
    NS,
    VERTRAULICHKEIT_NACH_XDOMEA,
    q,
    validieren_datei,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

# Formats that are already compressed are stored, everything else deflated.
_GESPEICHERT = {"application/pdf", "image/jpeg", "image/png", "image/tiff"}


class ExportFehler(Exception):
    """The package could not be written; the text is German and names the cause."""


@dataclass(frozen=True)
class ExportErgebnis:
    pfad: Path
    prozess_id: str
    dokumente: int
    dateien: int
    groesse: int
    sha256: str


def paketname(prozess_id: str, nachricht: str = NACHRICHT_ABGABE) -> str:
    return f"{prozess_id}_{nachricht}"


def teilakte_uuid(akte: Akte, register_nummer: str) -> str:
    """A stable ID for a register of one file (the register itself is Land-wide, the Teilakte is per file)."""
    return str(uuid.uuid5(akte.uuid, f"register/{register_nummer}"))


def _person_betreff(akte: Akte) -> str:
    p = akte.person
    name = f"{p.familienname}, {p.vornamen}" if p.vornamen else p.familienname
    geb = f", geb. {p.geburtsdatum:%d.%m.%Y}" if p.geburtsdatum else ""
    return f"Ausländerakte {name}{geb}"


def _allgemeine_metadaten(
    parent: etree._Element,
    *,
    betreff: str,
    kennzeichen: str = "",
    federfuehrung: str = "",
    aktenfuehrung: str = "",
    vertraulichkeit: str = "",
    bemerkung: str = "",
    medium: str = "",
    aktenplaneinheit: tuple[str, str] | None = None,
) -> None:
    m = x.sub(parent, "AllgemeineMetadaten")
    x.sub(m, "Betreff", betreff)
    if kennzeichen:
        x.sub(m, "Kennzeichen", kennzeichen)
    if federfuehrung:
        x.sub(m, "Federfuehrung", federfuehrung)
    if aktenfuehrung:
        x.sub(m, "Aktenfuehrung", aktenfuehrung)
    if vertraulichkeit:
        x.code(m, "Vertraulichkeitsstufe", VERTRAULICHKEIT_NACH_XDOMEA[vertraulichkeit], LIST_VERTRAULICHKEIT)
    if bemerkung:
        x.sub(m, "Bemerkung", bemerkung)
    if medium:
        x.code(m, "Medium", MEDIUM_NACH_XDOMEA[medium], LIST_MEDIUM)
    if aktenplaneinheit:
        a = x.sub(m, "Aktenplaneinheit")
        x.sub(a, "Kennzeichen", aktenplaneinheit[0])
        x.sub(a, "Inhaltsangabe", aktenplaneinheit[1])


def _identifikation(parent: etree._Element, uid: Any, nummer: int | None = None) -> None:
    i = x.sub(parent, "Identifikation")
    x.sub(i, "ID", str(uid))
    if nummer is not None:
        x.sub(i, "NummerImUebergeordnetenContainer", nummer)


def _pdf_version(kopf: bytes) -> str:
    if kopf.startswith(b"%PDF-"):
        return kopf[5:8].decode("ascii", "replace")
    return "unbekannt"


class Paketschreiber:
    """Writes primary files into the zip and remembers nothing per document beyond the current one."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.dateien = 0
        self.dokumente = 0

    def dokument_fertig(self) -> None:
        # Model instances with file fields form reference cycles (FieldFile <-> instance) that outlive the young
        # generations; collecting every few hundred documents keeps the peak independent of the file's size.
        self.dokumente += 1
        if self.dokumente % 100 == 0:
            gc.collect()

    def datei_schreiben(self, feld: Any, name: str, mime: str, erwartet_sha256: str = "") -> tuple[str, int, bytes]:
        """Copy one stored file into the zip in chunks; returns (sha256, size, first bytes)."""
        h = hashlib.sha256()
        groesse = 0
        kopf = b""
        methode = zipfile.ZIP_STORED if mime in _GESPEICHERT else zipfile.ZIP_DEFLATED
        info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = methode
        try:
            with feld.storage.open(feld.name, "rb") as quelle, self.zf.open(info, "w", force_zip64=True) as ziel:
                for chunk in iter(lambda: quelle.read(CHUNK), b""):
                    if not kopf:
                        kopf = chunk[:16]
                    h.update(chunk)
                    groesse += len(chunk)
                    ziel.write(chunk)
        except FileNotFoundError as exc:
            raise ExportFehler(f"Die gespeicherte Datei {feld.name} fehlt im Speicher.") from exc
        sha = h.hexdigest()
        if erwartet_sha256 and sha != erwartet_sha256:
            raise ExportFehler(
                f"Die gespeicherte Datei {feld.name} stimmt nicht mit ihrer Prüfsumme überein "
                f"(erwartet {erwartet_sha256}, gelesen {sha}); der Export wurde abgebrochen."
            )
        self.dateien += 1
        return sha, groesse, kopf


def _format(
    parent: etree._Element,
    *,
    code: str,
    version: str,
    dateiname: str,
    original_name: str,
    erstellt: Any,
    sonstiger_name: str = "",
) -> None:
    f = x.sub(parent, "Format")
    x.code(f, "Name", code, LIST_DATEIFORMAT)
    if sonstiger_name:
        x.sub(f, "SonstigerName", sonstiger_name)
    x.sub(f, "Version", version)
    p = x.sub(f, "Primaerdokument")
    x.sub(p, "Dateiname", dateiname)
    x.sub(p, "DateinameOriginal", original_name)
    x.sub(p, "DatumUhrzeit", erstellt)


def dokument_element(dok: Dokument, akte: Akte, schreiber: Paketschreiber, nummer: int) -> etree._Element:
    """One Dokument with all versions and formats; writes its primary files into the zip on the way."""
    d = x.el("Dokument")
    _identifikation(d, dok.uuid, nummer)
    _allgemeine_metadaten(
        d,
        betreff=dok.titel,
        vertraulichkeit=akte.vertraulichkeit,
        medium=Akte.Medium.ELEKTRONISCH,
    )
    if dok.eingangsdatum:
        datumsfelder: dict[str, str] = {
            Dokument.Richtung.EINGANG: "Posteingangsdatum",
            Dokument.Richtung.AUSGANG: "Postausgangsdatum",
        }
        tag = datumsfelder.get(dok.richtung, "DatumDesSchreibens")
        x.sub(d, tag, dok.eingangsdatum)
    if dok.art:
        x.sub(d, "Typ", dok.art)
    gruppen: list[tuple[str, str, list[tuple[str, Any]]]] = []
    versionen: list[DokumentVersion] = list(dok.versionen.all())
    # Prefetched versions point back at their document (a reference cycle); drop the cache so plain reference
    # counting frees each document once written, instead of waiting for the cyclic garbage collector.
    getattr(dok, "_prefetched_objects_cache", {}).clear()
    schreiber.dokument_fertig()
    for v in versionen:
        ve = x.sub(d, "Version")
        x.sub(ve, "Nummer", v.nummer)
        code, endung = DATEIFORMAT.get(v.mime_type, (DATEIFORMAT_SONSTIGES, "bin"))
        name = f"{v.uuid}_Original.{endung}"
        sha, groesse, kopf = schreiber.datei_schreiben(v.original, name, v.mime_type, v.sha256)
        _format(
            ve,
            code=code,
            version=_pdf_version(kopf) if v.mime_type == "application/pdf" else "unbekannt",
            sonstiger_name=v.mime_type if code == DATEIFORMAT_SONSTIGES else "",
            dateiname=name,
            original_name=v.dateiname,
            erstellt=v.angelegt_am,
        )
        gruppen.append(("Primaerdatei", name, [("rolle", "original"), ("sha256", sha), ("groesse", groesse)]))
        if v.pdf:
            pname = f"{v.uuid}_Durchsuchbar.pdf"
            sha, groesse, kopf = schreiber.datei_schreiben(v.pdf, pname, "application/pdf", v.pdf_sha256)
            _format(
                ve,
                code=DATEIFORMAT_PDFA,
                version=_pdf_version(kopf),
                dateiname=pname,
                original_name=f"{Path(v.dateiname).stem}.pdf",
                erstellt=v.angelegt_am,
            )
            gruppen.append(("Primaerdatei", pname, [("rolle", "pdf"), ("sha256", sha), ("groesse", groesse)]))
    d.append(
        x.erweiterung(
            [
                ("register", dok.register.nummer),
                ("richtung", dok.richtung),
                ("quelle", dok.quelle),
                ("art", dok.art),
                ("seiten", dok.seiten),
                ("blatt", dok.blatt),
            ],
            gruppen,
            name="Dokument der Ausländerakte",
        )
    )
    return d


def _dokumente(akte: Akte, **filter: Any) -> Iterator[Dokument]:
    versionen = Prefetch("versionen", queryset=DokumentVersion.objects.order_by("nummer"))
    qs = (
        Dokument.objects.bestehend()
        .filter(akte=akte, **filter)  # a merged document lives on in its successor
        .select_related("register")
        .prefetch_related(versionen)
        .order_by("register__nummer", "eingangsdatum", "id")
    )
    return qs.iterator(chunk_size=100)


def _historie(akte: Akte) -> Iterator[etree._Element]:
    eintraege = (
        Protokolleintrag.objects.filter(akte_id_wert=akte.pk)
        .exclude(aktion__in=[Aktion.LESEN, Aktion.SUCHE])
        .order_by("id")
        .values("zeitpunkt", "benutzername", "aktion", "objekt_typ", "objekt_id", "aktenzeichen")
    )
    namen = dict(Protokolleintrag.Aktion.choices)
    for e in eintraege.iterator(chunk_size=500):
        h = x.el("HistorienProtokollInformation")
        x.sub(h, "Akteur", e["benutzername"] or "System")
        x.sub(h, "DatumUhrzeit", e["zeitpunkt"])
        x.sub(h, "Bemerkung", f"{e['objekt_typ']} {e['objekt_id']} ({e['aktenzeichen']})".strip())
        x.sub(h, "Aktion", namen.get(e["aktion"], e["aktion"]))
        yield h


def _vorgang_kopf(v: Vorgang, akte: Akte, nummer: int) -> list[etree._Element]:
    tmp = x.el("Vorgang")
    _identifikation(tmp, v.uuid, nummer)
    _allgemeine_metadaten(
        tmp,
        betreff=v.betreff or v.vorgangsart.bezeichnung,
        kennzeichen=v.aktenzeichen,
        vertraulichkeit=akte.vertraulichkeit,
    )
    x.sub(tmp, "Aktenbetreff", _person_betreff(akte))
    x.sub(tmp, "Typ", v.vorgangsart.bezeichnung)
    if v.status == Vorgang.Status.ABGESCHLOSSEN:
        x.sub(tmp, "ZdA", True)
        if v.abgeschlossen_am:
            x.sub(tmp, "ZdADatum", v.abgeschlossen_am)
    if v.begonnen_am or v.abgeschlossen_am:
        lz = x.sub(tmp, "Laufzeit")
        if v.begonnen_am:
            x.sub(lz, "Beginn", v.begonnen_am)
        if v.abgeschlossen_am:
            x.sub(lz, "Ende", v.abgeschlossen_am)
    return list(tmp)


def _vorgang_erweiterung(v: Vorgang) -> etree._Element:
    naechste = v.wiedervorlagen.offen().order_by("faellig_am", "id").first()
    return x.erweiterung(
        [
            ("vorgangsart", v.vorgangsart.schluessel),
            ("status", v.status),
            ("nummer", v.nummer),
            # The procedure's next open resubmission, in the fields earlier packages carried.
            ("wiedervorlage", naechste.faellig_am if naechste else None),
            ("wiedervorlage_grund", naechste.notiz if naechste else ""),
        ],
        name="Vorgang der Ausländerakte",
    )


def _akte_kontakt(akte: Akte) -> etree._Element:
    p = akte.person
    k = x.el("Kontakt")
    name = x.sub(k, "Name")
    fam = x.sub(name, "Familienname")
    x.sub(fam, "Name", p.familienname)
    if p.vornamen:
        vor = x.sub(name, "Vorname")
        x.sub(vor, "Name", p.vornamen)
    x.code(k, "Rolle", "betroffene-person", name="Betroffene Person (Ausländerin/Ausländer)")
    if p.geburtsdatum:
        geb = x.sub(k, "Geburt")
        x.sub(geb, "Datum", p.geburtsdatum)
    return k


def _akte_erweiterung(akte: Akte) -> etree._Element:
    p = akte.person
    felder: list[tuple[str, Any]] = [
        ("familienname", p.familienname),
        ("vornamen", p.vornamen),
        ("geburtsname", p.geburtsname),
        ("geburtsdatum", p.geburtsdatum),
        ("geburtsort", p.geburtsort),
        ("geschlecht", p.geschlecht),
        ("azr_nummer", p.azr_nummer),
    ]
    felder += [("staatsangehoerigkeit", s) for s in p.staatsangehoerigkeiten]
    felder += [("namensvariante", n) for n in p.namensvarianten]
    felder += [("frueheres_aktenzeichen", a) for a in akte.fruehere_aktenzeichen]
    felder += [("status", akte.status), ("gesperrt", akte.gesperrt)]
    return x.erweiterung(felder, name="Ausländerakte: Person und Akte")


def schriftgutobjekt_schreiben(xf: Any, akte: Akte, schreiber: Paketschreiber) -> int:
    """One file as a Schriftgutobjekt (Akte with procedures, registers, documents and primary files); shared by the
    hand-over (0401) and the archive's Aussonderung (0503). Returns the number of documents."""
    anzahl = 0
    with xf.element(q("Schriftgutobjekt")), xf.element(q("Akte")):
        kopfteile = x.el("Akte")
        _identifikation(kopfteile, akte.uuid)
        _allgemeine_metadaten(
            kopfteile,
            betreff=_person_betreff(akte),
            kennzeichen=akte.aktenzeichen,
            federfuehrung=akte.behoerde.name,
            aktenfuehrung=akte.team.name if akte.team else "",
            vertraulichkeit=akte.vertraulichkeit,
            bemerkung="Sperrvermerk" if akte.gesperrt else "",
            medium=akte.medium,
        )
        x.sub(kopfteile, "Typ", "Ausländerakte")
        lz = x.sub(kopfteile, "Laufzeit")
        x.sub(lz, "Beginn", timezone.localtime(akte.angelegt_am).date())
        for teil in kopfteile:
            xf.write(teil)
        for h in _historie(akte):
            xf.write(h)
        with xf.element(q("Akteninhalt")):
            # Schema order inside Akteninhalt: Dokument*, Vorgang*, Teilakte*.
            for vnr, v in enumerate(
                Vorgang.objects.filter(akte=akte).select_related("vorgangsart").order_by("nummer"), start=1
            ):
                with xf.element(q("Vorgang")):
                    for teil in _vorgang_kopf(v, akte, vnr):
                        xf.write(teil)
                    for nr, dok in enumerate(_dokumente(akte, vorgang=v), start=1):
                        xf.write(dokument_element(dok, akte, schreiber, nr))
                        anzahl += 1
                    xf.write(_vorgang_erweiterung(v))
            anzahl += _teilakten_schreiben(xf, akte, schreiber)
        xf.write(_akte_kontakt(akte))
        if akte.status == Akte.Status.GESCHLOSSEN:
            xf.write(x.el("ZdA", True))
        xf.write(_akte_erweiterung(akte))
    return anzahl


def nachricht_schreiben(
    xml_datei: Any,
    zf: zipfile.ZipFile,
    *,
    akte: Akte,
    prozess_id: str,
    empfaenger: Behoerde | None,
    hinweis: str = "",
) -> tuple[int, int]:
    """Write the 0401 message incrementally into `xml_datei` and the primary files into `zf`."""
    schreiber = Paketschreiber(zf)
    with etree.xmlfile(xml_datei, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(q(NACHRICHT_ABGABE), nsmap={"xdomea": NS}):
            kopf = x.el("Kopf")
            x.kopf_basis(
                kopf,
                prozess_id=prozess_id,
                nachrichtentyp="0401",
                erstellt=timezone.now(),
                absender=x.kontakt_behoerde("Absender", akte.behoerde),
                empfaenger=x.kontakt_behoerde("Empfaenger", empfaenger),
            )
            if hinweis:
                # Hinweis comes after SendendesSystem in NkBasisType.
                x.sub(kopf, "Hinweis", hinweis)
            x.sub(kopf, "Importbestaetigung", True)
            x.sub(kopf, "Empfangsbestaetigung", False)
            xf.write(kopf)
            anzahl = schriftgutobjekt_schreiben(xf, akte, schreiber)
    return anzahl, schreiber.dateien


def _teilakte_oeffnen(xf: Any, akte: Akte, register: Register, nummer: int) -> None:
    teile = x.el("Teilakte")
    _identifikation(teile, teilakte_uuid(akte, register.nummer), nummer)
    _allgemeine_metadaten(
        teile,
        betreff=register.titel,
        kennzeichen=f"{akte.aktenzeichen} Register {register.nummer}",
        vertraulichkeit=akte.vertraulichkeit,
        medium=akte.medium,
        aktenplaneinheit=(register.nummer, register.titel),
    )
    arch = x.sub(teile, "ArchivspezifischeMetadaten")
    dauer = x.sub(arch, "Aufbewahrungsdauer")
    x.sub(dauer, "AnzahlJahre", register.aufbewahrung_jahre)
    art = x.sub(arch, "Aussonderungsart")
    x.code(art, "Aussonderungsart", register.aussonderungsart, LIST_AUSSONDERUNGSART)
    x.sub(teile, "Typ", "Register")
    for teil in teile:
        xf.write(teil)


def _teilakten_schreiben(xf: Any, akte: Akte, schreiber: Paketschreiber) -> int:
    """Documents outside any procedure, grouped per register into Teilakten (one pass over a sorted query)."""
    anzahl = 0
    aktuell: str | None = None
    kontext: Any = None
    inhalt: Any = None
    tnr = 0
    nr = 0
    try:
        for dok in _dokumente(akte, vorgang__isnull=True):
            if dok.register.nummer != aktuell:
                if kontext is not None:
                    inhalt.__exit__(None, None, None)
                    kontext.__exit__(None, None, None)
                aktuell = dok.register.nummer
                tnr += 1
                nr = 0
                kontext = xf.element(q("Teilakte"))
                kontext.__enter__()
                _teilakte_oeffnen(xf, akte, dok.register, tnr)
                inhalt = xf.element(q("Akteninhalt"))
                inhalt.__enter__()
            nr += 1
            xf.write(dokument_element(dok, akte, schreiber, nr))
            anzahl += 1
    finally:
        if kontext is not None:
            inhalt.__exit__(None, None, None)
            kontext.__exit__(None, None, None)
    return anzahl


def akte_exportieren(
    *,
    akte: Akte,
    ziel: str | Path,
    user: User | None = None,
    request: HttpRequest | None = None,
    empfaenger: Behoerde | None = None,
    hinweis: str = "",
    benutzername: str = "",
) -> ExportErgebnis:
    """Write `<ProzessID>_Abgabe.Abgabe.0401.zip` into `ziel`; validated against xdomea 3.0.0; audited (EXPORT)."""
    ziel = Path(ziel)
    ziel.mkdir(parents=True, exist_ok=True)
    akte = Akte.objects.select_related("person", "behoerde", "team").get(pk=akte.pk)
    prozess_id = str(uuid.uuid4())
    zip_pfad = ziel / f"{paketname(prozess_id)}.zip"
    xml_fd, xml_name = tempfile.mkstemp(prefix="xdomea-", suffix=".xml", dir=ziel)
    try:
        with zipfile.ZipFile(zip_pfad, "w", allowZip64=True) as zf:
            with os.fdopen(xml_fd, "wb") as xml_datei:
                anzahl, dateien = nachricht_schreiben(
                    xml_datei, zf, akte=akte, prozess_id=prozess_id, empfaenger=empfaenger, hinweis=hinweis
                )
            validieren_datei(xml_name)
            zf.write(xml_name, f"{paketname(prozess_id)}.xml", compress_type=zipfile.ZIP_DEFLATED)
    except BaseException:
        zip_pfad.unlink(missing_ok=True)
        logger.exception("xdomea-Export der Akte %s fehlgeschlagen", akte.pk)
        raise
    finally:
        Path(xml_name).unlink(missing_ok=True)
    ergebnis = ExportErgebnis(
        pfad=zip_pfad,
        prozess_id=prozess_id,
        dokumente=anzahl,
        dateien=dateien,
        groesse=zip_pfad.stat().st_size,
        sha256=datei_sha256(zip_pfad),
    )
    protokollieren(
        aktion=Aktion.EXPORT,
        user=user,
        request=request,
        objekt=akte,
        benutzername=benutzername,
        details={
            "format": "xdomea 3.0.0 Abgabe.Abgabe.0401",
            "prozess_id": prozess_id,
            "empfaenger": empfaenger.kuerzel if empfaenger else "",
            "dokumente": anzahl,
            "dateien": dateien,
            "sha256": ergebnis.sha256,
        },
    )
    logger.info("xdomea-Export: Akte %s, %s Dokumente, %s Dateien, Prozess %s", akte.pk, anzahl, dateien, prozess_id)
    return ergebnis

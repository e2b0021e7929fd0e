"""Use cases of the court capability: request and build a court submission (Aktenvorlage), make an inspection copy
with redactions (Einsichtskopie), serve their PDFs. Every one writes its audit entry."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar, cast

import pikepdf
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone

from dms import hintergrund
from dms.audit import Aktion, protokollieren
from dms.models import Akte, DokumentVersion, Protokolleintrag, Vorgang
from dms.services.fehler import feldfehler

from .blaetter import bereiche
from .inhalt import Eintrag, inhaltsverzeichnis
from .models import Aktenvorlage, Auftrag, Einsichtskopie
from .satz import Satzauftrag, Teil, Verzeichniszeile, datum, zusammenstellen
from .schwaerzung import Bereich, schwaerzen, seitengroessen

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("dms.gericht")

AUFGABE_AKTENVORLAGE = "dms.gericht.aktenvorlage_erstellen"
AUFGABE_EINSICHTSKOPIE = "dms.gericht.einsichtskopie_erstellen"
# What the change history annex shows: the writes, not the reads.
AENDERUNGEN = [Aktion.ANLEGEN, Aktion.AENDERN, Aktion.LOESCHEN, Aktion.BERECHTIGUNG, Aktion.ABGABE, Aktion.IMPORT]


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def aktenvorlage_anfordern(
    *,
    akte: Akte,
    user: User,
    anlass: str,
    empfaenger: str,
    gericht_aktenzeichen: str = "",
    vorgaenge: list[int] | None = None,
    request: HttpRequest | None = None,
) -> Aktenvorlage:
    """Record the request and queue the build; the audit entry names recipient and purpose (a read of the file)."""
    vorgaenge = sorted(set(vorgaenge or []))
    if vorgaenge and Vorgang.objects.filter(akte=akte, pk__in=vorgaenge).count() != len(vorgaenge):
        raise feldfehler("vorgaenge", "Mindestens ein Vorgang gehört nicht zu dieser Akte.")
    with transaction.atomic():
        vorlage = Aktenvorlage.objects.create(
            akte=akte,
            anlass=anlass.strip()[:300],
            empfaenger=empfaenger.strip()[:300],
            gericht_aktenzeichen=gericht_aktenzeichen.strip()[:100],
            vorgaenge=vorgaenge,
            erstellt_von=user,
        )
        protokollieren(
            aktion=Aktion.EXPORT,
            user=user,
            request=request,
            objekt=vorlage,
            akte=akte,
            details={
                "aktenvorlage": vorlage.pk,
                "empfaenger": vorlage.empfaenger,
                "anlass": vorlage.anlass,
                "vorgaenge": vorgaenge,
            },
        )
        transaction.on_commit(lambda: hintergrund.aufgabe_senden(AUFGABE_AKTENVORLAGE, args=[vorlage.pk]))
    return vorlage


def _aktuelle_versionen(dokument_ids: list[int]) -> dict[int, DokumentVersion]:
    qs: QuerySet[DokumentVersion] = (
        DokumentVersion.objects.filter(dokument_id__in=dokument_ids)
        .order_by("dokument_id", "-nummer")
        .distinct("dokument_id")
    )
    return {v.dokument_id: v for v in qs}


def _pdf_datei(version: DokumentVersion) -> FieldFile | None:
    if version.pdf:
        return version.pdf
    if version.mime_type == "application/pdf":
        return version.original
    return None


A = TypeVar("A", Aktenvorlage, Einsichtskopie)
# Writes the job's PDF to the file, reporting progress (0–100); returns the page count and further fields to store.
Schreiber = Callable[[Any, BinaryIO, Callable[[int], None]], tuple[int, dict[str, Any]]]


def auftrag_ausfuehren(modell: type[A], pk: int, schreiben: Schreiber, dateiname: Callable[[A], str]) -> A:
    """Run a background PDF job (court submission, inspection copy): status and progress in the row, the PDF and its
    SHA-256 stored at the end, the error's type on failure. Idempotent: a finished job is left as it is. No audit
    entry here: the request and every download are audited."""
    auftrag = modell.objects.select_related("akte__behoerde", "erstellt_von").get(pk=pk)
    if auftrag.ist_fertig:
        return auftrag
    zeile = modell.objects.filter(pk=pk)
    zeile.update(status=Auftrag.Status.IN_ARBEIT, fortschritt=1, fehler="")
    try:
        with tempfile.TemporaryFile() as ziel:

            def melden(prozent: int) -> None:
                zeile.update(fortschritt=min(99, max(1, prozent)))

            seiten, felder = schreiben(auftrag, ziel, melden)
            ziel.seek(0)
            digest = hashlib.sha256()
            for block in iter(lambda: ziel.read(1 << 20), b""):
                digest.update(block)
            ziel.seek(0)
            if "manifest" in felder:
                felder["manifest"]["sha256"] = digest.hexdigest()
            with transaction.atomic():
                auftrag.datei.save(dateiname(auftrag), File(ziel), save=False)
                zeile.update(
                    datei=auftrag.datei.name,
                    sha256=digest.hexdigest(),
                    seiten=seiten,
                    status=Auftrag.Status.FERTIG,
                    fortschritt=100,
                    fertig_am=timezone.now(),
                    **felder,
                )
    except Exception as exc:
        logger.exception("%s %s fehlgeschlagen", modell.__name__, pk)
        zeile.update(status=Auftrag.Status.FEHLER, fehler=type(exc).__name__[:500])
        raise
    auftrag.refresh_from_db()
    return auftrag


def _aenderungshistorie(akte: Akte) -> Iterator[str]:
    """The annex's rows, read in chunks from the database while the annex is drawn (not all held at once)."""
    eintraege = Protokolleintrag.objects.filter(akte_id_wert=akte.pk, aktion__in=AENDERUNGEN)
    eintraege = eintraege.order_by("zeitpunkt", "id")
    for e in eintraege.iterator(chunk_size=500):
        details = json.dumps(e.details, ensure_ascii=False, sort_keys=True, default=str)[:300]
        zeit = timezone.localtime(e.zeitpunkt).strftime("%d.%m.%Y %H:%M")
        yield f"{zeit}  {e.benutzername or 'System'}  {e.get_aktion_display()}  {e.objekt_typ} {e.objekt_id}  {details}"


def _zeile(e: Eintrag, teil: int | None) -> Verzeichniszeile:
    return Verzeichniszeile(blaetter=e.blattangabe, datum=datum(e.datum), titel=e.titel, register=e.register, teil=teil)


def aktenvorlage_erstellen(*, vorlage_id: int) -> Aktenvorlage:
    """Build the PDF (Celery task body; idempotent: a finished submission is left as it is)."""
    return auftrag_ausfuehren(Aktenvorlage, vorlage_id, _aktenvorlage_schreiben, lambda v: f"{v.akte.uuid}-{v.pk}.pdf")


def _oeffner(datei: FieldFile) -> Callable[[], AbstractContextManager[pikepdf.Pdf]]:
    """Opens the stored PDF when its part is written; pikepdf reads it lazily, the file is closed with the part."""

    @contextlib.contextmanager
    def oeffnen() -> Iterator[pikepdf.Pdf]:
        with datei.storage.open(str(datei.name), "rb") as fh, pikepdf.open(cast("BinaryIO", fh.file)) as pdf:
            yield pdf

    return oeffnen


def _aktenvorlage_schreiben(
    vorlage: Aktenvorlage, ziel: BinaryIO, fortschritt: Callable[[int], None]
) -> tuple[int, dict[str, Any]]:
    akte = vorlage.akte
    verzeichnis = inhaltsverzeichnis(akte, vorgaenge=vorlage.vorgaenge or None)
    versionen = _aktuelle_versionen([e.dokument for e in verzeichnis.eintraege])
    teile: list[Teil] = []
    zeilen: list[Verzeichniszeile] = []
    dokumente: list[dict[str, Any]] = []
    for e in verzeichnis.eintraege:
        version = versionen.get(e.dokument)
        datei = _pdf_datei(version) if version else None
        if version is None or datei is None or not e.blaetter:
            zeilen.append(_zeile(e, None))
            dokumente.append({"dokument": e.dokument, "enthalten": False, "grund": "noch in Verarbeitung"})
            continue
        teile.append(
            Teil(
                e.titel,
                datum(e.datum),
                f"Register {e.register}",
                e.vorgang or "",
                _oeffner(datei),
                list(version.blattnummern),
            )
        )
        zeilen.append(_zeile(e, len(teile) - 1))
        dokumente.append(
            {
                "dokument": e.dokument,
                "titel": e.titel,
                "version": version.nummer,
                "sha256_original": version.sha256,
                "sha256_pdf": version.pdf_sha256,
                "blaetter": bereiche(list(version.blattnummern)),
                "enthalten": True,
            }
        )
    if not vorlage.vorgaenge:
        zeilen += [Verzeichniszeile(lu.blaetter, datum(lu.entfernt_am), lu.text, "") for lu in verzeichnis.luecken]
    vorgaenge = ", ".join(Vorgang.objects.filter(pk__in=vorlage.vorgaenge).values_list("aktenzeichen", flat=True))
    auftrag = Satzauftrag(
        titel=f"Aktenvorlage {akte.aktenzeichen}",
        deckblatt=[
            ("Behörde", str(akte.behoerde)),
            ("Aktenzeichen", akte.aktenzeichen),
            ("Umfang", f"Vorgänge {vorgaenge}" if vorgaenge else "vollständige Akte"),
            ("Gericht", vorlage.empfaenger),
            ("Aktenzeichen des Gerichts", vorlage.gericht_aktenzeichen or "–"),
            ("Anlass", vorlage.anlass),
            ("Datum", timezone.localdate().strftime("%d.%m.%Y")),
            ("Zusammengestellt von", _name(vorlage.erstellt_von)),
            (
                "Blattzählung",
                "Die Blattnummern sind auf jeder Seite oben rechts aufgedruckt; Lücken sind im "
                "Inhaltsverzeichnis mit Datum und Grund vermerkt.",
            ),
        ],
        verzeichnis=zeilen,
        teile=teile,
        anhang_titel="Anhang: Änderungshistorie der Akte",
        anhang=_aenderungshistorie(akte),
    )
    seiten = zusammenstellen(auftrag, ziel, fortschritt)
    seiten_je_teil = iter(t.seiten for t in teile)
    for d in dokumente:
        if d["enthalten"]:
            d["seiten"] = next(seiten_je_teil)
    manifest = {
        "akte": akte.aktenzeichen,
        "aktenvorlage": vorlage.pk,
        "erstellt_am": timezone.now().isoformat(timespec="seconds"),
        "seiten": seiten,
        "dokumente": dokumente,
        "luecken": [lu.text for lu in verzeichnis.luecken],
    }
    return seiten, {"manifest": manifest}


def einsichtskopie_anfordern(
    *,
    akte: Akte,
    user: User,
    dokumente: list[int],
    empfaenger: str,
    schwaerzungen: list[dict[str, Any]] | None = None,
    grund: str = "",
    request: HttpRequest | None = None,
) -> Einsichtskopie:
    """Record a copy of the chosen documents for a lawyer and queue its build (redactions burned in). Which
    documents and areas are withheld and why is recorded at once (the row and the `export` audit entry)."""
    gewaehlt = set(dokumente)
    verzeichnis = inhaltsverzeichnis(akte)
    nach_id = {e.dokument: e for e in verzeichnis.eintraege}
    if not gewaehlt:
        raise feldfehler("dokumente", "Bitte mindestens ein Dokument für die Einsicht wählen.")
    if not gewaehlt <= set(nach_id):
        raise feldfehler("dokumente", "Mindestens ein Dokument gehört nicht zu dieser Akte.")
    versionen = _aktuelle_versionen(list(gewaehlt))
    for d in sorted(gewaehlt):
        if _pdf_datei(versionen[d]) is None:
            raise feldfehler("dokumente", f"„{nach_id[d].titel}“ ist noch nicht als PDF verarbeitet.")
    protokoll = [_schwaerzung_pruefen(s, gewaehlt, nach_id, grund) for s in schwaerzungen or []]
    zurueck = [
        {"dokument": e.dokument, "titel": e.titel, "blaetter": e.blattangabe, "grund": grund.strip()[:300]}
        for e in verzeichnis.eintraege
        if e.dokument not in gewaehlt
    ]
    with transaction.atomic():
        kopie = Einsichtskopie.objects.create(
            akte=akte,
            empfaenger=empfaenger.strip()[:300],
            dokumente=sorted(gewaehlt),
            schwaerzungen=protokoll,
            zurueckgehalten=zurueck,
            erstellt_von=user,
        )
        protokollieren(
            aktion=Aktion.EXPORT,
            user=user,
            request=request,
            objekt=kopie,
            akte=akte,
            details={
                "akteneinsicht": kopie.pk,
                "empfaenger": kopie.empfaenger,
                "dokumente": kopie.dokumente,
                "schwaerzungen": len(protokoll),
                "zurueckgehalten": [z["dokument"] for z in zurueck],
            },
        )
        transaction.on_commit(lambda: hintergrund.aufgabe_senden(AUFGABE_EINSICHTSKOPIE, args=[kopie.pk]))
    return kopie


def _schwaerzung_pruefen(
    s: dict[str, Any], gewaehlt: set[int], nach_id: dict[int, Eintrag], grund: str
) -> dict[str, Any]:
    if s["dokument"] not in gewaehlt:
        raise feldfehler("schwaerzungen", "Geschwärzt werden kann nur ein gewähltes Dokument.")
    if s["seite"] > max(1, nach_id[s["dokument"]].seiten or 1):
        raise feldfehler("schwaerzungen", "Diese Seite hat das Dokument nicht.")
    begruendung = (s.get("grund") or grund).strip()
    if not begruendung:
        raise feldfehler("schwaerzungen", "Für jede Schwärzung ist ein Grund anzugeben.")
    rechteck = s.get("rechteck")
    if rechteck is not None:
        x0, y0, x1, y1 = (float(v) for v in rechteck)
        if min(x0, x1) == max(x0, x1) or min(y0, y1) == max(y0, y1):
            raise feldfehler("schwaerzungen", "Ein geschwärzter Bereich braucht eine Breite und eine Höhe.")
        rechteck = [round(min(x0, x1), 2), round(min(y0, y1), 2), round(max(x0, x1), 2), round(max(y0, y1), 2)]
    return {"dokument": s["dokument"], "seite": s["seite"], "rechteck": rechteck, "grund": begruendung[:300]}


def einsichtskopie_erstellen(*, kopie_id: int) -> Einsichtskopie:
    """Build the inspection copy's PDF (Celery task body; idempotent)."""
    return auftrag_ausfuehren(
        Einsichtskopie, kopie_id, _einsichtskopie_schreiben, lambda k: f"{k.akte.uuid}-einsicht.pdf"
    )


def _geschwaerzt(datei: FieldFile, liste: list[Bereich]) -> Callable[[], AbstractContextManager[pikepdf.Pdf]]:
    """Opens the document as it may leave the authority (redactions burned in, pages reduced to what is shown),
    when its part is written. It is written to a temporary file and read from there, so the page images of the
    part's documents are not all held in memory until the part is copied."""

    @contextlib.contextmanager
    def oeffnen() -> Iterator[pikepdf.Pdf]:
        with datei.storage.open(str(datei.name), "rb") as fh:
            inhalt = fh.read()
        with tempfile.TemporaryFile() as zwischen:
            with schwaerzen(inhalt, liste) as fassung:
                del inhalt
                fassung.save(zwischen)
            zwischen.seek(0)
            with pikepdf.open(zwischen) as pdf:
                yield pdf

    return oeffnen


def _einsichtskopie_schreiben(
    kopie: Einsichtskopie, ziel: BinaryIO, fortschritt: Callable[[int], None]
) -> tuple[int, dict[str, Any]]:
    akte = kopie.akte
    gewaehlt = set(kopie.dokumente)
    bereiche_je_dok: dict[int, list[Bereich]] = {}
    for s in kopie.schwaerzungen:
        r = s.get("rechteck")
        bereiche_je_dok.setdefault(s["dokument"], []).append(
            Bereich(s["seite"], (r[0], r[1], r[2], r[3]) if r else None)
        )
    versionen = _aktuelle_versionen(list(gewaehlt))
    teile: list[Teil] = []
    zeilen: list[Verzeichniszeile] = []
    for e in inhaltsverzeichnis(akte).eintraege:
        datei = _pdf_datei(versionen[e.dokument]) if e.dokument in versionen else None
        if e.dokument not in gewaehlt or datei is None:
            zeilen.append(Verzeichniszeile(e.blattangabe, "", "nicht zur Einsicht vorgelegt", ""))
            continue
        teile.append(
            Teil(
                e.titel,
                datum(e.datum),
                f"Register {e.register}",
                e.vorgang or "",
                _geschwaerzt(datei, bereiche_je_dok.get(e.dokument, [])),
                list(versionen[e.dokument].blattnummern),
            )
        )
        zeilen.append(_zeile(e, len(teile) - 1))
    auftrag = Satzauftrag(
        titel=f"Akteneinsicht {akte.aktenzeichen}",
        deckblatt=[
            ("Behörde", str(akte.behoerde)),
            ("Aktenzeichen", akte.aktenzeichen),
            ("Empfänger", kopie.empfaenger),
            ("Datum", timezone.localdate().strftime("%d.%m.%Y")),
            ("Zusammengestellt von", _name(kopie.erstellt_von)),
            (
                "Hinweis",
                "Geschwärzte Bereiche sind schwarz abgedeckt und mit „geschwärzt“ bezeichnet. Nicht "
                "vorgelegte Blätter sind im Inhaltsverzeichnis vermerkt.",
            ),
        ],
        verzeichnis=zeilen,
        teile=teile,
    )
    return zusammenstellen(auftrag, ziel, fortschritt), {}


def seiten_der_dokumente(dokument_ids: list[int]) -> dict[int, list[tuple[float, float, int | None]]]:
    """Per document (current version): every page's size as shown, in points, and its sheet number; a document
    without a PDF yet has no pages here."""
    ergebnis: dict[int, list[tuple[float, float, int | None]]] = {}
    for dokument, version in _aktuelle_versionen(dokument_ids).items():
        datei = _pdf_datei(version)
        if datei is None:
            continue
        with datei.storage.open(str(datei.name), "rb") as fh:
            groessen = seitengroessen(fh.read())
        blaetter = list(version.blattnummern)
        ergebnis[dokument] = [(b, h, blaetter[i] if i < len(blaetter) else None) for i, (b, h) in enumerate(groessen)]
    return ergebnis


def pdf_antwort(request: Any, akte: Akte, datei: FieldFile, name: str, objekt: Any) -> FileResponse:
    """Serve a compiled PDF with an audit entry (a read of everything it holds)."""
    protokollieren(aktion=Aktion.HERUNTERLADEN, request=request, objekt=objekt, akte=akte)
    response = FileResponse(datei.open("rb"), content_type="application/pdf", as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

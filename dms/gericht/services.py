"""Use cases of the court capability: request and build a court submission (Aktenvorlage), make an inspection copy
with redactions (Einsichtskopie), serve their PDFs. Every one writes its audit entry."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import tempfile
from typing import TYPE_CHECKING, Any, BinaryIO

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
from .models import Aktenvorlage, Einsichtskopie
from .satz import Satzauftrag, Teil, Verzeichniszeile, datum, zusammenstellen
from .schwaerzung import Bereich, schwaerzen

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("dms.gericht")

AUFGABE_AKTENVORLAGE = "dms.gericht.aktenvorlage_erstellen"
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
        transaction.on_commit(lambda: _einreihen(vorlage.pk))
    return vorlage


def _einreihen(vorlage_id: int) -> None:
    hintergrund.aufgabe_senden(AUFGABE_AKTENVORLAGE, args=[vorlage_id])


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


def _status_setzen(vorlage_id: int, **felder: Any) -> None:
    """Progress marker of the background build (no audit entry; the request and the download are audited)."""
    Aktenvorlage.objects.filter(pk=vorlage_id).update(**felder)


def _aenderungshistorie(akte: Akte) -> list[str]:
    zeilen = []
    for e in Protokolleintrag.objects.filter(akte_id_wert=akte.pk, aktion__in=AENDERUNGEN).order_by("zeitpunkt", "id"):
        details = json.dumps(e.details, ensure_ascii=False, sort_keys=True, default=str)[:300]
        zeit = timezone.localtime(e.zeitpunkt).strftime("%d.%m.%Y %H:%M")
        zeilen.append(
            f"{zeit}  {e.benutzername or 'System'}  {e.get_aktion_display()}  {e.objekt_typ} {e.objekt_id}  {details}"
        )
    return zeilen


def _zeile(e: Eintrag, teil: int | None) -> Verzeichniszeile:
    return Verzeichniszeile(blaetter=e.blattangabe, datum=datum(e.datum), titel=e.titel, register=e.register, teil=teil)


def aktenvorlage_erstellen(*, vorlage_id: int) -> Aktenvorlage:
    """Build the PDF (Celery task body; idempotent: a finished submission is left as it is)."""
    vorlage = Aktenvorlage.objects.select_related("akte__behoerde", "erstellt_von").get(pk=vorlage_id)
    if vorlage.ist_fertig:
        return vorlage
    _status_setzen(vorlage_id, status=Aktenvorlage.Status.IN_ARBEIT, fortschritt=1, fehler="")
    akte = vorlage.akte
    try:
        with tempfile.TemporaryFile() as ziel, contextlib.ExitStack() as offen:
            manifest, seiten = _aktenvorlage_schreiben(vorlage, ziel, offen)
            ziel.seek(0)
            digest = hashlib.sha256()
            for block in iter(lambda: ziel.read(1 << 20), b""):
                digest.update(block)
            ziel.seek(0)
            manifest["sha256"] = digest.hexdigest()
            with transaction.atomic():
                vorlage.datei.save(f"{akte.uuid}-{vorlage.pk}.pdf", File(ziel), save=False)
                Aktenvorlage.objects.filter(pk=vorlage.pk).update(
                    datei=vorlage.datei.name,
                    sha256=digest.hexdigest(),
                    manifest=manifest,
                    seiten=seiten,
                    status=Aktenvorlage.Status.FERTIG,
                    fortschritt=100,
                    fertig_am=timezone.now(),
                )
    except Exception as exc:
        logger.exception("Aktenvorlage %s fehlgeschlagen", vorlage_id)
        _status_setzen(vorlage_id, status=Aktenvorlage.Status.FEHLER, fehler=type(exc).__name__[:500])
        raise
    vorlage.refresh_from_db()
    return vorlage


def _aktenvorlage_schreiben(
    vorlage: Aktenvorlage, ziel: BinaryIO, offen: contextlib.ExitStack
) -> tuple[dict[str, Any], int]:
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
        pdf = offen.enter_context(pikepdf.open(offen.enter_context(datei.open("rb")).file))
        teile.append(
            Teil(e.titel, datum(e.datum), f"Register {e.register}", e.vorgang or "", pdf, list(version.blattnummern))
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
                "seiten": len(pdf.pages),
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
    seiten = zusammenstellen(auftrag, ziel, lambda p: _status_setzen(vorlage.pk, fortschritt=max(1, p)))
    manifest = {
        "akte": akte.aktenzeichen,
        "aktenvorlage": vorlage.pk,
        "erstellt_am": timezone.now().isoformat(timespec="seconds"),
        "seiten": seiten,
        "dokumente": dokumente,
        "luecken": [lu.text for lu in verzeichnis.luecken],
    }
    return manifest, seiten


def einsichtskopie_erstellen(
    *,
    akte: Akte,
    user: User,
    dokumente: list[int],
    empfaenger: str,
    schwaerzungen: list[dict[str, Any]] | None = None,
    grund: str = "",
    request: HttpRequest | None = None,
) -> Einsichtskopie:
    """A copy of the chosen documents for a lawyer, redactions burned in; which documents and areas were withheld
    and why is recorded (the Einsichtskopie row and the audit entry)."""
    schwaerzungen = schwaerzungen or []
    gewaehlt = set(dokumente)
    verzeichnis = inhaltsverzeichnis(akte)
    nach_id = {e.dokument: e for e in verzeichnis.eintraege}
    if not gewaehlt <= set(nach_id):
        raise feldfehler("dokumente", "Mindestens ein Dokument gehört nicht zu dieser Akte.")
    bereiche_je_dok: dict[int, list[Bereich]] = {}
    protokoll: list[dict[str, Any]] = []
    for s in schwaerzungen:
        if s["dokument"] not in gewaehlt:
            raise feldfehler("schwaerzungen", "Geschwärzt werden kann nur ein gewähltes Dokument.")
        if s["seite"] > max(1, nach_id[s["dokument"]].seiten or 1):
            raise feldfehler("schwaerzungen", "Diese Seite hat das Dokument nicht.")
        begruendung = (s.get("grund") or grund).strip()
        if not begruendung:
            raise feldfehler("schwaerzungen", "Für jede Schwärzung ist ein Grund anzugeben.")
        rechteck = (
            (s["rechteck"][0], s["rechteck"][1], s["rechteck"][2], s["rechteck"][3]) if s.get("rechteck") else None
        )
        bereiche_je_dok.setdefault(s["dokument"], []).append(Bereich(s["seite"], rechteck))
        protokoll.append(
            {"dokument": s["dokument"], "seite": s["seite"], "rechteck": s.get("rechteck"), "grund": begruendung[:300]}
        )
    versionen = _aktuelle_versionen(list(gewaehlt))
    teile: list[Teil] = []
    zeilen: list[Verzeichniszeile] = []
    zurueck: list[dict[str, Any]] = []
    for e in verzeichnis.eintraege:
        if e.dokument not in gewaehlt:
            zurueck.append(
                {"dokument": e.dokument, "titel": e.titel, "blaetter": e.blattangabe, "grund": grund.strip()[:300]}
            )
            zeilen.append(Verzeichniszeile(e.blattangabe, "", "nicht zur Einsicht vorgelegt", ""))
            continue
        version = versionen[e.dokument]
        datei = _pdf_datei(version)
        if datei is None:
            raise feldfehler("dokumente", f"„{e.titel}“ ist noch nicht als PDF verarbeitet.")
        with datei.open("rb") as fh:
            pdf = schwaerzen(fh.read(), bereiche_je_dok.get(e.dokument, []))
        teile.append(
            Teil(e.titel, datum(e.datum), f"Register {e.register}", e.vorgang or "", pdf, list(version.blattnummern))
        )
        zeilen.append(_zeile(e, len(teile) - 1))
    auftrag = Satzauftrag(
        titel=f"Akteneinsicht {akte.aktenzeichen}",
        deckblatt=[
            ("Behörde", str(akte.behoerde)),
            ("Aktenzeichen", akte.aktenzeichen),
            ("Empfänger", empfaenger.strip()),
            ("Datum", timezone.localdate().strftime("%d.%m.%Y")),
            ("Zusammengestellt von", _name(user)),
            (
                "Hinweis",
                "Geschwärzte Bereiche sind schwarz abgedeckt und mit „geschwärzt“ bezeichnet. Nicht "
                "vorgelegte Blätter sind im Inhaltsverzeichnis vermerkt.",
            ),
        ],
        verzeichnis=zeilen,
        teile=teile,
    )
    with tempfile.TemporaryFile() as ziel:
        seiten = zusammenstellen(auftrag, ziel)
        ziel.seek(0)
        digest = hashlib.sha256()
        for block in iter(lambda: ziel.read(1 << 20), b""):
            digest.update(block)
        ziel.seek(0)
        with transaction.atomic():
            kopie = Einsichtskopie(
                akte=akte,
                empfaenger=empfaenger.strip()[:300],
                dokumente=sorted(gewaehlt),
                schwaerzungen=protokoll,
                zurueckgehalten=zurueck,
                seiten=seiten,
                sha256=digest.hexdigest(),
                erstellt_von=user,
            )
            kopie.datei.save(f"{akte.uuid}-einsicht.pdf", File(ziel), save=False)
            kopie.save()
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
    return kopie


def pdf_antwort(request: Any, akte: Akte, datei: FieldFile, name: str, objekt: Any) -> FileResponse:
    """Serve a compiled PDF with an audit entry (a read of everything it holds)."""
    protokollieren(aktion=Aktion.HERUNTERLADEN, request=request, objekt=objekt, akte=akte)
    response = FileResponse(datei.open("rb"), content_type="application/pdf", as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

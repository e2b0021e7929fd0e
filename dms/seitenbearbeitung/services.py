"""Page editing as a new version (issue 12): rotate, delete, reorder, split one scan into two documents, merge two.

Each use case is one transaction: the new version is built with pikepdf from the current version's searchable PDF
(no OCR: page content and text layer are copied, a rotation sets /Rotate), its text and thumbnails follow the pages,
its sheet numbers are those of the pages it keeps (`blaetter_uebernehmen`), deleted pages become a documented gap
(`blaetter_entfernen`), and `ableitungen_speichern` stores it as searchable at once. Earlier versions stay as they
are. `erwartete_version` (the version number the editor saw) makes a stale edit a `Konflikt`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from dms import services
from dms.audit import Aktion, protokollieren
from dms.dateien import sha256_und_groesse
from dms.gericht.blaetter import bereiche, blaetter_entfernen, blaetter_uebernehmen
from dms.models import Akte, Dokument, DokumentVersion, Register, Vorgang
from dms.neueingaenge.services import neueingang_entfernen
from dms.services.fehler import Konflikt, feldfehler

from .seiten import SEITENTRENNER, Quelle, Seite, pdf_bauen, pdf_lesen, seitentexte, vorschau_uebernehmen

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

GRADE = (90, 180, 270)
MAX_ID = 2**31 - 1  # larger ids in input reach no row; the database would refuse them (never a 500)
FERTIG = (Dokument.OcrStatus.FERTIG, Dokument.OcrStatus.NICHT_NOETIG)


@dataclass(frozen=True)
class Ergebnis:
    dokument: Dokument
    version: DokumentVersion
    neues_dokument: Dokument | None = None


def _aenderbar_pruefen(dokument: Dokument, user: User) -> None:
    if not Akte.objects.changeable_by(user).filter(pk=dokument.akte_id).exists():
        raise PermissionDenied("Sie dürfen die Seiten dieses Dokuments nicht bearbeiten.")
    if not dokument.akte.ist_aktiv:
        raise feldfehler(
            "dokument", "Die Akte ist nicht aktiv (geschlossen oder abgegeben); Seiten bleiben, wie sie sind."
        )
    if dokument.ersetzt_am is not None:
        raise feldfehler("dokument", "Dieses Dokument ist in einem anderen Dokument aufgegangen.")


def _quelle_laden(dokument: Dokument, erwartete_version: int | None = None) -> Quelle:
    """The current version, locked by the caller's row lock on the document; refused while OCR runs."""
    version = dokument.versionen.order_by("-nummer").first()
    if version is None:
        raise feldfehler("dokument", "Zu diesem Dokument ist keine Datei gespeichert.")
    if erwartete_version is not None and erwartete_version != version.nummer:
        raise Konflikt(version)
    if dokument.ocr_status not in FERTIG or not version.seiten:
        raise feldfehler("dokument", "Die Seiten können erst bearbeitet werden, wenn die Texterkennung fertig ist.")
    if not version.pdf and version.mime_type != "application/pdf":
        raise feldfehler("dokument", "Zu diesem Dokument gibt es kein PDF, dessen Seiten bearbeitet werden könnten.")
    if len(version.blattnummern) != version.seiten:
        raise feldfehler("dokument", "Die Blätter dieses Dokuments sind noch nicht gezählt; bitte später erneut.")
    pdf = pdf_lesen(version)
    return Quelle(version=version, pdf=pdf, texte=seitentexte(version, pdf), blaetter=list(version.blattnummern))


def _sperren(dokument: Dokument) -> Dokument:
    return Dokument.objects.select_for_update().select_related("akte").get(pk=dokument.pk)


def _seiten_pruefen(seiten: list[int], anzahl: int, *, leer_erlaubt: bool = False) -> list[int]:
    if not seiten and not leer_erlaubt:
        raise feldfehler("seiten", "Bitte geben Sie mindestens eine Seite an.")
    for s in seiten:
        if not 1 <= s <= anzahl:
            raise feldfehler("seiten", f"Seite {s} gibt es nicht; das Dokument hat {anzahl} Seite(n).")
    doppelt = sorted({s for s in seiten if seiten.count(s) > 1})
    if doppelt:
        raise feldfehler("seiten", f"Seite {doppelt[0]} ist mehrfach angegeben.")
    return seiten


def _blatt(alt: DokumentVersion, seiten: int) -> int:
    """Sheets of paper for `seiten` pages, by the rule the previous version was counted with (simplex or duplex)."""
    return seiten if alt.blatt >= alt.seiten else (seiten + 1) // 2


def _version_schreiben(
    *,
    dokument: Dokument,
    quellen: list[Quelle],
    seiten: list[Seite],
    user: User,
    request: HttpRequest | None,
    blatt: int,
    neu_angelegt: DokumentVersion | None = None,
) -> DokumentVersion:
    """The new version of `dokument` from `seiten` (or, for a split-off document, its first version `neu_angelegt`):
    PDF, text, thumbnails, sheets; searchable when the transaction commits."""
    pdf = pdf_bauen([q.pdf for q in quellen], seiten)
    if neu_angelegt is None:
        zuordnung = [s.nummer if s.quelle == 0 else None for s in seiten]
        version = services.dokument_version_hinzufuegen(
            dokument=dokument,
            datei=io.BytesIO(pdf),
            dateiname="seitenbearbeitung.pdf",
            user=user,
            request=request,
            verarbeiten=False,
            seitenzuordnung=zuordnung,
        )
    else:
        version = neu_angelegt
    blaetter_uebernehmen(
        version=version, nummern=[quellen[s.quelle].blaetter[s.nummer - 1] for s in seiten], user=user, request=request
    )
    services.ableitungen_speichern(
        version=version,
        text=SEITENTRENNER.join(quellen[s.quelle].texte[s.nummer - 1] for s in seiten),
        seiten=len(seiten),
        blatt=blatt,
        leere_seiten=0,
        pdf=io.BytesIO(pdf),
        pdf_sha256=sha256_und_groesse(io.BytesIO(pdf))[0],
        vorschaubilder=vorschau_uebernehmen(quellen=quellen, seiten=seiten, ziel=version, pdf=pdf),
        ocr_status=dokument.ocr_status if dokument.ocr_status in FERTIG else Dokument.OcrStatus.FERTIG,
    )
    version.refresh_from_db()
    return version


def _protokoll(
    *, dokument: Dokument, version: DokumentVersion, user: User, request: HttpRequest | None, **details: object
) -> None:
    protokollieren(
        aktion=Aktion.AENDERN,
        user=user,
        request=request,
        objekt=dokument,
        akte=dokument.akte,
        details={"seitenbearbeitung": details, "version": version.nummer, "von_version": version.nummer - 1},
    )


def seiten_drehen(
    *,
    dokument: Dokument,
    seiten: list[int],
    grad: int,
    user: User,
    erwartete_version: int | None = None,
    request: HttpRequest | None = None,
) -> Ergebnis:
    """Turn `seiten` clockwise by `grad` (90, 180, 270): a new version, text layer and sheet numbers unchanged."""
    if grad not in GRADE:
        raise feldfehler("grad", "Bitte drehen Sie um 90, 180 oder 270 Grad (im Uhrzeigersinn).")
    _aenderbar_pruefen(dokument, user)
    with transaction.atomic():
        dokument = _sperren(dokument)
        q = _quelle_laden(dokument, erwartete_version)
        gedreht = set(_seiten_pruefen(seiten, q.version.seiten))
        neue = [Seite(0, n, grad if n in gedreht else 0) for n in range(1, q.version.seiten + 1)]
        version = _version_schreiben(
            dokument=dokument, quellen=[q], seiten=neue, user=user, request=request, blatt=q.version.blatt
        )
        _protokoll(
            dokument=dokument,
            version=version,
            user=user,
            request=request,
            aktion="drehen",
            seiten=sorted(gedreht),
            grad=grad,
        )
    return Ergebnis(dokument=dokument, version=version)


def seiten_loeschen(
    *,
    dokument: Dokument,
    seiten: list[int],
    grund: str,
    user: User,
    erwartete_version: int | None = None,
    request: HttpRequest | None = None,
) -> Ergebnis:
    """Leave `seiten` out of a new version; their sheets become a gap "Bl. x–y entfernt am …, Grund: …"."""
    grund = (grund or "").strip()
    if not grund:
        raise feldfehler("grund", "Bitte geben Sie einen Grund für das Löschen der Seiten an.")
    _aenderbar_pruefen(dokument, user)
    with transaction.atomic():
        dokument = _sperren(dokument)
        q = _quelle_laden(dokument, erwartete_version)
        weg = set(_seiten_pruefen(seiten, q.version.seiten))
        if len(weg) >= q.version.seiten:
            raise feldfehler("seiten", "Es können nicht alle Seiten gelöscht werden; mindestens eine muss bleiben.")
        neue = [Seite(0, n) for n in range(1, q.version.seiten + 1) if n not in weg]
        geloescht = [q.blaetter[n - 1] for n in sorted(weg)]
        blaetter_entfernen(
            dokument=dokument,
            nummern=geloescht,
            grund=f"Seiten gelöscht (Version {q.version.nummer + 1}): {grund}",
            user=user,
            request=request,
        )
        version = _version_schreiben(
            dokument=dokument,
            quellen=[q],
            seiten=neue,
            user=user,
            request=request,
            blatt=_blatt(q.version, len(neue)),
        )
        _protokoll(
            dokument=dokument,
            version=version,
            user=user,
            request=request,
            aktion="loeschen",
            seiten=sorted(weg),
            blaetter=bereiche(geloescht),
            grund=grund[:500],
        )
    return Ergebnis(dokument=dokument, version=version)


def seiten_umordnen(
    *,
    dokument: Dokument,
    seiten: list[int],
    user: User,
    erwartete_version: int | None = None,
    request: HttpRequest | None = None,
) -> Ergebnis:
    """A new version with the pages in the order `seiten` (every page exactly once); each keeps its sheet number."""
    _aenderbar_pruefen(dokument, user)
    with transaction.atomic():
        dokument = _sperren(dokument)
        q = _quelle_laden(dokument, erwartete_version)
        anzahl = q.version.seiten
        _seiten_pruefen(seiten, anzahl)
        if sorted(seiten) != list(range(1, anzahl + 1)):
            raise feldfehler(
                "seiten", f"Die neue Reihenfolge muss jede Seite von 1 bis {anzahl} genau einmal enthalten."
            )
        if seiten == list(range(1, anzahl + 1)):
            raise feldfehler("seiten", "Die Reihenfolge ist unverändert.")
        version = _version_schreiben(
            dokument=dokument,
            quellen=[q],
            seiten=[Seite(0, n) for n in seiten],
            user=user,
            request=request,
            blatt=q.version.blatt,
        )
        _protokoll(dokument=dokument, version=version, user=user, request=request, aktion="reihenfolge", seiten=seiten)
    return Ergebnis(dokument=dokument, version=version)


def dokument_teilen(
    *,
    dokument: Dokument,
    ab_seite: int,
    user: User,
    erwartete_version: int | None = None,
    titel: str = "",
    register: Register | None = None,
    vorgang: Vorgang | None = None,
    request: HttpRequest | None = None,
) -> Ergebnis:
    """Split one scanned stack: pages `ab_seite`..end become a new document in the same file (same register and
    procedure unless given), keeping their sheet numbers; this document keeps pages 1..`ab_seite`-1 as a new
    version."""
    _aenderbar_pruefen(dokument, user)
    with transaction.atomic():
        dokument = _sperren(dokument)
        q = _quelle_laden(dokument, erwartete_version)
        anzahl = q.version.seiten
        if anzahl < 2 or not 2 <= ab_seite <= anzahl:
            raise feldfehler(
                "seiten",
                f"Geteilt werden kann nur zwischen zwei Seiten: das neue Dokument beginnt mit Seite 2 bis {anzahl}."
                if anzahl >= 2
                else "Ein Dokument mit einer Seite kann nicht geteilt werden.",
            )
        vorne = [Seite(0, n) for n in range(1, ab_seite)]
        hinten = [Seite(0, n) for n in range(ab_seite, anzahl + 1)]
        titel = (titel or "").strip()[:300] or f"{dokument.titel[:280]} (Teil ab Seite {ab_seite})"
        teil_pdf = pdf_bauen([q.pdf], hinten)
        neu = services.dokument_anlegen(
            akte=dokument.akte,
            register=register or dokument.register,
            vorgang=vorgang if vorgang is not None else dokument.vorgang,
            datei=io.BytesIO(teil_pdf),
            dateiname="seitenbearbeitung-teil.pdf",
            titel=titel,
            art=dokument.art,
            richtung=dokument.richtung,
            eingangsdatum=dokument.eingangsdatum,
            quelle=dokument.quelle,
            user=user,
            request=request,
            verarbeiten=False,
        )
        _version_schreiben(
            dokument=neu,
            quellen=[q],
            seiten=hinten,
            user=user,
            request=request,
            blatt=_blatt(q.version, len(hinten)),
            neu_angelegt=neu.versionen.get(),
        )
        version = _version_schreiben(
            dokument=dokument,
            quellen=[q],
            seiten=vorne,
            user=user,
            request=request,
            blatt=_blatt(q.version, len(vorne)),
        )
        blaetter = bereiche(q.blaetter[ab_seite - 1 :])
        _protokoll(
            dokument=dokument,
            version=version,
            user=user,
            request=request,
            aktion="teilen",
            ab_seite=ab_seite,
            neues_dokument=neu.pk,
            blaetter=blaetter,
        )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=neu,
            akte=neu.akte,
            details={
                "seitenbearbeitung": {
                    "aktion": "teilen",
                    "aus_dokument": dokument.pk,
                    "seiten": f"{ab_seite}–{anzahl}",
                    "blaetter": blaetter,
                }
            },
        )
        neu.refresh_from_db()
    return Ergebnis(dokument=dokument, version=version, neues_dokument=neu)


def dokumente_zusammenfuehren(
    *,
    dokument: Dokument,
    anderes: Dokument,
    user: User,
    erwartete_version: int | None = None,
    nach_seite: int | None = None,
    request: HttpRequest | None = None,
) -> Ergebnis:
    """Put the pages of `anderes` (same file) into `dokument` as a new version: after its page `nach_seite` (0: before
    the first page; None: at the end). Every page keeps its sheet number, so the new version's sheets are in page
    order (`blattnummern`, e.g. Bl. 4, 5, 1, 2, 3 for two pages put in front). `anderes` ends: it is marked as merged
    into `dokument` (its versions stay stored and readable), leaves the file's lists and the search, and both
    documents record the merge with the place it went."""
    _aenderbar_pruefen(dokument, user)
    if anderes.pk == dokument.pk:
        raise feldfehler("dokument", "Ein Dokument kann nicht mit sich selbst zusammengeführt werden.")
    if anderes.akte_id != dokument.akte_id:
        raise feldfehler("dokument", "Zusammenführen geht nur mit einem Dokument derselben Akte.")
    with transaction.atomic():
        # Both rows locked in id order, so two merges of the same pair in opposite directions cannot deadlock.
        gesperrt = {
            d.pk: d
            for d in Dokument.objects.select_for_update()
            .select_related("akte")
            .filter(pk__in=[dokument.pk, anderes.pk])
            .order_by("pk")
        }
        dokument, anderes = gesperrt[dokument.pk], gesperrt[anderes.pk]
        if anderes.ersetzt_am is not None:
            raise feldfehler("dokument", "Das andere Dokument ist bereits in einem Dokument aufgegangen.")
        q = _quelle_laden(dokument, erwartete_version)
        q2 = _quelle_laden(anderes)
        anzahl = q.version.seiten
        stelle = anzahl if nach_seite is None else nach_seite
        if not 0 <= stelle <= anzahl:
            raise feldfehler(
                "nach_seite",
                f"Nach Seite {stelle} kann nichts eingefügt werden; das Dokument hat {anzahl} Seite(n) "
                f"(0 = vor der ersten Seite, {anzahl} = am Ende).",
            )
        eigene = [Seite(0, n) for n in range(1, anzahl + 1)]
        seiten = [*eigene[:stelle], *(Seite(1, n) for n in range(1, q2.version.seiten + 1)), *eigene[stelle:]]
        version = _version_schreiben(
            dokument=dokument,
            quellen=[q, q2],
            seiten=seiten,
            user=user,
            request=request,
            blatt=q.version.blatt + q2.version.blatt,
        )
        jetzt = timezone.now()
        Dokument.objects.filter(pk=anderes.pk).update(ersetzt_durch=dokument, ersetzt_am=jetzt, suchvektor=None)
        neueingang_entfernen(dokument=anderes)
        blaetter = bereiche(q2.blaetter)
        _protokoll(
            dokument=dokument,
            version=version,
            user=user,
            request=request,
            aktion="zusammenfuehren",
            aufgenommen=anderes.pk,
            titel=anderes.titel,
            blaetter=blaetter,
            nach_seite=stelle,
            seiten=f"{stelle + 1}–{stelle + q2.version.seiten}",
        )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=anderes,
            akte=anderes.akte,
            details={
                "seitenbearbeitung": {
                    "aktion": "zusammenfuehren",
                    "aufgegangen_in": dokument.pk,
                    "titel": dokument.titel,
                    "version": version.nummer,
                    "blaetter": blaetter,
                    "nach_seite": stelle,
                }
            },
        )
    return Ergebnis(dokument=dokument, version=version)

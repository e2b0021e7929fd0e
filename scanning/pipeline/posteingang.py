"""The Celery steps of a mail item. Each step is keyed on the item, checks `schritt` first and skips work that is
already done, so a step delivered twice (worker killed, sweeper, redelivery) leaves the same result as once."""

from __future__ import annotations

import logging
import shutil
import time
from functools import partial
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q

from dms.models import Akte, Dokumentart, DokumentVersion, Team, Vorgang
from dms.queries import besetzte_teams, zustaendiges_team_id

from .. import services
from ..klassifikation.brief import brief_einordnen
from ..merkmale import dokumentart_erkennen, merkmale_finden
from ..models import Posteingang
from ..zuordnung import bewerten, kandidaten_laden, seiten_der_azr
from . import konvertieren, preflight, stapel, texterkennung, zaehlen
from .arbeitsbereich import Arbeitsbereich
from .fehler import EingabeFehler

logger = logging.getLogger("scanning.pipeline")
S = Posteingang.Schritt
LEBENSZEICHEN_SEKUNDEN = 30


def _arbeitsbereich(p: Posteingang) -> Arbeitsbereich:
    return Arbeitsbereich(f"posteingang-{p.uuid}")


def _lokales_original(p: Posteingang, ab: Arbeitsbereich) -> Path:
    """A local copy of the stored original (storage may be S3); the stored original is never modified."""
    ziel = ab.datei("original")
    if not ziel.exists() or ziel.stat().st_size != p.groesse:
        tmp = ab.datei("original.tmp")
        with p.original.open("rb") as quelle, tmp.open("wb") as aus:
            shutil.copyfileobj(quelle, aus, 1024 * 1024)
        tmp.replace(ziel)
    return ziel


def _lesefassung_speicherpfad(p: Posteingang) -> str:
    return f"posteingang/{p.uuid}/lesefassung.pdf"


def _lesefassung(p: Posteingang, ab: Arbeitsbereich) -> tuple[Path, str]:
    """The file the page steps work on: the original, or for DOCX/ODT/RTF/e-mail its converted PDF (kept in storage,
    so a step on another worker finds it)."""
    if not konvertieren.ist_umwandelbar(p.mime_type):
        return _lokales_original(p, ab), p.mime_type
    ziel = ab.datei("lesefassung.pdf")
    if not ziel.exists():
        tmp = ab.datei("lesefassung.tmp")
        with default_storage.open(_lesefassung_speicherpfad(p), "rb") as quelle, tmp.open("wb") as aus:
            shutil.copyfileobj(quelle, aus, 1024 * 1024)
        tmp.replace(ziel)
    return ziel, "application/pdf"


def _umwandeln(p: Posteingang, ab: Arbeitsbereich, original: Path, mime: str) -> preflight.Pruefergebnis:
    """Convert a DOCX/ODT/RTF/e-mail item once, store the reading copy, and run the preflight on it."""
    ziel = ab.datei("lesefassung.pdf")
    konvertieren.umwandeln(original, mime, ziel, titel=p.dateiname)
    ergebnis = preflight.pruefen(ziel)
    _speichern(_lesefassung_speicherpfad(p), ziel.read_bytes())
    return preflight.Pruefergebnis(mime_type=mime, seiten=ergebnis.seiten)


def _laden(posteingang_id: int, schritt: str) -> Posteingang | None:
    """The item if `schritt` is its next step, else None (already done, failed or filed)."""
    p = Posteingang.objects.filter(pk=posteingang_id).first()
    if p is None or p.status in (Posteingang.Status.FEHLER, Posteingang.Status.AUFGETEILT):
        return None
    if p.status in (Posteingang.Status.ZUGEORDNET, Posteingang.Status.ZU_PRUEFEN):
        return None
    return p if p.schritt == schritt else None


def vorpruefen(posteingang_id: int) -> None:
    """Preflight and duplicate detection."""
    p = _laden(posteingang_id, S.NEU)
    if p is None:
        return
    services.verarbeitung_beginnen(posteingang_id=p.pk)
    ab = _arbeitsbereich(p)
    try:
        if p.erkannte_merkmale.get("dateiname_unsicher"):
            raise EingabeFehler(
                "dateiname_unsicher",
                f"Der Dateiname enthält Pfadangaben oder Steuerzeichen (wie ../, < oder >) und wurde aus "
                f"Sicherheitsgründen abgewiesen (gespeichert als „{p.dateiname}“). Bitte benennen Sie die Datei um "
                "(nur Buchstaben, Ziffern, Bindestrich) und laden Sie sie erneut hoch.",
            )
        original = _lokales_original(p, ab)
        ergebnis = preflight.pruefen(original)
        if konvertieren.ist_umwandelbar(ergebnis.mime_type):
            ergebnis = _umwandeln(p, ab, original, ergebnis.mime_type)
    except EingabeFehler as exc:
        services.posteingang_fehler(posteingang_id=p.pk, code=exc.code, meldung=exc.meldung)
        ab.entfernen()
        return
    erstes = None
    if p.parent_id is None:
        erstes = (
            Posteingang.objects.filter(behoerde_id=p.behoerde_id, sha256=p.sha256, id__lt=p.pk)
            .exclude(status=Posteingang.Status.FEHLER)
            .order_by("id")
            .first()
        )
    if erstes is not None:
        services.duplikat_melden(
            posteingang_id=p.pk, erstes=erstes, mime_type=ergebnis.mime_type, seiten=ergebnis.seiten
        )
        ab.entfernen()
        return
    doppelt_im_dms = DokumentVersion.objects.filter(sha256=p.sha256, dokument__akte__behoerde_id=p.behoerde_id).exists()
    hinweise = [str(w) for w in p.erkannte_merkmale.get("warnungen", [])]  # e.g. an unconfirmed e-mail sender
    if doppelt_im_dms:
        hinweise.append("Eine Datei mit identischem Inhalt liegt bereits in einer Akte.")
    hinweis = " ".join(hinweise)[:2000]
    services.vorpruefung_speichern(
        posteingang_id=p.pk, mime_type=ergebnis.mime_type, seiten=ergebnis.seiten, hinweis=hinweis
    )


def aufteilen(posteingang_id: int) -> None:
    """Split a stack at cover sheets into parts (child items), each processed and filed on its own."""
    p = _laden(posteingang_id, S.GEPRUEFT)
    if p is None:
        return
    if p.parent_id is not None or konvertieren.ist_umwandelbar(p.mime_type):
        # Parts are never split again; a converted document or mail is one item (its original stays whole).
        services.schritt_setzen(posteingang_id=p.pk, von=S.GEPRUEFT, nach=S.AUFGETEILT)
        return
    ab = _arbeitsbereich(p)
    pfad = _lokales_original(p, ab)
    funde = stapel.deckblaetter_finden(pfad, p.mime_type)
    if not funde:
        services.schritt_setzen(posteingang_id=p.pk, von=S.GEPRUEFT, nach=S.AUFGETEILT)
        return
    teile = stapel.teile_bilden(p.seiten, funde)
    logger.info("Posteingang %s: %s Deckblaetter, %s Teile", p.pk, len(funde), len(teile))
    aufgeteilt = services.stapel_aufteilen(
        posteingang_id=p.pk,
        teile=[
            services.Stapelteil(
                nummer=nummer,
                aktenzeichen=teil.aktenzeichen,
                seiten=teil.seiten,
                inhalt=partial(stapel.teil_extrahieren, pfad, p.mime_type, teil.seiten),
            )
            for nummer, teil in enumerate(teile, 1)
        ],
        deckblaetter=funde,
        blatt=zaehlen.blatt_zaehlen(p.seiten),
    )
    if aufgeteilt:
        ab.entfernen()


def _speichern(pfad: str, daten: bytes) -> str:
    if default_storage.exists(pfad):
        default_storage.delete(pfad)
    return default_storage.save(pfad, ContentFile(daten))


def erkennen(posteingang_id: int) -> None:
    """Rasterise, blank pages, OCR (or text layer), orientation, searchable PDF, thumbnails, counts."""
    p = _laden(posteingang_id, S.AUFGETEILT)
    if p is None:
        return
    ab = _arbeitsbereich(p)
    pfad, mime = _lesefassung(p, ab)

    zuletzt = [time.monotonic()]

    def lebenszeichen(seite: int) -> None:
        # At most every LEBENSZEICHEN_SEKUNDEN (the sweeper waits 15 minutes): no database commit per page.
        if time.monotonic() - zuletzt[0] >= LEBENSZEICHEN_SEKUNDEN:
            services.lebenszeichen_setzen(posteingang_id=p.pk)
            zuletzt[0] = time.monotonic()

    try:
        e = texterkennung.datei_erkennen(pfad, mime, p.seiten, ab, titel=p.dateiname, fortschritt=lebenszeichen)
    except EingabeFehler as exc:
        services.posteingang_fehler(posteingang_id=p.pk, code=exc.code, meldung=exc.meldung)
        return
    vorschau = [
        _speichern(f"posteingang/{p.uuid}/vorschau/{i:05d}.png", v.read_bytes())
        for i, v in enumerate(e.vorschau_pfade, 1)
    ]
    merkmale: dict[str, Any] = {"seitentexte_laengen": [len(t) for t in e.seitentexte]}
    if e.drehungen:
        merkmale["drehungen"] = {str(k): v for k, v in e.drehungen.items()}
    gespeichert = services.erkennung_speichern(
        posteingang_id=p.pk,
        pdf=e.pdf_pfad,
        pdf_sha256=e.pdf_sha256(),
        text=e.text,
        seiten=e.seiten,
        blatt=e.blatt,
        leere_seiten=e.leere_seiten,
        textquelle=e.textquelle,
        vorschaubilder=vorschau,
        merkmale=merkmale,
    )
    if not gespeichert:
        return
    # Page texts are needed for the reasons ("auf Seite 1") in the next step; kept in the working directory.
    ab.schreiben_json("seitentexte.json", e.seitentexte)


def _dokumentart_regeln() -> list[tuple[str, str, list[str]]]:
    return [(d.schluessel, d.register_nummer, list(d.stichwoerter)) for d in Dokumentart.objects.order_by("rang", "id")]


def zuordnen(posteingang_id: int) -> None:
    """Identifier extraction and matching; file automatically when confident, else into a team's in-tray."""
    p = _laden(posteingang_id, S.ERKANNT)
    if p is None:
        return
    ab = _arbeitsbereich(p)
    seitentexte = ab.lesen_json("seitentexte.json") or p.text.split("\n\f\n")
    kuerzel = p.behoerde.kuerzel
    merkmale = merkmale_finden(p.text, kuerzel)
    if p.erkannte_merkmale.get("deckblatt"):
        merkmale.deckblatt = p.erkannte_merkmale["deckblatt"]
    # The trained classifier (docs/klassifikation.md); the keyword rules only where no model is trained yet.
    art = brief_einordnen(p.text) or dokumentart_erkennen(p.text, _dokumentart_regeln())
    kandidaten = kandidaten_laden(p.behoerde_id, merkmale, p.text)
    entscheidung = bewerten(merkmale, p.text, kandidaten, seiten_der_azr(seitentexte, merkmale.azr_nummern))
    vorschlaege = [v.als_json() for v in entscheidung.vorschlaege]
    p = services.merkmale_speichern(
        posteingang_id=p.pk,
        merkmale={**p.erkannte_merkmale, **merkmale.als_json()},
        vorschlaege=vorschlaege,
        dokumentart=art[0] if art else "schreiben",
        register_nummer=art[1] if art else "14",
    )
    if entscheidung.akte_id is not None and not p.erkannte_merkmale.get("nicht_automatisch"):
        # Only the item's own authority: the candidates were loaded with behoerde_id in SQL; checked again here.
        akte = Akte.objects.get(pk=entscheidung.akte_id, behoerde_id=p.behoerde_id)
        vorgang = None
        if entscheidung.vorgang_aktenzeichen:
            vorgang = Vorgang.objects.filter(akte=akte, aktenzeichen=entscheidung.vorgang_aktenzeichen).first()
        services.posteingang_zuordnen(
            posteingang=p,
            akte=akte,
            user=None,
            vorgang=vorgang,
            automatisch=True,
            grund=entscheidung.vorschlaege[0].grund if entscheidung.vorschlaege else "",
        )
    else:
        # The in-tray: the best candidate's team, else the letter range of the surname the letter names; always a
        # team with people in it (dms.queries.zustaendiges_team_id falls back from an unstaffed one).
        familienname = merkmale.familienname
        team_id = None
        if entscheidung.vorschlaege:
            beste = Akte.objects.filter(pk=entscheidung.vorschlaege[0].akte_id, behoerde_id=p.behoerde_id).first()
            if beste is not None:
                familienname = beste.person.familienname
                if beste.team_id and besetzte_teams(p.behoerde_id).filter(pk=beste.team_id).exists():
                    team_id = beste.team_id
        if team_id is None:
            team_id = zustaendiges_team_id(p.behoerde_id, familienname)
        if p.team_id is not None:  # set at intake (a returned letter goes back to its author's team)
            team_id = p.team_id
        team = Team.objects.filter(Q(pk=team_id) & Q(behoerde_id=p.behoerde_id)).first() if team_id else None
        services.posteingang_zur_pruefung(posteingang_id=p.pk, vorschlaege=vorschlaege, team=team, hinweis=p.hinweis)
    ab.entfernen()

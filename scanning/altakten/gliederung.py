"""Use cases of structuring a legacy file (docs/klassifikation.md): the delivered PDF stays one sealed original
(the `altakte` document in register 14); each page range becomes a document of its own in its register.

The structure comes from the provider's index (`dokumente.csv`, applied at import), from register separator sheets
found in the scan, or from the classifier. Confident proposals are applied at once; the rest wait on the restructure
page (`views_gliederung.py`) where a caseworker confirms or corrects them; each confirmation is stored as a
correction the next retraining learns from.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from dms import services as dms_services
from dms.audit import Aktion, protokollieren
from dms.dateien import PDF
from dms.hintergrund import DOKUMENT_VERARBEITEN, aufgabe_senden
from dms.models import Akte, Dokument, DokumentVersion, Register

from ..deckblatt import TRENNBLATT_PRAEFIX, trennblatt_code_finden
from ..klassifikation.arten import ARTEN, bezeichnung_der_art
from ..klassifikation.korrekturen import MAX_TEXT_JE_SEITE
from ..klassifikation.modell import ART_SCHWELLE
from ..klassifikation.models import Klassifikationskorrektur, Seitenmerkmale
from ..klassifikation.training import klassifikator
from ..pipeline import stapel, textebene
from .lieferung import ALTAKTEN_QUEUE
from .models import Gliederung, LosAkte

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("scanning.altakten.gliederung")

FERTIG = (Dokument.OcrStatus.FERTIG, Dokument.OcrStatus.NICHT_NOETIG)


@contextmanager
def _lokal(datei: FieldFile) -> Iterator[Path]:
    """A stored file as a local path (the storage may be S3)."""
    ordner = Path(tempfile.mkdtemp(prefix="gliederung-"))
    try:
        ziel = ordner / "datei.pdf"
        with datei.open("rb") as quelle, ziel.open("wb") as aus:
            shutil.copyfileobj(quelle, aus, 1024 * 1024)
        yield ziel
    finally:
        shutil.rmtree(ordner, ignore_errors=True)


def _aktuelle_version(original: Dokument) -> DokumentVersion:
    version = original.versionen.order_by("-nummer").first()
    if version is None:
        raise ValidationError("Die Altakte hat keine Datei.")
    return version


def seitentexte(version: DokumentVersion) -> list[str]:
    """The recognised text of every page (from the searchable PDF's text layer, else the stored text)."""
    if version.pdf:
        with _lokal(version.pdf) as pfad:
            return textebene.seitentexte(pfad, version.seiten)
    teile = version.text.split("\f")
    return [t.strip() for t in (teile + [""] * version.seiten)[: version.seiten]]


def seitenbilder(version: DokumentVersion, seiten: int) -> list[list[float]] | None:
    """The pages' image features the OCR page loop stored (None for files recognised before they were stored)."""
    bilder = Seitenmerkmale.objects.filter(version=version).values_list("bilder", flat=True).first()
    return bilder if isinstance(bilder, list) and len(bilder) == seiten else None


def trennblaetter_finden(version: DokumentVersion) -> dict[int, str]:
    """{page: register} of the register separator sheets in the delivered scan (same search as cover sheets)."""
    if version.mime_type != PDF:
        return {}
    with _lokal(version.original) as pfad:
        return stapel.codes_finden(pfad, PDF, TRENNBLATT_PRAEFIX, trennblatt_code_finden)


def _abschnitte_pruefen(abschnitte: list[dict[str, Any]], seiten: int, register: set[str]) -> list[dict[str, Any]]:
    """Sorted, non-overlapping ranges inside the file, each with a known register; kind and title cleaned."""
    aus: list[dict[str, Any]] = []
    for a in sorted(abschnitte, key=lambda x: int(x["von"])):
        von, bis = int(a["von"]), int(a["bis"])
        reg = str(a.get("register", "")).zfill(2)
        if not 1 <= von <= bis <= seiten:
            raise ValidationError(f"Der Bereich {von}–{bis} liegt nicht in der Altakte ({seiten} Seiten).")
        if aus and von <= aus[-1]["bis"]:
            raise ValidationError(f"Die Bereiche {aus[-1]['von']}–{aus[-1]['bis']} und {von}–{bis} überschneiden sich.")
        if reg not in register:
            raise ValidationError(f"Register „{reg[:5]}“ gibt es nicht.")
        art = str(a.get("art") or "")[:50]
        aus.append({**a, "von": von, "bis": bis, "register": reg, "art": art, "titel": str(a.get("titel", ""))[:300]})
    if not aus:
        raise ValidationError("Die Gliederung braucht mindestens ein Dokument.")
    return aus


def gliederung_anlegen(
    *,
    original: Dokument,
    herkunft: str,
    abschnitte: list[dict[str, Any]],
    seiten: int,
    los_akte: LosAkte | None = None,
) -> Gliederung:
    """Record a proposed structure (idempotent: a file has one structure)."""
    with transaction.atomic():
        vorhanden = Gliederung.objects.select_for_update().filter(original=original).first()
        if vorhanden is not None:
            return vorhanden
        gliederung = Gliederung.objects.create(
            original=original,
            los_akte=los_akte,
            herkunft=herkunft,
            seiten=seiten,
            abschnitte=abschnitte,
            vorschlag=abschnitte,
        )
        protokollieren(
            aktion=Aktion.ANLEGEN,
            objekt=gliederung,
            akte=original.akte,
            details={"herkunft": herkunft, "dokumente": len(abschnitte)},
        )
    return gliederung


def gliederung_vorschlagen(*, original_id: int) -> Gliederung | None:
    """Propose the structure of an imported legacy file once its text is recognised (separator sheets, then the
    classifier); apply it at once when every document is certain. None while OCR is still running."""
    original = Dokument.objects.select_related("akte").get(pk=original_id, quelle=Dokument.Quelle.ALTAKTE)
    if Gliederung.objects.filter(original=original).exists():
        return Gliederung.objects.get(original=original)
    if original.ocr_status not in FERTIG:
        return None
    version = _aktuelle_version(original)
    texte = seitentexte(version)
    trenn = trennblaetter_finden(version)
    bilder = seitenbilder(version, len(texte))
    vorschlag = klassifikator().gliedern(texte, trenn, bilder)
    if bilder is None:
        # Without the pages' image features the model is less sure than it says (docs/benchmarks.md: 98.9 % right
        # of what it would apply): a person confirms every document.
        for a in vorschlag:
            a.art_konfidenz = min(a.art_konfidenz, ART_SCHWELLE - 0.01)
    abschnitte = [a.als_json() | {"titel": "", "datum": ""} for a in vorschlag]
    gliederung = gliederung_anlegen(
        original=original,
        herkunft=Gliederung.Herkunft.TRENNBLATT if trenn else Gliederung.Herkunft.KLASSIFIKATOR,
        abschnitte=abschnitte,
        seiten=len(texte),
        los_akte=LosAkte.objects.filter(akte=original.akte_id).first(),
    )
    if any(a.sicher for a in vorschlag) and not gliederung.ist_angewandt:
        # Certain documents are created now; the rest wait for a person on the restructure page.
        gliederung = gliederung_anwenden(
            gliederung=gliederung, abschnitte=abschnitte, user=None, automatisch=True, nur_sichere=True
        )
    return gliederung


def _titel(a: dict[str, Any]) -> str:
    if a.get("titel"):
        return str(a["titel"])
    art = str(a.get("art") or "")
    name = bezeichnung_der_art(art) if art in ARTEN else (art.replace("_", " ").capitalize() or "Dokument")
    return f"{name} (Altakte, Seiten {a['von']}–{a['bis']})"


def _datum(a: dict[str, Any], standard: date | None) -> date | None:
    try:
        return date.fromisoformat(str(a.get("datum") or ""))
    except ValueError:
        return standard


def gliederung_anwenden(
    *,
    gliederung: Gliederung,
    abschnitte: list[dict[str, Any]],
    user: User | None,
    request: HttpRequest | None = None,
    automatisch: bool = False,
    nur_sichere: bool = False,
) -> Gliederung:
    """Create one document per range in its register (pages copied unchanged from the sealed original, which stays
    as it is). Ranges already created stay as they are and must be part of `abschnitte`; `nur_sichere` creates only
    the ranges marked certain (the rest wait for a person). A person's confirmation is stored as a correction for
    the next retraining. The structure is complete (`angewandt`) when every range is a document."""
    original = Dokument.objects.select_related("akte").get(pk=gliederung.original_id)
    if not automatisch and (user is None or not Akte.objects.changeable_by(user).filter(pk=original.akte_id).exists()):
        raise ValidationError("Sie dürfen diese Akte nicht ändern.")
    register = {r.nummer: r for r in Register.objects.aktiv()}
    abschnitte = _abschnitte_pruefen(abschnitte, gliederung.seiten, set(register))
    version = _aktuelle_version(original)
    if version.mime_type != PDF:
        raise ValidationError("Nur PDF-Altakten können gegliedert werden.")
    bereits = {(int(a["von"]), int(a["bis"])): a for a in gliederung.abschnitte if a.get("dokument")}
    bereiche = {(a["von"], a["bis"]) for a in abschnitte}
    for von, bis in bereits:
        if (von, bis) not in bereiche:
            raise ValidationError(
                f"Die Seiten {von}–{bis} sind bereits ein Dokument der Akte und bleiben es; "
                "ändern Sie Register oder Art dort."
            )
    for a in abschnitte:
        if (a["von"], a["bis"]) in bereits:
            alt = bereits[(a["von"], a["bis"])]
            a.update(dokument=alt["dokument"], art=alt.get("art", ""), register=alt["register"])
    neu = [a for a in abschnitte if not a.get("dokument") and (a.get("sicher") or not nur_sichere)]
    with _lokal(version.original) as pfad:
        teile = [stapel.teil_extrahieren(pfad, PDF, list(range(a["von"], a["bis"] + 1))) for a in neu]
    texte: list[str] = []
    if not automatisch:
        texte = [t[:MAX_TEXT_JE_SEITE] for t in seitentexte(version)]
    with transaction.atomic():
        g = Gliederung.objects.select_for_update().get(pk=gliederung.pk)
        if g.ist_angewandt:
            raise ValidationError("Diese Altakte ist bereits gegliedert.")
        if {(int(a["von"]), int(a["bis"])) for a in g.abschnitte if a.get("dokument")} != set(bereits):
            raise ValidationError("Die Gliederung wurde inzwischen geändert; bitte laden Sie die Seite neu.")
        neue_versionen = []
        for a, inhalt in zip(neu, teile, strict=True):
            dokument = dms_services.dokument_anlegen(
                akte=original.akte,
                register=register[a["register"]],
                datei=BytesIO(inhalt),
                dateiname=f"altakte-{original.pk}-seiten-{a['von']}-{a['bis']}.pdf",
                user=user,
                request=request,
                titel=_titel(a),
                art=a["art"],
                richtung=Dokument.Richtung.INTERN,
                eingangsdatum=_datum(a, original.eingangsdatum),
                quelle=Dokument.Quelle.ALTAKTE_TEIL,
                transfervermerk={
                    "art": "Teil einer gescannten Altakte",
                    "original_dokument": original.pk,
                    "original_sha256": version.sha256,
                    "seiten_im_original": [a["von"], a["bis"]],
                    "gliederung": g.herkunft,
                },
                verarbeiten=False,
            )
            a["dokument"] = dokument.pk
            teil = dokument.versionen.get()
            seiten = a["bis"] - a["von"] + 1
            # Page counts at once (the structure figure); OCR refines text and thumbnails later.
            dms_services.ableitungen_speichern(
                version=teil, text="", seiten=seiten, blatt=(seiten + 1) // 2, ocr_status=Dokument.OcrStatus.AUSSTEHEND
            )
            neue_versionen.append(teil.pk)
        geaendert = _vergleichbar(abschnitte) != _vergleichbar(g.vorschlag)
        fertig = all(a.get("dokument") for a in abschnitte)
        g.abschnitte = abschnitte
        g.status = Gliederung.Status.ANGEWANDT if fertig else Gliederung.Status.ZU_PRUEFEN
        g.automatisch = automatisch and fertig
        if fertig:
            g.angewandt_am = timezone.now()
            g.angewandt_von = user
        g.save()
        if not automatisch:
            Klassifikationskorrektur.objects.create(
                behoerde_id=original.akte.behoerde_id,
                quelle=Klassifikationskorrektur.Quelle.ALTAKTE,
                seiten=texte,
                abschnitte=[{"von": a["von"], "bis": a["bis"], "art": a["art"]} for a in abschnitte],
                geaendert=geaendert,
                angelegt_von=user,
            )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=g,
            akte=original.akte,
            details={"neu": len(neu), "dokumente": len(abschnitte), "automatisch": automatisch, "geaendert": geaendert},
        )
        for vid in neue_versionen:
            ocr_einplanen(vid)
    g.refresh_from_db()
    return g


def ocr_einplanen(version_id: int) -> None:
    """Legacy work goes to its own queue, so incoming mail never waits (docs/lieferformat.md)."""
    transaction.on_commit(lambda: aufgabe_senden(DOKUMENT_VERARBEITEN, args=[version_id], queue=ALTAKTEN_QUEUE))


def _vergleichbar(abschnitte: list[dict[str, Any]]) -> list[tuple[int, int, str, str]]:
    return [(int(a["von"]), int(a["bis"]), str(a.get("art", "")), str(a.get("register", ""))) for a in abschnitte]


def index_anwenden(*, los_akte_id: int, abschnitte: list[dict[str, Any]], user: User | None) -> Gliederung | None:
    """The provider's index (dokumente.csv) for an imported file: record and apply it (idempotent, so a resumed
    import applies what an interrupted one did not)."""
    la = LosAkte.objects.select_related("dokument").get(pk=los_akte_id)
    if la.dokument is None or not abschnitte:
        return None
    bereinigt = [{k: v for k, v in a.items() if k != "zeile"} for a in abschnitte]
    g = gliederung_anlegen(
        original=la.dokument,
        herkunft=Gliederung.Herkunft.INDEX,
        abschnitte=bereinigt,
        seiten=la.seiten or la.dokument.seiten,
        los_akte=la,
    )
    if g.ist_angewandt:
        return g
    return gliederung_anwenden(gliederung=g, abschnitte=bereinigt, user=user, automatisch=True)


def _ohne_gliederung() -> QuerySet[LosAkte]:
    return LosAkte.objects.filter(
        dokument__isnull=False, dokument__gliederung__isnull=True, dokument__ocr_status__in=FERTIG
    )


def los_ids_mit_offenen_vorschlaegen() -> list[int]:
    """Lots with recognised legacy files that have no structure yet."""
    return list(_ohne_gliederung().values_list("los_id", flat=True).distinct().order_by("los_id")[:1000])


def gliederungen_vorschlagen(*, los_id: int, limit: int = 2000) -> int:
    """Propose structures for every imported file of a lot whose text is recognised and that has none yet."""
    anzahl = 0
    ids = list(_ohne_gliederung().filter(los_id=los_id).values_list("dokument_id", flat=True)[:limit])
    for dokument_id in ids:
        if dokument_id is not None and gliederung_vorschlagen(original_id=dokument_id) is not None:
            anzahl += 1
    return anzahl

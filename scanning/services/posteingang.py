"""Every state change of a mail item (Posteingang). Views, API, hot folder, pipeline steps, tasks and the in-tray
call these; nothing else writes a Posteingang row.

posteingang_annehmen      store the original and COMMIT first; queue the pipeline only on commit
pipeline_einreihen        publish the pipeline chain; if the broker is down the item stays `eingegangen`
haengende_einreihen       the sweeper (celery beat): re-queue items stuck in `eingegangen`/`in_verarbeitung`
posteingang_zuordnen      file an item into an Akte as a Dokument (automatically or by hand), reusing the OCR
posteingang_zur_pruefung  put an item into a team's in-tray (Postkorb) with suggestions
posteingang_weiterleiten  hand an item to another team or person
posteingang_fehler        bad input: status `fehler` with a German sentence; the original stays in quarantine
akte_aus_posteingang_anlegen  create person and file from an item and file it there, in one transaction
Pipeline progress (the steps in scanning/pipeline/posteingang.py record their results only through these):
verarbeitung_beginnen, vorpruefung_speichern, duplikat_melden, schritt_setzen, stapel_aufteilen, lebenszeichen_setzen,
erkennung_speichern, merkmale_speichern.
Every use case writes an audit entry (dms.audit.protokollieren) in the same transaction; the progress markers of the
pipeline do not (their outcomes do: filed, in-tray, split, refused).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dms import dateien
from dms import services as dms_services
from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.models import Akte, Behoerde, Dokument, Dokumentart, Register, Team, Vorgang, Vorgangsart
from dms.queries import besetzte_teams

from .. import betrieb
from ..klassifikation.korrekturen import posteingang_korrektur_speichern
from ..models import Onlineantrag, Posteingang

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("scanning")
UNSICHERER_NAME = re.compile(r"[/\\<>\x00-\x1f]|\.\.")

SYSTEM = "Posteingang (automatisch)"
# The sweeper re-queues items that have waited this long (seconds) without progress.
WARTEZEIT_EINGEGANGEN = 60
WARTEZEIT_IN_VERARBEITUNG = 15 * 60


def zu_gross(groesse: int | None) -> str | None:
    """German message when an upload exceeds settings.MAX_UPLOAD_BYTES (checked before anything is stored)."""
    limit = settings.MAX_UPLOAD_BYTES
    if groesse is not None and groesse > limit:
        return f"Die Datei ist größer als {limit // (1024 * 1024)} MB. Bitte teilen Sie sie auf."
    return None


def _pruefsumme(datei: IO[bytes]) -> tuple[str, int, str]:
    datei.seek(0)
    kopf = datei.read(8192)
    sha256, groesse = dateien.sha256_und_groesse(datei)
    return sha256, groesse, dateien.mime_erkennen(kopf)


def posteingang_annehmen(
    *,
    behoerde: Behoerde,
    datei: IO[bytes],
    dateiname: str,
    quelle: str = Posteingang.Quelle.UPLOAD,
    user: User | None = None,
    request: HttpRequest | None = None,
    parent: Posteingang | None = None,
    teil_nummer: int | None = None,
    merkmale: dict[str, Any] | None = None,
    einreihen: bool = True,
    team: Team | None = None,
    zugewiesen_an: User | None = None,
) -> Posteingang:
    """Accept ANY file (even empty or malformed: the pipeline judges it and keeps it in quarantine).

    The original is stored and the row committed before any work is queued (transaction.on_commit).
    """
    sha256, groesse, mime = _pruefsumme(datei)
    merkmale = dict(merkmale or {})
    if UNSICHERER_NAME.search(dateiname or ""):
        # Kept as data for the preflight, which refuses the item with a German sentence; never used as a path.
        merkmale["dateiname_unsicher"] = True
    angemeldet = user is not None and user.is_authenticated
    with transaction.atomic():
        p = Posteingang(
            behoerde=behoerde,
            quelle=quelle,
            dateiname=dateien.sicherer_dateiname(dateiname, fallback="scan"),
            sha256=sha256,
            groesse=groesse,
            mime_type=mime,
            hochgeladen_von=user if angemeldet else None,
            parent=parent,
            teil_nummer=teil_nummer,
            erkannte_merkmale=merkmale,
            team=team,
            zugewiesen_an=zugewiesen_an,
        )
        p.original.save("original", File(datei), save=False)
        p.save()
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=user,
            request=request,
            objekt=p,
            benutzername="" if angemeldet else SYSTEM,
            details={"sha256": sha256, "groesse": groesse, "quelle": quelle, "dateiname": p.dateiname},
        )
        if einreihen:
            transaction.on_commit(lambda: pipeline_einreihen(p.pk))
    return p


def pipeline_einreihen(posteingang_id: int) -> bool:
    """Publish the pipeline chain for one item. Never raises: with the broker down the item stays `eingegangen`
    (committed, nothing lost) and the sweeper queues it later."""
    from ..tasks import pipeline_signatur

    try:
        pipeline_signatur(posteingang_id).apply_async(
            retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5}
        )
    except Exception as exc:  # kombu/redis raise many types; any of them means "not queued"
        logger.warning(
            "Posteingang %s: Warteschlange nicht erreichbar (%s: %s); bleibt 'eingegangen', der Sweeper reiht ihn "
            "erneut ein.",
            posteingang_id,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def haengende_einreihen(
    *, eingegangen_seit: int = WARTEZEIT_EINGEGANGEN, in_verarbeitung_seit: int = WARTEZEIT_IN_VERARBEITUNG
) -> int:
    """The sweeper: re-queue items that never reached the broker or whose worker died. Steps are idempotent, so a
    re-queued item that is in fact still running does no harm."""
    jetzt = timezone.now()
    ids = list(
        Posteingang.objects.filter(
            status=Posteingang.Status.EINGEGANGEN, aktualisiert_am__lt=jetzt - timedelta(seconds=eingegangen_seit)
        ).values_list("id", flat=True)[:500]
    ) + list(
        Posteingang.objects.filter(
            status=Posteingang.Status.IN_VERARBEITUNG,
            aktualisiert_am__lt=jetzt - timedelta(seconds=in_verarbeitung_seit),
        ).values_list("id", flat=True)[:500]
    )
    eingereiht = 0
    for pid in ids:
        if pipeline_einreihen(pid):
            lebenszeichen_setzen(posteingang_id=pid)
            eingereiht += 1
    if ids:
        logger.info("Sweeper: %s von %s haengenden Posteingaengen erneut eingereiht", eingereiht, len(ids))
    return eingereiht


def posteingang_fehler(*, posteingang_id: int, code: str, meldung: str) -> None:
    """Bad input: status `fehler` with the German sentence; the original stays unchanged (quarantine)."""
    with transaction.atomic():
        p = Posteingang.objects.select_for_update().get(pk=posteingang_id)
        if p.status == Posteingang.Status.FEHLER:
            return
        p.status = Posteingang.Status.FEHLER
        p.fehler = meldung
        p.schritt = Posteingang.Schritt.ABGESCHLOSSEN
        p.verarbeitet_am = timezone.now()
        p.save(update_fields=["status", "fehler", "schritt", "verarbeitet_am", "aktualisiert_am"])
        protokollieren(aktion=Aktion.AENDERN, objekt=p, benutzername=SYSTEM, details={"status": "fehler", "code": code})
    # Ids and the code only: the file name and the German sentence may carry personal data.
    logger.warning("Posteingang %s abgewiesen: %s", posteingang_id, code)
    betrieb.fehler_gezaehlt(art="posteingang", code=code)


# ---------------------------------------------------------------- pipeline progress (system writes)


def verarbeitung_beginnen(*, posteingang_id: int) -> None:
    """A worker took the item: `in_verarbeitung`, one more attempt."""
    Posteingang.objects.filter(pk=posteingang_id).update(
        status=Posteingang.Status.IN_VERARBEITUNG, versuche=F("versuche") + 1, aktualisiert_am=timezone.now()
    )


def lebenszeichen_setzen(*, posteingang_id: int) -> None:
    """The item is alive (the sweeper only re-queues items without progress)."""
    Posteingang.objects.filter(pk=posteingang_id).update(aktualisiert_am=timezone.now())


def schritt_setzen(*, posteingang_id: int, von: str, nach: str) -> None:
    """Advance the pipeline step, only from `von` (a step delivered twice changes nothing)."""
    Posteingang.objects.filter(pk=posteingang_id, schritt=von).update(schritt=nach, aktualisiert_am=timezone.now())


def vorpruefung_speichern(*, posteingang_id: int, mime_type: str, seiten: int, hinweis: str) -> None:
    """The preflight passed: type and page count as checked, on to splitting."""
    Posteingang.objects.filter(pk=posteingang_id, schritt=Posteingang.Schritt.NEU).update(
        mime_type=mime_type,
        seiten=seiten,
        schritt=Posteingang.Schritt.GEPRUEFT,
        hinweis=hinweis,
        aktualisiert_am=timezone.now(),
    )


def duplikat_melden(*, posteingang_id: int, erstes: Posteingang, mime_type: str, seiten: int) -> Posteingang:
    """The same file came in before: into the in-tray of the first one's team, pointing to it, never filed twice."""
    datum = timezone.localtime(erstes.eingegangen_am)
    vorschlaege = (
        [
            {
                "akte": erstes.akte_id,
                "aktenzeichen": erstes.akte.aktenzeichen if erstes.akte else "",
                "grund": f"Duplikat von Posteingang Nr. {erstes.pk}",
                "konfidenz": 0.0,
            }
        ]
        if erstes.akte_id
        else []
    )
    with transaction.atomic():
        Posteingang.objects.filter(pk=posteingang_id).update(mime_type=mime_type, seiten=seiten)
        return posteingang_zur_pruefung(
            posteingang_id=posteingang_id,
            vorschlaege=vorschlaege,
            team=erstes.team,
            hinweis=f"Diese Datei ist bereits am {datum:%d.%m.%Y um %H:%M} Uhr eingegangen (Posteingang Nr. "
            f"{erstes.pk}) und wurde nicht noch einmal abgelegt. Bitte prüfen Sie, ob sie doppelt gescannt wurde.",
            duplikat_von=erstes,
        )


@dataclass(frozen=True)
class Stapelteil:
    """One part of a stack cut at a cover sheet; `inhalt` reads its pages only when the part is not stored yet."""

    nummer: int
    aktenzeichen: str | None
    seiten: list[int]
    inhalt: Callable[[], bytes]


def stapel_aufteilen(*, posteingang_id: int, teile: list[Stapelteil], deckblaetter: dict[int, str], blatt: int) -> bool:
    """Each part becomes a child item (processed and filed on its own); the stack ends `aufgeteilt`.
    Idempotent: parts already stored are skipped; False when another run finished the step first."""
    with transaction.atomic():
        p = Posteingang.objects.select_for_update().select_related("behoerde").get(pk=posteingang_id)
        if p.schritt != Posteingang.Schritt.GEPRUEFT:
            return False
        vorhandene = set(p.teile.values_list("teil_nummer", flat=True))
        endung = "pdf" if p.mime_type == dateien.PDF else "tif"
        for teil in teile:
            if teil.nummer in vorhandene:
                continue
            posteingang_annehmen(
                behoerde=p.behoerde,
                datei=io.BytesIO(teil.inhalt()),
                dateiname=f"{Path(p.dateiname).stem}-teil-{teil.nummer}.{endung}",
                quelle=Posteingang.Quelle.DECKBLATT,
                user=p.hochgeladen_von,
                parent=p,
                teil_nummer=teil.nummer,
                merkmale={"deckblatt": teil.aktenzeichen, "seiten_im_stapel": teil.seiten},
            )
        p.status = Posteingang.Status.AUFGETEILT
        p.schritt = Posteingang.Schritt.ABGESCHLOSSEN
        p.blatt = blatt
        p.erkannte_merkmale = {"deckblaetter": {str(k): v for k, v in deckblaetter.items()}}
        p.verarbeitet_am = timezone.now()
        p.save()
        protokollieren(
            aktion=Aktion.AENDERN,
            objekt=p,
            benutzername=SYSTEM,
            details={"status": Posteingang.Status.AUFGETEILT, "teile": len(teile)},
        )
    return True


def erkennung_speichern(
    *,
    posteingang_id: int,
    pdf: Path,
    pdf_sha256: str,
    text: str,
    seiten: int,
    blatt: int,
    leere_seiten: int,
    textquelle: str,
    vorschaubilder: list[str],
    merkmale: dict[str, Any],
) -> bool:
    """Store what the page loop derived (searchable PDF, text, counts, thumbnails); on to matching.
    False when another run finished the step first."""
    with transaction.atomic():
        p = Posteingang.objects.select_for_update().get(pk=posteingang_id)
        if p.schritt != Posteingang.Schritt.AUFGETEILT:
            return False
        if p.pdf:
            p.pdf.delete(save=False)
        with pdf.open("rb") as f:
            p.pdf.save("durchsuchbar.pdf", File(f), save=False)
        p.pdf_sha256 = pdf_sha256
        p.text = text
        p.seiten = seiten
        p.blatt = blatt
        p.leere_seiten = leere_seiten
        p.textquelle = textquelle
        p.vorschaubilder = vorschaubilder
        p.erkannte_merkmale = {**p.erkannte_merkmale, **merkmale}
        p.schritt = Posteingang.Schritt.ERKANNT
        p.save()
    return True


def merkmale_speichern(
    *,
    posteingang_id: int,
    merkmale: dict[str, Any],
    vorschlaege: list[dict[str, Any]],
    dokumentart: str,
    register_nummer: str,
) -> Posteingang:
    """What identifier extraction and matching found, kept on the item before it is filed or put in the in-tray."""
    Posteingang.objects.filter(pk=posteingang_id).update(
        erkannte_merkmale=merkmale, vorschlaege=vorschlaege, dokumentart=dokumentart, register_nummer=register_nummer
    )
    return Posteingang.objects.get(pk=posteingang_id)


# ---------------------------------------------------------------- filing and the in-tray


def _vorschau_kopieren(pfade: list[str], ziel_praefix: str) -> list[str]:
    neu = []
    for i, pfad in enumerate(pfade, 1):
        ziel = f"{ziel_praefix}/vorschau/{i:05d}.png"
        if default_storage.exists(ziel):
            default_storage.delete(ziel)
        with default_storage.open(pfad, "rb") as f:
            neu.append(default_storage.save(ziel, ContentFile(f.read())))
    return neu


def _register(nummer: str) -> Register:
    reg = Register.objects.aktiv().filter(nummer=nummer or "14").first()
    return reg or Register.objects.aktiv().get(nummer="14")


def posteingang_zuordnen(
    *,
    posteingang: Posteingang,
    akte: Akte,
    user: User | None,
    request: HttpRequest | None = None,
    register: Register | None = None,
    vorgang: Vorgang | None = None,
    automatisch: bool = False,
    grund: str = "",
    titel: str = "",
    art: str = "",
) -> Posteingang:
    """File the item into `akte` as a new Dokument (original unchanged; searchable PDF, text, counts and thumbnails
    taken over from the pipeline, no second OCR). Exactly once: a second call on a filed item changes nothing.
    `titel` and `art` (a Dokumentart key) are the caseworker's choice; empty, the recognised kind and its label."""
    if art and not Dokumentart.objects.filter(schluessel=art).exists():
        raise ValidationError({"art": ["Diese Dokumentart gibt es nicht."]})
    if akte.behoerde_id != posteingang.behoerde_id:
        raise ValidationError({"akte": ["Die Akte gehört nicht zu Ihrer Behörde."]})
    if not automatisch:
        sichtbar = user is not None and Akte.objects.visible_to(user).filter(pk=akte.pk).exists()
        if zugang(user).behoerde_id != posteingang.behoerde_id or not sichtbar:
            raise ValidationError({"akte": ["Diese Akte ist nicht vorhanden oder für Sie nicht sichtbar."]})
    if vorgang is not None and vorgang.akte_id != akte.pk:
        raise ValidationError({"vorgang": ["Der Vorgang gehört nicht zu dieser Akte."]})
    with transaction.atomic():
        p = Posteingang.objects.select_for_update().get(pk=posteingang.pk)
        if p.status == Posteingang.Status.ZUGEORDNET:
            return p
        if p.status in (Posteingang.Status.AUFGETEILT, Posteingang.Status.FEHLER):
            raise ValidationError("Dieser Posteingang kann nicht zugeordnet werden (aufgeteilt oder fehlerhaft).")
        if p.schritt not in (Posteingang.Schritt.ERKANNT, Posteingang.Schritt.ABGESCHLOSSEN):
            raise ValidationError("Die Texterkennung läuft noch. Bitte versuchen Sie es gleich noch einmal.")
        register_gewaehlt = register is not None
        register = register or _register(p.register_nummer)
        if vorgang is None and (schluessel := p.erkannte_merkmale.get("vorgangsart")):
            # An online application opens its procedure (e.g. Verpflichtungserklärung) in the file it is filed into.
            vorgang = dms_services.vorgang_anlegen(
                akte=akte,
                vorgangsart=Vorgangsart.objects.get(schluessel=schluessel),
                user=user,
                request=request,
                betreff=f"Online-Antrag vom {timezone.localdate(p.eingegangen_am):%d.%m.%Y}",
            )
            Onlineantrag.objects.filter(posteingang=p).update(vorgang=vorgang)
            if not register_gewaehlt and vorgang.vorgangsart.register is not None:
                register = _register(vorgang.vorgangsart.register.nummer)
        with p.original.open("rb") as original:
            dokument = dms_services.dokument_anlegen(
                akte=akte,
                register=register,
                vorgang=vorgang,
                datei=original,
                dateiname=p.dateiname,
                user=user,
                request=request,
                titel=titel.strip()[:300] or _titel(p, art),
                art=art or p.dokumentart,
                eingangsdatum=timezone.localdate(p.eingegangen_am),
                quelle=Dokument.Quelle.POSTEINGANG,
                transfervermerk=_transfervermerk(p, user, automatisch),
                verarbeiten=False,
            )
        version = dokument.versionen.get()
        vorschau = _vorschau_kopieren(list(p.vorschaubilder), f"dokumente/{dokument.uuid}/{version.nummer}")
        pdf_datei = p.pdf.open("rb") if p.pdf else None
        try:
            dms_services.ableitungen_speichern(
                version=version,
                text=p.text,
                seiten=p.seiten,
                blatt=p.blatt,
                leere_seiten=p.leere_seiten,
                pdf=pdf_datei,
                pdf_sha256=p.pdf_sha256,
                vorschaubilder=vorschau,
                ocr_status=Dokument.OcrStatus.NICHT_NOETIG
                if p.textquelle == "textebene"
                else Dokument.OcrStatus.FERTIG,
            )
        finally:
            if pdf_datei is not None:
                pdf_datei.close()
        p.status = Posteingang.Status.ZUGEORDNET
        p.schritt = Posteingang.Schritt.ABGESCHLOSSEN
        p.akte, p.vorgang, p.dokument = akte, vorgang, dokument
        p.automatisch_zugeordnet = automatisch
        p.zugeordnet_von = user if user is not None and user.is_authenticated else None
        p.zugeordnet_am = timezone.now()
        p.verarbeitet_am = p.verarbeitet_am or p.zugeordnet_am
        p.team = p.team or akte.team
        p.save()
        anders = (register_gewaehlt and register.nummer != p.register_nummer) or (art and art != p.dokumentart)
        if anders and not automatisch:
            # The caseworker corrected the proposed kind or register: training data for the classifier.
            posteingang_korrektur_speichern(
                behoerde_id=p.behoerde_id, text=p.text, register_nummer=register.nummer, art=art, user=user
            )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=p,
            akte=akte,
            benutzername="" if user is not None and user.is_authenticated else SYSTEM,
            details={
                "status": "zugeordnet",
                "dokument": dokument.pk,
                "register": register.nummer,
                "automatisch": automatisch,
                "grund": grund[:300],
            },
        )
    return p


def titel_vorschlag(p: Posteingang) -> str:
    """The title filing would give the item (pre-filled in the in-tray's filing form)."""
    return _titel(p)


def _titel(p: Posteingang, art: str = "") -> str:
    """The automatic title: the kind's label ("Verpflichtungserklärung"), never its key, and the day of receipt."""
    schluessel = art or p.dokumentart
    bezeichnung = Dokumentart.objects.filter(schluessel=schluessel).values_list("bezeichnung", flat=True).first()
    art = bezeichnung or (schluessel.replace("-", " ").capitalize() if schluessel else "Posteingang")
    return f"{art} vom {timezone.localdate(p.eingegangen_am):%d.%m.%Y}"[:300]


def _transfervermerk(p: Posteingang, user: User | None, automatisch: bool) -> dict[str, Any]:
    """TR-RESISCAN transfer note: who scanned, with what, when, anomalies, quality check."""
    return {
        "posteingang": p.pk,
        "quelle": p.quelle,
        "eingeliefert_von": p.eingeliefert_von_anzeige,
        "eingegangen_am": p.eingegangen_am.isoformat(),
        "sha256_original": p.sha256,
        "seiten": p.seiten,
        "leere_seiten": p.leere_seiten,
        "textquelle": p.textquelle,
        "qualitaetspruefung": "automatisch (Vorprüfung bestanden, Texterkennung durchgeführt)",
        "zuordnung": "automatisch" if automatisch else f"manuell durch {user.get_username() if user else '-'}",
        "besonderheiten": p.hinweis,
    }


def posteingang_zur_pruefung(
    *,
    posteingang_id: int,
    vorschlaege: list[dict[str, Any]],
    team: Team | None,
    hinweis: str = "",
    duplikat_von: Posteingang | None = None,
) -> Posteingang:
    """Put the item into the in-tray (Postkorb) of `team` with ranked suggestions (system action)."""
    with transaction.atomic():
        p = Posteingang.objects.select_for_update().get(pk=posteingang_id)
        if p.status in (Posteingang.Status.ZUGEORDNET, Posteingang.Status.ZU_PRUEFEN):
            return p
        p.status = Posteingang.Status.ZU_PRUEFEN
        p.schritt = Posteingang.Schritt.ABGESCHLOSSEN
        p.vorschlaege = vorschlaege
        p.team = team
        p.hinweis = hinweis
        p.duplikat_von = duplikat_von
        p.verarbeitet_am = timezone.now()
        p.save()
        protokollieren(
            aktion=Aktion.AENDERN,
            objekt=p,
            benutzername=SYSTEM,
            details={
                "status": Posteingang.Status.ZU_PRUEFEN,
                "team": team.pk if team else None,
                "vorschlaege": len(vorschlaege),
            },
        )
    return p


def posteingang_weiterleiten(
    *,
    posteingang: Posteingang,
    user: User,
    request: HttpRequest | None = None,
    team: Team | None = None,
    zugewiesen_an: User | None = None,
    notiz: str = "",
) -> Posteingang:
    """Hand an unfiled item to another team and/or person of the same authority."""
    if team is not None and team.behoerde_id != posteingang.behoerde_id:
        raise ValidationError({"team": ["Das Team gehört nicht zu Ihrer Behörde."]})
    if zugewiesen_an is not None and zugang(zugewiesen_an).behoerde_id != posteingang.behoerde_id:
        raise ValidationError({"zugewiesen_an": ["Die Person gehört nicht zu Ihrer Behörde."]})
    # A letter must reach someone who can act on it: never Land or Revision, never an unstaffed team.
    if zugewiesen_an is not None and not (zugewiesen_an.is_active and zugang(zugewiesen_an).darf_aendern):
        raise ValidationError({"zugewiesen_an": ["Diese Person kann keine Post bearbeiten."]})
    if team is not None and not besetzte_teams(posteingang.behoerde_id).filter(pk=team.pk).exists():
        raise ValidationError({"team": ["In diesem Team arbeitet niemand, der Post bearbeiten kann."]})
    with transaction.atomic():
        p = Posteingang.objects.select_for_update().get(pk=posteingang.pk)
        if p.status == Posteingang.Status.ZUGEORDNET:
            raise ValidationError("Dieser Posteingang ist bereits einer Akte zugeordnet.")
        if team is not None:
            p.team = team
        p.zugewiesen_an = zugewiesen_an
        if notiz:
            p.hinweis = f"{p.hinweis}\n{notiz}".strip()[:2000]
        p.save(update_fields=["team", "zugewiesen_an", "hinweis", "aktualisiert_am"])
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=p,
            details={"weitergeleitet": True, "team": p.team_id, "zugewiesen_an": p.zugewiesen_an_id},
        )
    return p


def akte_aus_posteingang_anlegen(
    *,
    posteingang: Posteingang,
    register: Register,
    user: User,
    request: HttpRequest | None = None,
    familienname: str,
    vornamen: str = "",
    geburtsdatum: date | None = None,
    azr_nummer: str | None = None,
) -> Akte:
    """Create person and file from an item (data as recognised and corrected by the caseworker) and file the item
    there, all in one transaction: a refusal at any point leaves neither person nor file behind."""
    z = zugang(user)
    if not z.darf_aendern or z.behoerde_id != posteingang.behoerde_id:
        raise PermissionDenied
    daten: dict[str, Any] = {"familienname": familienname, "vornamen": vornamen, "azr_nummer": azr_nummer or None}
    if geburtsdatum is not None:
        daten["geburtsdatum"] = geburtsdatum
    with transaction.atomic():
        person = dms_services.person_anlegen(behoerde=posteingang.behoerde, user=user, request=request, **daten)
        akte = dms_services.akte_anlegen(
            person=person, user=user, request=request, team=posteingang.team, sachbearbeitung=user
        )
        posteingang_zuordnen(posteingang=posteingang, akte=akte, register=register, user=user, request=request)
    return akte


def posteingang_original_gelesen(*, posteingang: Posteingang, user: User, request: HttpRequest) -> None:
    protokollieren(
        aktion=Aktion.HERUNTERLADEN,
        user=user,
        request=request,
        objekt=posteingang,
        details={"original": True, "status": posteingang.status},
    )


def posteingang_zuruecklegen(
    *, dokument: Dokument, user: User, grund: str = "", request: HttpRequest | None = None
) -> Posteingang:
    """One click on an automatically filed document: it leaves the file and its mail item is back in the in-tray
    of the file's team (assigned to the user who sent it back), to be filed by hand."""
    p = Posteingang.objects.filter(dokument_id=dokument.pk, automatisch_zugeordnet=True).first()
    if p is None or p.status != Posteingang.Status.ZUGEORDNET:
        raise ValidationError("Dieses Dokument ist keine automatische Zuordnung aus der Poststelle.")
    with transaction.atomic():
        p = Posteingang.objects.select_for_update().get(pk=p.pk)
        akte = dokument.akte
        p.status = Posteingang.Status.ZU_PRUEFEN
        p.team = akte.team or p.team
        p.zugewiesen_an = user
        p.hinweis = f"{p.hinweis}\nAutomatische Zuordnung zu {akte.aktenzeichen} zurückgenommen.".strip()[:2000]
        p.akte = p.vorgang = p.dokument = None
        p.automatisch_zugeordnet = False
        p.save()
        dms_services.dokument_zuruecknehmen(dokument=dokument, user=user, grund=grund, request=request)
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=p,
            akte=akte,
            details={"status": Posteingang.Status.ZU_PRUEFEN, "zurueckgelegt_aus": akte.pk, "grund": grund[:300]},
        )
    return p


def posteingang_umgelegt(dokument_id: int, von_akte_id: int, nach_akte_id: int) -> None:
    """The Posteingangsbuch follows a moved document (registered with dms in AppConfig.ready)."""
    Posteingang.objects.filter(dokument_id=dokument_id, akte_id=von_akte_id).update(akte_id=nach_akte_id, vorgang=None)

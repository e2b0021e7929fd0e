"""The exchange with the state archive: offer (0501) and its receipt (0504), evaluation (0502) and our receipt
(0505), hand-over (0503), its receipt (0507) and the per-file import result (0506, `uebernahme.py`), and the
archive-law deadline (no decision within 6 months counts as release, with a reminder before)."""

from __future__ import annotations

import calendar
import logging
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.models import Akte
from dms.xdomea.export import paketname
from dms.xdomea.paket import PaketFehler

from . import archiv, ausgang
from .models import Aktenschluss, Anbietung, Anbietungsposten, Archivausgang, Loeschsperre
from .nachrichten import (
    ANBIETEVERZEICHNIS,
    BEWERTUNG_EMPFANGEN,
    Archivantwort,
    anbieteverzeichnis,
    antwort_lesen,
    aussonderung_schreiben,
    bewertung_empfangen,
)
from .uebernahme import aussonderung_empfangen, uebernahme_eintragen
from .zugriff import akten_der_behoerde, eigenes_objekt, schriftgutverwaltung_pruefen

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("dms.aussonderung")
Entscheidung = Anbietungsposten.Entscheidung


def monate_spaeter(tag: date, monate: int) -> date:
    jahr, monat = divmod(tag.month - 1 + monate, 12)
    jahr += tag.year
    return tag.replace(year=jahr, month=monat + 1, day=min(tag.day, calendar.monthrange(jahr, monat + 1)[1]))


def aktiv_gesperrt(akte_ids: list[int]) -> set[int]:
    return set(
        Loeschsperre.objects.filter(akte_id__in=akte_ids, aufgehoben_am__isnull=True).values_list("akte_id", flat=True)
    )


def akten_anbieten(*, akten: list[int], user: User, request: HttpRequest | None = None) -> Anbietung:
    """Offer due files to the archive as one 0501 batch. Refused whole when one is not due, held or already offered.
    A file whose import the archive reported as failed (0506) may be offered again."""
    behoerde_id = schriftgutverwaltung_pruefen(user)
    ids = sorted(set(akten))
    if not ids:
        raise ValidationError({"akten": ["Bitte wählen Sie mindestens eine Akte aus."]})
    with transaction.atomic():
        gefunden = list(
            akten_der_behoerde(user)
            .filter(pk__in=ids)
            .select_related("aktenschluss", "behoerde")
            .order_by("aktenzeichen")
        )
        if len(gefunden) != len(ids):
            raise ValidationError({"akten": ["Mindestens eine Akte ist nicht vorhanden."]})
        heute = timezone.localdate()
        gesperrt = aktiv_gesperrt(ids)
        for akte in gefunden:
            schluss = getattr(akte, "aktenschluss", None)
            if schluss is None or schluss.faellig_am > heute:
                raise ValidationError({"akten": [f"Die Aufbewahrungsfrist der Akte {akte.aktenzeichen} läuft noch."]})
            if akte.pk in gesperrt:
                raise ValidationError({"akten": [f"Für die Akte {akte.aktenzeichen} besteht eine Löschsperre."]})
            if schluss.status not in (Aktenschluss.Status.LAUFEND, Aktenschluss.Status.FEHLGESCHLAGEN):
                raise ValidationError(
                    {"akten": [f"Die Akte {akte.aktenzeichen} ist bereits {schluss.get_status_display()}."]}
                )
        anbietung = Anbietung.objects.create(
            behoerde_id=behoerde_id,
            angeboten_von=user,
            frist_bis=monate_spaeter(heute, settings.AUSSONDERUNG_ARCHIV_FRIST_MONATE),
        )
        Anbietungsposten.objects.bulk_create(
            Anbietungsposten(anbietung=anbietung, akte=a, akte_uuid=a.uuid, aktenzeichen=a.aktenzeichen)
            for a in gefunden
        )
        Aktenschluss.objects.filter(akte_id__in=ids).update(status=Aktenschluss.Status.ANGEBOTEN)
        inhalt = anbieteverzeichnis(gefunden[0].behoerde, str(anbietung.prozess_id), gefunden)
        for akte in gefunden:
            protokollieren(
                aktion=Aktion.EXPORT,
                user=user,
                request=request,
                objekt=akte,
                details={"format": f"xdomea 3.0.0 {ANBIETEVERZEICHNIS}", "prozess_id": str(anbietung.prozess_id)},
            )
        if archiv.ist_konfiguriert():
            try:
                archiv.senden(f"{paketname(str(anbietung.prozess_id), ANBIETEVERZEICHNIS)}.zip", inhalt)
            except archiv.ArchivFehler as exc:
                raise ValidationError(exc.meldung) from exc
    return anbietung


def _anbietung_sperren(prozess_id: str, behoerde_id: int | None) -> Anbietung:
    qs = Anbietung.objects.select_for_update().select_related("behoerde").filter(prozess_id__iexact=prozess_id)
    if behoerde_id is not None:
        qs = qs.filter(behoerde_id=behoerde_id)
    try:
        return qs.get()
    except (Anbietung.DoesNotExist, ValidationError, ValueError) as exc:
        raise ValidationError(
            "Zu dieser Nachricht (ProzessID) gibt es keine Anbietung Ihrer Behörde; sie wurde nicht verarbeitet."
        ) from exc


def antwort_verarbeiten(
    *, inhalt: bytes, user: User | None = None, behoerde_id: int | None = None, request: HttpRequest | None = None
) -> Anbietung:
    """Process one message of the archive (0502, 0504, 0506, 0507). Anything wrong refuses the whole message."""
    if user is not None:
        behoerde_id = schriftgutverwaltung_pruefen(user)
    try:
        antwort = antwort_lesen(inhalt)
    except PaketFehler as exc:
        raise ValidationError(exc.grund) from exc
    benutzername = "" if user else "System (Staatsarchiv)"
    details: dict[str, int] = {}
    with transaction.atomic():
        anbietung = _anbietung_sperren(antwort.prozess_id, behoerde_id)
        if antwort.absender != settings.STAATSARCHIV_KENNUNG:
            raise ValidationError(
                "Die Nachricht stammt nicht vom zuständigen Staatsarchiv; sie wurde nicht verarbeitet."
            )
        if antwort.empfaenger != anbietung.behoerde.kuerzel:
            raise ValidationError("Die Nachricht ist an eine andere Behörde gerichtet; sie wurde nicht verarbeitet.")
        if antwort.art == "0502":
            _bewertung_uebernehmen(anbietung, antwort.bewertungen)
        elif antwort.art == "0504":
            _empfang_uebernehmen(anbietung)
        elif antwort.art == "0507":
            aussonderung_empfangen(anbietung)
        else:
            details = uebernahme_eintragen(
                anbietung=anbietung,
                ergebnisse=antwort.importergebnisse,
                user=user,
                request=request,
                benutzername=benutzername,
            )
        protokollieren(
            aktion=Aktion.IMPORT,
            user=user,
            request=request,
            benutzername=benutzername,
            objekt=anbietung,
            details={"xdomea": antwort.art, "prozess_id": str(anbietung.prozess_id), "status": anbietung.status,
                     **details},
        )  # fmt: skip
        if antwort.art == "0502":
            _bewertung_bestaetigen(anbietung, antwort, user=user, request=request, benutzername=benutzername)
    return anbietung


def _bewertung_bestaetigen(
    anbietung: Anbietung, antwort: Archivantwort, *, user: User | None, request: HttpRequest | None, benutzername: str
) -> None:
    """0505: the archive's 0502 asks for our receipt. Kept in the outbox (`ausgang.py`) until the archive takes it: a
    failed send does not undo the evaluation and is tried again."""
    if not antwort.empfangsbestaetigung_erbeten or not archiv.ist_konfiguriert():
        return
    ausgang.senden(
        anbietung=anbietung,
        art=Archivausgang.Art.BEWERTUNG_EMPFANGEN,
        dateiname=f"{paketname(str(anbietung.prozess_id), BEWERTUNG_EMPFANGEN)}.zip",
        inhalt=bewertung_empfangen(anbietung.behoerde, str(anbietung.prozess_id)),
        user=user,
        request=request,
        benutzername=benutzername,
    )


def _bewertung_uebernehmen(anbietung: Anbietung, bewertungen: dict[str, str]) -> None:
    if anbietung.status != Anbietung.Status.ANGEBOTEN:
        raise ValidationError(
            f"Diese Anbietung ist bereits {anbietung.get_status_display()}; "
            "das Bewertungsverzeichnis wurde nicht verarbeitet."
        )
    posten = {str(p.akte_uuid): p for p in anbietung.posten.all()}
    fremd = sorted(set(bewertungen) - set(posten))
    if fremd:
        raise ValidationError(
            f"Das Bewertungsverzeichnis bewertet Akten, die nicht angeboten wurden ({', '.join(fremd[:3])}); "
            "es wurde nicht verarbeitet."
        )
    fehlend = sorted(p.aktenzeichen for u, p in posten.items() if u not in bewertungen)
    if fehlend:
        raise ValidationError(
            f"Das Bewertungsverzeichnis bewertet nicht alle angebotenen Akten (es fehlen {', '.join(fehlend[:3])})."
        )
    ungueltig = sorted({c for c in bewertungen.values() if c not in ("A", "V")})
    if ungueltig:
        raise ValidationError(
            f"Ungültige Bewertung {', '.join(ungueltig)}: erwartet wird A (archivwürdig) oder V (vernichten)."
        )
    for uid, code in bewertungen.items():
        p = posten[uid]
        entscheidung = Entscheidung.ARCHIVIEREN if code == "A" else Entscheidung.VERNICHTEN
        Anbietungsposten.objects.filter(pk=p.pk).update(entscheidung=entscheidung)
        status = Aktenschluss.Status.ARCHIVIEREN if code == "A" else Aktenschluss.Status.FREIGEGEBEN
        Aktenschluss.objects.filter(akte__uuid=uid).update(status=status)
    jetzt = timezone.now()
    neu = Anbietung.Status.BEWERTET if "A" in bewertungen.values() else Anbietung.Status.ABGESCHLOSSEN
    Anbietung.objects.filter(pk=anbietung.pk).update(
        status=neu, bewertet_am=jetzt, abgeschlossen_am=jetzt if neu == Anbietung.Status.ABGESCHLOSSEN else None
    )
    anbietung.refresh_from_db()


def _empfang_uebernehmen(anbietung: Anbietung) -> None:
    """0504 only says the archive received our offer (0501). It never releases a file: that takes a 0506."""
    if anbietung.empfang_bestaetigt_am is None:
        Anbietung.objects.filter(pk=anbietung.pk).update(empfang_bestaetigt_am=timezone.now())
        anbietung.refresh_from_db()


def zu_uebergeben(anbietung: Anbietung) -> list[Akte]:
    ids = anbietung.posten.filter(entscheidung=Entscheidung.ARCHIVIEREN).values("akte_id")
    return list(Akte.objects.filter(pk__in=ids).select_related("person", "behoerde", "team").order_by("aktenzeichen"))


def anbietung_fuer(user: User, anbietung_id: int) -> Anbietung:
    return eigenes_objekt(Anbietung.objects.select_related("behoerde"), user, anbietung_id)


def akten_uebergeben(*, anbietung: Anbietung, user: User, request: HttpRequest | None = None) -> Anbietung:
    """0503: send the files the archive takes, with their documents; each stays until the archive confirms taking
    it over (0506, per file)."""
    anbietung = anbietung_fuer(user, anbietung.pk)
    with transaction.atomic():
        anbietung = Anbietung.objects.select_for_update().select_related("behoerde").get(pk=anbietung.pk)
        if anbietung.status != Anbietung.Status.BEWERTET:
            raise ValidationError(
                f"Übergeben werden kann nur eine bewertete Anbietung (diese ist {anbietung.get_status_display()})."
            )
        akten = zu_uebergeben(anbietung)
        with tempfile.TemporaryDirectory(prefix="aussonderung-") as tmp:
            pfad, anzahl = aussonderung_schreiben(anbietung.behoerde, str(anbietung.prozess_id), akten, Path(tmp))
            dateiname, inhalt = pfad.name, pfad.read_bytes() if archiv.ist_konfiguriert() else b""
        anbietung.posten.filter(entscheidung=Entscheidung.ARCHIVIEREN).update(uebergeben=True)
        Aktenschluss.objects.filter(akte__in=akten).update(status=Aktenschluss.Status.UEBERGEBEN)
        Anbietung.objects.filter(pk=anbietung.pk).update(
            status=Anbietung.Status.UEBERGEBEN, uebergeben_am=timezone.now()
        )
        for akte in akten:
            protokollieren(
                aktion=Aktion.EXPORT,
                user=user,
                request=request,
                objekt=akte,
                details={
                    "format": "xdomea 3.0.0 Aussonderung.Aussonderung.0503",
                    "prozess_id": str(anbietung.prozess_id),
                },
            )
        if archiv.ist_konfiguriert():
            # Kept in the outbox until the archive takes it; an unreachable archive no longer refuses the hand-over.
            ausgang.senden(
                anbietung=anbietung,
                art=Archivausgang.Art.AUSSONDERUNG,
                dateiname=dateiname,
                inhalt=inhalt,
                user=user,
                request=request,
            )
        logger.info("Aussonderung %s: %s Akten mit %s Dokumenten übergeben", anbietung.pk, len(akten), anzahl)
        anbietung.refresh_from_db()
    return anbietung


def fristen_pruefen(*, heute: date | None = None) -> dict[str, int]:
    """Beat: remind before the archive's deadline, release after it (no decision counts as release)."""
    heute = heute or timezone.localdate()
    ergebnis = {"erinnert": 0, "freigegeben": 0}
    offen = Anbietung.objects.filter(status=Anbietung.Status.ANGEBOTEN)
    erinnern_ab = heute + timedelta(days=settings.AUSSONDERUNG_ERINNERUNG_TAGE)
    for anbietung in offen.filter(erinnert_am__isnull=True, frist_bis__lte=erinnern_ab, frist_bis__gt=heute):
        with transaction.atomic():
            Anbietung.objects.filter(pk=anbietung.pk).update(erinnert_am=timezone.now())
            protokollieren(
                aktion=Aktion.AENDERN,
                benutzername="System (Aussonderung)",
                objekt=anbietung,
                details={"aussonderung": "erinnerung", "frist_bis": str(anbietung.frist_bis)},
            )
        ergebnis["erinnert"] += 1
    for anbietung in offen.filter(frist_bis__lte=heute):
        with transaction.atomic():
            anbietung.posten.update(entscheidung=Entscheidung.VERNICHTEN)
            Aktenschluss.objects.filter(akte_id__in=anbietung.posten.values("akte_id")).update(
                status=Aktenschluss.Status.FREIGEGEBEN
            )
            jetzt = timezone.now()
            Anbietung.objects.filter(pk=anbietung.pk).update(
                status=Anbietung.Status.ABGESCHLOSSEN,
                bewertet_durch_fristablauf=True,
                bewertet_am=jetzt,
                abgeschlossen_am=jetzt,
            )
            protokollieren(
                aktion=Aktion.AENDERN,
                benutzername="System (Aussonderung)",
                objekt=anbietung,
                details={"aussonderung": "freigabe_durch_fristablauf", "frist_bis": str(anbietung.frist_bis)},
            )
        ergebnis["freigegeben"] += 1
    return ergebnis


def antworten_abholen() -> int:
    """Fetch and process the archive's pending answers; a refused answer is logged and stays for a person."""
    if not archiv.ist_konfiguriert():
        return 0
    verarbeitet = 0
    for antwort in archiv.antworten_abholen():
        try:
            antwort_verarbeiten(inhalt=antwort.inhalt)
        except ValidationError as exc:
            logger.warning(
                "Aussonderung: Antwort %s des Staatsarchivs abgelehnt: %s", antwort.id, "; ".join(exc.messages)
            )
            continue
        archiv.antwort_quittieren(antwort.id)
        verarbeitet += 1
    return verarbeitet

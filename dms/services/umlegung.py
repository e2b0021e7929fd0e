"""Undoing a misfiling: moving a document into another file of the same authority (docs/schreibtisch.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction

from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.gericht.blaetter import blaetter_entfernen, blaetter_zuteilen
from dms.models import Akte, Dokument, Register, Vorgang
from dms.neueingaenge.models import Neueingang
from dms.neueingaenge.services import neueingang_vermerken
from dms.notizen.services import notizen_umlegen

from .fehler import feldfehler

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

# Apps above dms follow a move (the mail room points its Posteingangsbuch entry at the new file); they register a
# callable(dokument_id, von_akte_id, nach_akte_id) in AppConfig.ready. Called inside the move's transaction.
NachUmlegung = Callable[[int, int, int], None]
NACH_UMLEGUNG: list[NachUmlegung] = []


def nach_umlegung_registrieren(folge: NachUmlegung) -> None:
    if folge not in NACH_UMLEGUNG:
        NACH_UMLEGUNG.append(folge)


def dokument_umlegen(
    *,
    dokument: Dokument,
    akte: Akte,
    grund: str,
    user: User,
    request: HttpRequest | None = None,
    register: Register | None = None,
    vorgang: Vorgang | None = None,
) -> Dokument:
    """Move a misfiled document into `akte` (same authority), optionally into another register and procedure.

    Refused: no reason; another authority; a file the user may not change (a restricted one she is not named on);
    a procedure of another file. Both files record the move in their history (audit entries on each file), the
    document's own entry names both, and the target file's caseworker gets the document as new mail.
    """
    grund = (grund or "").strip()
    if not grund:
        raise feldfehler("grund", "Bitte geben Sie einen Grund für das Umlegen an.")
    z = zugang(user)
    aenderbar = Akte.objects.changeable_by(user)
    if not aenderbar.filter(pk=dokument.akte_id).exists():
        raise PermissionDenied("Sie dürfen dieses Dokument nicht umlegen.")
    if akte.behoerde_id != z.behoerde_id or not aenderbar.filter(pk=akte.pk).exists():
        raise feldfehler("akte", "Diese Akte ist nicht vorhanden oder für Sie nicht änderbar.")
    if not akte.ist_aktiv:
        raise feldfehler("akte", "In eine nicht aktive Akte kann nicht umgelegt werden.")
    if akte.pk == dokument.akte_id:
        raise feldfehler("akte", "Das Dokument liegt bereits in dieser Akte.")
    ziel_register = register or dokument.register
    if not ziel_register.aktenplan.aktiv:
        raise feldfehler("register", "Dieses Register gehört nicht zum gültigen Aktenplan.")
    if vorgang is not None and vorgang.akte_id != akte.pk:
        raise feldfehler("vorgang", "Der Vorgang gehört nicht zur Zielakte.")
    with transaction.atomic():
        dokument = Dokument.objects.select_for_update().select_related("akte").get(pk=dokument.pk)
        von = dokument.akte
        # The sheets leave the old file as a documented gap (never a renumbering) and get new numbers in the new one.
        blaetter_entfernen(
            dokument=dokument, grund=f"umgelegt nach {akte.aktenzeichen}: {grund}", user=user, request=request
        )
        Dokument.objects.filter(pk=dokument.pk).update(akte=akte, register=ziel_register, vorgang=vorgang)
        # Notes on the document go with it (docs/schreibtisch.md, "Notizen"); notes on the old file stay there.
        notizen_umlegen(dokument_id=dokument.pk, nach_akte_id=akte.pk)
        aktuelle = dokument.versionen.order_by("-nummer").first()
        if aktuelle is not None:
            blaetter_zuteilen(version=aktuelle, user=user)
        gemeinsam = {"dokument": dokument.pk, "titel": dokument.titel, "grund": grund[:500]}
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=dokument,
            akte=akte,
            details={**gemeinsam, "umlegung": {"von": von.aktenzeichen, "nach": akte.aktenzeichen}},
        )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=von,
            details={**gemeinsam, "umlegung": "hinaus", "nach_akte": akte.pk, "nach": akte.aktenzeichen},
        )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=akte,
            details={**gemeinsam, "umlegung": "herein", "von_akte": von.pk, "von": von.aktenzeichen},
        )
        dokument.refresh_from_db()
        neueingang_vermerken(dokument=dokument, user=user, quelle=Neueingang.Quelle.UMLEGUNG)
        for folge in NACH_UMLEGUNG:
            folge(dokument.pk, von.pk, akte.pk)
    return dokument


def dokument_zuruecknehmen(*, dokument: Dokument, user: User, grund: str, request: HttpRequest | None = None) -> None:
    """Take an automatically filed document out of its file again (the mail room puts the item back into the
    in-tray; the original stays on the mail item). Only an unchanged automatic filing (one version, from the
    Poststelle) may leave a file this way; the file's history records it, the stored copies go after commit."""
    grund = (grund or "").strip() or "automatische Zuordnung zurückgenommen"
    if not Akte.objects.changeable_by(user).filter(pk=dokument.akte_id).exists():
        raise PermissionDenied("Sie dürfen dieses Dokument nicht zurücklegen.")
    with transaction.atomic():
        dokument = Dokument.objects.select_for_update().select_related("akte").get(pk=dokument.pk)
        versionen = list(dokument.versionen.all())
        if dokument.quelle != Dokument.Quelle.POSTEINGANG or len(versionen) != 1:
            raise feldfehler("dokument", "Nur eine unveränderte automatische Zuordnung kann zurückgelegt werden.")
        akte = dokument.akte
        dateien = [d.name for v in versionen for d in (v.original, v.pdf) if d] + list(versionen[0].vorschaubilder)
        protokollieren(
            aktion=Aktion.LOESCHEN,
            user=user,
            request=request,
            objekt=akte,
            details={"dokument": dokument.pk, "titel": dokument.titel, "grund": grund[:500], "umlegung": "postkorb"},
        )
        blaetter_entfernen(dokument=dokument, grund=f"zurück in den Postkorb: {grund}", user=user, request=request)
        for version in versionen:
            version.delete()
        dokument.delete()
        transaction.on_commit(lambda: _dateien_entfernen(dateien))


def _dateien_entfernen(pfade: list[str]) -> None:
    for pfad in pfade:
        default_storage.delete(pfad)

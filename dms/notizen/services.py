"""Writes of notes: create, edit own, delete own; every one with an audit entry (never the note's text: the
trail is read by more roles than the file, and a note may name people)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.models import Akte, Dokument
from dms.services.fehler import Konflikt, feldfehler
from dms.services.locking import update_if_unchanged

from .models import TEXT_LAENGE, Notiz

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def _text_pruefen(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise feldfehler("text", "Bitte schreiben Sie einen Text für die Notiz.")
    if len(text) > TEXT_LAENGE:
        raise feldfehler("text", f"Eine Notiz darf höchstens {TEXT_LAENGE} Zeichen lang sein.")
    return text


def _aenderbar(akte_id: int, user: User) -> None:
    if not Akte.objects.changeable_by(user).filter(pk=akte_id).exists():
        raise PermissionDenied("Sie dürfen in dieser Akte keine Notizen schreiben.")


def _eigene(notiz: Notiz, user: User) -> None:
    if notiz.verfasst_von_id != user.pk:
        raise PermissionDenied("Nur die Verfasserin oder der Verfasser kann diese Notiz ändern oder löschen.")
    _aenderbar(notiz.akte_id, user)


def notiz_anlegen(
    *,
    user: User,
    text: str,
    akte: Akte | None = None,
    dokument: Dokument | None = None,
    request: HttpRequest | None = None,
) -> Notiz:
    """A note on a file or on a document (exactly one); needs a file the user may change."""
    if (akte is None) == (dokument is None):
        raise feldfehler("akte", "Bitte geben Sie genau eine Akte oder ein Dokument an.")
    ziel = akte if akte is not None else dokument.akte  # type: ignore[union-attr]
    text = _text_pruefen(text)
    _aenderbar(ziel.pk, user)
    with transaction.atomic():
        notiz = Notiz.objects.create(akte=ziel, dokument=dokument, text=text, verfasst_von=user)
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=user,
            request=request,
            objekt=notiz,
            akte=ziel,
            details={"notiz": notiz.pk, "dokument": notiz.dokument_id, "zeichen": len(text)},
        )
    return notiz


def notiz_aendern(
    *, notiz: Notiz, user: User, text: str, erwartete_version: int, request: HttpRequest | None = None
) -> Notiz:
    """Only the author edits her note (while she may still change the file). Refused with `Konflikt` (carrying
    the saved note) when it was saved since `erwartete_version` was loaded, e.g. in her other tab."""
    _eigene(notiz, user)
    text = _text_pruefen(text)
    with transaction.atomic():
        try:
            notiz = update_if_unchanged(
                notiz, erwartete_version=erwartete_version, changes={"text": text, "geaendert_am": timezone.now()}
            )
        except Notiz.DoesNotExist:
            raise feldfehler(
                "text", "Diese Notiz wurde inzwischen gelöscht; Ihre Änderung wurde nicht gespeichert."
            ) from None
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=notiz,
            akte=notiz.akte,
            details={"notiz": notiz.pk, "dokument": notiz.dokument_id, "zeichen": len(text), "version": notiz.version},
        )
    return notiz


def notiz_loeschen(
    *, notiz: Notiz, user: User, erwartete_version: int | None = None, request: HttpRequest | None = None
) -> None:
    """Only the author deletes her note. The row goes (a note is a working aid, not a record: no copy of its text
    is kept anywhere); the audit entry records who deleted which note when. With `erwartete_version` (the pages
    send it) a note changed since it was loaded is not deleted unseen: `Konflikt`."""
    _eigene(notiz, user)
    with transaction.atomic():
        aktuell = Notiz.objects.select_for_update().filter(pk=notiz.pk).first()
        if aktuell is None:
            return  # deleted meanwhile (her other tab): what she wanted
        if erwartete_version is not None and aktuell.version != erwartete_version:
            raise Konflikt(aktuell)
        protokollieren(
            aktion=Aktion.LOESCHEN,
            user=user,
            request=request,
            objekt=notiz,
            akte=notiz.akte,
            details={"notiz": notiz.pk, "dokument": notiz.dokument_id},
        )
        Notiz.objects.filter(pk=notiz.pk).delete()


def notizen_umlegen(*, dokument_id: int, nach_akte_id: int) -> int:
    """A moved document takes its notes along (called inside `dokument_umlegen`'s transaction, which writes the
    audit entries of the move). Returns how many notes moved."""
    return Notiz.objects.filter(dokument_id=dokument_id).update(akte_id=nach_akte_id)

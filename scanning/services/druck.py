"""What the mail room prints: the cover sheet (Deckblatt) of an Akte or Vorgang, audited as an export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from dms.audit import Aktion, protokollieren
from dms.models import Akte, Vorgang

from ..deckblatt import deckblatt_pdf

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def deckblatt_erzeugen(
    *, akte: Akte, user: User, request: HttpRequest | None = None, vorgang: Vorgang | None = None
) -> bytes:
    if vorgang is not None and vorgang.akte_id != akte.pk:
        raise ValidationError({"vorgang": ["Der Vorgang gehört nicht zu dieser Akte."]})
    pdf = deckblatt_pdf(
        aktenzeichen=vorgang.aktenzeichen if vorgang else akte.aktenzeichen,
        behoerde_name=akte.behoerde.name,
        person=f"{akte.person.familienname}, {akte.person.vornamen}".strip(", "),
        vorgang=str(vorgang.vorgangsart) if vorgang else "",
    )
    protokollieren(
        aktion=Aktion.EXPORT,
        user=user,
        request=request,
        objekt=akte,
        details={"deckblatt": True, "vorgang": vorgang.pk if vorgang else None},
    )
    return pdf

"""Pseudonymisation of the audit trail for deletion by law (issue 15): the ONE sanctioned change of an entry.

What personal data entries carry today (inventory, docs/protokoll.md): the file's Aktenzeichen (column), and in
`details` free text and identifiers such as a hand-over's `grund`, a filing's `grund`, a scanned item's `dateiname`,
an imported file's `frueheres_aktenzeichen` and `paket`, a Datei-B read's `datei_b` (an Aktenzeichen) and a search's
`q_hmac` (a keyed hash of the search term: only a key holder can confirm a guessed name; entries written before
the change carry `q_sha256`, an unkeyed hash anyone could confirm a name with). Everything else in an entry is
ids, times, actions and staff accounts, which stay.

The entry's hash covers its personal part only through a salted digest (`dms.protokoll.kette`). Pseudonymising
replaces the Aktenzeichen by the file's pseudonym, empties `details`, drops the salt (so the erased text cannot be
recovered or confirmed from the digest by anyone, key holders included) and points at a new `pseudonymisierung`
entry that records pseudonym, count and an order-independent digest of the entry ids. The database trigger allows
exactly this update; `protokoll_pruefen` accepts a pseudonymised entry only when such a record vouches for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from dms.audit import protokollieren
from dms.models import Dokument, Vorgang
from dms.models.protokoll import Protokolleintrag
from dms.suche import suchbegriff_hmacs

from .kette import mengen_summe, pseudonym

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

Aktion = Protokolleintrag.Aktion

# Objects that are not the file's own (shared by many files): entries about them are found only by the file's id.
_GETEILTE_OBJEKTE = {"", "behoerde", "user", "team", "mitgliedschaft", "vertretung", "los", "lieferung"}
_STAPEL = 5000


@dataclass(frozen=True)
class Pseudonymisierung:
    """What was done: the record entry (None when there was nothing left to pseudonymise), pseudonym, count."""

    eintrag_id: int | None
    pseudonym: str
    anzahl: int


def _auswahl(akte_id: int, objekte: Iterable[tuple[str, Any]], suchbegriffe: Iterable[str]) -> Q:
    """Entries about the file: its id, its documents and procedures, every file-bound object that appeared with it
    (a scanned item filed into it, a hand-over, an inspection grant), the objects the caller names, and searches for
    the given terms (names, AZR number, Aktenzeichen)."""
    paare: set[tuple[str, str]] = {("akte", str(akte_id))}
    paare |= {("dokument", str(i)) for i in Dokument.objects.filter(akte_id=akte_id).values_list("id", flat=True)}
    paare |= {("vorgang", str(i)) for i in Vorgang.objects.filter(akte_id=akte_id).values_list("id", flat=True)}
    paare |= {
        (typ, oid)
        for typ, oid in Protokolleintrag.objects.filter(akte_id_wert=akte_id)
        .exclude(objekt_typ__in=_GETEILTE_OBJEKTE)
        .values_list("objekt_typ", "objekt_id")
        .distinct()
    }
    paare |= {(typ, str(oid)) for typ, oid in objekte}
    q = Q(akte_id_wert=akte_id)
    for typ, oid in paare:
        q |= Q(objekt_typ=typ, objekt_id=oid)
    begriffe = [b for b in suchbegriffe if b.strip()]
    if begriffe:
        hmacs = sorted({h for b in begriffe for h in suchbegriff_hmacs(b)})
        # Entries written before the keyed hash (unkeyed SHA-256 of the same normalised term).
        alte = sorted({hashlib.sha256(" ".join(b.lower().split()).encode()).hexdigest() for b in begriffe})
        q |= Q(aktion=Aktion.SUCHE, details__q_hmac__in=hmacs) | Q(aktion=Aktion.SUCHE, details__q_sha256__in=alte)
    return q


def protokoll_pseudonymisieren(
    *,
    akte_id: int,
    objekte: Iterable[tuple[str, Any]] = (),
    suchbegriffe: Iterable[str] = (),
    rechtsgrundlage: str = "",
    user: AbstractBaseUser | None = None,
    request: HttpRequest | None = None,
    benutzername: str = "",
) -> Pseudonymisierung:
    """Replace the personal data in every audit entry about the file `akte_id` by the file's pseudonym.

    Call it in the deletion's transaction, while the file's documents and procedures still exist (they are used to
    find the entries), or pass them in `objekte` as (objekt_typ, id) pairs. `suchbegriffe`: the person's names,
    AZR number and Aktenzeichen, so searches for them lose their term digest too. `rechtsgrundlage` is recorded (no
    personal data in it, e.g. "§ 91 AufenthG"). Idempotent: a second call finds nothing left and writes nothing.
    The chain and its checkpoints still verify afterwards.
    """
    name = pseudonym(akte_id)
    with transaction.atomic():
        auswahl = (
            Protokolleintrag.objects.filter(
                _auswahl(akte_id, objekte, suchbegriffe), pseudonymisiert_durch__isnull=True
            )
            .exclude(aktion__in=[Aktion.PSEUDONYMISIERUNG, Aktion.UEBERNAHME])
            .order_by("id")
        )
        ids = list(auswahl.select_for_update().values_list("id", flat=True))
        if not ids:
            return Pseudonymisierung(None, name, 0)
        nachweis = protokollieren(
            aktion=Aktion.PSEUDONYMISIERUNG,
            user=user,
            request=request,
            benutzername=benutzername,
            details={
                "pseudonym": name,
                "anzahl": len(ids),
                "summe": mengen_summe(ids),
                "rechtsgrundlage": rechtsgrundlage[:200],
            },
        )
        for start in range(0, len(ids), _STAPEL):
            Protokolleintrag.objects.filter(id__in=ids[start : start + _STAPEL]).update(
                aktenzeichen=name, details={}, personenbezug_salz="", pseudonymisiert_durch=nachweis.id
            )
    return Pseudonymisierung(nachweis.id, name, len(ids))

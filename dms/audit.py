"""Writing the audit trail: append-only entries in keyed hash chains, one chain per authority.

Each entry is sealed with an HMAC key the database never holds (`dms.protokoll.kette`) and linked to the previous
entry of its chain. Inserts into one chain are serialised by that chain's transaction-level advisory lock (no forks;
authorities do not wait for each other). A trigger refuses UPDATE/DELETE/TRUNCATE except a pseudonymisation;
checkpoints of every chain head go outside the database and `protokoll_pruefen` checks both (docs/protokoll.md).
"""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .access import Zugang, zugang
from .models.protokoll import Protokolleintrag
from .protokoll.kette import GENESIS_HASH, OHNE_BEHOERDE, kanonisch, schreibschluessel, versiegeln
from .protokoll.pruefung import Befund, kette_pruefen

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest

    from .models.akte import Akte

__all__ = ["GENESIS_HASH", "Aktion", "Befund", "client_ip", "im_auftrag_von", "kette_pruefen", "protokollieren"]

Aktion = Protokolleintrag.Aktion


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, normalised; None when absent or malformed (a forged header never breaks auditing)."""
    if request is None:
        return None
    kandidaten = [request.META.get("REMOTE_ADDR")]
    # Behind the reverse proxy REMOTE_ADDR is the proxy; trust X-Real-IP only when the proxy is known to overwrite it.
    if getattr(settings, "TRUST_X_REAL_IP", False):
        kandidaten.insert(0, request.META.get("HTTP_X_REAL_IP"))
    for roh in kandidaten:
        if roh:
            try:
                return str(ipaddress.ip_address(str(roh).strip()))
            except ValueError:
                continue
    return None


def _akte_zu(objekt: Any) -> Akte | None:
    """The file an object belongs to (the object itself, or its `akte` foreign key), if any."""
    if objekt is None:
        return None
    if objekt.__class__.__name__ == "Akte":
        return objekt
    if getattr(objekt, "akte_id", None) is not None:
        return objekt.akte
    return None


def im_auftrag_von(z: Zugang, akte: Akte | None, objekt: Any = None) -> int | None:
    """The absent colleague on whose behalf a substitute acts: she is responsible for the object or its file."""
    if not z.vertretene_ids:
        return None
    kandidaten = (getattr(objekt, "sachbearbeitung_id", None), getattr(akte, "sachbearbeitung_id", None))
    for kandidat in kandidaten:
        if kandidat is not None and kandidat in z.vertretene_ids:
            return kandidat
    return None


def protokollieren(
    *,
    aktion: str,
    user: AbstractBaseUser | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    objekt: Any = None,
    akte: Akte | None = None,
    im_auftrag_von_id: int | None = None,
    benutzername: str = "",
    details: dict[str, Any] | None = None,
) -> Protokolleintrag:
    """Append one entry. Call inside the use case's transaction so the entry and the change commit together.

    When the user substitutes for an absent colleague who is responsible for the file (or the object), the entry
    records that colleague in `im_auftrag_von` automatically, so every caller gets it without passing it.
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    angemeldet = user is not None and user.is_authenticated
    user_id = user.pk if user is not None and angemeldet else None
    if not benutzername and user is not None and angemeldet:
        benutzername = user.get_username()
    if akte is None:
        akte = _akte_zu(objekt)
    z = zugang(user) if angemeldet else None
    if im_auftrag_von_id is None and z is not None:
        im_auftrag_von_id = im_auftrag_von(z, akte, objekt)
    entry = Protokolleintrag(
        zeitpunkt=timezone.now(),
        user_id=user_id,
        benutzername=benutzername[:150],
        im_auftrag_von_id=im_auftrag_von_id,
        behoerde_id_wert=z.behoerde_id if z is not None else None,
        aktion=aktion,
        objekt_typ=objekt._meta.model_name if objekt is not None else "",
        objekt_id=str(objekt.pk)[:64] if objekt is not None else "",
        akte_id_wert=akte.pk if akte is not None else None,
        aktenzeichen=akte.aktenzeichen if akte is not None else "",
        ip_adresse=client_ip(request),
        # Stored as JSON and hashed as read back: normalise now (tuples, dates, non-string keys).
        details=json.loads(kanonisch(details or {})),
    )
    entry.kette = kette_fuer(z, akte, objekt)
    schluessel_id, key = schreibschluessel()
    # Opt-in (docs/security.md): a standalone entry (a read, a login) need not wait for the WAL flush; a database
    # crash may then lose the last fraction of a second of such entries, never corrupt the chain. Inside a use
    # case's transaction the change and its entry always commit together, synchronously.
    asynchron = not connection.in_atomic_block and not getattr(settings, "AUDIT_SYNCHRONOUS_COMMIT", True)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One round trip (migration dms 0006): the chain's advisory lock, its head, the next number and id.
            cursor.execute(
                "SELECT vorheriger, nummer, neue_id FROM dms_protokoll_kopf(%s, %s)", [entry.kette, asynchron]
            )
            vorheriger, nummer, neue_id = cursor.fetchone()
        entry.id = neue_id
        entry.nummer = nummer
        entry.vorheriger_hash = vorheriger or GENESIS_HASH
        versiegeln(entry, schluessel_id, key)
        entry.save(force_insert=True)
    return entry


def kette_fuer(z: Zugang | None, akte: Akte | None, objekt: Any) -> int:
    """The chain an entry joins: the acting user's authority, else the file's or the object's, else the one without.

    One user's entries (and so one use case's) stay in one chain, so a transaction takes one chain lock.
    """
    if z is not None and z.behoerde_id is not None:
        return z.behoerde_id
    for quelle in (akte, objekt):
        behoerde_id = getattr(quelle, "behoerde_id", None)
        if isinstance(behoerde_id, int):
            return behoerde_id
    return OHNE_BEHOERDE

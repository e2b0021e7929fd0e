"""Writing and checking the hash-chained, append-only audit trail.

Each entry stores the hash of the previous entry and its own hash over its content plus that previous hash.
Inserts are serialised by a transaction-level advisory lock so the chain has no forks. A database trigger
(migration dms 0002) refuses UPDATE and DELETE on the table; `protokoll_pruefen` re-computes the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from .access import zugang
from .models.protokoll import Protokolleintrag

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest

    from .models.akte import Akte

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 4711_0001

Aktion = Protokolleintrag.Aktion


def _entry_hash(fields: dict[str, Any], vorheriger_hash: str) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{vorheriger_hash}|{payload}".encode()).hexdigest()


def _hashed_fields(e: Protokolleintrag) -> dict[str, Any]:
    return {
        "zeitpunkt": e.zeitpunkt.isoformat(),
        "user_id": e.user_id,
        "benutzername": e.benutzername,
        "im_auftrag_von_id": e.im_auftrag_von_id,
        "behoerde_id": e.behoerde_id_wert,
        "aktion": e.aktion,
        "objekt_typ": e.objekt_typ,
        "objekt_id": e.objekt_id,
        "akte_id": e.akte_id_wert,
        "aktenzeichen": e.aktenzeichen,
        "ip_adresse": e.ip_adresse,
        "details": e.details,
    }


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the reverse proxy REMOTE_ADDR is the proxy; it is configured to overwrite X-Real-IP.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


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
    """Append one entry. Call inside the use case's transaction so the entry and the change commit together."""
    if user is None and request is not None:
        user = request.user
    user_id = user.pk if user is not None and user.is_authenticated else None
    if not benutzername and user is not None and user.is_authenticated:
        benutzername = user.get_username()
    if akte is None and objekt is not None and objekt.__class__.__name__ == "Akte":
        akte = objekt
    entry = Protokolleintrag(
        zeitpunkt=timezone.now(),
        user_id=user_id,
        benutzername=benutzername[:150],
        im_auftrag_von_id=im_auftrag_von_id,
        behoerde_id_wert=zugang(user).behoerde_id if user is not None else None,
        aktion=aktion,
        objekt_typ=objekt._meta.model_name if objekt is not None else "",
        objekt_id=str(objekt.pk) if objekt is not None else "",
        akte_id_wert=akte.pk if akte is not None else None,
        aktenzeichen=akte.aktenzeichen if akte is not None else "",
        ip_adresse=client_ip(request),
        details=details or {},
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = Protokolleintrag.objects.order_by("-id").values_list("hash", flat=True).first()
        entry.vorheriger_hash = last or GENESIS_HASH
        entry.hash = _entry_hash(_hashed_fields(entry), entry.vorheriger_hash)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class Befund:
    eintrag_id: int
    grund: str


def kette_pruefen(batch_size: int = 5000) -> Iterator[Befund]:
    """Yield every entry whose content or link to its predecessor does not match."""
    vorheriger = GENESIS_HASH
    for e in Protokolleintrag.objects.order_by("id").iterator(chunk_size=batch_size):
        if e.vorheriger_hash != vorheriger:
            yield Befund(e.id, "Verkettung unterbrochen: ein vorheriger Eintrag wurde entfernt oder verändert")
        if _entry_hash(_hashed_fields(e), e.vorheriger_hash) != e.hash:
            yield Befund(e.id, "Inhalt verändert: der gespeicherte Hash passt nicht zum Inhalt")
        vorheriger = e.hash

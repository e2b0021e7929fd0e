"""Writing and checking the hash-chained, append-only audit trail.

Each entry stores the hash of the previous entry and its own hash over its content plus that previous hash.
Inserts are serialised by a transaction-level advisory lock so the chain has no forks. A database trigger
(migration dms 0002) refuses UPDATE and DELETE on the table; `protokoll_pruefen` re-computes the chain.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .access import Zugang, zugang
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
    user_id = user.pk if angemeldet else None
    if not benutzername and angemeldet:
        benutzername = user.get_username()  # type: ignore[union-attr]
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
        details=details or {},
    )
    # Opt-in (docs/security.md): a standalone entry (a read, a login) need not wait for the WAL flush; a database
    # crash may then lose the last fraction of a second of such entries, never corrupt the chain. Inside a use
    # case's transaction the change and its entry always commit together, synchronously.
    asynchron = not connection.in_atomic_block and not getattr(settings, "AUDIT_SYNCHRONOUS_COMMIT", True)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One round trip: advisory lock (no forks in the chain), then the last hash (migration dms 0004).
            cursor.execute("SELECT dms_protokoll_vorgaenger(%s::bigint, %s)", [_ADVISORY_LOCK_KEY, asynchron])
            zeile = cursor.fetchone()
        entry.vorheriger_hash = zeile[0] if zeile and zeile[0] else GENESIS_HASH
        entry.hash = _entry_hash(_hashed_fields(entry), entry.vorheriger_hash)
        entry.save(force_insert=True)
    return entry


_MAX_LUECKE = 100


@dataclass(frozen=True)
class Befund:
    eintrag_id: int
    grund: str


def kette_pruefen(batch_size: int = 5000) -> Iterator[Befund]:
    """Yield every entry whose content or link to its predecessor does not match.

    An altered entry fails its own hash. A removed entry breaks the link of its successor; the successor is named,
    and so are the missing ids when they fall between two entries (ids can also skip after a rolled-back
    transaction, so a gap alone is no finding, only a gap together with a broken link).
    """
    vorheriger = GENESIS_HASH
    vorherige_id = 0
    for e in Protokolleintrag.objects.order_by("id").iterator(chunk_size=batch_size):
        if e.vorheriger_hash != vorheriger:
            if vorherige_id and e.id > vorherige_id + 1:
                fehlend = range(vorherige_id + 1, e.id)
                for eintrag_id in fehlend[:_MAX_LUECKE]:
                    yield Befund(eintrag_id, f"Eintrag entfernt: Eintrag {e.id} verweist auf einen anderen Vorgänger")
                if len(fehlend) > _MAX_LUECKE:
                    yield Befund(e.id, f"Verkettung unterbrochen: {len(fehlend)} Einträge davor fehlen")
            else:
                yield Befund(e.id, "Verkettung unterbrochen: der vorherige Eintrag wurde entfernt oder verändert")
        if _entry_hash(_hashed_fields(e), e.vorheriger_hash) != e.hash:
            yield Befund(e.id, "Inhalt verändert: der gespeicherte Hash passt nicht zum Inhalt")
        vorheriger = e.hash
        vorherige_id = e.id

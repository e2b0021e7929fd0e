"""The keyed hash of an entry, its personal part's digest, and the keys (from settings, never from the database).

hash = HMAC-SHA256(key[schluessel_id], vorheriger_hash | schluessel_id | JSON(fields)), where the fields are every
column except the personal part (aktenzeichen, details); those enter only as a salted SHA-256 digest
(`personenbezug_digest`). Pseudonymisation replaces the personal part and drops the salt but keeps the digest, so
the hash still verifies and nobody, not even a key holder, can recover or confirm the erased text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from dms.models.protokoll import Protokolleintrag

GENESIS_HASH = "0" * 64
OHNE_BEHOERDE = 0
"""The chain of entries without an authority (failed logins, system work without a file)."""


class SchluesselFehlt(LookupError):
    """An entry or checkpoint names a key id that is not configured (AUDIT_HMAC_KEYS)."""


def schluessel(schluessel_id: str) -> bytes:
    try:
        return settings.AUDIT_HMAC_KEYS[schluessel_id].encode()
    except KeyError:
        raise SchluesselFehlt(schluessel_id) from None


def schreibschluessel() -> tuple[str, bytes]:
    """The id and key new entries and checkpoints are sealed with."""
    return settings.AUDIT_HMAC_WRITE_KEY_ID, schluessel(settings.AUDIT_HMAC_WRITE_KEY_ID)


def kanonisch(daten: Any) -> str:
    return json.dumps(daten, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def personenbezug_digest(salz: str, aktenzeichen: str, details: Any) -> str:
    payload = kanonisch({"aktenzeichen": aktenzeichen, "details": details})
    return hashlib.sha256(bytes.fromhex(salz) + payload.encode()).hexdigest()


def _felder(e: Protokolleintrag) -> dict[str, Any]:
    return {
        "id": e.id,
        "kette": e.kette,
        "nummer": e.nummer,
        "zeitpunkt": e.zeitpunkt.isoformat(),
        "user_id": e.user_id,
        "benutzername": e.benutzername,
        "im_auftrag_von_id": e.im_auftrag_von_id,
        "behoerde_id": e.behoerde_id_wert,
        "aktion": e.aktion,
        "objekt_typ": e.objekt_typ,
        "objekt_id": e.objekt_id,
        "akte_id": e.akte_id_wert,
        "ip_adresse": e.ip_adresse,
        "personenbezug": e.personenbezug_digest,
    }


def eintrag_hash(e: Protokolleintrag, key: bytes) -> str:
    return mac(key, f"{e.vorheriger_hash}|{e.schluessel_id}|{kanonisch(_felder(e))}")


def versiegeln(e: Protokolleintrag, schluessel_id: str, key: bytes) -> None:
    """Give a new entry (id, chain, number and link already set) its salt, digest, key id and hash."""
    e.personenbezug_salz = secrets.token_hex(16)
    e.personenbezug_digest = personenbezug_digest(e.personenbezug_salz, e.aktenzeichen, e.details)
    e.schluessel_id = schluessel_id
    e.hash = eintrag_hash(e, key)


def pseudonym(akte_id: int) -> str:
    """The same pseudonym for every entry of one file, so Revision can still group them; no clear text in it."""
    _, key = schreibschluessel()
    return "PS-" + mac(key, f"pseudonym:akte:{akte_id}")[:16].upper()


def mengen_summe(ids: Any) -> str:
    """An order-independent digest of a set of entry ids (what a pseudonymisation record vouches for)."""
    summe = 0
    for eintrag_id in ids:
        summe = (summe + int(hashlib.sha256(str(eintrag_id).encode()).hexdigest()[:16], 16)) % 2**64
    return f"{summe:016x}"

"""RFC 3161 time-stamps for checkpoints (optional, AUDIT_TSA_URL): the TSA signs SHA-256 of the checkpoint's MAC.

The token is stored with the checkpoint; its imprint is compared on every check. The TSA's signature is verified
with its certificate outside the application (`openssl ts -verify`, docs/protokoll.md).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from asn1crypto import cms, core, tsp

_ZEITLIMIT = 20


class ZeitstempelFehler(RuntimeError):
    """No usable token (the message says why, in German)."""


def imprint(mac: str) -> bytes:
    return hashlib.sha256(mac.encode()).digest()


def zeitstempel_holen(url: str, mac: str) -> dict[str, str]:
    """Ask the TSA for a token over the checkpoint's MAC; ZeitstempelFehler (German) when there is none."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ZeitstempelFehler("AUDIT_TSA_URL muss eine http(s)-Adresse sein.")
    nonce = secrets.randbits(63)
    anfrage = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": imprint(mac)},
            "nonce": nonce,
            "cert_req": True,
        }
    )
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=anfrage.dump(), headers={"Content-Type": "application/timestamp-query"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=_ZEITLIMIT) as antwort:  # noqa: S310
            roh = antwort.read(1_000_000)
    except (urllib.error.URLError, OSError) as exc:
        raise ZeitstempelFehler(f"Zeitstempeldienst {url} nicht erreichbar: {exc}") from exc
    try:
        # The status first, on its own: a refusal carries no token, which asn1crypto's TimeStampResp insists on.
        status = tsp.PKIStatusInfo.load(core.Sequence.load(roh)[0].dump())["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise ZeitstempelFehler(f"Zeitstempeldienst {url} lehnt ab: {status}")
        token = tsp.TimeStampResp.load(roh)["time_stamp_token"]
        info = _tst_info(token)
        if info["message_imprint"]["hashed_message"].native != imprint(mac) or info["nonce"].native != nonce:
            raise ZeitstempelFehler(f"Zeitstempeldienst {url}: Antwort gehört nicht zu dieser Anfrage")
        zeit = info["gen_time"].native.isoformat()
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ZeitstempelFehler(f"Zeitstempeldienst {url}: Antwort nicht lesbar ({exc.__class__.__name__})") from exc
    return {"tsa": url, "zeit": zeit, "token": base64.b64encode(token.dump()).decode()}


def _tst_info(token: cms.ContentInfo) -> tsp.TSTInfo:
    return token["content"]["encap_content_info"]["content"].parsed


def passt_zum_mac(zeitstempel: dict[str, str], mac: str) -> bool:
    """Whether a stored token is about this MAC (the imprint; the signature is checked with openssl)."""
    try:
        token = cms.ContentInfo.load(base64.b64decode(zeitstempel["token"]))
        return _tst_info(token)["message_imprint"]["hashed_message"].native == imprint(mac)
    except (ValueError, KeyError, TypeError):
        return False

"""RFC 3161 time-stamps for seals and qualified signatures (ZEITSTEMPEL_URL; empty: no time-stamps).

A time-stamp proves that a signature existed at a time, so it still counts after its certificate has expired or
been revoked. It is a CAdES signature time-stamp: the TSA signs the SHA-256 of the signature value, and the token
is an unsigned attribute of the signer info (the seal's signature stays valid when it is added later).

When the TSA fails, nothing is lost: the authority's seal is made inside the filing transaction WITHOUT network
calls, and its time-stamp is fetched after the commit by the Celery task `dms.gericht.siegel_zeitstempeln`
(retries with back-off). A seal still without a time-stamp (`zeitstempel_am` empty) is picked up by the beat job
`dms.gericht.zeitstempel_nachholen`. Every failure writes a warning line to the log `dms.gericht` and its reason
into `Siegel.zeitstempel_fehler`. A qualified signature gets its time-stamp when the task `dms.gericht.qes_abschliessen`
embeds it; if the TSA fails then, it is stored without one and the same retry adds a PDF document time-stamp.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import urlsplit

from asn1crypto import cms, tsp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError

from dms.audit import Aktion, protokollieren

from .asynchron import ausfuehren
from .models import Siegel

logger = logging.getLogger("dms.gericht")

AUFGABE_ZEITSTEMPELN = "dms.gericht.siegel_zeitstempeln"
AUFGABE_NACHHOLEN = "dms.gericht.zeitstempel_nachholen"
NACHHOLEN_HOECHSTENS = 200


class ZeitstempelFehler(RuntimeError):
    """No usable time-stamp token (the message says why, in German)."""


class Zeitstempler(TimeStamper):
    """pyHanko's TimeStamper speaking RFC 3161 over HTTP POST (urllib; nonce and status checked by pyHanko)."""

    def __init__(self, url: str, zeitlimit: float) -> None:
        super().__init__(include_nonce=True)
        self.url = url
        self.zeitlimit = zeitlimit

    def _senden(self, anfrage: tsp.TimeStampReq) -> tsp.TimeStampResp:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in zeitstempler()
            self.url, data=anfrage.dump(), headers={"Content-Type": "application/timestamp-query"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.zeitlimit) as antwort:  # noqa: S310
            return tsp.TimeStampResp.load(antwort.read(1_000_000))

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return await asyncio.to_thread(self._senden, req)


def zeitstempel_konfiguriert() -> bool:
    return bool(getattr(settings, "ZEITSTEMPEL_URL", ""))


def zeitstempler() -> Zeitstempler | None:
    url = getattr(settings, "ZEITSTEMPEL_URL", "")
    if not url:
        return None
    if urlsplit(url).scheme not in ("http", "https"):
        raise ZeitstempelFehler("ZEITSTEMPEL_URL muss eine http(s)-Adresse sein.")
    return Zeitstempler(url, settings.ZEITSTEMPEL_ZEITLIMIT)


async def token_holen(stempler: TimeStamper, signaturwert: bytes) -> cms.ContentInfo:
    """A token over SHA-256 of a signature value; ZeitstempelFehler (German) when the TSA gives none."""
    try:
        return await stempler.async_timestamp(hashlib.sha256(signaturwert).digest(), "sha256")
    except (OSError, urllib.error.URLError, TimestampRequestError, ValueError, KeyError, TypeError) as exc:
        raise ZeitstempelFehler(f"Zeitstempeldienst nicht nutzbar: {type(exc).__name__}: {exc}"[:300]) from exc


def token_zeit(token: cms.ContentInfo) -> datetime:
    info = token["content"]["encap_content_info"]["content"].parsed
    zeit: datetime = info["gen_time"].native
    return zeit


def signatur_zeitstempeln(signatur: bytes, stempler: TimeStamper) -> tuple[bytes, datetime]:
    """Add a signature time-stamp token to a detached CMS signature (its signed part is left untouched)."""
    inhalt = cms.ContentInfo.load(signatur)
    signer_info = inhalt["content"]["signer_infos"][0]
    token = ausfuehren(token_holen(stempler, signer_info["signature"].native))
    attribut = cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})
    bisher = list(signer_info["unsigned_attrs"]) if signer_info["unsigned_attrs"].native else []
    signer_info["unsigned_attrs"] = cms.CMSAttributes([*bisher, attribut])
    return inhalt.dump(force=True), token_zeit(token)


def nachweis_zeitstempeln(pdf: bytes, stempler: TimeStamper) -> tuple[bytes, datetime]:
    """A PDF document time-stamp appended to a signed Übereinstimmungsnachweis (an incremental update)."""
    ausgabe = io.BytesIO()
    try:
        ausfuehren(
            signers.PdfTimeStamper(stempler, field_name="Zeitstempel").async_timestamp_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf)), "sha256", output=ausgabe
            )
        )
    except (OSError, urllib.error.URLError, TimestampRequestError, ValueError) as exc:
        raise ZeitstempelFehler(f"Zeitstempeldienst nicht nutzbar: {type(exc).__name__}: {exc}"[:300]) from exc
    return ausgabe.getvalue(), timezone.now()


def siegel_zeitstempeln(siegel_id: int) -> bool:
    """Fetch and add the time-stamp of one seal; True when it has one now. Idempotent (a stamped seal is left
    alone). Raises ZeitstempelFehler after recording the failure, so the Celery task can retry."""
    stempler = zeitstempler()
    if stempler is None:
        return False
    siegel = Siegel.objects.select_related("version__dokument").filter(pk=siegel_id).first()
    if siegel is None or siegel.zeitstempel_am is not None:
        return siegel is not None
    try:
        if siegel.nachweis:
            nachweis, zeit = nachweis_zeitstempeln(bytes(siegel.nachweis), stempler)
            felder = {"nachweis": nachweis}
        else:
            signatur, zeit = signatur_zeitstempeln(bytes(siegel.signatur), stempler)
            felder = {"signatur": signatur}
    except ZeitstempelFehler as exc:
        logger.warning("Zeitstempel für Siegel %s fehlgeschlagen, wird nachgeholt: %s", siegel_id, exc)
        Siegel.objects.filter(pk=siegel_id).update(zeitstempel_fehler=str(exc)[:300])
        raise
    with transaction.atomic():
        # Only a seal still without a time-stamp is updated (two retries never stamp twice).
        if not Siegel.objects.filter(pk=siegel_id, zeitstempel_am__isnull=True).update(
            zeitstempel_am=zeit, zeitstempel_fehler="", **felder
        ):
            return True
        protokollieren(
            aktion=Aktion.AENDERN,
            user=None,
            objekt=siegel,
            akte=siegel.version.dokument.akte,
            details={"zeitstempel": zeit.isoformat(), "tsa": stempler.url},
        )
    return True


def zeitstempel_nachholen() -> int:
    """The beat job: every seal still without a time-stamp (oldest first, a bounded batch); how many got one."""
    if not zeitstempel_konfiguriert():
        return 0
    erledigt = 0
    offen = Siegel.objects.filter(zeitstempel_am__isnull=True).order_by("pk").values_list("pk", flat=True)
    for siegel_id in list(offen[:NACHHOLEN_HOECHSTENS]):
        try:
            erledigt += siegel_zeitstempeln(siegel_id)
        except ZeitstempelFehler:
            break  # the TSA is down: the next run tries again
    return erledigt

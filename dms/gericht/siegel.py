"""Sealed scans (Übereinstimmungsvermerk): the transfer note of a scanned document is bound to the ORIGINAL's bytes
by a detached CMS signature made with pyHanko.

What is signed: canonical JSON of the version's id, the SHA-256 of the stored original and the transfer note. The
check recomputes the hash from the bytes in storage NOW, so one changed byte of the original makes the signature
"ungültig" (the CMS message digest no longer matches), as does a signer certificate outside the configured trust
anchors.

Two kinds: the authority's advanced seal, made here with the key in SIEGEL_PKCS12 (a software key; an HSM would
plug in as a pyHanko PKCS#11 signer), and a qualified signature of the responsible person made by an external
signing service (`qes.py`, an adapter; no real trust service is reachable from this system).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asn1crypto import cms, pem, x509
from django.conf import settings
from django.db import transaction
from pyhanko.sign import signers
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

from dms.audit import Aktion, protokollieren
from dms.models import Dokument, DokumentVersion

from .models import Siegel

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger("dms.gericht")

GESCANNT = frozenset({Dokument.Quelle.POSTEINGANG, Dokument.Quelle.ALTAKTE})


def _original_sha256(version: DokumentVersion) -> str:
    digest = hashlib.sha256()
    with version.original.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def signierte_daten(version: DokumentVersion, sha256: str) -> bytes:
    """The bytes the seal covers (deterministic)."""
    inhalt = {"version": str(version.uuid), "sha256_original": sha256, "transfervermerk": version.transfervermerk}
    return json.dumps(inhalt, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def bestaetigt_von(vermerk: dict[str, Any]) -> str:
    """Who vouches for the scan: the legacy provider's operator, else who delivered/assigned the mail item."""
    for feld in ("operator", "eingeliefert_von", "importiert_von"):
        if vermerk.get(feld):
            return str(vermerk[feld])[:300]
    return "Poststelle"


@lru_cache(maxsize=4)
def _siegel_signer(pfad: str, passwort: str) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=pfad, passphrase=passwort.encode() or None)
    if signer is None:
        raise RuntimeError("SIEGEL_PKCS12 konnte nicht geladen werden.")
    return signer


def _zertifikat_name(signer: signers.Signer) -> str:
    zertifikat = signer.signing_cert
    return str(zertifikat.subject.human_friendly)[:300] if zertifikat is not None else ""


def siegel_konfiguriert() -> bool:
    return bool(getattr(settings, "SIEGEL_PKCS12", ""))


def signatur_erstellen(signer: signers.Signer, daten: bytes) -> bytes:
    inhalt = asyncio.run(signer.async_sign_general_data(daten, "sha256", detached=True))
    return bytes(inhalt.dump())


def scan_versiegeln(*, version: DokumentVersion, user: User | None = None) -> Siegel | None:
    """Seal the transfer note of a scanned version with the authority's seal; None when no seal key is configured
    (the page then shows no confirmation rather than a false one)."""
    if not siegel_konfiguriert():
        return None
    signer = _siegel_signer(settings.SIEGEL_PKCS12, settings.SIEGEL_PASSWORT)
    daten = signierte_daten(version, _original_sha256(version))
    return siegel_speichern(
        version=version,
        art=Siegel.Art.SIEGEL,
        daten=daten,
        signatur=signatur_erstellen(signer, daten),
        unterzeichner=_zertifikat_name(signer),
        user=user,
    )


def siegel_speichern(
    *,
    version: DokumentVersion,
    art: str,
    daten: bytes,
    signatur: bytes,
    unterzeichner: str,
    user: User | None,
    bestaetigt: str = "",
) -> Siegel:
    with transaction.atomic():
        siegel = Siegel.objects.create(
            version=version,
            art=art,
            signiert_daten=daten,
            signatur=signatur,
            unterzeichner=unterzeichner,
            bestaetigt_von=bestaetigt or bestaetigt_von(version.transfervermerk),
        )
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=user,
            objekt=siegel,
            akte=version.dokument.akte,
            details={"version": version.nummer, "art": art},
        )
    return siegel


@lru_cache(maxsize=4)
def _vertrauensanker(pfade: tuple[str, ...]) -> tuple[x509.Certificate, ...]:
    anker: list[x509.Certificate] = []
    for pfad in pfade:
        daten = Path(pfad).read_bytes()
        if pem.detect(daten):
            _, _, daten = pem.unarmor(daten)
        anker.append(x509.Certificate.load(daten))
    return tuple(anker)


def signatur_gueltig(daten: bytes, signatur: bytes) -> bool:
    """Intact (digest matches), cryptographically valid and chaining to a configured trust anchor."""
    anker = _vertrauensanker(tuple(getattr(settings, "SIEGEL_VERTRAUENSANKER", [])))
    try:
        signed_data = cms.ContentInfo.load(signatur)["content"]
        kontext = ValidationContext(trust_roots=list(anker), allow_fetching=False)
        status = asyncio.run(async_validate_detached_cms(daten, signed_data, signer_validation_context=kontext))
    except Exception:  # a damaged signature is an invalid one, never a server error
        logger.warning("Siegelprüfung fehlgeschlagen", exc_info=True)
        return False
    return bool(status.intact and status.valid and status.trusted)


@dataclass(frozen=True)
class Siegelpruefung:
    art: str
    bestaetigt_von: str
    unterzeichner: str
    am: datetime
    gueltig: bool


def siegel_pruefen(version: DokumentVersion) -> list[Siegelpruefung]:
    """Every seal of the version, checked against the stored bytes as they are now."""
    siegel = list(version.siegel.all())
    if not siegel:
        return []
    daten = signierte_daten(version, _original_sha256(version))
    return [
        Siegelpruefung(
            art=s.get_art_display(),
            bestaetigt_von=s.bestaetigt_von,
            unterzeichner=s.unterzeichner,
            am=s.angelegt_am,
            gueltig=bytes(s.signiert_daten) == daten and signatur_gueltig(daten, bytes(s.signatur)),
        )
        for s in siegel
    ]

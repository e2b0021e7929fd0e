"""Sealed scans (Übereinstimmungsvermerk): the transfer note of a scanned document is bound to the ORIGINAL's bytes
by a detached CMS signature made with pyHanko.

What is signed: canonical JSON of the version's id, the SHA-256 of the stored original and the transfer note. The
check recomputes the hash from the bytes in storage NOW, so one changed byte of the original makes the signature
"ungültig" (the CMS message digest no longer matches), as does a signer certificate outside the configured trust
anchors or one that the embedded validation data show as revoked. Validation data (LTV) are embedded after the
time-stamp (`langzeit.py`); the check never fetches anything.

Two kinds: the authority's advanced seal, made here with the key in SIEGEL_PKCS12 (a software key; an HSM would
plug in as a pyHanko PKCS#11 signer), and a qualified signature of the responsible person made by an external
signing service (`qes.py`, an adapter; no real trust service is reachable from this system).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from asn1crypto import cms
from django.conf import settings
from django.db import transaction
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.status import PdfSignatureStatus, StandardCMSSignatureStatus
from pyhanko_certvalidator import ValidationContext

from dms.audit import Aktion, protokollieren
from dms.models import Dokument, DokumentVersion

from . import archiv, langzeit
from .asynchron import ausfuehren
from .models import Siegel

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

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
    inhalt = ausfuehren(signer.async_sign_general_data(daten, "sha256", detached=True))
    return bytes(inhalt.dump())


def scan_versiegeln(*, version: DokumentVersion, user: User | None = None) -> Siegel | None:
    """Seal the transfer note of a scanned version with the authority's seal; None when no seal key is configured
    (the page then shows no confirmation rather than a false one)."""
    if not siegel_konfiguriert():
        return None
    signer = _siegel_signer(settings.SIEGEL_PKCS12, settings.SIEGEL_PASSWORT)
    daten = signierte_daten(version, _original_sha256(version))
    siegel = siegel_speichern(
        version=version,
        art=Siegel.Art.SIEGEL,
        daten=daten,
        signatur=signatur_erstellen(signer, daten),
        unterzeichner=_zertifikat_name(signer),
        user=user,
    )
    langzeit.nachbearbeitung_einreihen(siegel.pk)
    return siegel


def siegel_speichern(
    *,
    version: DokumentVersion,
    art: str,
    daten: bytes,
    signatur: bytes,
    unterzeichner: str,
    user: User | None,
    bestaetigt: str = "",
    nachweis: bytes = b"",
    zeitstempel_am: datetime | None = None,
    zeitstempel_fehler: str = "",
    request: HttpRequest | None = None,
) -> Siegel:
    with transaction.atomic():
        siegel = Siegel.objects.create(
            version=version,
            art=art,
            signiert_daten=daten,
            signatur=signatur,
            unterzeichner=unterzeichner,
            bestaetigt_von=bestaetigt or bestaetigt_von(version.transfervermerk),
            nachweis=nachweis,
            zeitstempel_am=zeitstempel_am,
            zeitstempel_fehler=zeitstempel_fehler[:300],
        )
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=user,
            request=request,
            objekt=siegel,
            akte=version.dokument.akte,
            details={"version": version.nummer, "art": art, "zeitstempel": zeitstempel_am is not None},
        )
    return siegel


@dataclass(frozen=True)
class Pruefergebnis:
    gueltig: bool
    zeitstempel: datetime | None = None  # time of a VALID time-stamp token (None: none, or not valid)
    langzeit: bool = False  # long-term verifiable offline (embedded validation data, `langzeit.py`)


def _ergebnis(p: langzeit.Langzeitpruefung) -> Pruefergebnis:
    return Pruefergebnis(p.gueltig, p.zeitstempel, p.langzeit)


def cms_pruefen(daten: bytes, signatur: bytes) -> Pruefergebnis:
    """Intact (digest matches), cryptographically valid and chaining to a configured trust anchor, with no
    revocation shown by the embedded data; the time of its signature time-stamp when that is valid too; long-term
    verifiable when the embedded data suffice with revocation checking required. Nothing is fetched."""
    try:
        signed_data = cms.ContentInfo.load(signatur)["content"]

        async def validieren(signer: ValidationContext, tsa: ValidationContext) -> StandardCMSSignatureStatus:
            return await async_validate_detached_cms(
                daten, signed_data, signer_validation_context=signer, ts_validation_context=tsa
            )

        ergebnis = langzeit.pruefen(
            validieren,
            langzeit.cms_validierungsdaten(signed_data),
            langzeit.signaturzeitstempel(signed_data["signer_infos"][0]),
            langzeit.signatur_ok,
            lambda status: langzeit.ts_gueltig(status.timestamp_validity),
        )
    except Exception:  # a damaged signature is an invalid one, never a server error
        logger.warning("Siegelprüfung fehlgeschlagen", exc_info=True)
        return Pruefergebnis(False)
    return _ergebnis(ergebnis)


def signatur_gueltig(daten: bytes, signatur: bytes) -> bool:
    return cms_pruefen(daten, signatur).gueltig


NACHWEIS_SCHLUESSEL = "/Uebereinstimmungsdaten"


def _nachweis_zeit(leser: PdfFileReader, signatur: EmbeddedPdfSignature) -> datetime | None:
    """The signature time-stamp's time, else (a QES whose TSA was down) that of the first document time-stamp
    that is valid."""
    zeit = langzeit.signaturzeitstempel(signatur.signer_info)
    if zeit is not None:
        return zeit
    kontext = langzeit.pdf_validierungsdaten(leser).kontext(langzeit.tsa_anker(), zeitpunkt=None, streng=False)
    for stempel in leser.embedded_timestamp_signatures:
        status = ausfuehren(async_validate_pdf_timestamp(stempel, validation_context=kontext))
        if status.intact and status.valid and status.trusted:
            return status.timestamp
    return None


def nachweis_pruefen(nachweis: bytes, daten: bytes) -> Pruefergebnis:
    """A PAdES-signed Übereinstimmungsnachweis: its first signature covers the whole file as signed, is valid and
    trusted (no revocation in its DSS), and the data it certifies (document info entry) are `daten` (the original's
    hash as it is now). Later revisions may only add time-stamps and validation data (pyHanko's difference
    analysis). A later document time-stamp counts as the time-stamp when the signature has none."""
    try:
        leser = PdfFileReader(io.BytesIO(nachweis))
        signaturen = leser.embedded_regular_signatures
        if len(signaturen) != 1 or str(leser.trailer_view["/Info"].get(NACHWEIS_SCHLUESSEL, "")) != daten.decode():
            return Pruefergebnis(False)
        signatur = signaturen[0]
        zeit = _nachweis_zeit(leser, signatur)
        eigener_stempel = langzeit.signaturzeitstempel(signatur.signer_info) is not None

        async def validieren(signer: ValidationContext, tsa: ValidationContext) -> PdfSignatureStatus:
            return await async_validate_pdf_signature(
                signatur, signer_validation_context=signer, ts_validation_context=tsa
            )

        def ok(status: PdfSignatureStatus) -> bool:
            aenderungen_ok = status.docmdp_ok or status.modification_level is None
            return langzeit.signatur_ok(status) and bool(aenderungen_ok)

        def stempel(status: PdfSignatureStatus) -> bool:
            # a document time-stamp's time was validated in _nachweis_zeit already
            return langzeit.ts_gueltig(status.timestamp_validity) if eigener_stempel else True

        ergebnis = langzeit.pruefen(validieren, langzeit.pdf_validierungsdaten(leser), zeit, ok, stempel)
    except Exception:  # a damaged PDF is an invalid certificate, never a server error
        logger.warning("Prüfung des Übereinstimmungsnachweises fehlgeschlagen", exc_info=True)
        return Pruefergebnis(False)
    return _ergebnis(ergebnis)


@dataclass(frozen=True)
class Siegelpruefung:
    id: int
    art: str
    bestaetigt_von: str
    unterzeichner: str
    am: datetime
    gueltig: bool
    zeitstempel: datetime | None
    hat_nachweis: bool
    langzeit: bool  # "Langzeitprüfbar (LTV): ja"
    archiv: archiv.Archivpruefung | None = None  # the archive time-stamps (None: none yet)


def siegel_pruefen(version: DokumentVersion) -> list[Siegelpruefung]:
    """Every seal of the version, checked against the stored bytes as they are now."""
    siegel = list(version.siegel.all())
    if not siegel:
        return []
    sha256 = _original_sha256(version)
    daten = signierte_daten(version, sha256)
    pruefungen = []
    for s in siegel:
        objekte = archiv.datenobjekte(s)
        objekte[0].bekannt("sha256", bytes.fromhex(sha256))  # the original is read once more only for another hash
        if s.nachweis:
            ergebnis = nachweis_pruefen(bytes(s.nachweis), daten)
        elif bytes(s.signiert_daten) == daten:
            ergebnis = cms_pruefen(daten, bytes(s.signatur))
        else:
            ergebnis = Pruefergebnis(False)
        pruefungen.append(
            Siegelpruefung(
                id=s.pk,
                art=s.get_art_display(),
                bestaetigt_von=s.bestaetigt_von,
                unterzeichner=s.unterzeichner,
                am=s.angelegt_am,
                gueltig=ergebnis.gueltig,
                zeitstempel=ergebnis.zeitstempel,
                hat_nachweis=bool(s.nachweis),
                langzeit=ergebnis.langzeit,
                archiv=archiv.pruefen(s, objekte),
            )
        )
    return pruefungen

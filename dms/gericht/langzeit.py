"""Long-term validation data (LTV) for seals and qualified signatures: what a verifier needs years later, offline.

A signature can only be checked while its certificate chain can be checked: the CA's certificates and whether the
signer's (and the TSA's) certificate was revoked. Years later the CA's CRL/OCSP service may be gone and the
certificates expired. So right after signing (after its RFC 3161 time-stamp) we fetch the revocation information
over HTTP from the addresses the certificates name (CRL distribution point, OCSP in the authority information access)
and EMBED it with the signature:

- the Übereinstimmungsnachweis (PAdES): a DSS dictionary (certificates, CRLs, OCSP responses; pyHanko's
  `DocumentSecurityStore`) as an incremental update = PAdES-B-LT, then a document time-stamp over it whose TSA
  chain is put into the DSS before it = PAdES-B-LTA;
- the authority's seal (a detached CMS, the original is never changed): the chain into `SignedData.certificates`,
  CRLs and OCSP responses into `SignedData.crls` (RevocationInfoChoices; OCSP as `id-ri-ocsp-response`), the
  unsigned part of the CMS, as CAdES-B-LT does.

The check (`pruefen`) never fetches: it builds pyhanko-certvalidator contexts from the embedded data only, at the
time of the signature's time-stamp (revocation data issued after it count, `retroactive_revinfo`). "Langzeitprüfbar
(LTV): ja" means: a valid time-stamp, and the signature is valid with revocation checking REQUIRED and nothing
fetched. A revocation that the embedded data show (revoked before the time-stamp) makes the signature invalid.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import cms, pem, x509
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.status import SignatureStatus, TimestampSignatureStatus
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError, ValidationError
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from dms import hintergrund
from dms.audit import Aktion, protokollieren

from .asynchron import ausfuehren
from .models import Siegel
from .zeitstempel import AUFGABE_ZEITSTEMPELN, token_zeit, zeitstempel_konfiguriert, zeitstempler

logger = logging.getLogger("dms.gericht")

LTV_HOECHSTENS = 6  # tries per seal (the task, then the beat job) before it is left without LTV data
NACHHOLEN_HOECHSTENS = 200
GESPERRT = "Ein Zertifikat der Signatur ist gesperrt (widerrufen)."


class LtvFehler(RuntimeError):
    """No complete validation data (the message says why, in German)."""


def ltv_aktiv() -> bool:
    return bool(getattr(settings, "SIEGEL_LTV", True))


@lru_cache(maxsize=8)
def _anker(pfade: tuple[str, ...]) -> tuple[x509.Certificate, ...]:
    anker: list[x509.Certificate] = []
    for pfad in pfade:
        daten = Path(pfad).read_bytes()
        if pem.detect(daten):
            _, _, daten = pem.unarmor(daten)
        anker.append(x509.Certificate.load(daten))
    return tuple(anker)


def siegel_anker() -> list[x509.Certificate]:
    return list(_anker(tuple(getattr(settings, "SIEGEL_VERTRAUENSANKER", []))))


def tsa_anker() -> list[x509.Certificate]:
    return list(_anker(tuple(getattr(settings, "ZEITSTEMPEL_VERTRAUENSANKER", []))))


# ---------------------------------------------------------------------------------------------------------------
# Collecting (online, after signing)


@dataclass
class Validierungsdaten:
    """Certificates, CRLs and OCSP responses that let a verifier check a signature without the network."""

    zertifikate: list[x509.Certificate] = field(default_factory=list)
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    ocsps: list[asn1_ocsp.OCSPResponse] = field(default_factory=list)

    @property
    def vorhanden(self) -> bool:
        return bool(self.crls or self.ocsps)

    def kontext(self, anker: list[x509.Certificate], *, zeitpunkt: datetime | None, streng: bool) -> ValidationContext:
        """A context that fetches nothing; `streng`: revocation data required (else only a known revocation fails)."""
        optionen: dict[str, Any] = {"moment": zeitpunkt} if zeitpunkt is not None else {}
        return ValidationContext(
            trust_roots=anker,
            other_certs=self.zertifikate,
            crls=self.crls,
            ocsps=self.ocsps,
            allow_fetching=False,
            revocation_mode="require" if streng else "soft-fail",
            retroactive_revinfo=True,
            **optionen,
        )


def _sammelkontext() -> ValidationContext:
    """Fetches CRLs/OCSP responses over HTTP for chains to the seal's or the TSA's anchors (the anchors decide
    nothing here: trust is decided by the check, with the two kept apart)."""
    return ValidationContext(
        trust_roots=siegel_anker() + tsa_anker(),
        allow_fetching=True,
        revocation_mode="require",
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=settings.ZEITSTEMPEL_ZEITLIMIT),
    )


async def _sammeln(signed_data: cms.SignedData, kontext: ValidationContext) -> tuple[list[x509.Certificate], str]:
    """Validate the signer's and the time-stamp authorities' chains with fetching (which caches what was fetched
    in `kontext`); the certificates of the paths and a German error ('' when complete). A revoked certificate is an
    error, but its revocation data are kept: they prove the revocation to every later check."""
    teile = [signed_data]
    signer_info = signed_data["signer_infos"][0]
    for signiert in (False, True):
        teile.extend(extract_tst_data_iter(signer_info, signed=signiert))
    zertifikate: list[x509.Certificate] = []
    fehler = ""
    for teil in teile:
        info = extract_certificate_info(teil)
        zertifikate.extend([info.signer_cert, *info.other_certs])
        validator = CertificateValidator(
            info.signer_cert, intermediate_certs=info.other_certs, validation_context=kontext
        )
        try:
            pfad = await validator.async_validate_usage(key_usage=set())
        except RevokedError:
            fehler = GESPERRT
        except PathBuildingError:
            fehler = fehler or "Die Zertifikatskette führt zu keinem konfigurierten Vertrauensanker."
        except (PathValidationError, ValidationError) as exc:
            fehler = fehler or f"Sperrinformationen nicht vollständig abrufbar: {exc}"[:300]
        else:
            zertifikate.extend(pfad.iter_certs(include_root=True))
    return _eindeutig(zertifikate), fehler


def _eindeutig(zertifikate: list[x509.Certificate]) -> list[x509.Certificate]:
    gesehen: dict[bytes, x509.Certificate] = {}
    for z in zertifikate:
        gesehen.setdefault(z.sha256, z)
    return list(gesehen.values())


def cms_ergaenzen(signatur: bytes) -> tuple[bytes, str]:
    """The detached CMS with its validation data embedded (CAdES-B-LT); the German error ('' when complete).
    The signed attributes and the signature value stay as they are."""
    inhalt = cms.ContentInfo.load(signatur)
    signed_data = inhalt["content"]
    kontext = _sammelkontext()
    zertifikate, fehler = ausfuehren(_sammeln(signed_data, kontext))
    if not (kontext.crls or kontext.ocsps):
        return signatur, fehler or "Die Zertifikate nennen keine Sperrliste und keinen OCSP-Dienst."
    bisher = cms_validierungsdaten(signed_data)
    alle = _eindeutig(bisher.zertifikate + zertifikate)
    signed_data["certificates"] = cms.CertificateSet([cms.CertificateChoices({"certificate": z}) for z in alle])
    auswahl = [cms.RevocationInfoChoice({"crl": c}) for c in [*bisher.crls, *kontext.crls]]
    auswahl += [
        cms.RevocationInfoChoice(
            {"other": cms.OtherRevocationInfoFormat({"other_rev_info_format": "ocsp_response", "other_rev_info": o})}
        )
        for o in [*bisher.ocsps, *kontext.ocsps]
    ]
    signed_data["crls"] = cms.RevocationInfoChoices(_ohne_doppelte(auswahl))
    signed_data["version"] = "v5" if bisher.ocsps or kontext.ocsps else signed_data["version"].native
    return inhalt.dump(force=True), fehler


def _ohne_doppelte(auswahl: list[cms.RevocationInfoChoice]) -> list[cms.RevocationInfoChoice]:
    return list({a.dump(): a for a in auswahl}.values())


def cms_validierungsdaten(signed_data: cms.SignedData) -> Validierungsdaten:
    """What a detached CMS carries for the check: its certificates, CRLs and OCSP responses."""
    daten = Validierungsdaten()
    for wahl in signed_data["certificates"] if signed_data["certificates"].native else []:
        if wahl.name == "certificate":
            daten.zertifikate.append(wahl.chosen)
    for wahl in signed_data["crls"] if signed_data["crls"].native else []:
        if wahl.name == "crl":
            daten.crls.append(wahl.chosen)
        elif wahl.chosen["other_rev_info_format"].native == "ocsp_response":
            wert = wahl.chosen["other_rev_info"]
            daten.ocsps.append(wert if isinstance(wert, asn1_ocsp.OCSPResponse) else wert.parse(asn1_ocsp.OCSPResponse))
    return daten


def nachweis_ergaenzen(pdf: bytes) -> tuple[bytes, str]:
    """The PAdES Übereinstimmungsnachweis with a DSS (B-LT) and, when a TSA is configured and the data are
    complete, a document time-stamp over it (B-LTA); the German error ('' when complete)."""
    leser = PdfFileReader(io.BytesIO(pdf))
    [signatur] = leser.embedded_regular_signatures
    kontext = _sammelkontext()
    zertifikate, fehler = ausfuehren(_sammeln(signatur.signed_data, kontext))
    if not (kontext.crls or kontext.ocsps):
        return pdf, fehler or "Die Zertifikate nennen keine Sperrliste und keinen OCSP-Dienst."
    ausgabe = io.BytesIO(pdf)
    DocumentSecurityStore.add_dss(
        ausgabe,
        signatur.pkcs7_content.hex().encode("ascii"),
        certs=zertifikate,
        ocsps=kontext.ocsps,
        crls=kontext.crls,
    )
    stempler = zeitstempler()
    if fehler or stempler is None:
        return ausgabe.getvalue(), fehler
    archiv = io.BytesIO()
    try:
        ausfuehren(
            signers.PdfTimeStamper(stempler, field_name="Archivzeitstempel").async_timestamp_pdf(
                IncrementalPdfFileWriter(io.BytesIO(ausgabe.getvalue())),
                "sha256",
                validation_context=kontext,
                output=archiv,
            )
        )
    except Exception as exc:  # the TSA or its chain: B-LT stays, the archive time-stamp is missing
        logger.warning("Archivzeitstempel (PAdES-B-LTA) fehlgeschlagen: %s", exc)
        return ausgabe.getvalue(), f"Archivzeitstempel fehlgeschlagen: {type(exc).__name__}"[:300]
    return archiv.getvalue(), ""


def pdf_validierungsdaten(leser: PdfFileReader) -> Validierungsdaten:
    try:
        dss = DocumentSecurityStore.read_dss(leser)
    except NoDSSFoundError:
        return Validierungsdaten()
    return Validierungsdaten(
        list(dss.load_certs()),
        [asn1_crl.CertificateList.load(_strom(r).read_data(DecodePurpose.CRL)) for r in dss.crls],
        [asn1_ocsp.OCSPResponse.load(_strom(r).read_data(DecodePurpose.OCSP_RESPONSE)) for r in dss.ocsps],
    )


def _strom(verweis: Any) -> generic.StreamObject:
    strom = verweis.get_object()
    if not isinstance(strom, generic.StreamObject):
        raise ValueError("DSS-Eintrag ist kein Datenstrom")
    return strom


# ---------------------------------------------------------------------------------------------------------------
# The check (offline)


@dataclass(frozen=True)
class Langzeitpruefung:
    gueltig: bool
    langzeit: bool  # long-term verifiable: valid with embedded revocation data only, at the time-stamp's time
    zeitstempel: datetime | None  # time of a VALID time-stamp (None: none, or not valid)


def ts_gueltig(status: TimestampSignatureStatus | None) -> bool:
    return status is not None and bool(status.intact and status.valid and status.trusted)


Pruefer = Callable[[ValidationContext, ValidationContext], Coroutine[Any, Any, Any]]


def pruefen(
    validieren: Pruefer,
    daten: Validierungsdaten,
    zeit: datetime | None,
    ok: Callable[[Any], bool],
    zeitstempel_ok: Callable[[Any], bool],
) -> Langzeitpruefung:
    """Check a signature with the embedded data: first tolerant (only a known revocation fails) at the claimed
    time-stamp's time (at the current time when that time-stamp is not valid), then, for the LTV verdict, with
    revocation data required. `validieren(signer_kontext, tsa_kontext)` runs pyHanko's validation; `ok` and
    `zeitstempel_ok` read its status (the signature; the time-stamp whose time `zeit` is)."""

    def lauf(zeitpunkt: datetime | None, streng: bool) -> Any:
        return ausfuehren(
            validieren(
                daten.kontext(siegel_anker(), zeitpunkt=zeitpunkt, streng=streng),
                daten.kontext(tsa_anker(), zeitpunkt=zeitpunkt, streng=streng),
            )
        )

    status = lauf(zeit, False)
    if zeit is not None and not zeitstempel_ok(status):
        zeit = None
        status = lauf(None, False)
    if not ok(status):
        return Langzeitpruefung(False, False, None)
    langzeit = zeit is not None and daten.vorhanden and ok(lauf(zeit, True))
    return Langzeitpruefung(True, langzeit, zeit)


def signatur_ok(status: SignatureStatus) -> bool:
    return bool(status.intact and status.valid and status.trusted)


def signaturzeitstempel(signer_info: cms.SignerInfo) -> datetime | None:
    """The (not yet validated) time of the signature time-stamp of a signer info."""
    attribute = signer_info["unsigned_attrs"]
    for attribut in attribute if attribute.native else []:
        if attribut["type"].native == "signature_time_stamp_token":
            return token_zeit(attribut["values"][0])
    return None


# ---------------------------------------------------------------------------------------------------------------
# Embedding into a stored seal (Celery task after the time-stamp; beat job for what is still open)


def nachbearbeitung_einreihen(siegel_id: int) -> None:
    """Queue the time-stamp and then the validation data of a new seal once its transaction has committed (no
    network call inside it; task `dms.gericht.siegel_zeitstempeln`)."""
    if zeitstempel_konfiguriert() or ltv_aktiv():
        transaction.on_commit(lambda: hintergrund.aufgabe_senden(AUFGABE_ZEITSTEMPELN, args=[siegel_id]))


def siegel_langzeitdaten(siegel_id: int) -> bool:
    """Embed the validation data into one stored seal; True when it has them now. Idempotent (a seal with data is
    left alone); a failure is recorded in `ltv_fehler` and counted, the beat job tries again up to LTV_HOECHSTENS."""
    if not ltv_aktiv():
        return False
    siegel = Siegel.objects.select_related("version__dokument__akte").filter(pk=siegel_id).first()
    if siegel is None or siegel.ltv_am is not None:
        return siegel is not None
    try:
        if siegel.nachweis:
            nachweis, fehler = nachweis_ergaenzen(bytes(siegel.nachweis))
            felder: dict[str, Any] = {"nachweis": nachweis} if nachweis != bytes(siegel.nachweis) else {}
        else:
            signatur, fehler = cms_ergaenzen(bytes(siegel.signatur))
            felder = {"signatur": signatur} if signatur != bytes(siegel.signatur) else {}
    except Exception as exc:  # network, a damaged CMS/PDF: recorded, tried again
        logger.warning("Validierungsdaten für Siegel %s fehlgeschlagen", siegel_id, exc_info=True)
        fehler, felder = f"Validierungsdaten nicht abrufbar: {type(exc).__name__}"[:300], {}
    with transaction.atomic():
        # Only a seal still without LTV data whose stored bytes are those we extended is updated (two runs never
        # overwrite each other's result, a time-stamp added meanwhile is not lost).
        zeile = Siegel.objects.select_for_update().filter(pk=siegel_id, ltv_am__isnull=True).first()
        if zeile is None:
            return True
        if bytes(zeile.signatur) != bytes(siegel.signatur) or bytes(zeile.nachweis) != bytes(siegel.nachweis):
            return False  # changed meanwhile (time-stamp): the next run works on the new bytes
        if fehler:
            logger.warning("Siegel %s ohne vollständige Validierungsdaten (LTV): %s", siegel_id, fehler)
        jetzt = timezone.now() if not fehler and felder else None
        # A revoked certificate stays revoked: no further tries.
        versuche = LTV_HOECHSTENS if fehler == GESPERRT else F("ltv_versuche") + 1
        Siegel.objects.filter(pk=siegel_id).update(
            ltv_am=jetzt, ltv_fehler=fehler[:300], ltv_versuche=versuche, **felder
        )
        if felder:
            protokollieren(
                aktion=Aktion.AENDERN,
                user=None,
                objekt=siegel,
                akte=siegel.version.dokument.akte,
                details={"validierungsdaten": True, "vollstaendig": not fehler},
            )
    return jetzt is not None


def langzeitdaten_nachholen() -> int:
    """Beat job: seals without LTV data that have their time-stamp (or need none), oldest first, bounded."""
    if not ltv_aktiv():
        return 0
    offen = Siegel.objects.filter(ltv_am__isnull=True, ltv_versuche__lt=LTV_HOECHSTENS)
    if zeitstempler() is not None:
        offen = offen.filter(zeitstempel_am__isnull=False)
    erledigt = 0
    for siegel_id in list(offen.order_by("pk").values_list("pk", flat=True)[:NACHHOLEN_HOECHSTENS]):
        erledigt += siegel_langzeitdaten(siegel_id)
    return erledigt

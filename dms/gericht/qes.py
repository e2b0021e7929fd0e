"""The responsible person's QUALIFIED electronic signature on the Übereinstimmungsvermerk of scanned documents
(VG Wiesbaden 6 K 152/14.WI.A), made by a qualified trust service through the CSC API (`csc.py`).

What is signed: a separate one-page PDF, the Übereinstimmungsnachweis, naming the document (file, title, pages,
sheets, scan date, SHA-256 of the stored original) and carrying the canonical data of the seal (`signierte_daten`)
in its document information. It is PAdES-signed (pyHanko, interrupted signing): the PDF and the signed attributes
are prepared here, only their SHA-256 goes to the trust service (`signatures/signHash`), and the returned signature
value is embedded with pyHanko's ExternalSigner. The original and its versions stay as they are; the certificate is
stored with the seal row and offered for download on the document's page.

Many documents, one consent: `qes_bestaetigen` takes several versions, the person enters her PIN/OTP once, one
`credentials/authorize` with numSignatures = n covers all hashes, one `signatures/signHash` signs them.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

import pikepdf
from asn1crypto import cms
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko_certvalidator.registry import SimpleCertificateStore

from dms.models import Dokument, DokumentVersion
from dms.pdfsatz import Satz, satz_pdf

from .asynchron import ausfuehren
from .blaetter import bereiche
from .csc import CscDienst, SignaturdienstFehler, Zugangsdaten, konfiguriert
from .models import Siegel
from .satz import _pdfa_kennzeichnen
from .siegel import GESCANNT, NACHWEIS_SCHLUESSEL, _original_sha256, nachweis_pruefen, siegel_speichern
from .siegel import signierte_daten as _signierte_daten
from .zeitstempel import ZeitstempelFehler, token_zeit, zeitstempler

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

__all__ = ["Gegenstand", "SignaturdienstFehler", "gegenstand", "konfiguriert", "qes_bestaetigen"]

logger = logging.getLogger("dms.gericht")

HOECHSTENS = 100  # documents in one bulk certification
_PLATZ = 32768  # bytes reserved for the CMS (hex: signature, chain and time-stamp token fit)


@dataclass(frozen=True)
class Gegenstand:
    """What the person certifies for one scanned version: shown before she signs, printed on the certificate."""

    version: DokumentVersion
    aktenzeichen: str
    titel: str
    seiten: int
    blaetter: str
    gescannt_am: str
    sha256: str
    daten: bytes


def _scandatum(vermerk: dict[str, Any], version: DokumentVersion) -> str:
    for feld in ("scandatum", "eingegangen_am"):
        wert = str(vermerk.get(feld) or "")
        if wert:
            try:
                return datetime.fromisoformat(wert).strftime("%d.%m.%Y")
            except ValueError:
                return wert[:30]
    return timezone.localtime(version.angelegt_am).strftime("%d.%m.%Y")


def bestaetigbar(version: DokumentVersion) -> bool:
    """A scan with a transfer note (Poststelle, legacy delivery) that has no qualified confirmation yet."""
    return (
        version.dokument.quelle in GESCANNT
        and bool(version.transfervermerk)
        and not version.siegel.filter(art=Siegel.Art.QES).exists()
    )


def gegenstand(version: DokumentVersion) -> Gegenstand:
    sha256 = _original_sha256(version)
    dokument = version.dokument
    return Gegenstand(
        version=version,
        aktenzeichen=dokument.akte.aktenzeichen,
        titel=dokument.titel,
        seiten=version.seiten or dokument.seiten or 0,
        blaetter=bereiche(list(version.blattnummern or [])),
        gescannt_am=_scandatum(version.transfervermerk or {}, version),
        sha256=sha256,
        daten=_signierte_daten(version, sha256),
    )


def nachweis_pdf(g: Gegenstand, name: str, jetzt: datetime) -> bytes:
    """The unsigned Übereinstimmungsnachweis (PDF/A-2b marking; the data it certifies in its document info)."""
    titel = f"Übereinstimmungsnachweis – {g.titel}"[:200]
    roh = satz_pdf(
        Satz(
            titel="Übereinstimmungsnachweis (Transfervermerk)",
            kopfzeilen=[
                ("Akte", g.aktenzeichen),
                ("Dokument", g.titel),
                ("Version", str(g.version.nummer)),
                ("Seiten", str(g.seiten)),
                ("Blatt", g.blaetter or "–"),
                ("gescannt am", g.gescannt_am or "–"),
                ("SHA-256 des Originals", g.sha256),
            ],
            abschnitte=[
                (
                    "Bestätigung",
                    [
                        "Ich bestätige, dass das elektronische Dokument (Scan) mit dem Original bildlich und "
                        "inhaltlich übereinstimmt. Die Bestätigung bezieht sich auf die gespeicherte Datei mit dem "
                        "oben genannten SHA-256-Hashwert.",
                        f"{name}, {timezone.localtime(jetzt).strftime('%d.%m.%Y %H:%M')}",
                    ],
                )
            ],
            fusszeile="Qualifiziert elektronisch signiert (PAdES). Die Signatur deckt diese Datei einschließlich der "
            "Angaben zum Original.",
        )
    )
    with pikepdf.open(io.BytesIO(roh)) as pdf:
        pdf.docinfo[NACHWEIS_SCHLUESSEL] = g.daten.decode()
        _pdfa_kennzeichnen(pdf, titel)
        ausgabe = io.BytesIO()
        pdf.save(ausgabe)
    return ausgabe.getvalue()


@dataclass
class _Vorbereitet:
    gegenstand: Gegenstand
    digest: PreparedByteRangeDigest
    ausgabe: IO[bytes]
    attribute: cms.CMSAttributes
    hash: bytes


def _unterzeichner(zugang: Zugangsdaten, signatur: bytes | int) -> signers.ExternalSigner:
    return signers.ExternalSigner(
        signing_cert=zugang.zertifikate[0],
        cert_registry=SimpleCertificateStore.from_certs(zugang.zertifikate[1:]),
        signature_value=signatur,
    )


async def _vorbereiten(g: Gegenstand, zugang: Zugangsdaten, name: str, jetzt: datetime) -> _Vorbereitet:
    meta = signers.PdfSignatureMetadata(
        field_name="Uebereinstimmung",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Übereinstimmung des Scans mit dem Original bestätigt",
        name=name[:200],
    )
    signer = _unterzeichner(zugang, 512)
    schreiber = IncrementalPdfFileWriter(io.BytesIO(nachweis_pdf(g, name, jetzt)))
    digest, _tbs, ausgabe = await signers.PdfSigner(meta, signer=signer).async_digest_doc_for_signing(
        schreiber, bytes_reserved=_PLATZ
    )
    attribute = await signer.signed_attrs(digest.document_digest, "sha256", use_pades=True)
    return _Vorbereitet(g, digest, ausgabe, attribute, hashlib.sha256(attribute.dump()).digest())


async def _abschliessen(v: _Vorbereitet, zugang: Zugangsdaten, signatur: bytes) -> tuple[bytes, datetime | None, str]:
    """Embed the trust service's signature value; with a time-stamp when the TSA answers (else none, retried)."""
    signer = _unterzeichner(zugang, signatur)
    stempler, fehler, zeit = zeitstempler(), "", None
    try:
        inhalt = await signer.async_sign_prescribed_attributes("sha256", v.attribute, timestamper=stempler)
    except ZeitstempelFehler as exc:
        fehler = str(exc)
    except Exception as exc:  # the TSA: I/O, refusal or an unreadable answer
        fehler = f"Zeitstempeldienst nicht nutzbar: {type(exc).__name__}"
    if fehler:
        logger.warning("Zeitstempel der QES fehlgeschlagen, wird nachgeholt: %s", fehler)
        inhalt = await signer.async_sign_prescribed_attributes("sha256", v.attribute)
    else:
        attribute = inhalt["content"]["signer_infos"][0]["unsigned_attrs"]
        for attribut in attribute if attribute.native else []:
            if attribut["type"].native == "signature_time_stamp_token":
                zeit = token_zeit(attribut["values"][0])
    await PdfTBSDocument.async_finish_signing(v.ausgabe, v.digest, inhalt)
    v.ausgabe.seek(0)
    return v.ausgabe.read(), zeit, fehler


def qes_bestaetigen(
    *,
    versionen: list[DokumentVersion],
    user: User,
    pin: str = "",
    otp: str = "",
    request: HttpRequest | None = None,
) -> list[Siegel]:
    """`user` certifies with her qualified signature that each scan matches its original. All or nothing: one
    authorisation at the trust service covers every hash; a signature that does not verify stores nothing."""
    if not versionen:
        raise SignaturdienstFehler("Kein Dokument ausgewählt.")
    if len(versionen) > HOECHSTENS:
        raise SignaturdienstFehler(f"Höchstens {HOECHSTENS} Dokumente auf einmal.")
    for version in versionen:
        if not bestaetigbar(version):
            raise SignaturdienstFehler(f"„{version.dokument.titel}“ ist kein unbestätigter Scan.")
    dienst = CscDienst.aus_einstellungen()
    name = user.get_full_name() or user.get_username()
    dienst.anmelden()
    zugang = dienst.zugangsdaten(user.get_username())
    if zugang.mehrfach < len(versionen):
        raise SignaturdienstFehler(f"Der Vertrauensdienst erlaubt höchstens {zugang.mehrfach} Signaturen je Freigabe.")
    jetzt = timezone.now()
    vorbereitet = [ausfuehren(_vorbereiten(gegenstand(v), zugang, name, jetzt)) for v in versionen]
    hashes = [v.hash for v in vorbereitet]
    sad = dienst.autorisieren(zugang, hashes, pin=pin, otp=otp)
    signaturen = dienst.hashes_signieren(zugang, sad, hashes)
    fertig = [ausfuehren(_abschliessen(v, zugang, s)) for v, s in zip(vorbereitet, signaturen, strict=True)]
    for v, (pdf, _zeit, _fehler) in zip(vorbereitet, fertig, strict=True):
        if not nachweis_pruefen(pdf, v.gegenstand.daten).gueltig:
            raise SignaturdienstFehler("Die Signatur des Dienstes ist ungültig oder nicht vertrauenswürdig.")
    unterzeichner = str(zugang.zertifikate[0].subject.human_friendly)[:300]
    with transaction.atomic():
        # A second click (or a colleague) confirmed meanwhile: one confirmation per version, not two.
        ids = [v.pk for v in versionen]
        list(DokumentVersion.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        if Siegel.objects.filter(version_id__in=ids, art=Siegel.Art.QES).exists():
            raise SignaturdienstFehler("Mindestens ein Dokument wurde inzwischen bereits qualifiziert bestätigt.")
        return [
            siegel_speichern(
                version=v.gegenstand.version,
                art=Siegel.Art.QES,
                daten=v.gegenstand.daten,
                signatur=_cms_aus(pdf),
                unterzeichner=unterzeichner,
                user=user,
                bestaetigt=name,
                nachweis=pdf,
                zeitstempel_am=zeit,
                zeitstempel_fehler=fehler,
                request=request,
            )
            for v, (pdf, zeit, fehler) in zip(vorbereitet, fertig, strict=True)
        ]


def _cms_aus(pdf: bytes) -> bytes:
    """The CMS embedded in the certificate (kept in the seal row, as for the authority's seal)."""
    [signatur] = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signatur.signed_data}).dump())


def gescannte_versionen(dokumente: list[Dokument]) -> list[DokumentVersion]:
    """The current version of each document."""
    aktuelle: dict[int, DokumentVersion] = {}
    for v in DokumentVersion.objects.filter(dokument__in=dokumente).select_related("dokument__akte"):
        if v.dokument_id not in aktuelle or v.nummer > aktuelle[v.dokument_id].nummer:
            aktuelle[v.dokument_id] = v
    return [aktuelle[d.pk] for d in dokumente if d.pk in aktuelle]

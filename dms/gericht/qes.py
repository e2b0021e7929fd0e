"""The responsible person's QUALIFIED electronic signature on the Übereinstimmungsvermerk of scanned documents
(VG Wiesbaden 6 K 152/14.WI.A), made by a qualified trust service through the CSC API (`csc.py`).

What is signed: a separate one-page PDF, the Übereinstimmungsnachweis, naming the document (file, title, pages,
sheets, scan date, SHA-256 of the stored original) and carrying the canonical data of the seal (`signierte_daten`)
in its document information. It is PAdES-signed (pyHanko, interrupted signing): the PDF and the signed attributes
are prepared here, only their SHA-256 goes to the trust service (`signatures/signHash`), and the returned signature
value is embedded with pyHanko's ExternalSigner. The original and its versions stay as they are; the certificate is
stored with the seal row and offered for download on the document's page.

Many documents, one consent: `qes_anfordern` takes several versions, the person enters her PIN/OTP once, one
`credentials/authorize` with numSignatures = n covers all hashes, one `signatures/signHash` signs them; that is
all the request does with the trust service (the SAD is used once and never stored). It records a
`Bestaetigungsauftrag` with one `Bestaetigungsposten` per document (prepared certificate, signed attributes,
signature value) and queues `dms.gericht.qes_abschliessen`: per document, embed the signature value, time-stamp,
validation data (PAdES-B-LT/-LTA, `langzeit.py`), check, store and audit. A document's failure is recorded on its
row in German and the others go on; a document is confirmed at most once (row lock, unique constraint).
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

import pikepdf
from asn1crypto import cms, x509
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko_certvalidator.registry import SimpleCertificateStore

from dms import hintergrund
from dms.audit import Aktion, protokollieren
from dms.models import Akte, Dokument, DokumentVersion
from dms.pdfsatz import Satz, satz_pdf

from .asynchron import ausfuehren
from .blaetter import bereiche
from .csc import CscDienst, SignaturdienstFehler, Zugangsdaten, konfiguriert
from .langzeit import GESPERRT, ltv_aktiv, nachweis_ergaenzen, signaturzeitstempel
from .models import Auftrag, Bestaetigungsauftrag, Bestaetigungsposten, Siegel
from .satz import _pdfa_kennzeichnen
from .siegel import GESCANNT, NACHWEIS_SCHLUESSEL, _original_sha256, nachweis_pruefen, siegel_speichern
from .siegel import signierte_daten as _signierte_daten
from .zeitstempel import ZeitstempelFehler, zeitstempler

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

__all__ = ["Gegenstand", "SignaturdienstFehler", "gegenstand", "konfiguriert", "qes_abschliessen", "qes_anfordern"]

logger = logging.getLogger("dms.gericht")

AUFGABE_QES = "dms.gericht.qes_abschliessen"
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
    """A scan with a transfer note (Poststelle, legacy delivery) that has no qualified confirmation yet and none
    under way."""
    return (
        version.dokument.quelle in GESCANNT
        and bool(version.transfervermerk)
        and not version.siegel.filter(art=Siegel.Art.QES).exists()
        and not _offene_posten([version]).exists()
    )


def laufende_bestaetigung(version: DokumentVersion) -> int | None:
    """The job that is finishing a qualified confirmation of this version right now (for a hint), if any."""
    if version.dokument.quelle not in GESCANNT:
        return None
    return _offene_posten([version]).values_list("auftrag_id", flat=True).first()


def offene_versionen(user: User, akte: Akte, dokument_ids: list[int] | None = None) -> list[DokumentVersion]:
    """The current version of each scanned document of the file visible to `user` with a transfer note and no
    qualified confirmation (done or under way)."""
    qs = (
        DokumentVersion.objects.filter(
            dokument__akte=akte,
            dokument__quelle__in=GESCANNT,
            dokument__in=Dokument.objects.visible_to(user),
        )
        .annotate(
            hat_qes=Exists(Siegel.objects.filter(version=OuterRef("pk"), art=Siegel.Art.QES)),
            in_arbeit=Exists(
                Bestaetigungsposten.objects.filter(version=OuterRef("pk"), status=Bestaetigungsposten.Status.WARTET)
            ),
        )
        .select_related("dokument", "dokument__akte")
        .order_by("dokument_id", "-nummer")
        .distinct("dokument_id")
    )
    if dokument_ids is not None:
        qs = qs.filter(dokument_id__in=dokument_ids)
    return [v for v in qs if v.transfervermerk and not v.hat_qes and not v.in_arbeit]


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


def _unterzeichner(zertifikate: list[x509.Certificate], signatur: bytes | int) -> signers.ExternalSigner:
    return signers.ExternalSigner(
        signing_cert=zertifikate[0],
        cert_registry=SimpleCertificateStore.from_certs(zertifikate[1:]),
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
    signer = _unterzeichner(zugang.zertifikate, 512)
    schreiber = IncrementalPdfFileWriter(io.BytesIO(nachweis_pdf(g, name, jetzt)))
    digest, _tbs, ausgabe = await signers.PdfSigner(meta, signer=signer).async_digest_doc_for_signing(
        schreiber, bytes_reserved=_PLATZ
    )
    attribute = await signer.signed_attrs(digest.document_digest, "sha256", use_pades=True)
    return _Vorbereitet(g, digest, ausgabe, attribute, hashlib.sha256(attribute.dump()).digest())


async def _abschliessen(
    posten: Bestaetigungsposten, zertifikate: list[x509.Certificate]
) -> tuple[bytes, datetime | None, str]:
    """Embed the trust service's signature value into the prepared certificate; with a time-stamp when the TSA
    answers (else none, retried by the beat job)."""
    signer = _unterzeichner(zertifikate, bytes(posten.signaturwert))
    attribute = cms.CMSAttributes.load(bytes(posten.attribute))
    stempler, fehler, zeit = zeitstempler(), "", None
    try:
        inhalt = await signer.async_sign_prescribed_attributes("sha256", attribute, timestamper=stempler)
    except ZeitstempelFehler as exc:
        fehler = str(exc)
    except Exception as exc:  # the TSA: I/O, refusal or an unreadable answer
        fehler = f"Zeitstempeldienst nicht nutzbar: {type(exc).__name__}"
    if fehler:
        logger.warning("Zeitstempel der QES fehlgeschlagen, wird nachgeholt: %s", fehler)
        inhalt = await signer.async_sign_prescribed_attributes("sha256", attribute)
    else:
        zeit = signaturzeitstempel(inhalt["content"]["signer_infos"][0])
    ausgabe = io.BytesIO(bytes(posten.vorbereitet))
    digest = PreparedByteRangeDigest(bytes(posten.dokument_digest), posten.bereich_start, posten.bereich_ende)
    await PdfTBSDocument.async_finish_signing(ausgabe, digest, inhalt)
    return ausgabe.getvalue(), zeit, fehler


def _pruefen_vor_dem_signieren(versionen: list[DokumentVersion]) -> Akte:
    if not versionen:
        raise SignaturdienstFehler("Kein Dokument ausgewählt.")
    if len(versionen) > HOECHSTENS:
        raise SignaturdienstFehler(f"Höchstens {HOECHSTENS} Dokumente auf einmal.")
    akte = versionen[0].dokument.akte
    for version in versionen:
        if not bestaetigbar(version):
            raise SignaturdienstFehler(f"„{version.dokument.titel}“ ist kein unbestätigter Scan.")
        if version.dokument.akte_id != akte.pk:
            raise SignaturdienstFehler("Alle Dokumente einer Bestätigung müssen aus derselben Akte stammen.")
    return akte


def _offene_posten(versionen: list[DokumentVersion]) -> QuerySet[Bestaetigungsposten]:
    return Bestaetigungsposten.objects.filter(
        version_id__in=[v.pk for v in versionen], status=Bestaetigungsposten.Status.WARTET
    )


def qes_anfordern(
    *,
    versionen: list[DokumentVersion],
    user: User,
    pin: str = "",
    otp: str = "",
    request: HttpRequest | None = None,
) -> Bestaetigungsauftrag:
    """`user` certifies with her qualified signature that each scan matches its original. In the request: one
    authorisation at the trust service (PIN/TAN) covers every hash, one signHash signs them (a wrong PIN, a refusal
    or an unreachable service raise SignaturdienstFehler and store nothing). Then a job is recorded (audited) and
    the Celery task `dms.gericht.qes_abschliessen` finishes each document on its own."""
    akte = _pruefen_vor_dem_signieren(versionen)
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
    with transaction.atomic():
        # A second click (or a colleague) confirmed meanwhile: one confirmation per version, not two.
        ids = [v.pk for v in versionen]
        list(DokumentVersion.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        if Siegel.objects.filter(version_id__in=ids, art=Siegel.Art.QES).exists() or _offene_posten(versionen).exists():
            raise SignaturdienstFehler("Mindestens ein Dokument wurde inzwischen bereits qualifiziert bestätigt.")
        auftrag = Bestaetigungsauftrag.objects.create(
            akte=akte,
            erstellt_von=user,
            name=name[:300],
            zertifikate=[base64.b64encode(z.dump()).decode() for z in zugang.zertifikate],
        )
        Bestaetigungsposten.objects.bulk_create(
            Bestaetigungsposten(
                auftrag=auftrag,
                version=v.gegenstand.version,
                daten=v.gegenstand.daten,
                vorbereitet=_inhalt(v.ausgabe),
                dokument_digest=v.digest.document_digest,
                bereich_start=v.digest.reserved_region_start,
                bereich_ende=v.digest.reserved_region_end,
                attribute=v.attribute.dump(),
                signaturwert=s,
            )
            for v, s in zip(vorbereitet, signaturen, strict=True)
        )
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=user,
            request=request,
            objekt=auftrag,
            akte=akte,
            details={
                "qes_auftrag": auftrag.pk,
                "dokumente": [v.dokument_id for v in versionen],
                "unterzeichner": str(zugang.zertifikate[0].subject.human_friendly)[:300],
            },
        )
        transaction.on_commit(lambda: hintergrund.aufgabe_senden(AUFGABE_QES, args=[auftrag.pk]))
    return auftrag


def _inhalt(ausgabe: IO[bytes]) -> bytes:
    ausgabe.seek(0)
    return ausgabe.read()


UNGUELTIG = (
    "Die Signatur des Vertrauensdienstes ist für dieses Dokument ungültig, nicht vertrauenswürdig oder ihr "
    "Zertifikat ist gesperrt. Es wurde nichts gespeichert; bitte bestätigen Sie das Dokument erneut."
)


def _posten_abschliessen(auftrag: Bestaetigungsauftrag, posten: Bestaetigungsposten) -> None:
    """One document: embed, time-stamp, validation data, check, store. Its failure is recorded in German on the
    document's row; the other documents go on."""
    zertifikate = [x509.Certificate.load(base64.b64decode(z)) for z in auftrag.zertifikate]
    daten = bytes(posten.daten)
    try:
        pdf, zeit, zeitstempel_fehler = ausfuehren(_abschliessen(posten, zertifikate))
        ltv_fehler, ltv_am = "", None
        if ltv_aktiv():
            pdf, ltv_fehler = nachweis_ergaenzen(pdf)
            ltv_am = timezone.now() if not ltv_fehler else None
            if ltv_fehler == GESPERRT:
                raise SignaturdienstFehler(
                    "Das Signaturzertifikat (oder das des Zeitstempeldienstes) ist gesperrt (widerrufen). Es wurde "
                    "nichts gespeichert."
                )
        if not nachweis_pruefen(pdf, daten).gueltig:
            raise SignaturdienstFehler(UNGUELTIG)
        with transaction.atomic():
            zeile = Bestaetigungsposten.objects.select_for_update().get(pk=posten.pk)
            if zeile.status != Bestaetigungsposten.Status.WARTET:
                return  # another run of the task finished it
            if Siegel.objects.filter(version_id=posten.version_id, art=Siegel.Art.QES).exists():
                raise SignaturdienstFehler("Dieses Dokument wurde inzwischen bereits qualifiziert bestätigt.")
            siegel = siegel_speichern(
                version=posten.version,
                art=Siegel.Art.QES,
                daten=daten,
                signatur=_cms_aus(pdf),
                unterzeichner=str(zertifikate[0].subject.human_friendly)[:300],
                user=auftrag.erstellt_von,
                bestaetigt=auftrag.name,
                nachweis=pdf,
                zeitstempel_am=zeit,
                zeitstempel_fehler=zeitstempel_fehler,
            )
            Siegel.objects.filter(pk=siegel.pk).update(ltv_am=ltv_am, ltv_fehler=ltv_fehler[:300], ltv_versuche=1)
            Bestaetigungsposten.objects.filter(pk=posten.pk).update(
                status=Bestaetigungsposten.Status.FERTIG, siegel=siegel, fehler="", vorbereitet=b""
            )
    except SignaturdienstFehler as exc:
        _posten_fehler(posten, str(exc))
    except Exception as exc:
        logger.exception("QES-Auftrag %s: Dokument %s nicht abgeschlossen", auftrag.pk, posten.version.dokument_id)
        _posten_fehler(
            posten,
            f"Technischer Fehler beim Einbetten der Signatur ({type(exc).__name__}). Es wurde nichts gespeichert; "
            "bitte bestätigen Sie das Dokument erneut.",
        )


def _posten_fehler(posten: Bestaetigungsposten, text: str) -> None:
    logger.warning("QES-Posten %s fehlgeschlagen: %s", posten.pk, text)
    Bestaetigungsposten.objects.filter(pk=posten.pk, status=Bestaetigungsposten.Status.WARTET).update(
        status=Bestaetigungsposten.Status.FEHLER, fehler=text[:500]
    )


def qes_abschliessen(*, auftrag_id: int) -> Bestaetigungsauftrag:
    """The Celery task's body: every waiting document of the job, one after the other, progress in the job's row;
    at the end the job is `fertig` (with a German summary in `fehler` when some documents failed) and audited.
    Idempotent: finished documents are skipped, a document is confirmed at most once (row lock, unique seal)."""
    auftrag = Bestaetigungsauftrag.objects.select_related("akte", "erstellt_von").get(pk=auftrag_id)
    if auftrag.ist_fertig:
        return auftrag
    zeile = Bestaetigungsauftrag.objects.filter(pk=auftrag_id)
    zeile.update(status=Auftrag.Status.IN_ARBEIT, fortschritt=max(1, auftrag.fortschritt))
    posten = list(auftrag.posten.select_related("version__dokument").order_by("pk"))
    for n, p in enumerate(posten, 1):
        if p.status == Bestaetigungsposten.Status.WARTET:
            _posten_abschliessen(auftrag, p)
        zeile.update(fortschritt=min(99, max(1, n * 100 // len(posten))))
    stand = dict(
        Counter(Bestaetigungsposten.objects.filter(auftrag=auftrag).values_list("status", flat=True).iterator())
    )
    bestaetigt, fehlgeschlagen = stand.get("fertig", 0), stand.get("fehler", 0)
    zusammenfassung = (
        f"{fehlgeschlagen} von {len(posten)} Dokumenten nicht bestätigt (Gründe je Dokument)." if fehlgeschlagen else ""
    )
    with transaction.atomic():
        if not zeile.exclude(status=Auftrag.Status.FERTIG).update(
            status=Auftrag.Status.FERTIG, fortschritt=100, fertig_am=timezone.now(), fehler=zusammenfassung
        ):
            auftrag.refresh_from_db()
            return auftrag  # another run finished and audited it
        protokollieren(
            aktion=Aktion.AENDERN,
            user=None,
            objekt=auftrag,
            akte=auftrag.akte,
            details={"qes_auftrag": auftrag.pk, "bestaetigt": bestaetigt, "fehlgeschlagen": fehlgeschlagen},
        )
    auftrag.refresh_from_db()
    return auftrag


def _cms_aus(pdf: bytes) -> bytes:
    """The CMS embedded in the certificate (kept in the seal row, as for the authority's seal)."""
    [signatur] = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signatur.signed_data}).dump())


def sichtbarer_auftrag(user: User, pk: int) -> tuple[Bestaetigungsauftrag, list[Bestaetigungsposten]]:
    """A job of a file `user` may see (own authority, Sperrvermerk only for those named), with the rows of the
    documents she may see; Http404 otherwise (also when she may see none of its documents)."""
    auftrag = get_object_or_404(
        Bestaetigungsauftrag.objects.filter(akte__in=Akte.objects.visible_to(user)).select_related(
            "akte", "akte__person"
        ),
        pk=pk,
    )
    posten = list(
        auftrag.posten.filter(version__dokument__in=Dokument.objects.visible_to(user))
        .select_related("version__dokument")
        .order_by("pk")
    )
    if not posten:
        raise Http404
    return auftrag, posten


def gescannte_versionen(dokumente: list[Dokument]) -> list[DokumentVersion]:
    """The current version of each document."""
    aktuelle: dict[int, DokumentVersion] = {}
    for v in DokumentVersion.objects.filter(dokument__in=dokumente).select_related("dokument__akte"):
        if v.dokument_id not in aktuelle or v.nummer > aktuelle[v.dokument_id].nummer:
            aktuelle[v.dokument_id] = v
    return [aktuelle[d.pk] for d in dokumente if d.pk in aktuelle]

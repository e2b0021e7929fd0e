"""Preservation of evidence (Beweiswerterhaltung, idea of BSI TR-03125 TR-ESOR): archive time-stamps that are
renewed before they lose their value.

A time-stamp proves that data existed at a time only while its TSA certificate is valid and its hash algorithm is
suitable. Before either ends, a NEW time-stamp must cover the old one (and its validation data); the chain of
time-stamps then proves the first time-stamp's time for as long as the chain is renewed.

- **The authority's seal** (detached CMS over unchanged data): an *evidence record* after RFC 4998 (ERS),
  stored as its own artefact in `Siegel.archiv_evidenz` (DER). Its data objects are the stored original, the
  sealed data (canonical JSON) and the seal's CMS with its validation data. The first archive time-stamp covers the
  root of a one-level hash tree over their hashes (reduced hash tree). Renewal:
  - *time-stamp renewal* (the TSA certificate will expire, the hash algorithm stays suitable): the validation data
    of the last time-stamp are embedded into its own SignedData (certificates, CRLs, OCSP), then a new time-stamp
    over the hash of that `timeStamp` is appended to the same chain;
  - *hash-tree renewal* (the algorithm is listed in LANGZEIT_SCHWACHE_ALGORITHMEN): a new chain with
    LANGZEIT_HASHVERFAHREN over `H(sorted(H(d), H(ArchiveTimeStampSequence)))` per data object.
- **The QES certificate** (PAdES-B-LTA PDF): the chain is the PDF's document time-stamps; renewal is pyHanko's
  `PdfTimeStamper.async_update_archival_timestamp_chain` (DSS for the last time-stamp, then a new document
  time-stamp over the whole file); with a weak algorithm the same steps with LANGZEIT_HASHVERFAHREN.

Every new chain is checked (`pruefen`) before it is stored; a failure stores nothing (the old chain stays as it
was), is logged, counted (`akte_archivzeitstempel_fehler`) and kept in `Siegel.archiv_fehler`.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import algos, cms, core, tsp, x509
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.validation import async_validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus

from dms.audit import Aktion, protokollieren
from dms.betrieb import ereignisse

from . import langzeit
from .asynchron import ausfuehren
from .models import Siegel
from .zeitstempel import ZeitstempelFehler, Zeitstempler, zeitstempler

logger = logging.getLogger("dms.gericht")

AUFGABE_ERNEUERN = "dms.gericht.archivzeitstempel_erneuern"
FEHLER = ereignisse.zaehler(
    "akte_archivzeitstempel_fehler",
    "Archivzeitstempel, die nicht angelegt oder nicht erneuert werden konnten (die bisherige Kette bleibt).",
    ("art", "grund"),
)


# ---------------------------------------------------------------------------------------------------------------
# RFC 4998 (ERS module, IMPLICIT TAGS); cryptoInfos and encryptionInfo are not used.


class PartialHashtree(core.SequenceOf):
    _child_spec = core.OctetString


class PartialHashtrees(core.SequenceOf):
    _child_spec = PartialHashtree


class ArchiveTimeStamp(core.Sequence):
    _fields = [
        ("digest_algorithm", algos.DigestAlgorithm, {"implicit": 0, "optional": True}),
        ("attributes", cms.CMSAttributes, {"implicit": 1, "optional": True}),
        ("reduced_hashtree", PartialHashtrees, {"implicit": 2, "optional": True}),
        ("time_stamp", cms.ContentInfo),
    ]


class ArchiveTimeStampChain(core.SequenceOf):
    _child_spec = ArchiveTimeStamp


class ArchiveTimeStampSequence(core.SequenceOf):
    _child_spec = ArchiveTimeStampChain


class DigestAlgorithms(core.SequenceOf):
    _child_spec = algos.DigestAlgorithm


class EvidenceRecord(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("digest_algorithms", DigestAlgorithms),
        ("archive_time_stamp_sequence", ArchiveTimeStampSequence),
    ]


def _h(algorithmus: str, *teile: bytes) -> bytes:
    h = hashlib.new(algorithmus)
    for teil in teile:
        h.update(teil)
    return h.digest()


def _sortiert(algorithmus: str, werte: Iterable[bytes]) -> bytes:
    """RFC 4998 4.2: the hash of the hash values concatenated in binary ascending order."""
    return _h(algorithmus, *sorted(werte))


class Datenobjekt:
    """A data object of the evidence record; the original is read from storage once per algorithm."""

    def __init__(self, daten: bytes | None = None, datei: Any = None) -> None:
        self.daten, self.datei = daten, datei
        self._hashes: dict[str, bytes] = {}

    def bekannt(self, algorithmus: str, wert: bytes) -> None:
        self._hashes[algorithmus] = wert

    def hash(self, algorithmus: str) -> bytes:
        if algorithmus not in self._hashes:
            if self.daten is not None:
                self._hashes[algorithmus] = _h(algorithmus, self.daten)
            else:
                h = hashlib.new(algorithmus)
                with self.datei.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        h.update(block)
                self._hashes[algorithmus] = h.digest()
        return self._hashes[algorithmus]


def datenobjekte(siegel: Siegel) -> list[Datenobjekt]:
    """What the seal's evidence record covers: the stored original, the sealed data, the seal (CMS, DER)."""
    return [
        Datenobjekt(datei=siegel.version.original),
        Datenobjekt(bytes(siegel.signiert_daten)),
        Datenobjekt(bytes(siegel.signatur)),
    ]


def _blattwerte(objekte: list[Datenobjekt], algorithmus: str, vorher: ArchiveTimeStampSequence | None) -> list[bytes]:
    """The leaves of a chain's first hash tree: H(d), or after a hash-tree renewal H(sorted(H(d), H(ATSSeq)))."""
    if vorher is None:
        return [o.hash(algorithmus) for o in objekte]
    ha = _h(algorithmus, vorher.dump())
    return [_sortiert(algorithmus, [o.hash(algorithmus), ha]) for o in objekte]


def _token(stempler: Zeitstempler, digest: bytes, algorithmus: str) -> tuple[cms.ContentInfo, str]:
    """A time-stamp token over `digest` with its TSA's validation data in its own SignedData (the part outside the
    TSA's signature); the German error when those data are incomplete ('' when complete)."""
    try:
        token = ausfuehren(stempler.async_timestamp(digest, algorithmus))
    except Exception as exc:
        raise ZeitstempelFehler(f"Zeitstempeldienst nicht nutzbar: {type(exc).__name__}"[:300]) from exc
    return _validierungsdaten_einbetten(token)


def _validierungsdaten_einbetten(token: cms.ContentInfo) -> tuple[cms.ContentInfo, str]:
    if not langzeit.ltv_aktiv():
        return token, ""
    try:
        ergaenzt, fehler = langzeit.cms_ergaenzen(token.dump())
    except Exception as exc:  # the CA is down: the token stays as it is, the next renewal tries again
        return token, f"Validierungsdaten des Archivzeitstempels nicht abrufbar: {type(exc).__name__}"[:300]
    return cms.ContentInfo.load(ergaenzt), fehler


def _ohne_sperrdaten(token: cms.ContentInfo) -> bool:
    return not langzeit.cms_validierungsdaten(token["content"]).vorhanden


def evidenz_erstellen(objekte: list[Datenobjekt], stempler: Zeitstempler, algorithmus: str) -> tuple[bytes, str]:
    """A new evidence record with one archive time-stamp over the data objects."""
    blaetter = _blattwerte(objekte, algorithmus, None)
    token, fehler = _token(stempler, _sortiert(algorithmus, blaetter), algorithmus)
    ats = ArchiveTimeStamp({"reduced_hashtree": PartialHashtrees([PartialHashtree(blaetter)]), "time_stamp": token})
    er = EvidenceRecord(
        {
            "version": 1,
            "digest_algorithms": [{"algorithm": algorithmus}],
            "archive_time_stamp_sequence": [[ats]],
        }
    )
    return er.dump(), fehler


def evidenz_erneuern(
    evidenz: bytes, objekte: list[Datenobjekt], stempler: Zeitstempler, algorithmus: str
) -> tuple[bytes, str]:
    """The evidence record with one more archive time-stamp: time-stamp renewal when the last chain's algorithm is
    `algorithmus`, else hash-tree renewal (a new chain). The last time-stamp gets its validation data first (it is
    covered by the new one from then on)."""
    er = EvidenceRecord.load(evidenz)
    folge: ArchiveTimeStampSequence = er["archive_time_stamp_sequence"]
    letzte_kette = folge[-1]
    letzter = letzte_kette[-1]
    if _ohne_sperrdaten(letzter["time_stamp"]):
        token, _ = _validierungsdaten_einbetten(letzter["time_stamp"])
        letzter["time_stamp"] = token
    bisher = _imprint_algorithmus(letzte_kette[0]["time_stamp"])
    if bisher == algorithmus:
        token, fehler = _token(stempler, _h(algorithmus, letzter["time_stamp"].dump()), algorithmus)
        letzte_kette.append(ArchiveTimeStamp({"time_stamp": token}))
    else:
        vorher = ArchiveTimeStampSequence.load(folge.dump())
        blaetter = _blattwerte(objekte, algorithmus, vorher)
        token, fehler = _token(stempler, _sortiert(algorithmus, blaetter), algorithmus)
        ats = ArchiveTimeStamp({"reduced_hashtree": PartialHashtrees([PartialHashtree(blaetter)]), "time_stamp": token})
        folge.append(ArchiveTimeStampChain([ats]))
        if algorithmus not in [a["algorithm"].native for a in er["digest_algorithms"]]:
            er["digest_algorithms"].append(algos.DigestAlgorithm({"algorithm": algorithmus}))
    return er.dump(), fehler


def _tst_info(token: cms.ContentInfo) -> tsp.TSTInfo:
    info: tsp.TSTInfo = token["content"]["encap_content_info"]["content"].parsed
    return info


def _imprint_algorithmus(token: cms.ContentInfo) -> str:
    return str(_tst_info(token)["message_imprint"]["hash_algorithm"]["algorithm"].native)


def _tsa_gueltig_bis(signed_data: cms.SignedData) -> datetime:
    zertifikat: x509.Certificate = extract_certificate_info(signed_data).signer_cert
    bis: datetime = zertifikat["tbs_certificate"]["validity"]["not_after"].native
    return bis


# ---------------------------------------------------------------------------------------------------------------
# The check (offline)


@dataclass(frozen=True)
class Glied:
    zeit: datetime
    tsa_gueltig_bis: datetime
    algorithmus: str
    gueltig: bool  # intact, valid, trusted at its own time with the embedded data (a known revocation fails)
    vollstaendig: bool  # the same with revocation data required


@dataclass(frozen=True)
class Archivpruefung:
    gueltig: bool
    anzahl: int
    zuletzt: datetime | None  # time of the last archive time-stamp
    gueltig_bis: datetime | None  # its TSA certificate's end
    algorithmus: str = ""
    langzeit: bool = False  # every link with complete validation data
    grund: str = ""  # why not valid (German)


def _kette_bewerten(glieder: list[Glied], jetzt: datetime) -> Archivpruefung:
    """A chain holds when every link is valid at its time, each link was added before the previous link's TSA
    certificate expired, and the last one's certificate is still valid."""
    if not glieder:
        return Archivpruefung(False, 0, None, None, grund="Kein Archivzeitstempel vorhanden.")
    letzter = glieder[-1]
    ergebnis = Archivpruefung(
        True,
        len(glieder),
        letzter.zeit,
        letzter.tsa_gueltig_bis,
        letzter.algorithmus,
        langzeit=all(g.vollstaendig for g in glieder),
    )
    for nummer, glied in enumerate(glieder, start=1):
        if not glied.gueltig:
            return replace(
                ergebnis, gueltig=False, langzeit=False, grund=f"Archivzeitstempel {nummer} ist nicht gültig."
            )
        if nummer > 1 and not (glieder[nummer - 2].zeit <= glied.zeit < glieder[nummer - 2].tsa_gueltig_bis):
            grund = f"Archivzeitstempel {nummer} kam nach dem Ablauf des vorherigen."
            return replace(ergebnis, gueltig=False, langzeit=False, grund=grund)
    if letzter.tsa_gueltig_bis <= jetzt:
        grund = "Der letzte Archivzeitstempel ist abgelaufen (nicht rechtzeitig erneuert)."
        return replace(ergebnis, gueltig=False, langzeit=False, grund=grund)
    return ergebnis


def _wurzel(blaetter: list[bytes], baum: PartialHashtrees | None, algorithmus: str) -> bytes | None:
    """The value a time-stamp must cover: with a reduced hash tree, every expected leaf in its first list and the
    hashes folded up (RFC 4998 4.3); without one, the single expected hash itself. None: not covered."""
    if baum is None or not baum.native:
        return blaetter[0] if len(blaetter) == 1 else None
    listen = [[bytes(w.native) for w in liste] for liste in baum]
    if not all(b in listen[0] for b in blaetter):
        return None
    wert = _sortiert(algorithmus, listen[0]) if len(listen[0]) > 1 else listen[0][0]
    for liste in listen[1:]:
        wert = _sortiert(algorithmus, [*liste, wert])
    return wert


def _token_pruefen(token: cms.ContentInfo, erwartet: bytes | None, algorithmus: str) -> Glied:
    signed_data = token["content"]
    info = _tst_info(token)
    zeit: datetime = info["gen_time"].native
    imprint_ok = erwartet is not None and _imprint_algorithmus(token) == algorithmus
    daten = langzeit.cms_validierungsdaten(signed_data)

    def imprint(alg: str) -> bytes:
        return erwartet if erwartet is not None and alg == algorithmus else b""

    def status(streng: bool) -> bool:
        kontext = daten.kontext(langzeit.tsa_anker(), zeitpunkt=zeit, streng=streng)
        werte = ausfuehren(validate_tst_signed_data(signed_data, kontext, imprint))
        return langzeit.ts_gueltig(TimestampSignatureStatus(**werte))

    gueltig = imprint_ok and status(False)
    return Glied(
        zeit=zeit,
        tsa_gueltig_bis=_tsa_gueltig_bis(signed_data),
        algorithmus=algorithmus,
        gueltig=gueltig,
        vollstaendig=gueltig and daten.vorhanden and status(True),
    )


def evidenz_pruefen(evidenz: bytes, objekte: list[Datenobjekt], jetzt: datetime | None = None) -> Archivpruefung:
    """Check an evidence record against the data objects as they are NOW (RFC 4998 5.3): every time-stamp covers
    what it must (the data objects, the previous time-stamp, or after a hash-tree renewal both) and is valid at
    its time with the validation data embedded in it. Nothing is fetched."""
    jetzt = jetzt or timezone.now()
    try:
        er = EvidenceRecord.load(evidenz)
        folge = er["archive_time_stamp_sequence"]
        glieder: list[Glied] = []
        for k, kette in enumerate(folge):
            algorithmus = _imprint_algorithmus(kette[0]["time_stamp"])
            vorher = ArchiveTimeStampSequence(list(folge)[:k]) if k else None
            vorheriges: cms.ContentInfo | None = None
            for ats in kette:
                if vorheriges is None:
                    blaetter = _blattwerte(objekte, algorithmus, vorher)
                else:
                    blaetter = [_h(algorithmus, vorheriges.dump())]
                baum = ats["reduced_hashtree"] if ats["reduced_hashtree"].native else None
                erwartet = _wurzel(blaetter, baum, algorithmus)
                glied = _token_pruefen(ats["time_stamp"], erwartet, algorithmus)
                if erwartet is None:
                    return _kette_bewerten([*glieder, glied], jetzt)
                glieder.append(glied)
                vorheriges = ats["time_stamp"]
    except Exception:  # a damaged record is an invalid one, never a server error
        logger.warning("Prüfung des Evidence Records fehlgeschlagen", exc_info=True)
        return Archivpruefung(False, 0, None, None, grund="Der Evidence Record ist beschädigt.")
    return _kette_bewerten(glieder, jetzt)


def pdf_kette_pruefen(pdf: bytes, jetzt: datetime | None = None) -> Archivpruefung:
    """The document time-stamps of a PAdES-B-LTA PDF as a chain: each covers its revision (pyHanko), is valid at
    its time with the DSS of the file, and was added before the previous one's TSA certificate expired."""
    jetzt = jetzt or timezone.now()
    try:
        leser = PdfFileReader(io.BytesIO(pdf))
        daten = langzeit.pdf_validierungsdaten(leser)
        glieder = []
        for stempel in leser.embedded_timestamp_signatures:
            zeit = _tst_info(cms.ContentInfo({"content_type": "signed_data", "content": stempel.signed_data}))[
                "gen_time"
            ].native

            def lauf(streng: bool, stempel: Any = stempel, zeit: datetime = zeit) -> bool:
                kontext = daten.kontext(langzeit.tsa_anker(), zeitpunkt=zeit, streng=streng)
                return langzeit.ts_gueltig(
                    ausfuehren(async_validate_pdf_timestamp(stempel, validation_context=kontext))
                )

            gueltig = lauf(False)
            glieder.append(
                Glied(
                    zeit=zeit,
                    tsa_gueltig_bis=_tsa_gueltig_bis(stempel.signed_data),
                    algorithmus=stempel.md_algorithm,
                    gueltig=gueltig,
                    vollstaendig=gueltig and daten.vorhanden and lauf(True),
                )
            )
    except Exception:
        logger.warning("Prüfung der Archivzeitstempel des Nachweises fehlgeschlagen", exc_info=True)
        return Archivpruefung(False, 0, None, None, grund="Die Archivzeitstempel sind beschädigt.")
    return _kette_bewerten(glieder, jetzt)


def pruefen(siegel: Siegel, objekte: list[Datenobjekt] | None = None) -> Archivpruefung | None:
    """The seal's archive time-stamps as they are now; None while it has none."""
    if siegel.nachweis:
        ergebnis = pdf_kette_pruefen(bytes(siegel.nachweis))
        return ergebnis if ergebnis.anzahl else None
    if not siegel.archiv_evidenz:
        return None
    return evidenz_pruefen(bytes(siegel.archiv_evidenz), objekte or datenobjekte(siegel))


# ---------------------------------------------------------------------------------------------------------------
# Creating and renewing (beat job `dms.gericht.archivzeitstempel_erneuern`)


def _schwach(algorithmus: str) -> bool:
    return algorithmus.lower() in {a.lower() for a in settings.LANGZEIT_SCHWACHE_ALGORITHMEN}


def faellige(jetzt: datetime | None = None) -> QuerySet[Siegel]:
    """Seals whose chain is due: none yet (time-stamp and validation data done), the last TSA certificate expires
    within LANGZEIT_ERNEUERN_VOR_TAGEN (and the last renewal is older than LANGZEIT_MINDESTABSTAND_TAGE), or its
    hash algorithm is listed as no longer suitable."""
    jetzt = jetzt or timezone.now()
    neu = Q(archiv_anzahl=0, zeitstempel_am__isnull=False, ltv_am__isnull=False)
    ablauf = Q(
        archiv_anzahl__gt=0,
        archiv_gueltig_bis__lte=jetzt + timedelta(days=settings.LANGZEIT_ERNEUERN_VOR_TAGEN),
        archiv_erneuert_am__lte=jetzt - timedelta(days=settings.LANGZEIT_MINDESTABSTAND_TAGE),
    )
    schwach = Q(archiv_anzahl__gt=0, archiv_algorithmus__in=settings.LANGZEIT_SCHWACHE_ALGORITHMEN)
    return Siegel.objects.filter(neu | ablauf | schwach)


def _pdf_erneuern(pdf: bytes, stempler: Zeitstempler, algorithmus: str) -> bytes:
    """One more document time-stamp over the whole Übereinstimmungsnachweis (DSS for the last one first)."""
    leser = PdfFileReader(io.BytesIO(pdf))
    kontext = langzeit._sammelkontext()
    anzahl = len(leser.embedded_timestamp_signatures)
    stempel = signers.PdfTimeStamper(stempler, field_name=f"Archivzeitstempel{anzahl + 1}")
    ausgabe = io.BytesIO()
    letzter = leser.embedded_timestamp_signatures[-1] if anzahl else None
    if letzter is None or letzter.md_algorithm == algorithmus:
        ausfuehren(
            stempel.async_update_archival_timestamp_chain(
                leser, kontext, in_place=False, output=ausgabe, default_md_algorithm=algorithmus
            )
        )
        return ausgabe.getvalue()
    # hash algorithm change: pyHanko's chain update keeps the last algorithm, so the same steps by hand
    ausgabe.write(pdf)
    schreiber = IncrementalPdfFileWriter(ausgabe)
    DocumentSecurityStore.supply_dss_in_writer(schreiber, letzter.pkcs7_content, validation_context=kontext)
    ausfuehren(stempel.async_timestamp_pdf(schreiber, algorithmus, kontext, in_place=True))
    return ausgabe.getvalue()


def _art(siegel: Siegel) -> str:
    return "qes" if siegel.nachweis else "siegel"


def _fehler(siegel: Siegel, grund: str, text: str) -> None:
    logger.error("Archivzeitstempel für Siegel %s nicht angelegt/erneuert (%s): %s", siegel.pk, grund, text)
    ereignisse.zaehlen(FEHLER, art=_art(siegel), grund=grund)
    Siegel.objects.filter(pk=siegel.pk).update(archiv_fehler=text[:300])


def archiv_sichern(siegel_id: int, stempler: Zeitstempler | None = None) -> bool:
    """Create or renew the archive time-stamp chain of one seal when it is due; True when a link was added.
    Idempotent (a seal not due is left alone; the store happens only while the chain is still the one extended).
    Raises ZeitstempelFehler when the TSA gives nothing (the caller stops its batch)."""
    stempler = stempler or zeitstempler()
    if stempler is None:
        return False
    siegel = faellige().select_related("version__dokument__akte").filter(pk=siegel_id).first()
    if siegel is None:
        return False
    algorithmus = settings.LANGZEIT_HASHVERFAHREN
    if _schwach(algorithmus):
        _fehler(siegel, "konfiguration", f"LANGZEIT_HASHVERFAHREN {algorithmus} ist selbst als ungeeignet gelistet.")
        return False
    objekte = datenobjekte(siegel)
    warnung = ""
    try:
        if siegel.nachweis:
            bisher = pdf_kette_pruefen(bytes(siegel.nachweis))
            if siegel.archiv_anzahl == 0 and bisher.gueltig:  # B-LTA from the QES task: take the chain as it is
                felder: dict[str, Any] = {}
            else:
                felder = {"nachweis": _pdf_erneuern(bytes(siegel.nachweis), stempler, algorithmus)}
            ergebnis = pdf_kette_pruefen(felder.get("nachweis", bytes(siegel.nachweis)))
        else:
            if siegel.archiv_evidenz:
                evidenz, warnung = evidenz_erneuern(bytes(siegel.archiv_evidenz), objekte, stempler, algorithmus)
            else:
                evidenz, warnung = evidenz_erstellen(objekte, stempler, algorithmus)
            felder = {"archiv_evidenz": evidenz}
            ergebnis = evidenz_pruefen(evidenz, objekte)
    except ZeitstempelFehler as exc:
        _fehler(siegel, "zeitstempeldienst", str(exc))
        raise
    except Exception as exc:  # network, a damaged CMS/PDF: nothing stored, the next run tries again
        logger.warning("Archivzeitstempel für Siegel %s fehlgeschlagen", siegel_id, exc_info=True)
        _fehler(siegel, "technisch", f"Archivzeitstempel fehlgeschlagen: {type(exc).__name__}")
        return False
    if not ergebnis.gueltig:
        _fehler(siegel, "pruefung", f"Neue Archivzeitstempelkette nicht gültig: {ergebnis.grund}")
        return False
    if warnung:
        logger.warning("Archivzeitstempel für Siegel %s ohne vollständige Validierungsdaten: %s", siegel_id, warnung)
    with transaction.atomic():
        zeile = Siegel.objects.select_for_update().filter(pk=siegel_id).first()
        if zeile is None or (
            bytes(zeile.archiv_evidenz),
            bytes(zeile.nachweis),
            zeile.archiv_anzahl,
        ) != (bytes(siegel.archiv_evidenz), bytes(siegel.nachweis), siegel.archiv_anzahl):
            return False  # changed meanwhile: the next run works on the new chain
        Siegel.objects.filter(pk=siegel_id).update(
            archiv_anzahl=ergebnis.anzahl,
            archiv_erneuert_am=ergebnis.zuletzt,
            archiv_gueltig_bis=ergebnis.gueltig_bis,
            archiv_algorithmus=ergebnis.algorithmus,
            archiv_fehler=warnung[:300],
            **felder,
        )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=None,
            objekt=siegel,
            akte=siegel.version.dokument.akte,
            details={
                "archivzeitstempel": ergebnis.anzahl,
                "vorher": siegel.archiv_anzahl,
                "algorithmus": ergebnis.algorithmus,
                "gueltig_bis": ergebnis.gueltig_bis.isoformat() if ergebnis.gueltig_bis else None,
            },
        )
    return True


def archivzeitstempel_erneuern() -> int:
    """Beat job: every due seal (soonest expiry first, a bounded batch); how many got a new link. A TSA that is
    down ends the run (the next run tries again); other failures skip that seal."""
    stempler = zeitstempler()
    if stempler is None:
        return 0
    erledigt = 0
    ids = faellige().order_by("archiv_gueltig_bis", "pk").values_list("pk", flat=True)
    for siegel_id in list(ids[: settings.LANGZEIT_STAPEL]):
        try:
            erledigt += archiv_sichern(siegel_id, stempler)
        except ZeitstempelFehler:
            break
    return erledigt


ZAEHLEN_CACHE_SEKUNDEN = 300


def faellig_zaehlen(jetzt: datetime | None = None, *, zwischenspeicher: bool = False) -> tuple[int, int]:
    """For the metric: chains due for renewal now, and chains whose last TSA certificate has already expired
    (`zwischenspeicher`: the scrape reads a count at most 5 minutes old; the renewal runs every few hours)."""
    gespeichert = cache.get("betrieb:archivzeitstempel") if zwischenspeicher else None
    if gespeichert is not None:
        return int(gespeichert[0]), int(gespeichert[1])
    jetzt = jetzt or timezone.now()
    abgelaufen = Siegel.objects.filter(archiv_anzahl__gt=0, archiv_gueltig_bis__lte=jetzt).count()
    zahlen = (faellige(jetzt).count(), abgelaufen)
    cache.set("betrieb:archivzeitstempel", zahlen, ZAEHLEN_CACHE_SEKUNDEN)
    return zahlen

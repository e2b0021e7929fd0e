"""Use cases of the electronic intake: a mail, an online application, a returned letter -> one Posteingang item.

Each item then runs the normal pipeline (conversion, identifiers, suggestions). Items that must not be filed
without a person looking at them (unconfirmed sender, online applications, returned letters) carry the mark
`nicht_automatisch`; their warnings (`warnungen`) become the item's note in the in-tray.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any

import pikepdf
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dms import dateien
from dms.models import Behoerde
from dms.pdfsatz import Satz, satz_pdf
from dms.postausgang.models import Ausgangsschreiben

from .. import services as posteingang_services
from ..models import Posteingang
from ..pipeline import konvertieren
from ..pipeline.fehler import EingabeFehler
from .models import EingangsMail, Onlineanlage, Onlineantrag, Plattform, Postfach, Zustaendigkeit

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger("scanning.eingang")

ANLAGEN_TYPEN = frozenset({dateien.PDF, dateien.JPEG, dateien.PNG})
MAX_ANLAGE_BYTES = 10 * 1024 * 1024
MAX_ANLAGEN = 10


# --- e-mail ---------------------------------------------------------------------------------------------------


def _kopf(msg: Message, name: str) -> str:
    try:
        return str(msg.get(name) or "").strip()
    except (ValueError, TypeError, IndexError, AttributeError):
        return ""


def _domain(adresse: str) -> str:
    return adresse.rsplit("@", 1)[-1].strip(" >").lower() if "@" in adresse else ""


def absender_pruefen(msg: Message) -> list[str]:
    """Warnings about a possibly forged sender. Only failures count: a 'pass' in a header never grants trust (the
    sender can write any header; the authority's MTA should strip foreign Authentication-Results)."""
    warnungen: list[str] = []
    ergebnisse = " ".join(str(h) for h in (msg.get_all("Authentication-Results") or [])).lower()
    fehlgeschlagen = [m for m in ("spf", "dkim", "dmarc") if re.search(rf"\b{m}=(fail|softfail)\b", ergebnisse)]
    if fehlgeschlagen:
        warnungen.append(
            f"Absender nicht bestätigt ({'/'.join(x.upper() for x in fehlgeschlagen)} fehlgeschlagen): die E-Mail kann "
            "gefälscht sein. Bitte prüfen Sie die Herkunft, bevor Sie sie einer Akte zuordnen."
        )
    absender = [a for _, a in getaddresses([_kopf(msg, "From")]) if a]
    if len(absender) != 1:
        warnungen.append("Die E-Mail nennt keinen oder mehrere Absender; bitte prüfen Sie die Herkunft.")
    von = _domain(absender[0]) if absender else ""
    for feld, text in (("Return-Path", "Rücksendeadresse"), ("Reply-To", "Antwortadresse")):
        andere = _domain(_kopf(msg, feld))
        if von and andere and andere != von and not andere.endswith("." + von):
            warnungen.append(
                f"Die {text} ({andere}) gehört nicht zur Absenderdomain ({von}); die E-Mail kann gefälscht sein."
            )
    return warnungen


@dataclass(frozen=True)
class MailErgebnis:
    posteingang: Posteingang
    neu: bool


def mail_annehmen(*, behoerde: Behoerde, roh: bytes, postfach: Postfach | None = None) -> MailErgebnis:
    """Store one mail (original .eml unchanged) as a Posteingang item; exactly once per Message-ID and content.

    Committed before the caller moves the mail out of the inbox."""
    msg = BytesHeaderParser(policy=policy.default).parsebytes(roh)
    sha256 = hashlib.sha256(roh).hexdigest()
    message_id = _kopf(msg, "Message-ID")[:998] or f"<ohne-message-id-{sha256[:32]}@eingang>"
    vorhanden = EingangsMail.objects.filter(behoerde=behoerde, message_id=message_id, sha256=sha256).first()
    if vorhanden is not None:
        logger.info(
            "E-Mail %s bereits als Posteingang %s uebernommen; nicht doppelt", message_id, vorhanden.posteingang_id
        )
        return MailErgebnis(vorhanden.posteingang, False)
    warnungen = absender_pruefen(msg)
    gleiche_id = EingangsMail.objects.filter(behoerde=behoerde, message_id=message_id).first()
    if gleiche_id is not None:
        warnungen.append(
            f"Eine andere E-Mail mit derselben Message-ID ist bereits eingegangen (Posteingang Nr. "
            f"{gleiche_id.posteingang_id}); der Inhalt weicht ab. Bitte prüfen Sie, ob sie gefälscht oder "
            "verändert erneut gesendet wurde."
        )
        logger.warning("E-Mail mit doppelter Message-ID %s und anderem Inhalt: als neuer Posteingang", message_id)
    betreff = _kopf(msg, "Subject")[:500]
    merkmale: dict[str, Any] = {
        "email": {
            "absender": _kopf(msg, "From")[:500],
            "betreff": betreff,
            "datum": _kopf(msg, "Date")[:100],
            "message_id": message_id,
        },
        "warnungen": warnungen,
    }
    if warnungen:
        merkmale["nicht_automatisch"] = True
        logger.warning("E-Mail %s: %s", message_id, " | ".join(warnungen))
    name = dateien.sicherer_dateiname(betreff, fallback="e-mail")[:80] + ".eml"
    try:
        with transaction.atomic():
            p = posteingang_services.posteingang_annehmen(
                behoerde=behoerde,
                datei=io.BytesIO(roh),
                dateiname=name,
                quelle=Posteingang.Quelle.EMAIL,
                merkmale=merkmale,
            )
            EingangsMail.objects.create(
                behoerde=behoerde,
                postfach=postfach,
                message_id=message_id,
                sha256=sha256,
                absender=merkmale["email"]["absender"],
                betreff=betreff,
                posteingang=p,
            )
    except IntegrityError:
        # Another poller stored the same mail at the same moment: take its item.
        vorhanden = EingangsMail.objects.get(behoerde=behoerde, message_id=message_id, sha256=sha256)
        return MailErgebnis(vorhanden.posteingang, False)
    return MailErgebnis(p, True)


def mail_zu_gross_melden(
    *, behoerde: Behoerde, kopf: bytes, groesse: int, grenze: int, postfach: Postfach
) -> MailErgebnis:
    """A mail too large to fetch stays in the mailbox (moved to the 'too large' folder); a notice goes to the
    in-tray. Exactly once, keyed like a mail (Message-ID + size)."""
    msg = BytesHeaderParser(policy=policy.default).parsebytes(kopf)
    message_id = _kopf(msg, "Message-ID")[:998] or f"<ohne-message-id-{hashlib.sha256(kopf).hexdigest()[:32]}@eingang>"
    schluessel = hashlib.sha256(f"zu-gross:{groesse}".encode()).hexdigest()
    vorhanden = EingangsMail.objects.filter(behoerde=behoerde, message_id=message_id, sha256=schluessel).first()
    if vorhanden is not None:
        return MailErgebnis(vorhanden.posteingang, False)
    mb = groesse / 1024 / 1024
    meldung = (
        (
            f"Die E-Mail ist {mb:,.1f} MB groß; übernommen werden höchstens {grenze // (1024 * 1024)} MB. Sie wurde "
            f"nicht übernommen und liegt unverändert im Funktionspostfach „{postfach.name}“ im Ordner "
            f"„{postfach.ordner_zu_gross}“. "
            "Bitte bitten Sie den Absender, die Anlagen aufgeteilt oder auf anderem Weg zu senden."
        )
        .replace(",", "X")
        .replace(".", ",")
        .replace("X", ".")
    )
    pdf = satz_pdf(
        Satz(
            titel="E-Mail zu groß – nicht übernommen",
            kopfzeilen=[
                ("Von", _kopf(msg, "From") or "–"),
                ("Datum", _kopf(msg, "Date") or "–"),
                ("Betreff", _kopf(msg, "Subject") or "(ohne Betreff)"),
                ("Message-ID", message_id),
            ],
            abschnitte=[("", [meldung])],
        )
    )
    logger.warning("E-Mail %s (%s Bytes) zu gross, bleibt im Postfach %s", message_id, groesse, postfach.pk)
    with transaction.atomic():
        p = posteingang_services.posteingang_annehmen(
            behoerde=behoerde,
            datei=io.BytesIO(pdf),
            dateiname="e-mail-zu-gross.pdf",
            quelle=Posteingang.Quelle.EMAIL,
            merkmale={"nicht_automatisch": True, "warnungen": [meldung], "email": {"message_id": message_id}},
        )
        EingangsMail.objects.create(
            behoerde=behoerde,
            postfach=postfach,
            message_id=message_id,
            sha256=schluessel,
            absender=_kopf(msg, "From")[:500],
            betreff=_kopf(msg, "Subject")[:500],
            posteingang=p,
        )
    return MailErgebnis(p, True)


# --- returned letters -----------------------------------------------------------------------------------------


def ruecklaeufer_einstellen(*, schreiben_id: int) -> Posteingang | None:
    """An undeliverable letter: a notice plus the letter into the in-tray of the caseworker who wrote it."""
    s = Ausgangsschreiben.objects.select_related("akte", "dokument", "verfasst_von").filter(pk=schreiben_id).first()
    if s is None or s.status != Ausgangsschreiben.Status.UNZUSTELLBAR:
        return None
    if Posteingang.objects.filter(erkannte_merkmale__ruecklaeufer=s.pk).exists():
        return None
    meldung = (
        f"Der Brief „{s.titel}“ (Sendung {s.sendungsnummer}) konnte nicht zugestellt werden. Grund laut "
        f"Versanddienstleister: {s.anbieter_meldung or 'nicht angegeben'}. Bitte prüfen Sie die Anschrift in der Akte "
        f"{s.akte.aktenzeichen} und verfassen Sie das Schreiben mit der richtigen Anschrift neu."
    )
    hinweis = satz_pdf(
        Satz(
            titel="Rückläufer: Brief unzustellbar",
            kopfzeilen=[("Aktenzeichen", s.akte.aktenzeichen), ("Sendungsnummer", s.sendungsnummer)],
            abschnitte=[("", [meldung])],
        )
    )
    teile = [hinweis]
    if s.dokument is not None and (version := s.dokument.versionen.order_by("nummer").first()) is not None:
        with version.original.open("rb") as f:
            teile.append(f.read())
    with pikepdf.new() as aus:
        offen = [pikepdf.open(io.BytesIO(t)) for t in teile]
        for t in offen:
            aus.pages.extend(t.pages)
        puffer = io.BytesIO()
        aus.save(puffer)
        for t in offen:
            t.close()
    p = posteingang_services.posteingang_annehmen(
        behoerde=s.akte.behoerde,
        datei=io.BytesIO(puffer.getvalue()),
        dateiname="rueckläufer.pdf",
        quelle=Posteingang.Quelle.RUECKLAUF,
        merkmale={"nicht_automatisch": True, "warnungen": [meldung], "ruecklaeufer": s.pk},
        team=s.akte.team,
        zugewiesen_an=s.verfasst_von,
    )
    logger.info("Rueckläufer fuer Schreiben %s als Posteingang %s eingestellt", s.pk, p.pk)
    return p


# --- online applications --------------------------------------------------------------------------------------


class Zustaendigkeitsfehler(ValidationError):
    pass


def behoerde_fuer_postleitzahl(postleitzahl: str) -> Behoerde:
    plz = (postleitzahl or "").strip()
    if not re.fullmatch(r"\d{5}", plz):
        raise Zustaendigkeitsfehler({"postleitzahl": ["Bitte geben Sie eine fünfstellige Postleitzahl an."]})
    z = Zustaendigkeit.objects.select_related("behoerde").filter(postleitzahl=plz, behoerde__aktiv=True).first()
    if z is None:
        raise Zustaendigkeitsfehler(
            {
                "postleitzahl": [
                    f"Für die Postleitzahl {plz} ist keine hessische Ausländerbehörde hinterlegt. Bitte prüfen Sie die "
                    "Postleitzahl. Wohnen Sie nicht in Hessen, wenden Sie sich bitte an die Ausländerbehörde Ihres "
                    "Wohnorts."
                ]
            }
        )
    return z.behoerde


@dataclass(frozen=True)
class Anlage:
    dateiname: str
    daten: bytes
    art: str = ""


def _anlagen_pruefen(anlagen: list[Anlage]) -> list[tuple[Anlage, str, bytes]]:
    """Every attachment: type by content, size, preflight; converted to PDF pages. German errors per file."""
    if len(anlagen) > MAX_ANLAGEN:
        raise ValidationError({"anlagen": [f"Höchstens {MAX_ANLAGEN} Anlagen sind möglich."]})
    ergebnis = []
    for a in anlagen:
        name = dateien.sicherer_dateiname(a.dateiname, fallback="anlage")
        try:
            info = dateien.datei_pruefen(io.BytesIO(a.daten), erlaubt=ANLAGEN_TYPEN, max_bytes=MAX_ANLAGE_BYTES)
        except ValidationError as exc:
            meldungen = exc.message_dict.get("datei", exc.messages)
            if "nicht angenommen" in " ".join(meldungen):
                meldungen = [
                    "Die Datei ist keine PDF-, JPEG- oder PNG-Datei (der Typ wird am Inhalt erkannt, nicht am Namen). "
                    "Bitte laden Sie den Nachweis als PDF oder Foto hoch."
                ]
            raise ValidationError({"anlagen": [f"„{name}“: {' '.join(meldungen)}"]}) from exc
        try:
            pdf = konvertieren.anlage_als_pdf(a.daten, info.mime_type)
        except EingabeFehler as exc:
            raise ValidationError({"anlagen": [f"„{name}“: {exc.meldung}"]}) from exc
        ergebnis.append((Anlage(name, a.daten, a.art), info.mime_type, pdf))
    return ergebnis


VE_ABSCHNITTE: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Verpflichtungsgeber/in",
        [
            ("vg_familienname", "Familienname"),
            ("vg_vornamen", "Vornamen"),
            ("vg_geburtsdatum", "Geburtsdatum"),
            ("vg_staatsangehoerigkeit", "Staatsangehörigkeit"),
            ("vg_strasse", "Straße und Hausnummer"),
            ("postleitzahl", "Postleitzahl"),
            ("vg_ort", "Ort"),
            ("vg_email", "E-Mail"),
            ("vg_telefon", "Telefon"),
            ("vg_nettoeinkommen", "monatliches Nettoeinkommen (EUR)"),
        ],
    ),
    (
        "Eingeladene Person",
        [
            ("gast_familienname", "Familienname"),
            ("gast_vornamen", "Vornamen"),
            ("gast_geburtsdatum", "Geburtsdatum"),
            ("gast_staatsangehoerigkeit", "Staatsangehörigkeit"),
            ("gast_passnummer", "Passnummer"),
            ("gast_wohnort", "Wohnort im Ausland"),
        ],
    ),
    ("Aufenthalt", [("aufenthalt_von", "von"), ("aufenthalt_bis", "bis"), ("aufenthalt_zweck", "Zweck")]),
]


def antrag_pdf(*, dienst: str, daten: dict[str, Any], behoerde: Behoerde, anlagen: list[tuple[Anlage, str, bytes]],
               eingegangen: str) -> bytes:  # fmt: skip
    """The generated PDF of an application: the data, then every attachment's pages."""
    if dienst == Onlineantrag.Dienst.VERPFLICHTUNGSERKLAERUNG:
        titel = "Antrag auf Abgabe einer Verpflichtungserklärung (§§ 66, 68 AufenthG)"
        abschnitte = [
            (ueber, [f"{label}: {daten.get(k) or '–'}" for k, label in felder]) for ueber, felder in VE_ABSCHNITTE
        ]
    else:
        titel = f"Online-Antrag: {dienst}"
        abschnitte = [("Angaben", [f"{k}: {v}" for k, v in sorted(daten.items())])]
    abschnitte.append(
        (
            "Anlagen",
            [f"{i}. {a.art or 'Nachweis'}: {a.dateiname}" for i, (a, _, _) in enumerate(anlagen, 1)] or ["keine"],
        )
    )
    deck = satz_pdf(
        Satz(
            titel=titel,
            kopfzeilen=[("Zuständige Behörde", behoerde.name), ("Eingegangen", eingegangen)],
            abschnitte=abschnitte,
            fusszeile="Elektronisch eingereicht. Die Angaben liegen zusätzlich strukturiert (JSON) vor; die Anlagen "
            "sind unverändert gespeichert.",
        )
    )
    with pikepdf.new() as aus:
        offen = [pikepdf.open(io.BytesIO(deck))] + [pikepdf.open(io.BytesIO(pdf)) for _, _, pdf in anlagen]
        try:
            for t in offen:
                aus.pages.extend(t.pages)
            puffer = io.BytesIO()
            aus.save(puffer)
        finally:
            for t in offen:
                t.close()
    return puffer.getvalue()


class Wiederholung(ValidationError):
    """The same submission (platform + id) again: a replay."""


def onlineantrag_annehmen(
    *,
    dienst: str,
    daten: dict[str, Any],
    anlagen: list[Anlage],
    einreichung: str,
    plattform: Plattform | None = None,
    behoerde: Behoerde | None = None,
    request: HttpRequest | None = None,
) -> Onlineantrag:
    """An online application into the responsible authority's in-tray (routed by the postcode)."""
    behoerde = behoerde or behoerde_fuer_postleitzahl(str(daten.get("postleitzahl", "")))
    if plattform is not None and Onlineantrag.objects.filter(plattform=plattform, einreichung=einreichung).exists():
        raise Wiederholung({"einreichung": ["Diese Einreichung ist bereits eingegangen (Wiederholung abgewiesen)."]})
    geprueft = _anlagen_pruefen(anlagen)
    jetzt = timezone.localtime()
    pdf = antrag_pdf(
        dienst=dienst, daten=daten, behoerde=behoerde, anlagen=geprueft, eingegangen=f"{jetzt:%d.%m.%Y %H:%M} Uhr"
    )
    merkmale: dict[str, Any] = {
        "nicht_automatisch": True,
        "antrag": {"dienst": dienst, "daten": daten},
        "warnungen": [f"Online-Antrag ({dienst}): bitte Akte wählen; beim Zuordnen wird ein Vorgang angelegt."],
    }
    if dienst == Onlineantrag.Dienst.VERPFLICHTUNGSERKLAERUNG:
        merkmale["vorgangsart"] = "verpflichtungserklaerung"
    try:
        with transaction.atomic():
            p = posteingang_services.posteingang_annehmen(
                behoerde=behoerde,
                datei=io.BytesIO(pdf),
                dateiname=f"{dienst}-{einreichung[:40]}.pdf",
                quelle=Posteingang.Quelle.ONLINE,
                merkmale=merkmale,
                request=request,
            )
            antrag = Onlineantrag.objects.create(
                behoerde=behoerde,
                dienst=dienst,
                plattform=plattform,
                einreichung=einreichung,
                daten=daten,
                posteingang=p,
            )
            for nummer, (a, mime, _) in enumerate(geprueft, 1):
                anlage = Onlineanlage(
                    antrag=antrag,
                    nummer=nummer,
                    art=a.art[:200],
                    dateiname=a.dateiname,
                    mime_type=mime,
                    sha256=hashlib.sha256(a.daten).hexdigest(),
                )
                anlage.datei.save("anlage", ContentFile(a.daten), save=False)
                anlage.save()
    except IntegrityError as exc:
        raise Wiederholung(
            {"einreichung": ["Diese Einreichung ist bereits eingegangen (Wiederholung abgewiesen)."]}
        ) from exc
    logger.info("Online-Antrag %s (%s) an %s: Posteingang %s", einreichung, dienst, behoerde.kuerzel, p.pk)
    return antrag

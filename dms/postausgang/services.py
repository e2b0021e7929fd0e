"""Use cases of the Postausgang: templates, letters, four-eyes approval, dispatch and tracking. The conversion to
PDF/A and the filing run in the background after the approval (`umwandlung.py`, task `dms.postausgang.umwandeln`)."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from dms import hintergrund
from dms.audit import Aktion, protokollieren
from dms.konvertierung import KonvertierungFehler, buero_zu_pdfa
from dms.models import Akte, Behoerde, Register, Vorgang
from dms.permissions_matrix import darf
from dms.queries import eigene_behoerde_id

from . import anbieter
from .felder import FELDER, VorlagenFehler, docx_erzeugen, felder_aus_akte, text_fuellen, vorlage_pruefen
from .models import Ausgangsschreiben, Briefvorlage

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("dms.postausgang")
S = Ausgangsschreiben.Status
SYSTEM = "Postausgang (automatisch)"
# Statuses the provider may report through its callback, in the order a letter passes them.
ANBIETER_STATUS = {"angenommen": S.ANGENOMMEN, "gedruckt": S.GEDRUCKT, "versendet": S.VERSENDET}
BEARBEITBAR = (S.ENTWURF, S.ZUR_FREIGABE)
# A letter whose conversion failed may be edited too; the edit voids the approval (back to draft).
AENDERBAR = (*BEARBEITBAR, S.UMWANDLUNGSFEHLER)
# Name of the scanning task that puts a returned letter into the caseworker's in-tray (dms never imports scanning).
RUECKLAEUFER_TASK = "scanning.eingang.ruecklaeufer"
EINLIEFERN_TASK = "dms.postausgang.einliefern"
UMWANDELN_TASK = "dms.postausgang.umwandeln"


def _verlauf(s: Ausgangsschreiben, status: str, meldung: str = "") -> None:
    s.statusverlauf = [
        *s.statusverlauf,
        {"status": status, "zeitpunkt": timezone.now().isoformat(), "meldung": meldung[:500]},
    ]


def _name(user: User | None) -> str:
    if user is None:
        return ""
    voll = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
    return voll or user.get_username()


def vorlage_anlegen(
    *,
    behoerde: Behoerde,
    name: str,
    datei: IO[bytes],
    user: User | None,
    request: HttpRequest | None = None,
    vier_augen: bool = False,
    standardtext: str = "",
    betreff: str = "",
    register_nummer: str = "12",
    dokumentart: str = "schreiben",
) -> Briefvorlage:
    """A new template of the authority; its fields are checked now, so a broken one never reaches a caseworker."""
    try:
        verwendet = vorlage_pruefen(datei)
        text_fuellen(standardtext, dict.fromkeys(FELDER, ""))
    except VorlagenFehler as exc:
        logger.warning("Briefvorlage %r abgewiesen: %s", name, exc.meldung)
        raise ValidationError({"datei": [exc.meldung]}) from exc
    if Briefvorlage.objects.filter(behoerde=behoerde, name=name.strip()[:200]).exists():
        raise ValidationError({"name": ["Eine Vorlage mit diesem Namen gibt es bereits."]})
    if not Register.objects.aktiv().filter(nummer=register_nummer).exists():
        raise ValidationError({"register_nummer": ["Dieses Register gibt es im gültigen Aktenplan nicht."]})
    with transaction.atomic():
        v = Briefvorlage(
            behoerde=behoerde,
            name=name.strip()[:200],
            vier_augen=vier_augen,
            standardtext=standardtext,
            betreff=betreff[:300],
            register_nummer=register_nummer,
            dokumentart=dokumentart,
            felder=verwendet,
        )
        datei.seek(0)
        v.datei.save("vorlage.docx", File(datei), save=False)
        v.save()
        protokollieren(aktion=Aktion.ANLEGEN, user=user, request=request, objekt=v, details={"name": v.name})
    return v


def felder_vorbelegen(*, akte: Akte, user: User, vorlage: Briefvorlage, vorgang: Vorgang | None) -> dict:
    person = akte.person
    felder: dict[str, str] = felder_aus_akte(
        familienname=person.familienname,
        vornamen=person.vornamen,
        geschlecht=person.geschlecht,
        geburtsdatum=person.geburtsdatum,
        anschrift=person.anschrift,
        aktenzeichen=vorgang.aktenzeichen if vorgang else akte.aktenzeichen,
        vorgang_aktenzeichen=vorgang.aktenzeichen if vorgang else "",
        azr_nummer=person.azr_nummer or "",
        behoerde=akte.behoerde.name,
        sachbearbeitung=_name(user),
        heute=timezone.localdate(),
    )
    felder["betreff"] = text_fuellen(vorlage.betreff, felder)
    felder["text"] = text_fuellen(vorlage.standardtext, felder)
    return felder


def _felder_bereinigen(felder: dict[str, Any] | None) -> dict[str, str]:
    if felder is None:
        return {}
    if not isinstance(felder, dict):
        raise ValidationError({"felder": ["Die Felder müssen als Objekt {Feld: Text} übergeben werden."]})
    unbekannt = sorted(k for k in felder if k not in FELDER)
    if unbekannt:
        raise ValidationError({"felder": [f"Unbekannte Felder: {', '.join(map(str, unbekannt))}."]})
    return {k: str(v if v is not None else "")[:20000] for k, v in felder.items()}


def schreiben_anlegen(
    *,
    akte: Akte,
    vorlage: Briefvorlage,
    user: User,
    request: HttpRequest | None = None,
    felder: dict[str, Any] | None = None,
    vorgang: Vorgang | None = None,
) -> Ausgangsschreiben:
    """A draft: fields filled from the file, then the caseworker's own values on top."""
    if not Akte.objects.changeable_by(user).filter(pk=akte.pk).exists():
        raise ValidationError({"akte": ["Diese Akte ist nicht vorhanden oder für Sie nicht änderbar."]})
    if vorlage.behoerde_id != akte.behoerde_id or not vorlage.aktiv:
        raise ValidationError({"vorlage": ["Diese Vorlage gehört nicht zu Ihrer Behörde."]})
    if vorgang is not None and vorgang.akte_id != akte.pk:
        raise ValidationError({"vorgang": ["Der Vorgang gehört nicht zu dieser Akte."]})
    try:
        werte = {**felder_vorbelegen(akte=akte, user=user, vorlage=vorlage, vorgang=vorgang)}
    except VorlagenFehler as exc:
        raise ValidationError({"vorlage": [exc.meldung]}) from exc
    werte.update(_felder_bereinigen(felder))
    with transaction.atomic():
        s = Ausgangsschreiben(
            akte=akte,
            vorgang=vorgang,
            vorlage=vorlage,
            felder=werte,
            verfasst_von=user,
            freigabe_noetig=vorlage.vier_augen,
        )
        _verlauf(s, S.ENTWURF)
        s.save()
        protokollieren(
            aktion=Aktion.ANLEGEN, user=user, request=request, objekt=s, akte=akte, details={"vorlage": vorlage.pk}
        )
    return s


def schreiben_aendern(
    *,
    schreiben: Ausgangsschreiben,
    felder: dict[str, Any],
    user: User,
    request: HttpRequest | None = None,
) -> Ausgangsschreiben:
    """The caseworker edits the text or fields; a letter awaiting approval, or whose conversion failed, goes back to
    draft (its approval is void)."""
    neu = _felder_bereinigen(felder)
    with transaction.atomic():
        s = Ausgangsschreiben.objects.select_for_update().get(pk=schreiben.pk)
        if s.status not in AENDERBAR:
            raise ValidationError("Ein freigegebenes Schreiben kann nicht mehr geändert werden.")
        s.felder = {**s.felder, **neu}
        if s.status in (S.ZUR_FREIGABE, S.UMWANDLUNGSFEHLER):
            s.status = S.ENTWURF
            s.freigegeben_von, s.freigegeben_am = None, None
            _verlauf(s, S.ENTWURF, "nach Änderung erneut freizugeben")
        s.version += 1
        s.save()
        protokollieren(
            aktion=Aktion.AENDERN, user=user, request=request, objekt=s, akte=s.akte, details={"felder": sorted(neu)}
        )
    return s


def pdf_erzeugen(*, vorlage: Briefvorlage, felder: dict[str, Any]) -> bytes:
    """DOCX from the template, then PDF/A-2b with LibreOffice (slow: call it from the background task only). Raises
    ValidationError with a German sentence for the caseworker."""
    try:
        with vorlage.datei.open("rb") as f:
            docx = docx_erzeugen(f, felder)
    except VorlagenFehler as exc:
        logger.warning("Briefvorlage %s: %s", vorlage.pk, exc.meldung)
        raise ValidationError({"vorlage": [exc.meldung]}) from exc
    with tempfile.TemporaryDirectory(prefix="schreiben-") as d:
        quelle = Path(d) / "schreiben.docx"
        quelle.write_bytes(docx)
        try:
            return buero_zu_pdfa(quelle, Path(d) / "schreiben.pdf", endung="docx").read_bytes()
        except KonvertierungFehler as exc:
            logger.warning("Schreiben aus Vorlage %s: Umwandlung fehlgeschlagen (%s)", vorlage.pk, exc.code)
            if exc.code == "umwandlung_zeitlimit":
                raise ValidationError(
                    f"Die Umwandlung des Schreibens in PDF/A wurde nach {settings.SOFFICE_ZEITLIMIT} Sekunden "
                    "abgebrochen (LibreOffice antwortet nicht). Bitte versuchen Sie es erneut; bleibt der Fehler, "
                    "wenden Sie sich an den IT-Betrieb."
                ) from exc
            raise ValidationError(
                "Das Schreiben konnte nicht in PDF/A umgewandelt werden. Bitte versuchen Sie es erneut; bleibt der "
                "Fehler, wenden Sie sich an den IT-Betrieb."
            ) from exc


def _darf_freigeben(user: User, s: Ausgangsschreiben) -> bool:
    return darf(user, "schreiben_freigeben") and user.pk != s.verfasst_von_id


def schreiben_freigeben(
    *, schreiben: Ausgangsschreiben, user: User, request: HttpRequest | None = None
) -> Ausgangsschreiben:
    """Final approval: returns at once with `umwandlung`; the background task makes the PDF/A and files it as
    `richtung=ausgang` (umwandlung.py).

    Where the template requires four eyes, the author's call only submits it (zur_freigabe); a team lead (not the
    author) then approves it."""
    if not Akte.objects.changeable_by(user).filter(pk=schreiben.akte_id).exists():
        raise PermissionDenied("Sie dürfen in dieser Akte nichts ändern.")
    if schreiben.status not in BEARBEITBAR:
        if schreiben.status in (S.FREIGEGEBEN, S.UMWANDLUNG):
            return schreiben  # a repeated click approves nothing twice
        if schreiben.status == S.UMWANDLUNGSFEHLER:
            raise ValidationError(
                "Das Schreiben ist freigegeben, aber die Umwandlung in PDF/A ist fehlgeschlagen. Bitte wiederholen "
                "Sie die Umwandlung oder ändern Sie das Schreiben."
            )
        raise ValidationError("Dieses Schreiben ist bereits freigegeben.")
    if schreiben.freigabe_noetig and not _darf_freigeben(user, schreiben):
        if user.pk != schreiben.verfasst_von_id:
            raise PermissionDenied("Dieses Schreiben gibt nur die Teamleitung frei (Vier-Augen-Prinzip).")
        with transaction.atomic():
            s = Ausgangsschreiben.objects.select_for_update().get(pk=schreiben.pk)
            if s.status == S.ENTWURF:
                s.status = S.ZUR_FREIGABE
                _verlauf(s, S.ZUR_FREIGABE, f"vorgelegt von {_name(user)}")
                s.save()
                protokollieren(
                    aktion=Aktion.AENDERN, user=user, request=request, objekt=s, akte=s.akte,
                    details={"status": S.ZUR_FREIGABE},
                )  # fmt: skip
        return s
    with transaction.atomic():
        s = Ausgangsschreiben.objects.select_for_update().select_related("akte").get(pk=schreiben.pk)
        if s.status not in BEARBEITBAR:
            return s
        # The approval returns at once; the PDF/A is made and filed by the background task (umwandlung.py).
        s.status = S.UMWANDLUNG
        s.freigegeben_von = user
        s.freigegeben_am = timezone.now()
        s.umwandlung_meldung = ""
        _verlauf(s, S.UMWANDLUNG, f"freigegeben von {_name(user)}")
        s.save()
        protokollieren(
            aktion=Aktion.AENDERN, user=user, request=request, objekt=s, akte=s.akte,
            details={"status": S.UMWANDLUNG, "vier_augen": s.freigabe_noetig},
        )  # fmt: skip
        sid = s.pk
        transaction.on_commit(lambda: umwandlung_einreihen(sid))
    return s


def umwandlung_einreihen(schreiben_id: int) -> bool:
    """Queue the conversion; with the broker down the letter stays `umwandlung` and the sweeper queues it."""
    try:
        hintergrund.aufgabe_senden(UMWANDELN_TASK, args=[schreiben_id], queue=settings.POSTAUSGANG_UMWANDLUNG_QUEUE)
    except Exception as exc:  # kombu/redis raise many types; any of them means "not queued"
        logger.warning("Schreiben %s: Umwandlung nicht eingereiht (%s); der Sweeper reiht sie ein.", schreiben_id, exc)
        return False
    return True


def schreiben_versenden(
    *,
    schreiben: Ausgangsschreiben,
    user: User,
    request: HttpRequest | None = None,
    weg: str = Ausgangsschreiben.Versandweg.HYBRIDPOST,
) -> Ausgangsschreiben:
    """Dispatch an approved letter: queue it for the hybrid-mail provider, or mark it printed locally."""
    if weg not in Ausgangsschreiben.Versandweg.values:
        raise ValidationError({"weg": ["Versandweg muss „hybridpost“ oder „lokal“ sein."]})
    if not Akte.objects.changeable_by(user).filter(pk=schreiben.akte_id).exists():
        raise PermissionDenied("Sie dürfen in dieser Akte nichts ändern.")
    if weg == Ausgangsschreiben.Versandweg.HYBRIDPOST:
        if not anbieter.ist_konfiguriert():
            raise ValidationError(
                {"weg": ["Es ist kein Hybridpost-Dienstleister eingerichtet. Bitte drucken Sie das Schreiben lokal."]}
            )
        if not schreiben.felder.get("anschrift", "").strip():
            raise ValidationError({"anschrift": ["Ohne Anschrift kann der Dienstleister den Brief nicht versenden."]})
    with transaction.atomic():
        s = Ausgangsschreiben.objects.select_for_update().get(pk=schreiben.pk)
        if s.status in BEARBEITBAR:
            raise ValidationError("Das Schreiben muss zuerst freigegeben werden.")
        if s.status == S.UMWANDLUNG:
            raise ValidationError(
                "Das Schreiben wird noch in PDF/A umgewandelt. Versenden können Sie es, sobald das PDF/A vorliegt."
            )
        if s.status == S.UMWANDLUNGSFEHLER:
            raise ValidationError(
                "Die Umwandlung in PDF/A ist fehlgeschlagen; ohne gültiges PDF/A wird nichts versendet. Bitte "
                "wiederholen Sie die Umwandlung."
            )
        if s.dokument_id is None:
            raise ValidationError("Zu diesem Schreiben liegt noch kein PDF/A in der Akte vor; es wird nicht versendet.")
        if s.status != S.FREIGEGEBEN:
            if s.versandweg == weg:
                return s  # sent already: a repeated click never sends twice
            raise ValidationError("Dieses Schreiben ist bereits versandt oder gedruckt.")
        s.versandweg = weg
        s.status = S.IN_VERSAND if weg == Ausgangsschreiben.Versandweg.HYBRIDPOST else S.LOKAL_GEDRUCKT
        _verlauf(s, s.status)
        s.save()
        protokollieren(
            aktion=Aktion.AENDERN, user=user, request=request, objekt=s, akte=s.akte,
            details={"status": s.status, "weg": weg},
        )  # fmt: skip
        if s.status == S.IN_VERSAND:
            sid = s.pk
            transaction.on_commit(lambda: einlieferung_einreihen(sid))
    return s


def einlieferung_einreihen(schreiben_id: int) -> bool:
    """Queue the delivery task; with the broker down the letter stays `in_versand` and the sweeper queues it."""
    try:
        hintergrund.aufgabe_senden(EINLIEFERN_TASK, args=[schreiben_id], queue="default")
    except Exception as exc:  # kombu/redis raise many types; any of them means "not queued"
        logger.warning(
            "Schreiben %s: Warteschlange nicht erreichbar (%s); der Sweeper reiht es ein.", schreiben_id, exc
        )
        return False
    return True


def schreiben_einliefern(*, schreiben_id: int) -> Ausgangsschreiben | None:
    """Hand the letter to the provider (idempotent: the key makes a second call return the same shipment).

    Raises AnbieterFehler for a transient failure (the task retries); a final refusal ends as `abgelehnt`."""
    s = Ausgangsschreiben.objects.select_related("dokument", "akte__person").filter(pk=schreiben_id).first()
    if s is None or s.status != S.IN_VERSAND or s.dokument is None:
        return s
    version = s.dokument.versionen.order_by("nummer").first()
    assert version is not None
    with version.original.open("rb") as f:
        pdf = f.read()
    Ausgangsschreiben.objects.filter(pk=s.pk).update(versandversuche=s.versandversuche + 1)
    try:
        ergebnis = anbieter.einliefern(
            pdf=pdf,
            idempotenz_schluessel=str(s.versand_schluessel),
            referenz=str(s.uuid),
            empfaenger_name=str(s.felder.get("name", "")),
            anschrift=[z.strip() for z in str(s.felder.get("anschrift", "")).splitlines() if z.strip()],
        )
    except anbieter.AnbieterFehler as exc:
        with transaction.atomic():
            g = Ausgangsschreiben.objects.select_for_update().get(pk=s.pk)
            g.anbieter_meldung = exc.meldung
            if exc.endgueltig and g.status == S.IN_VERSAND:
                g.status = S.ABGELEHNT
                _verlauf(g, S.ABGELEHNT, exc.meldung)
                protokollieren(
                    aktion=Aktion.AENDERN, objekt=g, akte=g.akte, benutzername=SYSTEM,
                    details={"status": S.ABGELEHNT},
                )  # fmt: skip
            g.save()
        if not exc.endgueltig:
            raise
        return g
    with transaction.atomic():
        g = Ausgangsschreiben.objects.select_for_update().get(pk=s.pk)
        if g.status != S.IN_VERSAND:
            return g
        g.status = ANBIETER_STATUS.get(ergebnis.status, S.ANGENOMMEN)
        g.sendungsnummer = ergebnis.sendungsnummer
        g.anbieter_meldung = ""
        _verlauf(g, g.status, f"Sendungsnummer {ergebnis.sendungsnummer}")
        g.save()
        protokollieren(
            aktion=Aktion.AENDERN, objekt=g, akte=g.akte, benutzername=SYSTEM,
            details={"status": g.status, "sendungsnummer": g.sendungsnummer},
        )  # fmt: skip
    logger.info("Schreiben %s an Hybridpost uebergeben: Sendung %s", g.pk, g.sendungsnummer)
    return g


_RANG: dict[str, int] = {S.ANGENOMMEN: 1, S.GEDRUCKT: 2, S.VERSENDET: 3, S.UNZUSTELLBAR: 4}


def rueckmeldung_verarbeiten(*, sendungsnummer: str, status: str, grund: str = "") -> Ausgangsschreiben:
    """A status callback of the provider. Out-of-order or repeated callbacks never move a letter backwards;
    `unzustellbar` puts it back into the caseworker's in-tray."""
    ziel = ANBIETER_STATUS.get(status) or (S.UNZUSTELLBAR if status == "unzustellbar" else None)
    if ziel is None:
        raise ValidationError({"status": [f"Unbekannter Status „{status[:40]}“."]})
    with transaction.atomic():
        s = Ausgangsschreiben.objects.select_for_update().filter(sendungsnummer=sendungsnummer).first()
        if s is None:
            raise Ausgangsschreiben.DoesNotExist(sendungsnummer)
        if _RANG.get(ziel, 0) <= _RANG.get(s.status, 0):
            return s
        s.status = ziel
        if grund:
            s.anbieter_meldung = grund[:2000]
        _verlauf(s, ziel, grund)
        s.save()
        protokollieren(
            aktion=Aktion.AENDERN, objekt=s, akte=s.akte, benutzername=SYSTEM,
            details={"status": ziel, "sendungsnummer": sendungsnummer},
        )  # fmt: skip
        if ziel == S.UNZUSTELLBAR:
            sid = s.pk
            transaction.on_commit(lambda: hintergrund.aufgabe_senden(RUECKLAEUFER_TASK, args=[sid]))
            logger.warning("Schreiben %s (Sendung %s) unzustellbar: %s", s.pk, sendungsnummer, grund)
    return s


def haengende_einliefern(*, aelter_als: int = 300) -> int:
    """Sweeper: letters still `in_versand` after `aelter_als` seconds are queued again (idempotent delivery)."""
    grenze = timezone.now() - timedelta(seconds=aelter_als)
    ids = list(
        Ausgangsschreiben.objects.filter(status=S.IN_VERSAND, geaendert_am__lt=grenze).values_list("id", flat=True)[
            :200
        ]
    )
    for sid in ids:
        if einlieferung_einreihen(sid):
            Ausgangsschreiben.objects.filter(pk=sid).update(geaendert_am=timezone.now())
    return len(ids)


def behoerde_von(user: User) -> Behoerde:
    return Behoerde.objects.get(pk=eigene_behoerde_id(user))

"""Hand-over of a file to another authority within the system (Aktenabgabe) and the sender's Datei-B record.

Accepting moves the rows: the Akte (with its Vorgänge, Dokumente, versions and audit history, which all hang off it)
gets the receiving authority, a new Aktenzeichen in its scheme and the receiving authority's person record (matched by
AZR-Nummer). The sender keeps only a Datei-B entry (§§ 67, 68 AufenthV: who, where to, when), deleted 10 years later.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone

from dms.access import zugang
from dms.aktenzeichen import aktenzeichen_formatieren, naechste_nummer, vorgang_aktenzeichen_formatieren
from dms.audit import Aktion, protokollieren
from dms.models import (
    Akte,
    AkteFreigabe,
    Aktenabgabe,
    Akteneinsicht,
    Behoerde,
    DateiBEintrag,
    Person,
    Team,
    Vorgang,
)
from dms.namen import team_fuer_name
from dms.neueingaenge.models import Neueingang
from dms.neueingaenge.services import neueingaenge_der_akte_vermerken

from .akten import PERSON_FELDER, person_anlegen
from .fehler import feldfehler

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

# Years a Datei-B entry is kept, by occasion (§ 68 Abs. 2 AufenthV: 10 years, 5 after death).
DATEI_B_JAHRE = {"fortzug": 10, "zustaendigkeit": 10, "sonstiges": 10, "einbuergerung": 10, "tod": 5}


class BereitsEntschieden(Exception):
    """Someone else already accepted, declined or withdrew this hand-over (the API answers 409)."""

    def __init__(self, abgabe: Aktenabgabe) -> None:
        self.abgabe = abgabe
        super().__init__(
            f"Diese Abgabe wurde bereits {abgabe.get_status_display()}; Ihre Entscheidung wurde nicht gespeichert."
        )


def jahre_spaeter(tag: date, jahre: int) -> date:
    """>>> jahre_spaeter(date(2024, 2, 29), 10)
    datetime.date(2034, 2, 28)
    """
    try:
        return tag.replace(year=tag.year + jahre)
    except ValueError:  # 29 February in a non-leap target year
        return tag.replace(year=tag.year + jahre, day=28)


def datei_b_loeschdatum(abgegeben_am: date, anlass: str = "fortzug") -> date:
    """The day a Datei-B entry must be deleted (pure; tested table-driven)."""
    return jahre_spaeter(abgegeben_am, DATEI_B_JAHRE.get(anlass, 10))


def team_fuer(behoerde: Behoerde, familienname: str) -> Team | None:
    """The receiving authority's team for the surname's letter range, else its standard team."""
    teams = list(Team.objects.filter(behoerde=behoerde).order_by("buchstaben_von", "id"))
    team_id = team_fuer_name(familienname, [(t.pk, t.buchstaben_von, t.buchstaben_bis, t.ist_standard) for t in teams])
    return next((t for t in teams if t.pk == team_id), None)


def _person_name(person: Person) -> str:
    return f"{person.familienname}, {person.vornamen}" if person.vornamen else person.familienname


def abgabe_anbieten(
    *,
    akte: Akte,
    ziel_behoerde: Behoerde,
    user: User,
    request: HttpRequest | None = None,
    grund: str = Aktenabgabe.Grund.FORTZUG,
    bemerkung: str = "",
    neue_anschrift: str = "",
) -> Aktenabgabe:
    """Offer a file to another authority; it stays with the sender until the receiver accepts."""
    z = zugang(user)
    if not z.darf_aendern or akte.behoerde_id != z.behoerde_id:
        raise ValidationError("Nur die aktenführende Behörde kann diese Akte abgeben.")
    if ziel_behoerde.pk == akte.behoerde_id:
        raise feldfehler("ziel_behoerde", "Die Akte liegt bereits bei dieser Behörde.")
    if not ziel_behoerde.aktiv:
        raise feldfehler("ziel_behoerde", "Diese Behörde ist nicht aktiv.")
    if grund not in Aktenabgabe.Grund.values:
        raise feldfehler("grund", "Unbekannter Grund.")
    if grund == Aktenabgabe.Grund.FORTZUG and not neue_anschrift.strip():
        raise feldfehler("neue_anschrift", "Bitte geben Sie bei einem Fortzug die neue Anschrift an.")
    with transaction.atomic():
        akte = Akte.objects.select_for_update().select_related("person").get(pk=akte.pk)
        if akte.status not in (Akte.Status.AKTIV, Akte.Status.GESCHLOSSEN):
            raise ValidationError(f"Eine Akte im Status „{akte.get_status_display()}“ kann nicht abgegeben werden.")
        if Aktenabgabe.objects.filter(akte=akte, status=Aktenabgabe.Status.ANGEBOTEN).exists():
            raise ValidationError("Diese Akte ist bereits einer Behörde zur Übernahme angeboten.")
        abgabe = Aktenabgabe.objects.create(
            akte=akte,
            von_behoerde_id=akte.behoerde_id,
            an_behoerde=ziel_behoerde,
            grund=grund,
            bemerkung=bemerkung.strip()[:500],
            neue_anschrift=neue_anschrift.strip()[:500],
            aktenzeichen_alt=akte.aktenzeichen,
            person_name=_person_name(akte.person),
            person_geburtsdatum=akte.person.geburtsdatum,
            azr_nummer=akte.person.azr_nummer,
            anzahl_dokumente=akte.dokumente.count(),
            angeboten_von=user,
        )
        protokollieren(
            aktion=Aktion.ABGABE,
            user=user,
            request=request,
            objekt=abgabe,
            akte=akte,
            details={"schritt": "angeboten", "an": ziel_behoerde.kuerzel, "grund": grund},
        )
    return abgabe


def _entscheidung_sperren(abgabe: Aktenabgabe, user: User) -> Aktenabgabe:
    """Lock the row; exactly one of several concurrent decisions gets past this."""
    z = zugang(user)
    gesperrt = Aktenabgabe.objects.select_for_update().get(pk=abgabe.pk)
    if not z.darf_aendern or gesperrt.an_behoerde_id != z.behoerde_id:
        raise ValidationError("Nur die aufnehmende Behörde kann über diese Abgabe entscheiden.")
    if gesperrt.status != Aktenabgabe.Status.ANGEBOTEN:
        raise BereitsEntschieden(gesperrt)
    return gesperrt


def _person_uebernehmen(alt: Person, ziel: Behoerde, user: User, request: HttpRequest | None) -> Person:
    if alt.azr_nummer:
        vorhanden = Person.objects.filter(behoerde=ziel, azr_nummer=alt.azr_nummer).first()
        if vorhanden is not None:
            return vorhanden
    daten = {f: getattr(alt, f) for f in PERSON_FELDER}
    return person_anlegen(behoerde=ziel, user=user, request=request, **daten)


def _alte_person_entfernen(person: Person) -> None:
    """The sender keeps no personal record beyond Datei B; keep the row only if something still needs it."""
    if person.akten.exists():
        return
    try:
        with transaction.atomic():
            person.delete()
    except (ProtectedError, IntegrityError):
        logger.warning("Aktenabgabe: Person %s wird noch referenziert und bleibt bestehen", person.pk)


def abgabe_annehmen(
    *, abgabe: Aktenabgabe, user: User, request: HttpRequest | None = None, team: Team | None = None
) -> Akte:
    """Take the file over: new Aktenzeichen in the receiver's scheme, every document, version and procedure kept."""
    with transaction.atomic():
        abgabe = _entscheidung_sperren(abgabe, user)
        ziel = abgabe.an_behoerde
        akte = Akte.objects.select_for_update().select_related("person", "behoerde").get(pk=abgabe.akte_id)
        if akte.behoerde_id != abgabe.von_behoerde_id:
            raise ValidationError("Die Akte liegt nicht mehr bei der abgebenden Behörde.")
        if team is not None and team.behoerde_id != ziel.pk:
            raise feldfehler("team", "Das Team gehört nicht zu Ihrer Behörde.")
        alte_person = akte.person
        altes_az = akte.aktenzeichen
        neue_person = _person_uebernehmen(alte_person, ziel, user, request)
        jahr = timezone.localdate().year
        neues_az = aktenzeichen_formatieren(ziel.kuerzel, jahr, naechste_nummer(ziel.pk, jahr))
        Akte.objects.filter(pk=akte.pk).update(
            behoerde=ziel,
            person=neue_person,
            aktenzeichen=neues_az,
            fruehere_aktenzeichen=[*akte.fruehere_aktenzeichen, altes_az],
            team=team or team_fuer(ziel, neue_person.familienname),
            sachbearbeitung=None,
            status=Akte.Status.AKTIV,
            version=F("version") + 1,
            geaendert_am=timezone.now(),
        )
        for vorgang in Vorgang.objects.filter(akte=akte).only("pk", "nummer"):
            Vorgang.objects.filter(pk=vorgang.pk).update(
                aktenzeichen=vorgang_aktenzeichen_formatieren(neues_az, vorgang.nummer),
                sachbearbeitung=None,
                version=F("version") + 1,
            )
        # Grants and named releases were given by the sender for its own users; they end with the hand-over.
        Akteneinsicht.objects.filter(akte=akte, widerrufen_am__isnull=True).update(widerrufen_am=timezone.now())
        AkteFreigabe.objects.filter(content_object=akte).delete()
        if akte.gesperrt:
            recht = Permission.objects.get(codename="view_gesperrte_akte", content_type__app_label="dms")
            AkteFreigabe.objects.create(content_object=akte, user=user, permission=recht)
        jetzt = timezone.now()
        DateiBEintrag.objects.create(
            behoerde_id=abgabe.von_behoerde_id,
            abgabe=abgabe,
            familienname=alte_person.familienname,
            vornamen=alte_person.vornamen,
            geburtsdatum=alte_person.geburtsdatum,
            azr_nummer=alte_person.azr_nummer,
            aktenzeichen=altes_az,
            ziel_behoerde=ziel,
            ziel_aktenzeichen=neues_az,
            anlass=abgabe.grund,
            abgegeben_am=jetzt,
            loeschen_am=datei_b_loeschdatum(timezone.localdate(), abgabe.grund),
        )
        _alte_person_entfernen(alte_person)
        Aktenabgabe.objects.filter(pk=abgabe.pk).update(
            status=Aktenabgabe.Status.ANGENOMMEN, entschieden_von=user, entschieden_am=jetzt, aktenzeichen_neu=neues_az
        )
        abgabe.refresh_from_db()
        akte.refresh_from_db()
        details = {
            "schritt": "angenommen",
            "von": abgabe.von_behoerde.kuerzel,
            "an": ziel.kuerzel,
            "frueheres_aktenzeichen": altes_az,
            "neues_aktenzeichen": neues_az,
        }
        protokollieren(aktion=Aktion.ABGABE, user=user, request=request, objekt=abgabe, akte=akte, details=details)
        # The receiving team sees every document of the file as new mail.
        neueingaenge_der_akte_vermerken(akte=akte, user=None, quelle=Neueingang.Quelle.ABGABE)
        # The sender's side of the trail: a system entry, since no sender user acted at this moment.
        protokollieren(
            aktion=Aktion.ABGABE,
            benutzername=f"System (Aktenabgabe {abgabe.von_behoerde.kuerzel} → {ziel.kuerzel})",
            objekt=abgabe,
            akte=akte,
            details={**details, "seite": "abgebende Behörde", "datei_b_bis": str(abgabe.datei_b_eintrag.loeschen_am)},
        )
    return akte


def abgabe_ablehnen(*, abgabe: Aktenabgabe, user: User, grund: str, request: HttpRequest | None = None) -> Aktenabgabe:
    """Decline: the file stays with the sender, who sees the reason."""
    if not grund.strip():
        raise feldfehler("ablehnungsgrund", "Bitte geben Sie einen Grund für die Ablehnung an.")
    with transaction.atomic():
        abgabe = _entscheidung_sperren(abgabe, user)
        Aktenabgabe.objects.filter(pk=abgabe.pk).update(
            status=Aktenabgabe.Status.ABGELEHNT,
            entschieden_von=user,
            entschieden_am=timezone.now(),
            ablehnungsgrund=grund.strip()[:500],
        )
        abgabe.refresh_from_db()
        protokollieren(
            aktion=Aktion.ABGABE,
            user=user,
            request=request,
            objekt=abgabe,
            akte=abgabe.akte,
            details={"schritt": "abgelehnt", "von": abgabe.von_behoerde.kuerzel, "grund": abgabe.ablehnungsgrund},
        )
    return abgabe


def abgabe_zurueckziehen(*, abgabe: Aktenabgabe, user: User, request: HttpRequest | None = None) -> Aktenabgabe:
    """The sender withdraws an offer that has not been decided yet."""
    z = zugang(user)
    with transaction.atomic():
        gesperrt = Aktenabgabe.objects.select_for_update().get(pk=abgabe.pk)
        if not z.darf_aendern or gesperrt.von_behoerde_id != z.behoerde_id:
            raise ValidationError("Nur die abgebende Behörde kann das Angebot zurückziehen.")
        if gesperrt.status != Aktenabgabe.Status.ANGEBOTEN:
            raise BereitsEntschieden(gesperrt)
        Aktenabgabe.objects.filter(pk=gesperrt.pk).update(
            status=Aktenabgabe.Status.ZURUECKGEZOGEN, entschieden_von=user, entschieden_am=timezone.now()
        )
        gesperrt.refresh_from_db()
        protokollieren(
            aktion=Aktion.ABGABE,
            user=user,
            request=request,
            objekt=gesperrt,
            akte=gesperrt.akte,
            details={"schritt": "zurueckgezogen"},
        )
    return gesperrt

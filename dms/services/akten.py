"""Use cases for persons, files (Akte) and procedures (Vorgang). Every write goes through here."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dms.access import zugang
from dms.aktenzeichen import aktenzeichen_formatieren, naechste_nummer, vorgang_aktenzeichen_formatieren
from dms.audit import Aktion, protokollieren
from dms.models import Akte, Behoerde, Person, Team, Vorgang, Vorgangsart, azr_validator
from dms.namen import namensschluessel

from .berechtigungen import sperrvermerk_recht_pruefen
from .fehler import feldfehler
from .locking import update_if_unchanged

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

PERSON_FELDER = (
    "familienname",
    "vornamen",
    "geburtsname",
    "geburtsdatum",
    "geburtsort",
    "staatsangehoerigkeiten",
    "geschlecht",
    "azr_nummer",
    "namensvarianten",
)


def _namen_normalisiert(daten: dict[str, Any]) -> list[str]:
    return namensschluessel(
        daten.get("familienname", ""), daten.get("geburtsname", ""), *daten.get("namensvarianten", [])
    )


def _azr_pruefen(behoerde_id: int, azr: str | None, ausser_person_id: int | None = None) -> None:
    if not azr:
        return
    azr_validator(azr)
    doppelt = Person.objects.filter(behoerde_id=behoerde_id, azr_nummer=azr)
    if ausser_person_id:
        doppelt = doppelt.exclude(pk=ausser_person_id)
    if doppelt.exists():
        raise feldfehler("azr_nummer", "Zu dieser AZR-Nummer gibt es in Ihrer Behörde bereits eine Person.")


def person_anlegen(
    *, behoerde: Behoerde, user: User | None, request: HttpRequest | None = None, **daten: Any
) -> Person:
    unbekannt = set(daten) - set(PERSON_FELDER)
    if unbekannt:
        raise ValidationError(f"Unbekannte Felder: {', '.join(sorted(unbekannt))}")
    if not str(daten.get("familienname", "")).strip():
        raise feldfehler("familienname", "Bitte geben Sie den Familiennamen an.")
    daten["azr_nummer"] = daten.get("azr_nummer") or None
    with transaction.atomic():
        _azr_pruefen(behoerde.pk, daten["azr_nummer"])
        person = Person(behoerde=behoerde, namen_normalisiert=_namen_normalisiert(daten), **daten)
        person.full_clean(exclude=["behoerde"])
        person.save()
        protokollieren(aktion=Aktion.ANLEGEN, user=user, request=request, objekt=person)
    return person


def person_aendern(*, person: Person, user: User | None, request: HttpRequest | None = None, **daten: Any) -> Person:
    unbekannt = set(daten) - set(PERSON_FELDER)
    if unbekannt:
        raise ValidationError(f"Unbekannte Felder: {', '.join(sorted(unbekannt))}")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if "azr_nummer" in daten:
            daten["azr_nummer"] = daten["azr_nummer"] or None
            _azr_pruefen(person.behoerde_id, daten["azr_nummer"], ausser_person_id=person.pk)
        for feld, wert in daten.items():
            setattr(person, feld, wert)
        person.namen_normalisiert = _namen_normalisiert(
            {f: getattr(person, f) for f in ("familienname", "geburtsname", "namensvarianten")}
        )
        person.full_clean(exclude=["behoerde"])
        person.save()
        protokollieren(
            aktion=Aktion.AENDERN, user=user, request=request, objekt=person, details={"felder": sorted(daten)}
        )
    return person


def akte_anlegen(
    *,
    person: Person,
    user: User | None,
    request: HttpRequest | None = None,
    team: Team | None = None,
    sachbearbeitung: User | None = None,
    medium: str = Akte.Medium.ELEKTRONISCH,
    vertraulichkeit: str = Akte.Vertraulichkeit.VS_NFD,
    gesperrt: bool = False,
    jahr: int | None = None,
    fruehere_aktenzeichen: list[str] | None = None,
) -> Akte:
    """A new file with the next Aktenzeichen of the person's authority; unique under concurrency.
    `fruehere_aktenzeichen`: the numbers the file had before (hand-over from another authority)."""
    behoerde = person.behoerde
    if team is not None and team.behoerde_id != behoerde.pk:
        raise feldfehler("team", "Das Team gehört nicht zu Ihrer Behörde.")
    if sachbearbeitung is not None and zugang(sachbearbeitung).behoerde_id != behoerde.pk:
        raise feldfehler("sachbearbeitung", "Die Sachbearbeitung gehört nicht zu Ihrer Behörde.")
    if gesperrt:
        sperrvermerk_recht_pruefen(user=user)
    jahr = jahr or timezone.localdate().year
    with transaction.atomic():
        nummer = naechste_nummer(behoerde.pk, jahr)
        akte = Akte.objects.create(
            behoerde=behoerde,
            person=person,
            aktenzeichen=aktenzeichen_formatieren(behoerde.kuerzel, jahr, nummer),
            team=team,
            sachbearbeitung=sachbearbeitung,
            medium=medium,
            vertraulichkeit=vertraulichkeit,
            gesperrt=gesperrt,
            fruehere_aktenzeichen=list(dict.fromkeys(a[:60] for a in fruehere_aktenzeichen or [] if a)),
        )
        protokollieren(aktion=Aktion.ANLEGEN, user=user, request=request, objekt=akte)
    return akte


AKTE_AENDERBAR = ("status", "medium", "vertraulichkeit", "team", "sachbearbeitung", "gesperrt")


def akte_aendern(
    *,
    akte: Akte,
    erwartete_version: int,
    user: User | None,
    request: HttpRequest | None = None,
    **aenderungen: Any,
) -> Akte:
    """Change a file's data; raises Konflikt when someone saved it since `erwartete_version` was loaded."""
    unbekannt = set(aenderungen) - set(AKTE_AENDERBAR)
    if unbekannt:
        raise ValidationError(f"Diese Felder können nicht geändert werden: {', '.join(sorted(unbekannt))}")
    team = aenderungen.get("team")
    if team is not None and team.behoerde_id != akte.behoerde_id:
        raise feldfehler("team", "Das Team gehört nicht zu Ihrer Behörde.")
    sb = aenderungen.get("sachbearbeitung")
    if sb is not None and zugang(sb).behoerde_id != akte.behoerde_id:
        raise feldfehler("sachbearbeitung", "Die Sachbearbeitung gehört nicht zu Ihrer Behörde.")
    if "status" in aenderungen and aenderungen["status"] not in Akte.Status.values:
        raise feldfehler("status", "Unbekannter Status.")
    neuer_status = aenderungen.get("status")
    if neuer_status != akte.status and neuer_status in (Akte.Status.ABGEGEBEN, Akte.Status.AUSGESONDERT):
        raise feldfehler("status", "Abgabe und Aussonderung laufen über ihr eigenes Verfahren, nicht über den Status.")
    if "gesperrt" in aenderungen and bool(aenderungen["gesperrt"]) != akte.gesperrt:
        sperrvermerk_recht_pruefen(user=user)
    with transaction.atomic():
        akte = update_if_unchanged(
            akte, erwartete_version=erwartete_version, changes={**aenderungen, "geaendert_am": timezone.now()}
        )
        protokollieren(
            aktion=Aktion.AENDERN, user=user, request=request, objekt=akte, details={"felder": sorted(aenderungen)}
        )
    return akte


def vorgang_anlegen(
    *,
    akte: Akte,
    vorgangsart: Vorgangsart,
    user: User | None,
    request: HttpRequest | None = None,
    betreff: str = "",
    sachbearbeitung: User | None = None,
    status: str = Vorgang.Status.OFFEN,
    begonnen_am: date | None = None,
    abgeschlossen_am: date | None = None,
) -> Vorgang:
    """A new procedure with the next number of its file. Status and dates other than "opened today" come only
    from a hand-over (xdomea import), where the procedure already has a history."""
    if not vorgangsart.aktiv:
        raise feldfehler("vorgangsart", "Diese Vorgangsart ist nicht mehr im Landeskatalog.")
    if sachbearbeitung is not None and zugang(sachbearbeitung).behoerde_id != akte.behoerde_id:
        raise feldfehler("sachbearbeitung", "Die Sachbearbeitung gehört nicht zu Ihrer Behörde.")
    if status not in Vorgang.Status.values:
        raise feldfehler("status", "Unbekannter Status.")
    with transaction.atomic():
        Akte.objects.filter(pk=akte.pk).update(vorgang_zaehler=F("vorgang_zaehler") + 1)
        nummer = Akte.objects.values_list("vorgang_zaehler", flat=True).get(pk=akte.pk)
        try:
            vorgang = Vorgang.objects.create(
                akte=akte,
                vorgangsart=vorgangsart,
                nummer=nummer,
                aktenzeichen=vorgang_aktenzeichen_formatieren(akte.aktenzeichen, nummer),
                betreff=betreff,
                sachbearbeitung=sachbearbeitung or akte.sachbearbeitung,
                status=status,
                begonnen_am=begonnen_am or timezone.localdate(),
                abgeschlossen_am=abgeschlossen_am,
            )
        except IntegrityError as exc:  # pragma: no cover - the counter makes this unreachable
            raise feldfehler("aktenzeichen", "Dieses Aktenzeichen ist bereits vergeben.") from exc
        protokollieren(aktion=Aktion.ANLEGEN, user=user, request=request, objekt=vorgang, akte=akte)
    return vorgang


# Resubmissions of a procedure are `Wiedervorlage` rows (dms.wiedervorlagen), not fields of the procedure.
VORGANG_AENDERBAR = ("betreff", "status", "sachbearbeitung")


def vorgang_aendern(
    *,
    vorgang: Vorgang,
    erwartete_version: int,
    user: User | None,
    request: HttpRequest | None = None,
    **aenderungen: Any,
) -> Vorgang:
    unbekannt = set(aenderungen) - set(VORGANG_AENDERBAR)
    if unbekannt:
        raise ValidationError(f"Diese Felder können nicht geändert werden: {', '.join(sorted(unbekannt))}")
    if "status" in aenderungen:
        if aenderungen["status"] not in Vorgang.Status.values:
            raise feldfehler("status", "Unbekannter Status.")
        if aenderungen["status"] == Vorgang.Status.ABGESCHLOSSEN:
            aenderungen["abgeschlossen_am"] = timezone.localdate()
    sb = aenderungen.get("sachbearbeitung")
    if sb is not None and zugang(sb).behoerde_id != vorgang.akte.behoerde_id:
        raise feldfehler("sachbearbeitung", "Die Sachbearbeitung gehört nicht zu Ihrer Behörde.")
    with transaction.atomic():
        vorgang = update_if_unchanged(
            vorgang, erwartete_version=erwartete_version, changes={**aenderungen, "geaendert_am": timezone.now()}
        )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=vorgang,
            akte=vorgang.akte,
            details={"felder": sorted(aenderungen)},
        )
    return vorgang

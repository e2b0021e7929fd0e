"""Write use cases of the subsidy: apply, grant, prove use. Views, API and commands call only these."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.models import Behoerde
from dms.services import feldfehler

from . import zugriff
from .berechnung import abrechnung, auf_cent, euro, foerderbetrag, passt_ins_budget
from .models import Foerderantrag, Foerderprogramm, Verwendungsnachweis, Zuwendungsbescheid
from .queries import aktives_programm, digitalisiert

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def _programm(programm: Foerderprogramm | None) -> Foerderprogramm:
    programm = programm or aktives_programm()
    if programm is None:
        raise ValidationError("Es gibt derzeit kein aktives Förderprogramm.")
    return programm


def antrag_stellen(
    *,
    behoerde: Behoerde,
    akten_geplant: int,
    blatt_geplant: int,
    user: User,
    request: HttpRequest | None = None,
    programm: Foerderprogramm | None = None,
    eingereicht_am: date | None = None,
) -> Foerderantrag:
    """An authority's application; the amount is computed, never entered. Refused after the deadline.

    An authority applies with today's date. Only the Land may record an application received earlier on paper,
    with its date of receipt (never in the future).
    """
    heute = timezone.localdate()
    land = zugriff.darf_alle_sehen(user)
    if not land and zugriff.darf_beantragen(user) != behoerde.pk:
        raise ValidationError("Nur die Behördenadministration kann für ihre Behörde einen Förderantrag stellen.")
    if eingereicht_am is not None and eingereicht_am != heute and not land:
        raise feldfehler("eingereicht_am", "Das Eingangsdatum eines früheren Papierantrags erfasst nur das Land.")
    eingereicht_am = eingereicht_am or heute
    if eingereicht_am > heute:
        raise feldfehler("eingereicht_am", "Das Eingangsdatum darf nicht in der Zukunft liegen.")
    programm = _programm(programm)
    if eingereicht_am > programm.antragsfrist:
        raise ValidationError(
            f"Die Antragsfrist des Programms „{programm.name}“ ist am {programm.antragsfrist:%d.%m.%Y} abgelaufen. "
            "Ein Förderantrag ist nicht mehr möglich."
        )
    try:
        b = foerderbetrag(
            akten=akten_geplant, blatt=blatt_geplant, satz_akte=programm.satz_akte, satz_blatt=programm.satz_blatt
        )
    except (TypeError, ValueError) as exc:
        raise ValidationError(str(exc)) from exc
    try:
        with transaction.atomic():
            antrag = Foerderantrag.objects.create(
                programm=programm,
                behoerde=behoerde,
                akten_geplant=b.akten,
                blatt_geplant=b.blatt,
                betrag_akten=b.betrag_akten,
                betrag_blatt=b.betrag_blatt,
                betrag=b.betrag,
                eingereicht_am=eingereicht_am,
                eingereicht_von=user,
            )
            protokollieren(
                aktion=Aktion.ANLEGEN,
                user=user,
                request=request,
                objekt=antrag,
                details={"akten": b.akten, "blatt": b.blatt, "betrag": str(b.betrag), "behoerde": behoerde.kuerzel},
            )
    except IntegrityError as exc:
        raise ValidationError(f"{behoerde.name} hat für dieses Programm bereits einen Förderantrag gestellt.") from exc
    return antrag


def bescheid_erteilen(
    *,
    antrag: Foerderantrag,
    betrag: Decimal,
    nummer: str,
    datum: date,
    user: User,
    request: HttpRequest | None = None,
    ausgezahlt: Decimal = Decimal("0"),
) -> Zuwendungsbescheid:
    """The Land's grant notice. The programme row is locked, so two grants racing for the last euros serialise and
    the sum of all grants never exceeds the budget."""
    if not zugriff.darf_bescheiden(user):
        raise ValidationError("Zuwendungsbescheide erteilt nur das Land.")
    try:
        betrag, ausgezahlt = auf_cent(Decimal(betrag)), auf_cent(Decimal(ausgezahlt))
    except (InvalidOperation, TypeError) as exc:
        raise feldfehler("betrag", "Bitte geben Sie einen Betrag in Euro an, z. B. 52000,00.") from exc
    nummer = (nummer or "").strip()
    if not nummer:
        raise feldfehler("nummer", "Bitte geben Sie die Bescheidnummer an.")
    if betrag <= 0:
        raise feldfehler("betrag", "Der bewilligte Betrag muss größer als 0 sein.")
    if betrag > antrag.betrag:
        raise feldfehler("betrag", f"Bewilligt werden kann höchstens der beantragte Betrag ({euro(antrag.betrag)}).")
    if ausgezahlt < 0 or ausgezahlt > betrag:
        raise feldfehler("ausgezahlt", "Die Auszahlung muss zwischen 0 und dem bewilligten Betrag liegen.")
    try:
        with transaction.atomic():
            programm = Foerderprogramm.objects.select_for_update().get(pk=antrag.programm_id)
            if Zuwendungsbescheid.objects.filter(antrag_id=antrag.pk).exists():
                raise ValidationError("Zu diesem Antrag gibt es bereits einen Zuwendungsbescheid.")
            summe = Zuwendungsbescheid.objects.filter(programm=programm).aggregate(s=Sum("betrag"))["s"] or Decimal(0)
            if not passt_ins_budget(budget=programm.budget, bewilligt_summe=summe, neuer_betrag=betrag):
                rest = auf_cent(programm.budget) - auf_cent(summe)
                raise feldfehler(
                    "betrag",
                    f"Das Budget des Programms reicht nicht: bewilligt sind bereits {euro(summe)} von "
                    f"{euro(programm.budget)}, frei sind noch {euro(rest)}.",
                )
            bescheid = Zuwendungsbescheid.objects.create(
                antrag=antrag,
                programm=programm,
                nummer=nummer,
                datum=datum,
                betrag=betrag,
                ausgezahlt=ausgezahlt,
                erstellt_von=user,
            )
            Foerderantrag.objects.filter(pk=antrag.pk).update(status=Foerderantrag.Status.BEWILLIGT)
            protokollieren(
                aktion=Aktion.ANLEGEN,
                user=user,
                request=request,
                objekt=bescheid,
                details={"antrag": antrag.pk, "betrag": str(betrag), "nummer": nummer},
            )
    except IntegrityError as exc:
        raise feldfehler("nummer", "Diese Bescheidnummer ist bereits vergeben.") from exc
    return bescheid


def verwendungsnachweis_erstellen(
    *, antrag: Foerderantrag, user: User, request: HttpRequest | None = None
) -> Verwendungsnachweis:
    """Freeze the counts the system actually holds and settle them against the grant."""
    if not zugriff.darf_alle_sehen(user) and zugriff.darf_beantragen(user) != antrag.behoerde_id:
        raise ValidationError("Den Verwendungsnachweis erstellt die Behördenadministration der Behörde.")
    bescheid = Zuwendungsbescheid.objects.filter(antrag=antrag).first()
    if bescheid is None:
        raise ValidationError("Ohne Zuwendungsbescheid gibt es noch keinen Verwendungsnachweis.")
    programm = antrag.programm
    ist = digitalisiert(antrag.behoerde_id)
    b = foerderbetrag(akten=ist.akten, blatt=ist.blatt, satz_akte=programm.satz_akte, satz_blatt=programm.satz_blatt)
    a = abrechnung(bewilligt=bescheid.betrag, nachgewiesen=b.betrag, ausgezahlt=bescheid.ausgezahlt)
    with transaction.atomic():
        nachweis = Verwendungsnachweis.objects.create(
            antrag=antrag,
            stichtag=timezone.now(),
            akten=ist.akten,
            blatt=ist.blatt,
            betrag_akten=b.betrag_akten,
            betrag_blatt=b.betrag_blatt,
            nachgewiesen=a.nachgewiesen,
            bewilligt=a.bewilligt,
            ausgezahlt=a.ausgezahlt,
            zustehend=a.zustehend,
            auszahlung=a.auszahlung,
            rueckforderung=a.rueckforderung,
            erstellt_von=user,
        )
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=user,
            request=request,
            objekt=nachweis,
            details={"akten": ist.akten, "blatt": ist.blatt, "nachgewiesen": str(a.nachgewiesen)},
        )
    return nachweis

"""Use cases for permissions: restrictions (Sperrvermerk), named releases, inspection grants and substitutes.

Every change is audited with aktion BERECHTIGUNG. Role checks follow dms/permissions_matrix.py; objects the
actor may not see are refused like missing ones (the views look them up through `visible_to` first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from dms.access import PERM_GESPERRT, zugang, zugang_vergessen
from dms.audit import Aktion, protokollieren
from dms.models import Akte, AkteFreigabe, Akteneinsicht, Behoerde, Mitgliedschaft, Vertretung
from dms.permissions_matrix import EIGENES_TEAM, JA, NEIN, SELBST, erlaubnis

from .fehler import feldfehler

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

PERM_GESPERRT_VOLL = f"dms.{PERM_GESPERRT}"
# An inspection grant is temporary by nature; a longer one has to be renewed on purpose.
EINSICHT_HOECHSTDAUER = dt.timedelta(days=366)


def _rolle_pruefen(user: User | None, aktion: str, meldung: str) -> str:
    z = zugang(user)
    zelle = erlaubnis(z.rolle, aktion)
    if z.behoerde_id is None or zelle == NEIN:
        raise PermissionDenied(meldung)
    return zelle


def sperrvermerk_recht_pruefen(*, user: User | None) -> None:
    """Refuse setting or lifting a restriction for roles that may not (used by akte_anlegen/akte_aendern too).

    `user=None` is the system itself (imports, commands) and is allowed.
    """
    if user is None:
        return
    if erlaubnis(zugang(user).rolle, "sperrvermerk_setzen") == NEIN:
        raise feldfehler("gesperrt", "Ihre Rolle darf keinen Sperrvermerk setzen oder aufheben.")


def _eigene_akte(akte: Akte, user: User) -> None:
    if akte.behoerde_id != zugang(user).behoerde_id:
        raise PermissionDenied("Diese Akte gehört nicht zu Ihrer Behörde.")


def _kollege(person: User, behoerde_id: int, feld: str) -> Mitgliedschaft:
    m = Mitgliedschaft.objects.filter(user_id=person.pk, behoerde_id=behoerde_id).first()
    if m is None or not person.is_active:
        raise feldfehler(feld, "Diese Person gehört nicht zu Ihrer Behörde.")
    return m


def _freigeben(akte: Akte, person: User) -> bool:
    """Name a user on a restricted file; True when she was not named before."""
    if AkteFreigabe.objects.filter(content_object=akte, user_id=person.pk, permission__codename=PERM_GESPERRT).exists():
        return False
    assign_perm(PERM_GESPERRT_VOLL, person, akte)
    return True


def sperrvermerk_setzen(
    *,
    akte: Akte,
    user: User,
    request: HttpRequest | None = None,
    freigeben: Iterable[User] = (),
) -> Akte:
    """Restrict a file. The actor and the responsible caseworker stay named, so nobody loses a file by accident."""
    _rolle_pruefen(user, "sperrvermerk_setzen", "Ihre Rolle darf keinen Sperrvermerk setzen.")
    _eigene_akte(akte, user)
    personen: dict[int, User] = {user.pk: user}
    if akte.sachbearbeitung is not None:
        personen[akte.sachbearbeitung.pk] = akte.sachbearbeitung
    for p in freigeben:
        _kollege(p, akte.behoerde_id, "freigeben")
        personen[p.pk] = p
    with transaction.atomic():
        Akte.objects.filter(pk=akte.pk).update(gesperrt=True, geaendert_am=timezone.now())
        neu = [pk for pk, p in personen.items() if _freigeben(akte, p)]
        akte.gesperrt = True
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=akte,
            details={"sperrvermerk": "gesetzt", "freigegeben": sorted(personen), "neu_freigegeben": sorted(neu)},
        )
    return akte


def sperrvermerk_uebernehmen(*, akte: Akte, user: User | None, request: HttpRequest | None = None) -> Akte:
    """Keep the restriction an imported file carries (xdomea): no role check, since nothing is restricted anew.

    The importing user is named, so the file is not lost to everyone; without a user (a command) nobody is named
    until the authority admin names someone in Django admin (Freigaben gesperrter Akten).
    """
    with transaction.atomic():
        Akte.objects.filter(pk=akte.pk).update(gesperrt=True, geaendert_am=timezone.now())
        akte.gesperrt = True
        neu = [user.pk] if user is not None and _freigeben(akte, user) else []
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=akte,
            details={"sperrvermerk": "übernommen", "neu_freigegeben": neu},
        )
    if user is not None:
        zugang_vergessen(user)
    return akte


def sperrvermerk_aufheben(*, akte: Akte, user: User, request: HttpRequest | None = None) -> Akte:
    """Lift a restriction. Named releases stay on record (and apply again if the file is restricted again)."""
    _rolle_pruefen(user, "sperrvermerk_setzen", "Ihre Rolle darf keinen Sperrvermerk aufheben.")
    _eigene_akte(akte, user)
    with transaction.atomic():
        Akte.objects.filter(pk=akte.pk).update(gesperrt=False, geaendert_am=timezone.now())
        akte.gesperrt = False
        protokollieren(
            aktion=Aktion.BERECHTIGUNG, user=user, request=request, objekt=akte, details={"sperrvermerk": "aufgehoben"}
        )
    return akte


def freigabe_erteilen(*, akte: Akte, person: User, user: User, request: HttpRequest | None = None) -> bool:
    """Name `person` on a restricted file (guardian object permission, direct-FK model AkteFreigabe)."""
    _rolle_pruefen(user, "sperrvermerk_setzen", "Ihre Rolle darf keine Freigaben erteilen.")
    _eigene_akte(akte, user)
    _kollege(person, akte.behoerde_id, "person")
    with transaction.atomic():
        neu = _freigeben(akte, person)
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=akte,
            details={"freigabe": "erteilt", "person_id": person.pk, "neu": neu},
        )
    return neu


def freigabe_entziehen(*, akte: Akte, person: User, user: User, request: HttpRequest | None = None) -> bool:
    _rolle_pruefen(user, "sperrvermerk_setzen", "Ihre Rolle darf keine Freigaben entziehen.")
    _eigene_akte(akte, user)
    with transaction.atomic():
        vorhanden = AkteFreigabe.objects.filter(
            content_object=akte, user_id=person.pk, permission__codename=PERM_GESPERRT
        ).exists()
        remove_perm(PERM_GESPERRT_VOLL, person, akte)
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=akte,
            details={"freigabe": "entzogen", "person_id": person.pk, "war_vorhanden": vorhanden},
        )
    zugang_vergessen(person)
    return vorhanden


def _sperrvermerk_einsicht_pruefen(akte: Akte, *, behoerde: Behoerde | None, person: User | None) -> None:
    """A restricted file is read only by the people named on it: inspection for anyone else is refused.

    (Access itself does not depend on this check: `dms.access` lets the restriction win over every grant.)
    """
    if not Akte.objects.filter(pk=akte.pk, gesperrt=True).exists():
        return
    if behoerde is not None:
        raise feldfehler(
            "behoerde",
            "Diese Akte trägt einen Sperrvermerk: Akteneinsicht kann keiner Behörde, nur namentlich freigegebenen "
            "Personen erteilt werden.",
        )
    if (
        person is not None
        and not AkteFreigabe.objects.filter(
            content_object=akte, user_id=person.pk, permission__codename=PERM_GESPERRT
        ).exists()
    ):
        raise feldfehler(
            "person",
            "Diese Akte trägt einen Sperrvermerk: Akteneinsicht erhalten nur Personen, die auf der Akte namentlich "
            "freigegeben sind. Bitte wenden Sie sich an die Teamleitung.",
        )


def akteneinsicht_erteilen(
    *,
    akte: Akte,
    user: User,
    bis: dt.datetime | dt.date,
    grund: str,
    behoerde: Behoerde | None = None,
    person: User | None = None,
    request: HttpRequest | None = None,
) -> Akteneinsicht:
    """Read access to one file for another authority or one user, until `bis`; ends by itself."""
    _rolle_pruefen(user, "akteneinsicht_erteilen", "Ihre Rolle darf keine Akteneinsicht erteilen.")
    if not Akte.objects.changeable_by(user).filter(pk=akte.pk).exists():
        raise PermissionDenied("Sie dürfen für diese Akte keine Akteneinsicht erteilen.")
    if (behoerde is None) == (person is None):
        raise feldfehler("behoerde", "Bitte geben Sie entweder eine Behörde oder eine Person an.")
    if behoerde is not None and behoerde.pk == akte.behoerde_id:
        raise feldfehler("behoerde", "Die eigene Behörde sieht die Akte bereits.")
    if person is not None and (not person.is_active or zugang(person).behoerde_id is None):
        raise feldfehler("person", "Diese Person hat kein aktives Konto bei einer Ausländerbehörde.")
    _sperrvermerk_einsicht_pruefen(akte, behoerde=behoerde, person=person)
    if isinstance(bis, dt.date) and not isinstance(bis, dt.datetime):
        # A date means "until the end of that day" in the authority's time zone.
        bis = timezone.make_aware(dt.datetime.combine(bis, dt.time.max))
    jetzt = timezone.now()
    if bis <= jetzt:
        raise feldfehler("bis", "Das Ende der Akteneinsicht muss in der Zukunft liegen.")
    if bis - jetzt > EINSICHT_HOECHSTDAUER:
        raise feldfehler("bis", "Akteneinsicht wird höchstens für ein Jahr erteilt.")
    grund = (grund or "").strip()
    if not grund:
        raise feldfehler("grund", "Bitte geben Sie den Grund der Akteneinsicht an.")
    with transaction.atomic():
        einsicht = Akteneinsicht.objects.create(
            akte=akte, behoerde=behoerde, user=person, bis=bis, grund=grund[:300], erteilt_von=user
        )
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=einsicht,
            akte=akte,
            details={
                "akteneinsicht": "erteilt",
                "behoerde_id": behoerde.pk if behoerde else None,
                "person_id": person.pk if person else None,
                "bis": bis.isoformat(),
            },
        )
    return einsicht


def akteneinsicht_widerrufen(
    *, einsicht: Akteneinsicht, user: User, request: HttpRequest | None = None
) -> Akteneinsicht:
    _rolle_pruefen(user, "akteneinsicht_erteilen", "Ihre Rolle darf keine Akteneinsicht widerrufen.")
    akte = einsicht.akte
    _eigene_akte(akte, user)
    with transaction.atomic():
        jetzt = timezone.now()
        geaendert = Akteneinsicht.objects.filter(pk=einsicht.pk, widerrufen_am__isnull=True).update(widerrufen_am=jetzt)
        einsicht.refresh_from_db()
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=einsicht,
            akte=akte,
            details={"akteneinsicht": "widerrufen", "war_aktiv": bool(geaendert)},
        )
    return einsicht


def _vertretung_erlaubt(user: User, abwesend: Mitgliedschaft) -> None:
    z = zugang(user)
    zelle = _rolle_pruefen(user, "vertretung_setzen", "Ihre Rolle darf keine Vertretungen festlegen.")
    if abwesend.behoerde_id != z.behoerde_id:
        raise PermissionDenied("Diese Person gehört nicht zu Ihrer Behörde.")
    if zelle == SELBST and abwesend.user_id != user.pk:
        raise PermissionDenied("Sie dürfen nur Ihre eigene Vertretung festlegen.")
    if zelle == EIGENES_TEAM and abwesend.user_id != user.pk and (z.team_id is None or abwesend.team_id != z.team_id):
        raise PermissionDenied("Sie dürfen Vertretungen nur für Ihr eigenes Team festlegen.")
    if zelle not in {JA, SELBST, EIGENES_TEAM}:  # pragma: no cover - guarded by the matrix test
        raise PermissionDenied("Ihre Rolle darf keine Vertretungen festlegen.")


def vertretung_anlegen(
    *,
    abwesend: User,
    vertretung: User,
    von: dt.date,
    bis: dt.date,
    user: User,
    request: HttpRequest | None = None,
) -> Vertretung:
    """While `abwesend` is away, `vertretung` sees her cases and acts on her behalf (audited as such)."""
    behoerde_id = zugang(user).behoerde_id
    if behoerde_id is None:
        raise PermissionDenied("Ihre Rolle darf keine Vertretungen festlegen.")
    m_abwesend = _kollege(abwesend, behoerde_id, "abwesend")
    _vertretung_erlaubt(user, m_abwesend)
    m_vertretung = _kollege(vertretung, behoerde_id, "vertretung")
    if erlaubnis(m_vertretung.rolle, "akten_sehen") == NEIN:
        raise feldfehler("vertretung", "Diese Person arbeitet nicht mit Akten und kann nicht vertreten.")
    if abwesend.pk == vertretung.pk:
        raise feldfehler("vertretung", "Eine Person kann sich nicht selbst vertreten.")
    if bis < von:
        raise feldfehler("bis", "Das Ende der Vertretung liegt vor ihrem Beginn.")
    if bis < timezone.localdate():
        raise feldfehler("bis", "Eine Vertretung kann nicht ganz in der Vergangenheit liegen.")
    with transaction.atomic():
        v = Vertretung.objects.create(
            vertretene_person=abwesend, vertretung=vertretung, von=von, bis=bis, angelegt_von=user
        )
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=user,
            request=request,
            objekt=v,
            details={
                "vertretung": "angelegt",
                "abwesend_id": abwesend.pk,
                "vertretung_id": vertretung.pk,
                "von": von.isoformat(),
                "bis": bis.isoformat(),
            },
        )
    zugang_vergessen(vertretung)
    return v


def vertretung_beenden(*, vertretung: Vertretung, user: User, request: HttpRequest | None = None) -> None:
    """End a substitution now: a running one ends yesterday, one not yet begun is removed."""
    m_abwesend = Mitgliedschaft.objects.filter(user_id=vertretung.vertretene_person_id).first()
    if m_abwesend is None:
        raise PermissionDenied("Diese Vertretung gehört nicht zu Ihrer Behörde.")
    _vertretung_erlaubt(user, m_abwesend)
    heute = timezone.localdate()
    details: dict[str, Any] = {
        "vertretung": "beendet",
        "abwesend_id": vertretung.vertretene_person_id,
        "vertretung_id": vertretung.vertretung_id,
        "von": vertretung.von.isoformat(),
        "bis_vorher": vertretung.bis.isoformat(),
    }
    with transaction.atomic():
        if vertretung.von >= heute:
            protokollieren(aktion=Aktion.BERECHTIGUNG, user=user, request=request, objekt=vertretung, details=details)
            Vertretung.objects.filter(pk=vertretung.pk).delete()
        else:
            neues_ende = min(vertretung.bis, heute - dt.timedelta(days=1))
            Vertretung.objects.filter(pk=vertretung.pk).update(bis=neues_ende)
            vertretung.bis = neues_ende
            details["bis"] = neues_ende.isoformat()
            protokollieren(aktion=Aktion.BERECHTIGUNG, user=user, request=request, objekt=vertretung, details=details)


def vertretungen_sichtbar(user: User) -> Any:
    """The substitutions the user may see and manage (own authority; own team or herself per the matrix)."""
    z = zugang(user)
    zelle = erlaubnis(z.rolle, "vertretung_setzen")
    if z.behoerde_id is None or zelle == NEIN:
        return Vertretung.objects.none()
    qs = Vertretung.objects.filter(vertretene_person__mitgliedschaft__behoerde_id=z.behoerde_id)
    if zelle == EIGENES_TEAM and z.team_id is not None:
        return qs.filter(vertretene_person__mitgliedschaft__team_id=z.team_id) | qs.filter(vertretene_person_id=user.pk)
    if zelle in (SELBST, EIGENES_TEAM):  # a team lead without a team: only her own
        return qs.filter(vertretene_person_id=user.pk)
    return qs

"""Composable reads over what a user may see (the caller passes a queryset that starts at visible_to)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Window

from dms.access import AENDERN_ROLLEN, AKTEN_ROLLEN, zugang
from dms.eingaben import datum_lesen
from dms.models import Akte, Dokument, Person, Register, Team
from dms.namen import name_normalisieren, team_fuer_name

AZR_RE = re.compile(r"^\d{12}$")


def akten_filtern(qs: QuerySet[Akte], params: Mapping[str, Any]) -> QuerySet[Akte]:
    """Apply the API's list filters; malformed values give an empty result, never an error or a leak."""
    if az := params.get("aktenzeichen"):
        qs = qs.filter(Q(aktenzeichen__iexact=az.strip()) | Q(fruehere_aktenzeichen__contains=[az.strip()]))
    if azr := params.get("azr_nummer"):
        qs = qs.filter(person__azr_nummer=azr.strip())
    if name := params.get("familienname"):
        qs = qs.filter(person__namen_normalisiert__contains=[name_normalisieren(name)])
    if geb := params.get("geburtsdatum"):
        try:
            qs = qs.filter(person__geburtsdatum=datum_lesen(geb))
        except ValueError:
            qs = qs.none()
    if q := (params.get("q") or "").strip():
        qs = qs.filter(akte_schnellsuche_q(q))
    return qs


def akte_schnellsuche_zweige(q: str) -> list[Q]:
    """The look-up of one word (`akte_schnellsuche_q` without `vornamen`) as its branches, each a condition on the
    file (and its person) that one index answers: a caller can take the newest files of each branch on its own and
    stop (dms/suche.py). Their OR is what `akte_schnellsuche_q` finds."""
    q = q.strip()
    if AZR_RE.match(q) or re.match(r"^\d{1,2}\.\d{1,2}\.\d{4}$", q):
        return [akte_schnellsuche_q(q)]
    zweige = [Q(aktenzeichen__istartswith=q)]
    if norm := name_normalisieren(q):
        zweige += [Q(person__familienname__istartswith=q), Q(person__namen_normalisiert__contains=[norm])]
    return zweige


def akte_schnellsuche_q(q: str, *, vornamen: bool = False) -> Q:
    """Aktenzeichen, AZR-Nummer, date of birth (TT.MM.JJJJ) or a name prefix (tolerant to umlaut spellings);
    with `vornamen` also a first name anywhere in the person's first names (one word of a longer look-up)."""
    q = q.strip()
    if AZR_RE.match(q):
        return Q(person__azr_nummer=q)
    m = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", q)
    if m:
        try:
            return Q(person__geburtsdatum=date(int(m[3]), int(m[2]), int(m[1])))
        except ValueError:
            return Q(pk__in=[])
    # Each branch on its own index (akte_aktenzeichen_upper, person_familienname_upper, person_namen_gin), joined as
    # UNION ALL of ids: an OR across the join of files and persons forces a scan of every file of the authority.
    nach_aktenzeichen = Akte.objects.filter(aktenzeichen__istartswith=q).order_by().values("pk")
    norm = name_normalisieren(q)
    if not norm:
        return Q(pk__in=nach_aktenzeichen)
    # The persons likewise, one index per branch (an OR of the two made PostgreSQL read every person: 105 ms at
    # 100,000 persons for a common name, growing with the authority).
    personen = (
        Person.objects.filter(familienname__istartswith=q)
        .order_by()
        .values("pk")
        .union(Person.objects.filter(namen_normalisiert__contains=[norm]).order_by().values("pk"), all=True)
    )
    if vornamen:  # person_vornamen_trgm; inside the UNION, not ORed across the join (that reads every file)
        personen = personen.union(Person.objects.filter(vornamen__icontains=q).order_by().values("pk"), all=True)
    nach_name = Akte.objects.filter(person__in=personen).order_by().values("pk")
    return Q(pk__in=nach_aktenzeichen.union(nach_name, all=True))


def register_uebersicht(akte: Akte) -> list[dict[str, Any]]:
    """The registers of the active Aktenplan with their documents' ids and counts: two queries in total."""
    ids_je_register: dict[int, list[int]] = {}
    for dok_id, reg_id in (
        Dokument.objects.bestehend().filter(akte=akte).order_by("id").values_list("id", "register_id")
    ):
        ids_je_register.setdefault(reg_id, []).append(dok_id)
    return [
        {
            "nummer": r.nummer,
            "titel": r.titel,
            "anzahl": len(ids_je_register.get(r.pk, [])),
            "dokumente": ids_je_register.get(r.pk, []),
        }
        for r in Register.objects.aktiv().order_by("nummer")
    ]


def register_zaehler(akte: Akte) -> dict[int, int]:
    return dict(
        Dokument.objects.bestehend()
        .filter(akte=akte)
        .values("register_id")
        .annotate(n=Count("id"))
        .values_list("register_id", "n")
    )


def eigene_behoerde_id(user: AbstractBaseUser | AnonymousUser | None) -> int:
    """The authority of a member; PermissionDenied without one, so no lookup ever compares an authority with NULL
    (on a join, `mitgliedschaft__behoerde_id=None` would match every user without a membership)."""
    behoerde_id = zugang(user).behoerde_id
    if behoerde_id is None:
        raise PermissionDenied("Sie gehören keiner Behörde an.")
    return behoerde_id


def kollegen(behoerde_id: int | None) -> QuerySet[Any]:
    """Active users of one authority (choices for assignment and forwarding), by name; none without one."""
    if behoerde_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(is_active=True, mitgliedschaft__behoerde_id=behoerde_id)
        .order_by("last_name", "username")
        .only("id", "username", "first_name", "last_name")
    )


def kollegen_fuer_post(behoerde_id: int | None) -> QuerySet[Any]:
    """Active users of one authority who can act on mail (file, create files, forward): the forward targets and the
    substitutes to choose from. Poststelle, Land and Revision cannot, so a letter sent to them would be a dead end."""
    return kollegen(behoerde_id).filter(mitgliedschaft__rolle__in=sorted(AENDERN_ROLLEN))


def besetzte_teams(behoerde_id: int | None) -> QuerySet[Team]:
    """Teams of one authority with at least one active member who can act on mail: the in-trays mail may go to."""
    if behoerde_id is None:
        return Team.objects.none()
    return Team.objects.filter(
        behoerde_id=behoerde_id,
        pk__in=kollegen_fuer_post(behoerde_id)
        .filter(mitgliedschaft__team__isnull=False)
        .values("mitgliedschaft__team_id"),
    )


def zustaendiges_team_id(behoerde_id: int, familienname: str) -> int | None:
    """The in-tray for a letter: the team whose letter range holds the surname (else the default team), but only a
    team with people in it. An unstaffed team falls back to the default team if that is staffed, else to the staffed
    team the letter-range rule picks among staffed teams, else the first staffed team; without any staffed team the
    rule's answer stands (the team lead sees it under "alle")."""
    teams = list(
        Team.objects.filter(behoerde_id=behoerde_id)
        .order_by("buchstaben_von", "id")
        .values_list("id", "buchstaben_von", "buchstaben_bis", "ist_standard")
    )
    besetzt = set(besetzte_teams(behoerde_id).values_list("pk", flat=True))
    regel = team_fuer_name(familienname, teams)
    if regel in besetzt or not besetzt:
        return regel
    standard = next((t[0] for t in teams if t[3]), None)
    if standard in besetzt:
        return standard
    unter_besetzten = team_fuer_name(familienname, [t for t in teams if t[0] in besetzt])
    return unter_besetzten or next(t[0] for t in teams if t[0] in besetzt)


def kollegen_mit_aktenzugang(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Any]:
    """Active users of the user's authority who work with files (choices for substitutes and releases)."""
    behoerde_id = zugang(user).behoerde_id
    if behoerde_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            mitgliedschaft__behoerde_id=behoerde_id,
            mitgliedschaft__rolle__in=sorted(AKTEN_ROLLEN),
        )
        .order_by("username")
    )


def erste_mit_anzahl(qs: QuerySet[Any], anzahl: int) -> tuple[list[Any], int]:
    """The first `anzahl` rows and the total in one query (a window count over the filtered set, before LIMIT)."""
    zeilen = list(qs.annotate(gesamt_anzahl=Window(Count("pk")))[:anzahl])
    return zeilen, (zeilen[0].gesamt_anzahl if zeilen else 0)

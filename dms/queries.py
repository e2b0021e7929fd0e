"""Composable reads over what a user may see (the caller passes a queryset that starts at visible_to)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, Q, QuerySet, Window

from dms.access import AENDERN_ROLLEN, AKTEN_ROLLEN, zugang
from dms.eingaben import datum_lesen
from dms.models import Akte, Dokument, Person, Register, Team
from dms.namen import name_normalisieren, team_fuer_name

AZR_RE = re.compile(r"^\d{12}$")
DATUM_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


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


# How many matching persons a name look-up in one authority takes by their ids (exact, from the name indexes); above
# it the caller keeps the name condition on the files, where walking the authority's files newest first soon finds
# enough at that density. Without the ids PostgreSQL guessed the density from the statistics and walked every file
# of the authority for a word that is nobody's name (190-230 ms at 100,000 files for "Meldebescheinigung").
PERSONEN_GRENZE = 5000


def akte_schnellsuche_zweige(q: str, behoerde_id: int | None = None) -> list[Q]:
    """The look-up of one word (`akte_schnellsuche_q` without `vornamen`) as its branches, each a condition on the
    file (and its person) that one index answers: a caller can take the newest files of each branch on its own and
    stop (dms/suche.py). Their OR is what `akte_schnellsuche_q` finds.

    With `behoerde_id` (for that authority's files only) the name branches become one `person_id = ANY(...)` of the
    matching persons (`personen_begrenzt`), or none when nobody is called so; above PERSONEN_GRENZE they stay."""
    q = q.strip()
    if _ist_kennung(q):
        return [akte_schnellsuche_q(q)]
    zweige = [Q(aktenzeichen__istartswith=q)]
    if behoerde_id is not None:
        (ids,) = personen_begrenzt([q], behoerde_id, vornamen=False)
        if ids is not None:
            return zweige + ([_person_eine_von(ids)] if ids else [])
    return zweige + [Q(**{f"person__{feld}": wert}) for feld, wert in _namensbedingungen(q, vornamen=False)]


def akte_namenssuche_q(q: str, behoerde_id: int | None = None) -> Q:
    """Several words: each an Aktenzeichen, AZR-Nummer, date of birth or name (first names included), all of them.
    With `behoerde_id` (for that authority's files only) a word's names are the ids of its matching persons
    (`personen_begrenzt`, one query for all words) where there are at most PERSONEN_GRENZE."""
    woerter = q.split()[:4]
    ids_je_wort = personen_begrenzt(woerter, behoerde_id, vornamen=True) if behoerde_id is not None else []
    bedingung = Q()
    for i, wort in enumerate(woerter):
        ids = ids_je_wort[i] if ids_je_wort else None
        if ids is None:
            bedingung &= akte_schnellsuche_q(wort, vornamen=True)
        else:
            bedingung &= Q(aktenzeichen__istartswith=wort) | _person_eine_von(ids)
    return bedingung


def personen_begrenzt(woerter: Sequence[str], behoerde_id: int, *, vornamen: bool) -> list[list[int] | None]:
    """For each word, the ids of the authority's persons its name look-up matches (`_namensbedingungen`); None for
    a word that is no name (AZR-Nummer, date, no letters: the caller keeps its general condition) or where one
    branch matches more than PERSONEN_GRENZE. A file's person is of the file's authority (`akte_anlegen`).

    One query: per word and branch a MATERIALIZED CTE (planned for all its rows, so on its index: with the LIMIT
    inside, PostgreSQL expected the few rows early in a scan of every person and read them all for a word that is
    nobody's first name) read up to PERSONEN_GRENZE + 1 rows.
    """
    namen = {i: _namensbedingungen(w, vornamen=vornamen) for i, w in enumerate(woerter) if not _ist_kennung(w)}
    ctes: list[str] = []
    teile: list[str] = []
    params: list[Any] = []
    for i, bedingungen in namen.items():
        for feld, wert in bedingungen:
            personen = Person.objects.filter(**{feld: wert}, behoerde_id=behoerde_id).order_by().values("pk")
            sql, p = personen.query.sql_with_params()
            k = len(teile)
            ctes.append(f"z{k}(id) AS MATERIALIZED ({sql})")
            teile.append(f"(SELECT {i:d}, {k:d}, id FROM z{k} LIMIT {PERSONEN_GRENZE + 1:d})")  # noqa: S608 - numbers
            params += p
    if not teile:
        return [None] * len(woerter)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} {' UNION ALL '.join(teile)}", params)
        zeilen = cursor.fetchall()
    zu_viele = {w for (w, _), n in Counter((w, z) for w, z, _ in zeilen).items() if n > PERSONEN_GRENZE}
    return [
        sorted({pk for w, _, pk in zeilen if w == i}) if namen.get(i) and i not in zu_viele else None
        for i in range(len(woerter))
    ]


class _EinerVon(Func):
    """`column = ANY(%s)`: a list as one array parameter. `IN (%s, %s, ...)` with thousands of ids cost more CPU in
    compiling and binding than the query itself (30 ms for 2,000 persons)."""

    output_field = BooleanField()

    def __init__(self, spalte: str, werte: list[int]) -> None:
        super().__init__(F(spalte))
        self.werte = werte

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        spalte, params = compiler.compile(self.source_expressions[0])
        return f"{spalte} = ANY(%s::bigint[])", [*params, self.werte]


def _person_eine_von(ids: list[int]) -> Q:
    return Q(_EinerVon("person_id", ids))


def _ist_kennung(wort: str) -> bool:
    """An AZR-Nummer or a date of birth (TT.MM.JJJJ): looked up as such, never as a name."""
    return bool(AZR_RE.match(wort) or DATUM_RE.match(wort))


def _namensbedingungen(q: str, *, vornamen: bool) -> list[tuple[str, Any]]:
    """The person fields a name look-up of one word matches, each with its own index: the family name's beginning
    (person_familienname_upper), the normalised names with known spellings (person_namen_gin), with `vornamen` a
    first name anywhere (person_vornamen_trgm). None for a word without letters."""
    norm = name_normalisieren(q)
    if not norm:
        return []
    bedingungen: list[tuple[str, Any]] = [("familienname__istartswith", q), ("namen_normalisiert__contains", [norm])]
    if vornamen:
        bedingungen.append(("vornamen__icontains", q))
    return bedingungen


def akte_schnellsuche_q(q: str, *, vornamen: bool = False) -> Q:
    """Aktenzeichen, AZR-Nummer, date of birth (TT.MM.JJJJ) or a name prefix (tolerant to umlaut spellings);
    with `vornamen` also a first name anywhere in the person's first names (one word of a longer look-up)."""
    q = q.strip()
    if AZR_RE.match(q):
        return Q(person__azr_nummer=q)
    m = DATUM_RE.match(q)
    if m:
        try:
            return Q(person__geburtsdatum=date(int(m[3]), int(m[2]), int(m[1])))
        except ValueError:
            return Q(pk__in=[])
    # Each branch on its own index (akte_aktenzeichen_upper, person_familienname_upper, person_namen_gin), joined as
    # UNION ALL of ids: an OR across the join of files and persons forces a scan of every file of the authority.
    nach_aktenzeichen = Akte.objects.filter(aktenzeichen__istartswith=q).order_by().values("pk")
    bedingungen = _namensbedingungen(q, vornamen=vornamen)
    if not bedingungen:
        return Q(pk__in=nach_aktenzeichen)
    # The persons likewise, one index per branch (an OR of them made PostgreSQL read every person: 105 ms at
    # 100,000 persons for a common name, growing with the authority); first names inside the UNION too, not ORed
    # across the join (that reads every file).
    teile = [Person.objects.filter(**{feld: wert}).order_by().values("pk") for feld, wert in bedingungen]
    personen = teile[0].union(*teile[1:], all=True)
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

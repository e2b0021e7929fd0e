"""Who may see and change what: the single source for access rules (see docs/permissions.md).

Every QuerySet's `visible_to(user)` builds on `akte_sichtbar_q`. Everything is decided in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models.organisation import Mitgliedschaft, Vertretung
from .permissions_matrix import rollen_mit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Roles that work with personal file content of their own authority (land and revision never do).
AKTEN_ROLLEN = rollen_mit("akten_sehen")
# Roles that may change file content.
AENDERN_ROLLEN = rollen_mit("akten_aendern")
# Roles that work with incoming mail (the records officer sees files but not the mail room).
POST_ROLLEN = rollen_mit("post_zuordnen")


@dataclass(frozen=True)
class Zugang:
    """The access-relevant facts about one user, loaded once per request."""

    user_id: int | None
    behoerde_id: int | None
    rolle: str | None
    team_id: int | None
    vertretene_ids: tuple[int, ...]

    @property
    def hat_aktenzugang(self) -> bool:
        return self.behoerde_id is not None and self.rolle in AKTEN_ROLLEN

    @property
    def hat_postzugang(self) -> bool:
        return self.behoerde_id is not None and self.rolle in POST_ROLLEN

    @property
    def darf_aendern(self) -> bool:
        return self.behoerde_id is not None and self.rolle in AENDERN_ROLLEN

    @property
    def handelnde_ids(self) -> tuple[int, ...]:
        """The user plus everyone she currently substitutes for."""
        return ((self.user_id,) if self.user_id else ()) + self.vertretene_ids


KEIN_ZUGANG = Zugang(user_id=None, behoerde_id=None, rolle=None, team_id=None, vertretene_ids=())


def zugang(user: AbstractBaseUser | AnonymousUser | None) -> Zugang:
    if user is None or not user.is_authenticated or not user.is_active:
        return KEIN_ZUGANG
    cached = getattr(user, "_zugang_cache", None)
    if cached is not None:
        return cached
    # One query per request (membership and current substitutions together), not two: it runs on every page.
    vertretene = Vertretung.objects.aktiv().filter(vertretung_id=OuterRef("user_id")).order_by("-von")
    mitgliedschaft = (
        Mitgliedschaft.objects.filter(user_id=user.pk)
        .annotate(vertretene=ArraySubquery(vertretene.values("vertretene_person_id")))
        .values("behoerde_id", "rolle", "team_id", "vertretene")
        .first()
    )
    if mitgliedschaft is None:
        result = Zugang(user_id=user.pk, behoerde_id=None, rolle=None, team_id=None, vertretene_ids=())
    else:
        result = Zugang(
            user_id=user.pk,
            behoerde_id=mitgliedschaft["behoerde_id"],
            rolle=mitgliedschaft["rolle"],
            team_id=mitgliedschaft["team_id"],
            vertretene_ids=tuple(mitgliedschaft["vertretene"] or ()),
        )
    user._zugang_cache = result  # type: ignore[attr-defined]
    return result


_CACHES = ("_zugang_cache", "_akte_sichtbar_cache", "_sichtbare_akten_cache")
"""What is cached on the user object for one request: the access facts and what is built from them."""


def zugang_vergessen(user: AbstractBaseUser | AnonymousUser) -> None:
    """Drop the cached facts (and the rule built from them) after a change of membership or substitution within one
    request."""
    for name in _CACHES:
        if hasattr(user, name):
            delattr(user, name)


PERM_GESPERRT = "view_gesperrte_akte"


def _sonder_ids(z: Zugang, *, mit_einsicht: bool) -> tuple[QuerySet, QuerySet | None]:
    """Subqueries: restricted files the user (or whom she substitutes) is named on; files with a valid grant.

    Used as uncorrelated `id IN (SELECT ...)`: PostgreSQL runs each once and probes a hash per row, instead of a
    correlated EXISTS per file; with the index on (angelegt_am, id) a list page stops after its rows. No extra
    round trip, and still set-based SQL, never a check per object in Python.
    """
    from .models.akte import AkteFreigabe, Akteneinsicht

    benannt = AkteFreigabe.objects.filter(user_id__in=z.handelnde_ids, permission__codename=PERM_GESPERRT).values(
        "content_object_id"
    )
    if not mit_einsicht:
        return benannt, None
    empfaenger = Q(user_id__in=z.handelnde_ids) | Q(behoerde_id=z.behoerde_id)
    eingesehen = Akteneinsicht.objects.filter(empfaenger, widerrufen_am__isnull=True, bis__gt=timezone.now()).values(
        "akte_id"
    )
    return benannt, eingesehen


def _sperrvermerk_q(benannt: QuerySet) -> Q:
    """The restriction wins over every way in: a restricted file only for the people named on it.

    It is ANDed onto the whole rule (own authority, inspection grants, whatever is added later), never ORed beside
    one of its parts, so no grant of any kind can open a restricted file for someone who is not named.
    """
    return Q(gesperrt=False) | Q(pk__in=benannt)


def _eigene_q(z: Zugang) -> Q:
    from .models.akte import Akte

    return Q(behoerde_id=z.behoerde_id) & ~Q(status=Akte.Status.ABGEGEBEN)


def akte_sichtbar_q(user: AbstractBaseUser | AnonymousUser | None) -> Q:
    """Own authority's files (not handed over) plus files with a valid grant; restricted ones only when named.

    Built once per user object (a page asks for it four or five times) and kept with the access facts: Django never
    changes a Q it filters by (a subquery in it is cloned when a query takes it in)."""
    z = zugang(user)
    if not z.hat_aktenzugang:
        return Q(pk__in=[])
    cached = getattr(user, "_akte_sichtbar_cache", None)
    if cached is not None:
        return cached
    benannt, eingesehen = _sonder_ids(z, mit_einsicht=True)
    result = (_eigene_q(z) | Q(pk__in=eingesehen)) & _sperrvermerk_q(benannt)
    user._akte_sichtbar_cache = result  # type: ignore[union-attr]
    return result


class SichtbarWege(NamedTuple):
    """The two ways into the files a user may see (`akte_sichtbar_wege`), each with the Sperrvermerk ANDed on."""

    eigene: Q  # the own authority's files, not handed over
    eingesehen: Q  # files with a valid inspection grant, of any authority


def akte_sichtbar_wege(user: AbstractBaseUser | AnonymousUser | None) -> SichtbarWege | None:
    """The rule of `akte_sichtbar_q` as its two ways in, each with the Sperrvermerk ANDed on: own authority's files,
    files with a valid grant. Their OR is exactly `akte_sichtbar_q` ((A | B) & S = (A & S) | (B & S)); apart, each
    can walk an index in a list's order (the OR cannot). None without file access."""
    z = zugang(user)
    if not z.hat_aktenzugang:
        return None
    benannt, eingesehen = _sonder_ids(z, mit_einsicht=True)
    return SichtbarWege(_eigene_q(z) & _sperrvermerk_q(benannt), Q(pk__in=eingesehen) & _sperrvermerk_q(benannt))


def sichtbare_akten_ids(user: AbstractBaseUser | AnonymousUser | None) -> RawSQL | QuerySet:
    """The ids of the files the user may see, for `akte_id__in=`: the rule of `akte_sichtbar_q`, compiled to SQL
    once per user object and reused as the same uncorrelated subquery in every query of the request.

    Filtering by `akte__in=Akte.objects.visible_to(user)` makes Django resolve, relabel and compile the rule (three
    subqueries) again in each query, 1.5-3 ms of CPU each, four or five times per page; PostgreSQL gets the same SQL
    either way. The subquery names its own tables, so it stays correct inside any outer query (its `dms_akte` hides
    an outer one). Without file access it is the empty rule as a QuerySet (Django then runs no query at all).
    Kept like the access facts for the user object's life, one request (an inspection grant counts as valid by the
    time of the first use in it); `zugang_vergessen` drops it.
    """
    from .models.akte import Akte

    z = zugang(user)
    if not z.hat_aktenzugang:
        return Akte.objects.filter(akte_sichtbar_q(user)).values("pk")
    cached = getattr(user, "_sichtbare_akten_cache", None)
    if cached is None:
        sql, params = Akte.objects.filter(akte_sichtbar_q(user)).order_by().values("pk").query.sql_with_params()
        cached = RawSQL(sql, params)  # noqa: S611 - SQL compiled by the ORM from the rule, values stay parameters
        user._sichtbare_akten_cache = cached  # type: ignore[union-attr]
    return cached


def eingesehene_akten_ids(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet:
    """Subquery of the ids of files the user reaches through a valid inspection grant, of any authority.

    A way to *find* candidates beside the own authority (the full-text search, dms/suche.py), never a permission:
    the Sperrvermerk is not applied here, so callers filter what they found with `visible_to` as well.
    """
    from .models.akte import Akteneinsicht

    z = zugang(user)
    if not z.hat_aktenzugang:
        return Akteneinsicht.objects.none().values("akte_id")
    _, eingesehen = _sonder_ids(z, mit_einsicht=True)
    assert eingesehen is not None
    return eingesehen


def akte_aenderbar_q(user: AbstractBaseUser | AnonymousUser | None) -> Q:
    """Files the user may change: her authority's visible files; an inspection grant never allows changes."""
    z = zugang(user)
    if not z.darf_aendern:
        return Q(pk__in=[])
    benannt, _ = _sonder_ids(z, mit_einsicht=False)
    return _eigene_q(z) & _sperrvermerk_q(benannt)


def person_sichtbar_q(user: AbstractBaseUser | AnonymousUser | None) -> Q:
    """Persons with a file the user may see, plus her authority's persons that have no file yet.

    A person whose only files are restricted (or handed over) stays hidden: the name alone is personal data.
    """
    from .models.akte import Akte

    z = zugang(user)
    if not z.hat_aktenzugang:
        return Q(pk__in=[])
    sichtbar = Exists(Akte.objects.filter(akte_sichtbar_q(user), person=OuterRef("pk")))
    ohne_akte = Q(behoerde_id=z.behoerde_id) & ~Q(Exists(Akte.objects.filter(person=OuterRef("pk"))))
    return Q(sichtbar) | ohne_akte

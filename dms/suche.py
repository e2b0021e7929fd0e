"""Search over what a user may see: full text (PostgreSQL, German configuration) and file look-up by name,
AZR-Nummer, Aktenzeichen and date of birth. Results are grouped by file with highlighted snippets.

Other sources join the same box: internal notes on files and documents (`dms.notizen`, grouped with their file),
and sources that apps above dms register with `suchquelle_registrieren` (the mail room's in-tray items, in
`ScanningConfig.ready`), so dms never imports them.

Query syntax (one box): words are stemmed (``Aufenthaltstitel`` finds ``Aufenthaltstiteln``), ``"a phrase"``,
``-ausschluss``, ``oder``/``or``, and ``wort*`` for a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Max, Min, Q, QuerySet
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.functions import Left
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dms.access import akte_sichtbar_wege, eingesehene_akten_ids, zugang
from dms.eingaben import datum_lesen
from dms.models import Akte, Dokument
from dms.notizen.models import Notiz
from dms.protokoll.kette import mac, schluessel, schreibschluessel
from dms.queries import DATUM_RE, akte_namenssuche_q, akte_schnellsuche_zweige

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Private-use characters as headline markers: they never come from a keyboard; stray ones are dropped.
START, STOP = "\ue000", "\ue001"
_PRAEFIX = re.compile(r"(?<![\w\"])([^\W\d_][\w]{1,40})\*", re.UNICODE)
_MARKIERT = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
MAX_DOKUMENTE = 50
MAX_AKTEN = 50
MAX_NOTIZEN = 50
MAX_QUELLENTREFFER = 50
# The notes' part of the search looks at the newest notes of the table first (by id, which is creation order): the
# matches of a word in the newest 20,000 are sorted and checked, a wider window only when they gave fewer than
# MAX_NOTIZEN the user may see. Sorting every match in the whole table grew with the Land's notes (about 1 ms per
# 1,000 matches: 400 ms for a common word among a million notes).
NOTIZ_FENSTER = (20_000, 200_000, 2_000_000)
# Name of the notes' candidates (the matching notes, newest first) in the notes' query.
_NOTIZKANDIDATEN = "notizkandidaten"
# Ranking reads every matching document's vector; for words with more matches than this only this many candidates
# are ranked (the first ones the scan yields, in storage order), which keeps the search fast on millions of
# documents. The cost is per candidate (its vector read from TOAST, tested and ranked), whatever the word: at
# 800,000 documents in one authority 2,000 candidates cost 112-487 ms, 1,000 cost 51-140 ms, 500 cost 73 ms for
# the worst query measured (two words in 12 % of the documents; docs/benchmarks.md, "Suche im Landesmaßstab").
MAX_KANDIDATEN = 500
# Name of the candidates' CTE in the ranking query.
_KANDIDATEN = "suchkandidaten"
# A document's snippet comes from its first characters when the hit is there, else from at most its first
# AUSSCHNITT_HOECHSTENS characters: ts_headline parses all it is given (measured 0.33 µs per character: 0.7 ms for
# a two-page letter, 50 ms for 200,000 characters of a long legacy file), for each of the 50 documents shown.
AUSSCHNITT_ZEICHEN = 4_000
AUSSCHNITT_HOECHSTENS = 100_000


def suchanfrage(q: str) -> SearchQuery | None:
    """websearch syntax with German stemming, plus ``wort*`` prefixes via to_tsquery(... ':*').

    Prefix words are reduced to letters and digits before they reach to_tsquery, so no input can break its
    syntax; the rest goes through websearch_to_tsquery, which accepts any text.
    """
    q = q.strip()[:500]
    praefixe = [m.lower() for m in _PRAEFIX.findall(q)][:5]
    rest = _PRAEFIX.sub(" ", q).replace("*", " ").strip()
    anfrage: SearchQuery | None = None
    if rest and re.search(r"\w", rest):
        anfrage = SearchQuery(rest, config="german", search_type="websearch")
    for p in praefixe:
        teil = SearchQuery(f"{p}:*", config="german", search_type="raw")
        anfrage = teil if anfrage is None else anfrage & teil
    return anfrage


def dokumente_volltext(qs: QuerySet[Dokument], q: str) -> QuerySet[Dokument]:
    query = suchanfrage(q)
    if query is None:
        return qs.none()
    return qs.filter(suchvektor=query).annotate(rang=SearchRank(F("suchvektor"), query))


def _suchbegriff_normalisiert(q: str) -> str:
    return " ".join(q.lower().split())


def suchbegriff_hmac(q: str, schluessel_id: str | None = None) -> str:
    """Keyed hash (HMAC-SHA256 with the audit trail's key, never in the database) of the normalised search term.

    Without the key nobody can test guessed names against the trail (a plain SHA-256 of a name is found by
    hashing a list of names); with it an auditor can still answer "was this name searched for?"."""
    key = schluessel(schluessel_id) if schluessel_id else schreibschluessel()[1]
    return mac(key, "suchbegriff:" + _suchbegriff_normalisiert(q))


def suchbegriff_hmacs(q: str) -> list[str]:
    """The term's keyed hash under every configured key (entries written before a key rotation)."""
    return sorted({suchbegriff_hmac(q, kid) for kid in settings.AUDIT_HMAC_KEYS})


def protokoll_details(q: str, treffer: int, **weitere: Any) -> dict[str, Any]:
    """What the audit trail keeps of a search: a keyed hash of the normalised term and the id of its key (so an
    auditor holding the key can check whether a given name was searched for, and nobody else can), and the number
    of files found; never the term itself (names are personal data and the trail is read by more roles than the
    search)."""
    kid, _ = schreibschluessel()
    return {"q_hmac": suchbegriff_hmac(q, kid), "q_schluessel": kid, "akten": treffer, **weitere}


def ausschnitt_html(headline: str) -> SafeString:
    """ts_headline output with our markers -> escaped HTML with <mark> around the hits."""
    teile: list[str] = []
    pos = 0
    for m in _MARKIERT.finditer(headline):
        teile.append(escape(headline[pos : m.start()].replace(START, "").replace(STOP, "")))
        teile.append(f"<mark>{escape(m.group(1).replace(START, '').replace(STOP, ''))}</mark>")
        pos = m.end()
    teile.append(escape(headline[pos:].replace(START, "").replace(STOP, "")))
    return mark_safe("".join(teile))  # noqa: S308 - every piece escaped, only <mark> added


@dataclass
class Filter:
    register: str = ""
    vorgangsart: str = ""
    von: date | None = None
    bis: date | None = None

    @classmethod
    def aus(cls, params: Any) -> Filter:
        def datum(wert: str | None) -> date | None:
            try:
                return datum_lesen(wert)
            except ValueError:
                return None

        return cls(
            register=(params.get("register") or "")[:5],
            vorgangsart=(params.get("vorgangsart") or "")[:50],
            von=datum(params.get("von")),
            bis=datum(params.get("bis")),
        )

    @property
    def aktiv(self) -> bool:
        return bool(self.register or self.vorgangsart or self.von or self.bis)

    def anwenden(self, qs: QuerySet[Dokument]) -> QuerySet[Dokument]:
        if self.register:
            qs = qs.filter(register__nummer=self.register)
        if self.vorgangsart:
            qs = qs.filter(vorgang__vorgangsart__schluessel=self.vorgangsart)
        if self.von:
            qs = qs.filter(eingangsdatum__gte=self.von)
        if self.bis:
            qs = qs.filter(eingangsdatum__lte=self.bis)
        return qs


@dataclass
class Dokumenttreffer:
    id: int
    titel: str
    register: str
    eingangsdatum: date | None
    snippet: SafeString


@dataclass
class Notiztreffer:
    id: int
    dokument_id: int | None
    dokument_titel: str
    verfasst_von: str
    angelegt_am: datetime
    snippet: SafeString


@dataclass
class Aktentreffer:
    akte: Akte
    grund: str = ""
    dokumente: list[Dokumenttreffer] = field(default_factory=list)
    notizen: list[Notiztreffer] = field(default_factory=list)


@dataclass
class Quellentreffer:
    """A hit from a registered source (an in-tray item): `art` names it in the API (`{"posteingang": {...}}`)."""

    art: str
    id: int
    titel: str
    status: str
    status_text: str
    eingegangen_am: datetime
    url: str
    snippet: SafeString


# A source above dms: (user, query) -> its hits, at most MAX_QUELLENTREFFER, only what the user may see there.
Suchquelle = Callable[["AbstractBaseUser | AnonymousUser", SearchQuery], list[Quellentreffer]]
SUCHQUELLEN: list[Suchquelle] = []


def suchquelle_registrieren(quelle: Suchquelle) -> None:
    """Apps above dms add what their users may find (registered in `AppConfig.ready`; dms never imports them)."""
    if quelle not in SUCHQUELLEN:
        SUCHQUELLEN.append(quelle)


def ausschnitt(feld: str | Combinable, query: SearchQuery) -> SearchHeadline:
    """The highlighted snippet of a text column, markers for `ausschnitt_html`."""
    return SearchHeadline(
        feld,
        query,
        config="german",
        start_sel=START,
        stop_sel=STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


@dataclass
class Suchergebnis:
    q: str
    gruppen: list[Aktentreffer]
    dokumente_gesamt: int
    begrenzt: bool
    notizen_gesamt: int = 0
    weitere: list[Quellentreffer] = field(default_factory=list)


def suchen(user: AbstractBaseUser | AnonymousUser, q: str, filter_: Filter | None = None) -> Suchergebnis:
    """Files found by their identifiers first, then files with matching documents (best rank first).

    Query count does not grow with the data: the persons of the name look-up (1, when a word may be a name), files
    by identifier (1), documents by rank with their snippets (1), notes (the id range 1, then 1 per window tried,
    at most 4, usually 1), their files (1), one per registered source (the in-tray: 1). Notes and other sources join
    only while no document filter is set (the filters narrow documents: register, procedure kind, date of receipt).
    """
    filter_ = filter_ or Filter()
    q = q.strip()[:500]
    if not q:
        return Suchergebnis(q=q, gruppen=[], dokumente_gesamt=0, begrenzt=False)
    sichtbar = Akte.objects.visible_to(user)

    gruppen: dict[int, Aktentreffer] = {}
    if not filter_.aktiv:
        # The ids of the newest MAX_AKTEN matching files she may see first (narrow rows), then those files with their
        # person: a common name matches thousands of files, and joining every one to its person before the sort
        # cost more than the look-up itself (2,056 files for "Nowak" at 100,000 files).
        ids = _akten_nach_identifikator(user, q)
        for akte in Akte.objects.filter(pk__in=ids).with_person().order_by("-geaendert_am", "-pk"):
            gruppen[akte.pk] = Aktentreffer(akte=akte, grund="Name, Aktenzeichen, AZR-Nummer oder Geburtsdatum")

    query = suchanfrage(q)
    treffer: list[dict[str, Any]] = []
    begrenzt = False
    if query is not None:
        treffer = dokumenttreffer(user, query, filter_, MAX_DOKUMENTE + 1)
        begrenzt = len(treffer) > MAX_DOKUMENTE
        treffer = treffer[:MAX_DOKUMENTE]
    notizen: list[dict[str, Any]] = []
    weitere: list[Quellentreffer] = []
    if query is not None and not filter_.aktiv:
        notizen = _notizen(user, query)
        for quelle in SUCHQUELLEN:
            weitere += quelle(user, query)[:MAX_QUELLENTREFFER]
    fehlende = ({t["akte_id"] for t in treffer} | {n["akte_id"] for n in notizen}) - set(gruppen)
    if fehlende:
        for akte in sichtbar.filter(pk__in=fehlende).with_person():
            gruppen[akte.pk] = Aktentreffer(akte=akte, grund="")
    reihenfolge_akten: list[int] = list(gruppen)
    for t in treffer:
        gruppe = gruppen.get(t["akte_id"])
        if gruppe is None:
            continue
        gruppe.dokumente.append(
            Dokumenttreffer(
                id=t["id"],
                titel=t["titel"],
                register=t["register__nummer"],
                eingangsdatum=t["eingangsdatum"],
                snippet=ausschnitt_html(t["headline"] or ""),
            )
        )
    for n in notizen:
        gruppe = gruppen.get(n["akte_id"])
        if gruppe is None:
            continue
        gruppe.notizen.append(
            Notiztreffer(
                id=n["id"],
                dokument_id=n["dokument_id"],
                dokument_titel=n["dokument__titel"] or "",
                verfasst_von=n["verfasst_von__username"],
                angelegt_am=n["angelegt_am"],
                snippet=ausschnitt_html(n["headline"] or ""),
            )
        )
    # Identifier hits first, then files in the order of their best document, then files found by a note.
    erste_treffer = []
    for t in [*treffer, *notizen]:
        if t["akte_id"] not in erste_treffer:
            erste_treffer.append(t["akte_id"])
    identifikator = [pk for pk in reihenfolge_akten if gruppen[pk].grund]
    rest = [pk for pk in erste_treffer if pk not in identifikator]
    return Suchergebnis(
        q=q,
        gruppen=[gruppen[pk] for pk in identifikator + rest if pk in gruppen],
        dokumente_gesamt=len(treffer),
        begrenzt=begrenzt,
        notizen_gesamt=len(notizen),
        weitere=weitere,
    )


def _notizen(user: AbstractBaseUser | AnonymousUser, query: SearchQuery) -> list[dict[str, Any]]:
    """Notes the user may see (her authority's, in files she may see) matching the query, newest first, with
    their snippet (`notiztreffer_sql`): first among the newest NOTIZ_FENSTER[0] notes of the table, a wider window
    only when that gave fewer than MAX_NOTIZEN, the whole table last."""
    spalten = ("id", "akte_id", "dokument_id", "dokument__titel", "verfasst_von__username", "angelegt_am", "headline")
    grenzen = Notiz.objects.aggregate(kleinste=Min("pk"), groesste=Max("pk"))
    kleinste, groesste = grenzen["kleinste"], grenzen["groesste"]
    if groesste is None:
        return []
    for fenster in NOTIZ_FENSTER:
        if groesste - fenster < kleinste:
            break  # the window holds every note: the whole table below
        zeilen = _zeilen(notiztreffer_sql(user, query, MAX_NOTIZEN, ab_id=groesste - fenster), spalten)
        if len(zeilen) >= MAX_NOTIZEN:
            return zeilen
    return _zeilen(notiztreffer_sql(user, query, MAX_NOTIZEN), spalten)


def _zeilen(anweisung: tuple[str, list[Any]] | None, spalten: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of one statement as dicts with the given keys (none without a statement)."""
    if anweisung is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*anweisung)
        return [dict(zip(spalten, zeile, strict=True)) for zeile in cursor.fetchall()]


def notiztreffer_sql(
    user: AbstractBaseUser | AnonymousUser, query: SearchQuery, anzahl: int, ab_id: int | None = None
) -> tuple[str, list[Any]] | None:
    """The newest `anzahl` matching notes the user may see, with their snippets, as one SQL statement (None without
    file access). The pattern of `dokumenttreffer_sql`:

    1. The matching notes her authority wrote, from the GIN index over (authority, stored vector)
       (`notiz_behoerde_suchvektor`; notes never show outside it, not even with an inspection grant, nor to the
       authority a file was handed over to: `Notiz.objects.visible_to`), newest first; with `ab_id` only those
       after it (a window of the newest notes, `_notizen`: the sort costs about 1 ms per 1,000 matches).
    2. `notiztreffer`: in that order, each note's file asked by primary key (`_sichtbar_je_kandidat`: the access
       rules of every list, i.e. handed-over files, Sperrvermerk, grants), until `anzahl` are found.
       Before, PostgreSQL joined the matches to a hash over every file of the authority (26-79 ms at 40,000 files).
    3. Their rows, document title, author and snippet.
    """
    z = zugang(user)
    if not z.hat_aktenzugang or z.behoerde_id is None:
        return None
    passend = Notiz.objects.filter(behoerde_id=z.behoerde_id, suchvektor=query)
    if ab_id is not None:  # only the notes after it (`_notizen`'s window)
        passend = passend.filter(pk__gt=ab_id)
    treffend = passend.order_by("-angelegt_am", "-id").values("id", "akte_id", "angelegt_am")
    try:
        t_sql, t_params = treffend.query.sql_with_params()
        s_sql, s_params = _sichtbar_je_kandidat(user, _NOTIZKANDIDATEN)
    except EmptyResultSet:  # a rule that can match nothing (as in `dokumenttreffer_sql`): no hits
        return None
    mit_ausschnitt = Notiz.objects.annotate(headline=ausschnitt("text", query))
    compiler = mit_ausschnitt.query.get_compiler(connection=connection)
    h_sql, h_params = compiler.compile(mit_ausschnitt.query.annotations["headline"])
    n, d, u = Notiz._meta.db_table, Dokument._meta.db_table, "auth_user"
    # OFFSET 0 keeps the sorted matches a subquery of their own: the access check runs on them in order (a nested
    # loop that stops at `anzahl`) instead of on every match before the sort.
    sql = f"""
        WITH notiztreffer AS MATERIALIZED (
            SELECT {_NOTIZKANDIDATEN}.id, {_NOTIZKANDIDATEN}.angelegt_am
            FROM ({t_sql} OFFSET 0) {_NOTIZKANDIDATEN} CROSS JOIN LATERAL ({s_sql}) sichtbar
            ORDER BY {_NOTIZKANDIDATEN}.angelegt_am DESC, {_NOTIZKANDIDATEN}.id DESC LIMIT %s
        )
        SELECT {n}.id, {n}.akte_id, {n}.dokument_id, {d}.titel, {u}.username, {n}.angelegt_am, {h_sql}
        FROM notiztreffer
        JOIN {n} ON {n}.id = notiztreffer.id
        JOIN {u} ON {u}.id = {n}.verfasst_von_id
        LEFT JOIN {d} ON {d}.id = {n}.dokument_id
        ORDER BY notiztreffer.angelegt_am DESC, notiztreffer.id DESC
    """  # noqa: S608 - compiled querysets and constants; every value is a parameter
    return sql, [*t_params, *s_params, anzahl, *h_params]


def dokumenttreffer_sql(
    user: AbstractBaseUser | AnonymousUser, query: SearchQuery, filter_: Filter, anzahl: int
) -> tuple[str, list[Any]] | None:
    """The document hits as one SQL statement (None when the user has no authority): the best `anzahl` documents
    the user may see with their snippets, best rank first.

    1. `suchkandidaten`: the candidates with their rank (`_kandidaten`), computed in the candidate scan while the
       row and its vector are at hand (before: a second fetch of every candidate by primary key and a second read
       of its vector).
    2. `suchtreffer`: the access rules of every list (`Akte.objects.visible_to`), asked for each candidate's file
       by primary key (at most 2 x MAX_KANDIDATEN look-ups), not a hash over every file of the authority (that grew
       with the authority: 56 ms at 40,000 files; a Land authority has a million); then the best `anzahl` by rank.
    3. Their rows and snippets (`ausschnitt`) in the same statement (before: a query of its own). The snippet is
       taken from the first AUSSCHNITT_ZEICHEN characters; only when the hit is not in there, from the first
       AUSSCHNITT_HOECHSTENS (a hit beyond that is found and ranked, its snippet shows the document's beginning).
    """
    kandidaten = _kandidaten(user, query, filter_)
    if kandidaten is None or not zugang(user).hat_aktenzugang:
        return None
    try:
        k_sql, k_params = kandidaten.query.sql_with_params()
        s_sql, s_params = _sichtbar_je_kandidat(user, _KANDIDATEN)
    except EmptyResultSet:  # a rule that can match nothing (Django refuses to compile `pk__in=[]`): no hits
        return None
    ausschnitte = Dokument.objects.annotate(
        kurz=ausschnitt(Left("text", AUSSCHNITT_ZEICHEN), query),
        voll=ausschnitt(Left("text", AUSSCHNITT_HOECHSTENS), query),
    )
    compiler = ausschnitte.query.get_compiler(connection=connection)
    kurz_sql, kurz_params = compiler.compile(ausschnitte.query.annotations["kurz"])
    voll_sql, voll_params = compiler.compile(ausschnitte.query.annotations["voll"])
    sql = f"""
        WITH {_KANDIDATEN} AS MATERIALIZED ({k_sql}),
        suchtreffer AS MATERIALIZED (
            SELECT {_KANDIDATEN}.id, {_KANDIDATEN}.rang FROM {_KANDIDATEN} CROSS JOIN LATERAL ({s_sql}) sichtbar
            ORDER BY {_KANDIDATEN}.rang DESC, {_KANDIDATEN}.id DESC LIMIT %s
        )
        SELECT dms_dokument.id, dms_dokument.akte_id, dms_dokument.titel, dms_register.nummer,
            dms_dokument.eingangsdatum,
            CASE WHEN a.lang AND strpos(a.kurz, %s) = 0 THEN {voll_sql} ELSE a.kurz END
        FROM suchtreffer
        JOIN dms_dokument ON dms_dokument.id = suchtreffer.id
        JOIN dms_register ON dms_register.id = dms_dokument.register_id
        CROSS JOIN LATERAL (
            SELECT {kurz_sql} AS kurz, octet_length(dms_dokument.text) > {AUSSCHNITT_ZEICHEN:d} AS lang OFFSET 0
        ) a
        ORDER BY suchtreffer.rang DESC, suchtreffer.id DESC
    """  # noqa: S608 - compiled querysets and constants; every value is a parameter
    return sql, [*k_params, *s_params, anzahl, START, *voll_params, *kurz_params]


def dokumenttreffer(
    user: AbstractBaseUser | AnonymousUser, query: SearchQuery, filter_: Filter, anzahl: int
) -> list[dict[str, Any]]:
    """The best `anzahl` matching documents the user may see, best rank first, with snippet (`dokumenttreffer_sql`):
    dicts with id, akte_id, titel, register__nummer, eingangsdatum, headline."""
    spalten = ("id", "akte_id", "titel", "register__nummer", "eingangsdatum", "headline")
    return _zeilen(dokumenttreffer_sql(user, query, filter_, anzahl), spalten)


def _sichtbar_je_kandidat(user: AbstractBaseUser | AnonymousUser, kandidaten: str) -> tuple[str, list[Any]]:
    """SQL for a LATERAL subquery: the file of the row of `kandidaten` (its column `akte_id`), by primary key, under
    the access rules of every list (`Akte.objects.visible_to`). A LATERAL subquery with LIMIT is never turned into
    a join, so PostgreSQL cannot choose to hash every file of the authority instead."""
    sichtbar = Akte.objects.visible_to(user).filter(pk=RawSQL(f"{kandidaten}.akte_id", ()))  # noqa: S611 - a name
    sql, params = sichtbar.order_by().values("pk")[:1].query.sql_with_params()
    return sql, list(params)


def _kandidaten(
    user: AbstractBaseUser | AnonymousUser, query: SearchQuery, filter_: Filter
) -> QuerySet[Dokument, Any] | None:
    """At most MAX_KANDIDATEN matching documents of the user's authority, plus as many of the files she has an
    inspection grant for, as (id, akte_id, rang): the authority and the words come from one GIN index
    (`dokument_behoerde_suchvektor`), so PostgreSQL never walks a file's documents checking vectors one by one.
    Only a way to find: the caller keeps the candidates the user may see (`visible_to` on their files), so
    restricted and handed-over files stay out.
    """
    behoerde_id = zugang(user).behoerde_id
    if behoerde_id is None:
        return None
    treffer = (
        filter_.anwenden(Dokument.objects.bestehend().filter(suchvektor=query))
        .order_by()
        .values("id", "akte_id")
        .annotate(rang=SearchRank(F("suchvektor"), query))
    )
    eigene = treffer.filter(behoerde_id=behoerde_id)[:MAX_KANDIDATEN]
    eingesehen = treffer.filter(akte_id__in=eingesehene_akten_ids(user))[:MAX_KANDIDATEN]
    return eigene.union(eingesehen, all=True)


def _akten_nach_identifikator(user: AbstractBaseUser | AnonymousUser, q: str) -> QuerySet[Akte, Any]:
    """Subquery of the ids of the newest MAX_AKTEN files the user may see found by their Aktenzeichen, AZR-Nummer,
    date of birth or names.

    For each way in of the access rule (own authority, inspection grants; the Sperrvermerk on both) and each branch
    of the look-up the newest MAX_AKTEN files on their own (`akte_behoerde_geaendert`), then the newest MAX_AKTEN of
    those. In the own authority the names are the ids of the matching persons, taken first from the name indexes
    (`dms.queries.personen_begrenzt`: a word that is nobody's name costs an index probe, not a walk through every
    file of the authority); only a name on more than PERSONEN_GRENZE persons stays a condition, where the walk
    newest first soon finds enough. Before, every matching file was read and joined to a hash over every file of
    the authority (61-87 ms for 11,000 matching files at 40,000).
    """
    wege = akte_sichtbar_wege(user)
    if wege is None:
        return Akte.objects.none().values("pk")
    eigene_zweige = _identifikator_zweige(q, zugang(user).behoerde_id)
    teile = [
        Akte.objects.filter(weg & zweig).order_by("-geaendert_am", "-pk").values("pk")[:MAX_AKTEN]
        for weg, zweige in ((wege.eigene, eigene_zweige), (wege.eingesehen, _identifikator_zweige(q)))
        for zweig in zweige
    ]
    kandidaten = teile[0].union(*teile[1:]) if len(teile) > 1 else teile[0]
    return Akte.objects.filter(pk__in=kandidaten).order_by("-geaendert_am", "-pk").values("pk")[:MAX_AKTEN]


def _identifikator_zweige(q: str, behoerde_id: int | None = None) -> list[Q]:
    """The look-up's branches (one word: Aktenzeichen, names; several words: all of them one condition, every word
    a name or an identifier), with `behoerde_id` for that authority's files (names as person ids)."""
    if len(q.split()) <= 1 or DATUM_RE.match(q):
        return akte_schnellsuche_zweige(q, behoerde_id)
    return [akte_namenssuche_q(q, behoerde_id)]

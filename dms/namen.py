"""Name normalisation shared by search, matching and identifier extraction (pure functions)."""

from __future__ import annotations

import re
import unicodedata

_UMLAUTE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NICHT_BUCHSTABE = re.compile(r"[^a-z ]+")
_LEER = re.compile(r"\s+")


def name_normalisieren(name: str) -> str:
    """Lower case, German umlauts as ae/oe/ue/ss, other accents dropped, only letters and single spaces.

    >>> name_normalisieren("Müller-Lüdenscheidt")
    'mueller luedenscheidt'
    >>> name_normalisieren("Çelik")
    'celik'
    """
    s = name.strip().lower().translate(_UMLAUTE)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = _NICHT_BUCHSTABE.sub(" ", s)
    return _LEER.sub(" ", s).strip()


def namensschluessel(*names: str) -> list[str]:
    """Distinct normalised keys of all given names (empty ones dropped), in a stable order."""
    seen: dict[str, None] = {}
    for n in names:
        key = name_normalisieren(n)
        if key:
            seen.setdefault(key, None)
    return list(seen)


def team_fuer_name(familienname: str, teams: list[tuple[int, str, str, bool]]) -> int | None:
    """The team whose letter range (Buchstabenzuständigkeit) holds the surname, else the default team.
    `teams`: (id, von, bis, ist_standard). The one rule for the mail room's routing, hand-over and test data.

    Ranges compare the normalised upper-case name prefix: von='A', bis='K' holds 'Müller'? No: 'MUELLER' > 'K'.
    """
    schluessel = name_normalisieren(familienname).replace(" ", "").upper()
    standard = None
    passend: list[tuple[int, int]] = []
    for team_id, von, bis, ist_standard in teams:
        if ist_standard:
            standard = team_id
        if not schluessel or not von:
            continue
        von_u, bis_u = von.upper(), (bis or von).upper()
        if von_u <= schluessel[: len(von_u)] and schluessel[: len(bis_u)] <= bis_u:
            passend.append((-len(von_u), team_id))
    # The most specific range wins ("Sch"-"Schz" before "S"-"Z").
    return min(passend)[1] if passend else standard

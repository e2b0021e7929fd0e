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

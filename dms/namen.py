"""Name normalisation shared by search, matching and identifier extraction (pure functions)."""

from __future__ import annotations

import re
import unicodedata

_UMLAUTE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NICHT_BUCHSTABE = re.compile(r"[^a-z ]+")
_LEER = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Lower case, German umlauts as ae/oe/ue/ss, other accents dropped, only letters and single spaces.

    >>> normalize_name("Müller-Lüdenscheidt")
    'mueller luedenscheidt'
    >>> normalize_name("Çelik")
    'celik'
    """
    s = name.strip().lower().translate(_UMLAUTE)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = _NICHT_BUCHSTABE.sub(" ", s)
    return _LEER.sub(" ", s).strip()


def name_keys(*names: str) -> list[str]:
    """Distinct normalised keys of all given names (empty ones dropped), in a stable order."""
    seen: dict[str, None] = {}
    for n in names:
        key = normalize_name(n)
        if key:
            seen.setdefault(key, None)
    return list(seen)

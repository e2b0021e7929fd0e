"""Parsing ids and dates from untrusted text (query strings, form fields, stored JSON): the one place for it.

`"²".isdigit()` and `"١٢".isdigit()` are true but `int()` refuses the first and PostgreSQL's bigint would overflow on
a long number: every such value is "no id" here, never an exception (issue 10, item 8).
"""

from __future__ import annotations

import datetime as dt

# PostgreSQL bigint holds 19 digits; ids of this system stay far below 18.
_HOECHSTENS_STELLEN = 18


def id_lesen(wert: object) -> int | None:
    """A positive id written in plain ASCII digits, else None.

    >>> id_lesen("42"), id_lesen(" 7 "), id_lesen("²"), id_lesen("١٢"), id_lesen("-1"), id_lesen("9" * 30)
    (42, 7, None, None, None, None)
    """
    if wert is None or isinstance(wert, bool):
        return None
    text = str(wert).strip()
    if not text or len(text) > _HOECHSTENS_STELLEN or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


DATUM_FORMATE = ("%d.%m.%Y", "%Y-%m-%d")
"""How a date is typed: TT.MM.JJJJ on the pages, YYYY-MM-DD from the API and older clients (settings: the German
DATE_INPUT_FORMATS in auslaenderakte/formate/de/formats.py say the same)."""
DATUM_FEHLER = "Bitte geben Sie ein gültiges Datum im Format TT.MM.JJJJ an, z. B. 03.04.2026."


def datum_lesen(wert: object) -> dt.date | None:
    """A date typed as TT.MM.JJJJ (or ISO); empty is None, anything else a ValueError with a German message.

    >>> datum_lesen("03.04.2026"), datum_lesen("3.4.2026"), datum_lesen("2026-04-03"), datum_lesen(" ")
    (datetime.date(2026, 4, 3), datetime.date(2026, 4, 3), datetime.date(2026, 4, 3), None)
    """
    text = str(wert or "").strip()
    if not text:
        return None
    for format_ in DATUM_FORMATE:
        try:
            return dt.datetime.strptime(text, format_).date()
        except ValueError:
            continue
    raise ValueError(DATUM_FEHLER)

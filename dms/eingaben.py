"""Parsing ids from untrusted text (query strings, form fields, stored JSON): the one place for it.

`"²".isdigit()` and `"١٢".isdigit()` are true but `int()` refuses the first and PostgreSQL's bigint would overflow on
a long number: every such value is "no id" here, never an exception (issue 10, item 8).
"""

from __future__ import annotations

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

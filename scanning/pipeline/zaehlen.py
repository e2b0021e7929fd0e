"""Page and sheet counts (pure).

Assumption (docs/scanning.md): the mail room scans duplex, so a sheet (Blatt) carries two pages, blank backs
included: sheets = ceil(pages / 2). Single-sided scanning is configured per call (`duplex=False`: one page, one sheet).
"""

from __future__ import annotations


def blatt_zaehlen(seiten: int, *, duplex: bool = True) -> int:
    """>>> blatt_zaehlen(3)
    2
    """
    if seiten <= 0:
        return 0
    return (seiten + 1) // 2 if duplex else seiten

"""Aktenzeichen: a readable per-authority scheme, e.g. `OF-2026-000123` and `OF-2026-000123/2` for a Vorgang."""

from __future__ import annotations

import re

from django.db import connection

AKTENZEICHEN_RE = re.compile(r"^(?P<kuerzel>[A-Z]{1,10})-(?P<jahr>\d{4})-(?P<nummer>\d{6,})$")


def aktenzeichen_formatieren(kuerzel: str, jahr: int, nummer: int) -> str:
    """>>> aktenzeichen_formatieren("OF", 2026, 123)
    'OF-2026-000123'
    """
    return f"{kuerzel}-{jahr:04d}-{nummer:06d}"


def vorgang_aktenzeichen_formatieren(akte_aktenzeichen: str, nummer: int) -> str:
    """>>> vorgang_aktenzeichen_formatieren("OF-2026-000123", 2)
    'OF-2026-000123/2'
    """
    return f"{akte_aktenzeichen}/{nummer}"


def naechste_nummer(behoerde_id: int, jahr: int) -> int:
    """The next number for an authority and year: one atomic upsert, safe under concurrency."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO dms_aktenzeichenzaehler (behoerde_id, jahr, letzte_nummer) VALUES (%s, %s, 1)
            ON CONFLICT (behoerde_id, jahr) DO UPDATE SET letzte_nummer = dms_aktenzeichenzaehler.letzte_nummer + 1
            RETURNING letzte_nummer
            """,
            [behoerde_id, jahr],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])

"""The role × action permission matrix as data: docs/permissions.md mirrors it, the tests walk it, the code asks it.

Values:
- JA: allowed (always within the user's own authority, unless the action says "alle Behörden").
- NEIN: refused (pages/API: 403 for an action, 404 for an object outside `visible_to`).
- NAMENTLICH: only for files the user (or the colleague she substitutes) is named on (Sperrvermerk).
- EIGENES_TEAM: only for members of the user's own team.
- SELBST: only for herself (e.g. her own absence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .models.organisation import Rolle

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

JA: Final = "ja"
NEIN: Final = "nein"
NAMENTLICH: Final = "namentlich"
EIGENES_TEAM: Final = "eigenes Team"
SELBST: Final = "nur für sich selbst"

# Action key -> German description (the rows of docs/permissions.md).
AKTIONEN: dict[str, str] = {
    "akten_sehen": "Akten der eigenen Behörde sehen (Liste, Suche, Detail, Dokumente)",
    "akten_aendern": "Akten der eigenen Behörde ändern (Stammdaten, Vorgänge)",
    "gesperrte_akten_sehen": "Akten mit Sperrvermerk sehen",
    "sperrvermerk_setzen": "Sperrvermerk setzen/aufheben, Personen namentlich freigeben",
    "hochladen": "Dokumente in eine Akte hochladen",
    "post_zuordnen": "Posteingang scannen und Akten zuordnen",
    "akteneinsicht_erteilen": "Akteneinsicht für andere Behörden/Personen erteilen und widerrufen",
    "vertretung_setzen": "Vertretung (Abwesenheit) anlegen und beenden",
    "protokoll_lesen": "Protokoll (Audit-Trail) der eigenen Behörde lesen und exportieren",
    "foerderung_alle": "Förder- und Digitalisierungszahlen aller Behörden",
    "foerderung_eigene": "Förder- und Digitalisierungszahlen der eigenen Behörde",
    "verwaltung": "Verwaltung (Benutzer, Teams, Buchstabenbereiche) der eigenen Behörde",
    "schreiben_freigeben": "Schreiben mit Vier-Augen-Prinzip freigeben (nicht die eigenen)",
    "aussonderung": "Aussonderung: fällige Akten, Löschsperren, Anbietung an das Archiv, Löschung (vier Augen)",
    "aussonderung_uebersicht": "Aussonderung: Zahlen aller Behörden (fällig, angeboten, archiviert, gelöscht)",
}

ROLLEN: tuple[str, ...] = (
    Rolle.POSTSTELLE,
    Rolle.SACHBEARBEITUNG,
    Rolle.TEAMLEITUNG,
    Rolle.BEHOERDENADMIN,
    Rolle.LAND,
    Rolle.REVISION,
    Rolle.SCHRIFTGUTVERWALTUNG,
)

MATRIX: dict[str, dict[str, str]] = {
    Rolle.POSTSTELLE: {
        "akten_sehen": JA,
        "akten_aendern": NEIN,
        "gesperrte_akten_sehen": NAMENTLICH,
        "sperrvermerk_setzen": NEIN,
        "hochladen": NEIN,
        "post_zuordnen": JA,
        "akteneinsicht_erteilen": NEIN,
        "vertretung_setzen": NEIN,
        "protokoll_lesen": NEIN,
        "foerderung_alle": NEIN,
        "foerderung_eigene": NEIN,
        "verwaltung": NEIN,
        "aussonderung": NEIN,
        "aussonderung_uebersicht": NEIN,
        "schreiben_freigeben": NEIN,
    },
    Rolle.SACHBEARBEITUNG: {
        "akten_sehen": JA,
        "akten_aendern": JA,
        "gesperrte_akten_sehen": NAMENTLICH,
        "sperrvermerk_setzen": NEIN,
        "hochladen": JA,
        "post_zuordnen": JA,
        "akteneinsicht_erteilen": JA,
        "vertretung_setzen": SELBST,
        "protokoll_lesen": NEIN,
        "foerderung_alle": NEIN,
        "foerderung_eigene": NEIN,
        "verwaltung": NEIN,
        "aussonderung": NEIN,
        "aussonderung_uebersicht": NEIN,
        "schreiben_freigeben": NEIN,
    },
    Rolle.TEAMLEITUNG: {
        "akten_sehen": JA,
        "akten_aendern": JA,
        "gesperrte_akten_sehen": NAMENTLICH,
        "sperrvermerk_setzen": JA,
        "hochladen": JA,
        "post_zuordnen": JA,
        "akteneinsicht_erteilen": JA,
        "vertretung_setzen": EIGENES_TEAM,
        "protokoll_lesen": NEIN,
        "foerderung_alle": NEIN,
        "foerderung_eigene": JA,
        "verwaltung": NEIN,
        "aussonderung": NEIN,
        "aussonderung_uebersicht": NEIN,
        "schreiben_freigeben": JA,
    },
    Rolle.BEHOERDENADMIN: {
        "akten_sehen": JA,
        "akten_aendern": JA,
        "gesperrte_akten_sehen": NAMENTLICH,
        "sperrvermerk_setzen": JA,
        "hochladen": JA,
        "post_zuordnen": JA,
        "akteneinsicht_erteilen": JA,
        "vertretung_setzen": JA,
        "protokoll_lesen": NEIN,
        "foerderung_alle": NEIN,
        "foerderung_eigene": JA,
        "verwaltung": JA,
        "aussonderung": NEIN,
        "aussonderung_uebersicht": NEIN,
        "schreiben_freigeben": JA,
    },
    Rolle.LAND: {
        "akten_sehen": NEIN,
        "akten_aendern": NEIN,
        "gesperrte_akten_sehen": NEIN,
        "sperrvermerk_setzen": NEIN,
        "hochladen": NEIN,
        "post_zuordnen": NEIN,
        "akteneinsicht_erteilen": NEIN,
        "vertretung_setzen": NEIN,
        "protokoll_lesen": NEIN,
        "foerderung_alle": JA,
        "foerderung_eigene": JA,
        "verwaltung": NEIN,
        "aussonderung": NEIN,
        "aussonderung_uebersicht": JA,
        "schreiben_freigeben": NEIN,
    },
    Rolle.REVISION: {
        "akten_sehen": NEIN,
        "akten_aendern": NEIN,
        "gesperrte_akten_sehen": NEIN,
        "sperrvermerk_setzen": NEIN,
        "hochladen": NEIN,
        "post_zuordnen": NEIN,
        "akteneinsicht_erteilen": NEIN,
        "vertretung_setzen": NEIN,
        "protokoll_lesen": JA,
        "foerderung_alle": NEIN,
        "foerderung_eigene": JA,
        "verwaltung": NEIN,
        "aussonderung": NEIN,
        "aussonderung_uebersicht": NEIN,
        "schreiben_freigeben": NEIN,
    },
    Rolle.SCHRIFTGUTVERWALTUNG: {
        "akten_sehen": JA,
        "akten_aendern": NEIN,
        "gesperrte_akten_sehen": NAMENTLICH,
        "sperrvermerk_setzen": NEIN,
        "hochladen": NEIN,
        "post_zuordnen": NEIN,
        "akteneinsicht_erteilen": NEIN,
        "vertretung_setzen": NEIN,
        "protokoll_lesen": NEIN,
        "foerderung_alle": NEIN,
        "foerderung_eigene": NEIN,
        "verwaltung": NEIN,
        "aussonderung": JA,
        "aussonderung_uebersicht": NEIN,
        "schreiben_freigeben": NEIN,
    },
}


def erlaubnis(rolle: str | None, aktion: str) -> str:
    """The matrix cell; an unknown role or a user without membership gets NEIN. An unknown action is a bug."""
    if aktion not in AKTIONEN:
        raise KeyError(f"Unbekannte Aktion {aktion!r}: bitte in dms/permissions_matrix.py ergänzen")
    if rolle is None or rolle not in MATRIX:
        return NEIN
    return MATRIX[rolle][aktion]


def darf(user: AbstractBaseUser | AnonymousUser | None, aktion: str) -> bool:
    """True when the user's role may do `aktion` at all (conditions such as NAMENTLICH are checked in SQL)."""
    from .access import zugang

    z = zugang(user)
    if z.behoerde_id is None:
        return False
    return erlaubnis(z.rolle, aktion) != NEIN


def rollen_mit(aktion: str, *werte: str) -> frozenset[str]:
    """The roles whose cell for `aktion` is one of `werte` (default: anything but NEIN)."""
    return frozenset(r for r in ROLLEN if (MATRIX[r][aktion] in werte if werte else MATRIX[r][aktion] != NEIN))


def als_markdown() -> str:
    """The matrix as a Markdown table; docs/permissions.md contains exactly this (a test checks it)."""
    kopf = "| Aktion | " + " | ".join(ROLLEN) + " |"
    trenner = "|---|" + "---|" * len(ROLLEN)
    zeilen = [
        f"| {text} (`{key}`) | " + " | ".join(MATRIX[r][key] for r in ROLLEN) + " |" for key, text in AKTIONEN.items()
    ]
    return "\n".join([kopf, trenner, *zeilen])

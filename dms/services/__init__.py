"""Write use cases of the e-file. Views, API, tasks and commands call these; nothing else saves core models."""

from .abgabe import abgabe_ablehnen, abgabe_anbieten, abgabe_annehmen, abgabe_zurueckziehen  # noqa: F401
from .akten import akte_aendern, akte_anlegen, person_aendern, person_anlegen, vorgang_aendern, vorgang_anlegen
from .dokumente import (
    ableitungen_speichern,
    dokument_ablage_aendern,
    dokument_anlegen,
    dokument_daten_aendern,
    dokument_version_hinzufuegen,
    ocr_status_setzen,
    suchvektor_aktualisieren,
    vermerk_anlegen,
)
from .fehler import Konflikt, feldfehler
from .umlegung import dokument_umlegen, dokument_zuruecknehmen, nach_umlegung_registrieren

__all__ = [
    "Konflikt",
    "ableitungen_speichern",
    "akte_aendern",
    "akte_anlegen",
    "dokument_ablage_aendern",
    "dokument_anlegen",
    "dokument_daten_aendern",
    "dokument_umlegen",
    "dokument_version_hinzufuegen",
    "dokument_zuruecknehmen",
    "feldfehler",
    "nach_umlegung_registrieren",
    "ocr_status_setzen",
    "person_aendern",
    "person_anlegen",
    "suchvektor_aktualisieren",
    "vermerk_anlegen",
    "vorgang_aendern",
    "vorgang_anlegen",
]

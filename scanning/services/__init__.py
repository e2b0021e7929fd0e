"""Write use cases of the Poststelle. Views, API, hot folder, tasks and the in-tray call these; nothing else saves a
mail-room row.

posteingang   every state change of a mail item, from acceptance through the pipeline steps to filing or the in-tray
druck         the cover sheet to print (audited as an export)
The legacy-file digitisation has its own services: scanning.altakten.services.
"""

from .druck import deckblatt_erzeugen
from .posteingang import (
    SYSTEM,
    Stapelteil,
    akte_aus_posteingang_anlegen,
    duplikat_melden,
    erkennung_speichern,
    haengende_einreihen,
    lebenszeichen_setzen,
    merkmale_speichern,
    pipeline_einreihen,
    posteingang_annehmen,
    posteingang_fehler,
    posteingang_original_gelesen,
    posteingang_weiterleiten,
    posteingang_zuordnen,
    posteingang_zur_pruefung,
    posteingang_zuruecklegen,
    schritt_setzen,
    stapel_aufteilen,
    titel_vorschlag,
    verarbeitung_beginnen,
    vorpruefung_speichern,
    zu_gross,
)

__all__ = [
    "SYSTEM",
    "Stapelteil",
    "akte_aus_posteingang_anlegen",
    "deckblatt_erzeugen",
    "duplikat_melden",
    "erkennung_speichern",
    "haengende_einreihen",
    "lebenszeichen_setzen",
    "merkmale_speichern",
    "pipeline_einreihen",
    "posteingang_annehmen",
    "posteingang_fehler",
    "posteingang_original_gelesen",
    "posteingang_weiterleiten",
    "posteingang_zuordnen",
    "posteingang_zur_pruefung",
    "posteingang_zuruecklegen",
    "schritt_setzen",
    "stapel_aufteilen",
    "titel_vorschlag",
    "verarbeitung_beginnen",
    "vorpruefung_speichern",
    "zu_gross",
]

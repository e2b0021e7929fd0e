from dms.betrieb.models import Integritaetsbefund, Integritaetslauf  # noqa: F401 - operations (dms/betrieb)

from .abgabe import Aktenabgabe, DateiBEintrag  # noqa: F401 - re-exported (issue 7)
from .akte import Akte, AkteFreigabe, Akteneinsicht, AktenzeichenZaehler, Person, Vorgang, azr_validator
from .dokument import Dokument, DokumentVersion
from .organisation import Behoerde, Mitgliedschaft, Rolle, Team, Vertretung
from .protokoll import Protokolleintrag, ProtokollPruefung
from .struktur import Aktenplan, Aussonderungsart, Dokumentart, Register, Vorgangsart

# isort: split
# Capability sub-packages register their models here (after the core models they point to).
from dms.aussonderung.models import (  # noqa: F401 - retention and deletion (issue 15)
    Aktenschluss,
    Anbietung,
    Anbietungsposten,
    Aufbewahrungsregel,
    Loeschsperre,
    Loeschung,
)
from dms.gericht.models import Aktenvorlage, Blatt, Einsichtskopie, Siegel
from dms.gespeicherte_suchen.models import GespeicherteSuche
from dms.neueingaenge.models import Neueingang, NeueingangGelesen
from dms.notizen.models import Notiz
from dms.postausgang.models import Ausgangsschreiben, Briefvorlage
from dms.wiedervorlagen.models import Wiedervorlage

__all__ = [
    "Akte",
    "AkteFreigabe",
    "Akteneinsicht",
    "Aktenplan",
    "Aktenvorlage",
    "AktenzeichenZaehler",
    "Ausgangsschreiben",
    "Aussonderungsart",
    "Behoerde",
    "Blatt",
    "Briefvorlage",
    "Dokument",
    "DokumentVersion",
    "Dokumentart",
    "Einsichtskopie",
    "GespeicherteSuche",
    "Mitgliedschaft",
    "Neueingang",
    "NeueingangGelesen",
    "Notiz",
    "Person",
    "ProtokollPruefung",
    "Protokolleintrag",
    "Register",
    "Rolle",
    "Siegel",
    "Team",
    "Vertretung",
    "Vorgang",
    "Vorgangsart",
    "Wiedervorlage",
    "azr_validator",
]

"""Matching an item's text to the files of ITS OWN authority, and the confidence rule for automatic filing.

Candidates come only from `Akte.objects.filter(behoerde=...)` in SQL: another authority's file is never a candidate.
`bewerten` (pure) ranks candidates and decides; `vorschlaege_finden` loads candidates from the database.

Confidence rule (docs/scanning.md):
  * cover-sheet code of an own file                                      -> file (1.0)
  * Aktenzeichen or AZR-Nummer match, and the person's name or date of
    birth is also in the text                                            -> file (0.97 / 0.98)
  * Aktenzeichen or AZR-Nummer match, the letter names nobody at all     -> file (0.9)
  * name and date of birth match exactly one person                      -> file (0.95)
  * anything else, or two identifiers pointing to different files        -> zu_pruefen with ranked suggestions
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dms.models import Akte, Person
from dms.namen import name_normalisieren

from .merkmale import Merkmale, name_im_text, text_woerter

AUTOMATISCH_AB = 0.9


@dataclass(frozen=True)
class Kandidat:
    """A file of the item's authority with the facts about its person needed to judge a match."""

    akte_id: int
    aktenzeichen: str
    fruehere_aktenzeichen: tuple[str, ...]
    person_id: int
    familienname: str
    namen: tuple[str, ...]  # normalised keys: surname, birth name, variants
    geburtsdatum: date | None
    azr_nummer: str | None
    aktiv: bool = True


@dataclass
class Vorschlag:
    akte_id: int
    aktenzeichen: str
    familienname: str
    konfidenz: float
    gruende: list[str] = field(default_factory=list)

    @property
    def grund(self) -> str:
        return "; ".join(self.gruende)

    def als_json(self) -> dict[str, object]:
        return {
            "akte": self.akte_id,
            "aktenzeichen": self.aktenzeichen,
            "grund": self.grund,
            "konfidenz": round(self.konfidenz, 2),
        }


@dataclass
class Entscheidung:
    vorschlaege: list[Vorschlag]
    akte_id: int | None  # set when the item may be filed automatically
    vorgang_aktenzeichen: str | None = None


def _azr_anzeige(azr: str) -> str:
    return f"{azr[:4]}…"


def bewerten(merkmale: Merkmale, text: str, kandidaten: list[Kandidat], seite_von: dict[str, int]) -> Entscheidung:
    """Rank candidate files and decide whether one is certain enough to file automatically (pure)."""
    woerter = text_woerter(text)
    daten = set(merkmale.daten)
    vorschlaege: dict[int, Vorschlag] = {}
    identifikator_treffer: set[int] = set()
    vorgang_az: str | None = None

    for k in kandidaten:
        gruende: list[str] = []
        konfidenz = 0.0
        name_passt = any(name_im_text(n, woerter) for n in k.namen)
        geb_passt = k.geburtsdatum is not None and k.geburtsdatum in daten
        az_treffer = [
            az for az in merkmale.aktenzeichen if az.split("/")[0] in {k.aktenzeichen, *k.fruehere_aktenzeichen}
        ]
        if merkmale.deckblatt and merkmale.deckblatt.split("/")[0] == k.aktenzeichen:
            gruende.append(f"Deckblatt {merkmale.deckblatt}")
            konfidenz = 1.0
            identifikator_treffer.add(k.akte_id)
            if "/" in merkmale.deckblatt:
                vorgang_az = merkmale.deckblatt
        bestaetigt = name_passt or geb_passt
        if k.azr_nummer and k.azr_nummer in merkmale.azr_nummern:
            seite = seite_von.get(k.azr_nummer)
            gruende.append(f"AZR-Nummer {_azr_anzeige(k.azr_nummer)}" + (f" auf Seite {seite}" if seite else ""))
            identifikator_treffer.add(k.akte_id)
            konfidenz = max(konfidenz, 0.98 if bestaetigt else (0.9 if not merkmale.namensangabe else 0.6))
        if az_treffer:
            gruende.append(f"Aktenzeichen {az_treffer[0]}")
            identifikator_treffer.add(k.akte_id)
            konfidenz = max(konfidenz, 0.97 if bestaetigt else (0.9 if not merkmale.namensangabe else 0.6))
            if vorgang_az is None and "/" in az_treffer[0] and not merkmale.deckblatt:
                vorgang_az = az_treffer[0]
        if name_passt and geb_passt:
            gruende.append("Name und Geburtsdatum")
            konfidenz = max(konfidenz, 0.95)
        elif name_passt:
            gruende.append("Name")
            konfidenz = max(konfidenz, 0.4)
        elif geb_passt:
            gruende.append("Geburtsdatum")
            konfidenz = max(konfidenz, 0.2)
        if not k.aktiv:
            konfidenz = min(konfidenz, 0.5)
            gruende.append("Akte nicht aktiv")
        if gruende and konfidenz > 0:
            vorschlaege[k.akte_id] = Vorschlag(k.akte_id, k.aktenzeichen, k.familienname, konfidenz, gruende)

    rangfolge = sorted(vorschlaege.values(), key=lambda v: (-v.konfidenz, v.aktenzeichen))
    sicher = [v for v in rangfolge if v.konfidenz >= AUTOMATISCH_AB]
    akte_id: int | None = None
    if len(sicher) == 1:
        akte_id = sicher[0].akte_id
        # Two identifiers that point to different files: a person must look.
        if len(identifikator_treffer - {akte_id}) > 0:
            akte_id = None
    if akte_id is None:
        for v in rangfolge:
            v.konfidenz = min(v.konfidenz, 0.89)
        vorgang_az = None
    return Entscheidung(vorschlaege=rangfolge[:10], akte_id=akte_id, vorgang_aktenzeichen=vorgang_az)


def kandidaten_laden(behoerde_id: int, merkmale: Merkmale, text: str) -> list[Kandidat]:
    """All files of the authority that any identifier, date of birth or name in the text points to (SQL-filtered)."""
    from django.db.models import Q

    bedingung = Q(pk__in=[])
    aktenzeichen = {az.split("/")[0] for az in merkmale.aktenzeichen}
    if merkmale.deckblatt:
        aktenzeichen.add(merkmale.deckblatt.split("/")[0])
    if aktenzeichen:
        bedingung |= Q(aktenzeichen__in=aktenzeichen) | Q(fruehere_aktenzeichen__overlap=list(aktenzeichen))
    if merkmale.azr_nummern:
        bedingung |= Q(person__azr_nummer__in=merkmale.azr_nummern)
    if merkmale.daten:
        bedingung |= Q(person__geburtsdatum__in=merkmale.daten)
    woerter = sorted({w for w in text_woerter(text) if len(w) >= 3})
    if woerter:
        # Exact name keys in SQL (GIN index); typo-tolerant matching happens on this small set in Python.
        bedingung |= Q(person__namen_normalisiert__overlap=woerter[:2000])
    qs = (
        # Restricted files (gesperrt) are never suggested or filed automatically: suggestions are shown to the
        # whole team, so naming such a file would leak it; a person files into it by hand.
        Akte.objects.filter(behoerde_id=behoerde_id, gesperrt=False)
        .exclude(status__in=[Akte.Status.ABGEGEBEN, Akte.Status.AUSGESONDERT])
        .filter(bedingung)
        .select_related("person")
        .order_by("id")[:200]
    )
    return [_kandidat(a) for a in qs]


def _kandidat(a: Akte) -> Kandidat:
    p: Person = a.person
    return Kandidat(
        akte_id=a.pk,
        aktenzeichen=a.aktenzeichen,
        fruehere_aktenzeichen=tuple(a.fruehere_aktenzeichen),
        person_id=p.pk,
        familienname=p.familienname,
        namen=tuple(p.namen_normalisiert) or (name_normalisieren(p.familienname),),
        geburtsdatum=p.geburtsdatum,
        azr_nummer=p.azr_nummer,
        aktiv=a.status == Akte.Status.AKTIV,
    )


def seiten_der_azr(seitentexte: list[str], azr_nummern: list[str]) -> dict[str, int]:
    """On which page (1-based) each AZR-Nummer first appears, for the reason text."""
    from .merkmale import azr_nummern_finden

    seite_von: dict[str, int] = {}
    for i, t in enumerate(seitentexte, 1):
        for n in azr_nummern_finden(t):
            if n in azr_nummern:
                seite_von.setdefault(n, i)
    return seite_von

"""Checking the audit trail: every chain entry by entry, then against the latest checkpoint outside the database.

Detected: a changed entry (its HMAC), a removed one (a gap in the numbering and a broken link), an added or re-ordered
one (HMAC over id, chain and number; link), removed newest entries and a replaced chain (the checkpoint's count and
head), and any pseudonymisation that no recorded pseudonymisation vouches for. Without the HMAC key none of these can
be hidden by recomputing hashes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from dms.models.protokoll import Protokolleintrag, ProtokollPruefung

from .anker import AnkerStand, Kopf, anker_lesen
from .kette import GENESIS_HASH, SchluesselFehlt, eintrag_hash, mengen_summe, personenbezug_digest, schluessel

logger = logging.getLogger("dms.protokoll")

PSEUDONYMISIERUNG = Protokolleintrag.Aktion.PSEUDONYMISIERUNG


@dataclass(frozen=True)
class Befund:
    """One problem. `eintrag_id` names the first bad entry (None when the entry is gone and its id unknown)."""

    eintrag_id: int | None
    grund: str
    kette: int | None = None

    def __str__(self) -> str:
        wo = f"Eintrag {self.eintrag_id}" if self.eintrag_id is not None else "Protokoll"
        kette = f" [Kette {self.kette}]" if self.kette is not None else ""
        return f"{wo}: {self.grund}{kette}"


def ketten() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE k AS (
                (SELECT kette FROM dms_protokolleintrag ORDER BY kette LIMIT 1)
                UNION ALL
                SELECT (SELECT e.kette FROM dms_protokolleintrag e WHERE e.kette > k.kette ORDER BY e.kette LIMIT 1)
                FROM k WHERE k.kette IS NOT NULL
            )
            SELECT kette FROM k WHERE kette IS NOT NULL
            """
        )
        return [int(r[0]) for r in cursor.fetchall()]


@dataclass
class _Nachweis:
    """A pseudonymisation record and what the entries pointing at it add up to."""

    pseudonym: str
    anzahl: int
    summe: str
    gezaehlt: int = 0
    ids: list[int] | None = None


def _nachweise() -> dict[int, _Nachweis]:
    ergebnis = {}
    for r in Protokolleintrag.objects.filter(aktion=PSEUDONYMISIERUNG).only("id", "details"):
        d = r.details if isinstance(r.details, dict) else {}
        ergebnis[r.id] = _Nachweis(
            str(d.get("pseudonym", "")), int(d.get("anzahl", -1)), str(d.get("summe", "")), 0, []
        )
    return ergebnis


def _eintrag_pruefen(e: Protokolleintrag, nachweise: dict[int, _Nachweis]) -> str | None:
    """The reason an entry is bad, or None."""
    try:
        key = schluessel(e.schluessel_id)
    except SchluesselFehlt:
        return f"unbekannter Schlüssel {e.schluessel_id!r}: Eintrag nicht mit einem konfigurierten Schlüssel versiegelt"
    if e.pseudonymisiert_durch is None:
        try:
            digest = personenbezug_digest(e.personenbezug_salz, e.aktenzeichen, e.details)
        except ValueError:
            digest = ""
        if digest != e.personenbezug_digest:
            return "Inhalt verändert: Aktenzeichen oder Details passen nicht zum versiegelten Digest"
    else:
        nachweis = nachweise.get(e.pseudonymisiert_durch)
        if nachweis is None or e.pseudonymisiert_durch <= e.id:
            return "pseudonymisiert ohne Nachweis: keine protokollierte Pseudonymisierung nennt diesen Eintrag"
        if e.aktenzeichen != nachweis.pseudonym or e.details != {} or e.personenbezug_salz:
            return "Inhalt verändert: pseudonymisierter Eintrag trägt nicht genau das Pseudonym"
        nachweis.gezaehlt += 1
        assert nachweis.ids is not None
        nachweis.ids.append(e.id)
    if eintrag_hash(e, key) != e.hash:
        return "Inhalt verändert: der Schlüssel-Hash (HMAC) passt nicht zum Inhalt"
    return None


def kette_pruefen(
    batch_size: int = 5000,
    anker: AnkerStand | None = None,
    ab: dict[int, Kopf] | None = None,
    zaehler: list[int] | None = None,
) -> Iterator[Befund]:
    """Yield every problem, chain by chain in entry order, then the checkpoint's and the pseudonymisations'.

    `anker`: the checkpoints to compare with (default: read from the configured targets). `ab`: check only the entries
    after these anchored heads (the quick check; each head must still be there, unchanged); a chain not named is checked
    whole. The count of every pseudonymisation is checked only in the full check. `zaehler`: gets the entries checked.
    """
    stand = anker if anker is not None else anker_lesen()
    for grund in stand.befunde:
        yield Befund(None, grund)
    verankert: dict[int, Kopf] = stand.letzter.ketten if stand.letzter else {}
    nachweise = _nachweise()
    vorhandene = ketten()
    zaehler = zaehler if zaehler is not None else [0]
    for kette in vorhandene:
        start = ab.get(kette) if ab is not None else None
        yield from _kette_pruefen(kette, batch_size, verankert.get(kette), nachweise, start, zaehler)
    for kette in sorted(set(verankert) - set(vorhandene)):
        kopf = verankert[kette]
        yield Befund(
            None,
            f"ganze Kette entfernt: Ankerpunkt nennt {kopf.anzahl} Einträge bis Eintrag {kopf.letzte_id}",
            kette,
        )
    if ab is not None:
        return
    for nachweis_id, n in sorted(nachweise.items()):
        if n.gezaehlt != n.anzahl or mengen_summe(n.ids or []) != n.summe:
            yield Befund(
                nachweis_id,
                f"Pseudonymisierung passt nicht: {n.anzahl} Einträge protokolliert, {n.gezaehlt} pseudonymisiert "
                "gefunden (oder andere)",
            )


def _kette_pruefen(
    kette: int,
    batch_size: int,
    kopf: Kopf | None,
    nachweise: dict[int, _Nachweis],
    start: Kopf | None,
    zaehler: list[int],
) -> Iterator[Befund]:
    erwartet = 1
    vorheriger = GENESIS_HASH
    letzter: Protokolleintrag | None = None
    eintraege = Protokolleintrag.objects.filter(kette=kette).order_by("nummer")
    if start is not None:
        anfang = eintraege.filter(nummer=start.anzahl).first()
        if anfang is None or (anfang.id, anfang.hash) != (start.letzte_id, start.kopf):
            yield Befund(
                anfang.id if anfang else start.letzte_id,
                f"Kette passt nicht zum vorletzten Ankerpunkt: Eintrag Nr. {start.anzahl} sollte Eintrag "
                f"{start.letzte_id} mit dem verankerten Hash sein",
                kette,
            )
        elif grund := _eintrag_pruefen(anfang, nachweise):
            yield Befund(anfang.id, grund, kette)
        erwartet, vorheriger, letzter = start.anzahl + 1, start.kopf, anfang
        eintraege = eintraege.filter(nummer__gt=start.anzahl)
    for e in eintraege.iterator(chunk_size=batch_size):
        zaehler[0] += 1
        if e.nummer != erwartet:
            if e.nummer > erwartet:
                fehlen = f"Nr. {erwartet}" if e.nummer == erwartet + 1 else f"Nr. {erwartet} bis {e.nummer - 1}"
                davor = f"nach Eintrag {letzter.id}" if letzter else "am Anfang der Kette"
                entfernt = _entfernte_ids(letzter.id if letzter else 0, e.id, e.nummer - erwartet)
                yield Befund(
                    entfernt[0] if entfernt else e.id,
                    f"Eintrag entfernt: {fehlen} fehlt {davor}, vor Eintrag {e.id} (Verkettung unterbrochen)",
                    kette,
                )
            else:
                yield Befund(e.id, f"Nummer {e.nummer} doppelt oder umsortiert (erwartet {erwartet})", kette)
        elif e.vorheriger_hash != vorheriger:
            yield Befund(e.id, "Verkettung unterbrochen: verweist nicht auf den vorigen Eintrag der Kette", kette)
        grund = _eintrag_pruefen(e, nachweise)
        if grund:
            yield Befund(e.id, grund, kette)
        vorheriger = e.hash
        erwartet = e.nummer + 1
        letzter = e
    if kopf is None:
        return
    anzahl = erwartet - 1
    if anzahl < kopf.anzahl:
        fehlen = f"Nr. {anzahl + 1}" if kopf.anzahl == anzahl + 1 else f"Nr. {anzahl + 1} bis {kopf.anzahl}"
        yield Befund(
            kopf.letzte_id if kopf.anzahl == anzahl + 1 else None,
            f"neueste Einträge entfernt: {fehlen} fehlen, der Ankerpunkt nennt {kopf.anzahl} Einträge bis "
            f"Eintrag {kopf.letzte_id}",
            kette,
        )
        return
    am_anker = Protokolleintrag.objects.filter(kette=kette, nummer=kopf.anzahl).values_list("id", "hash").first()
    if am_anker != (kopf.letzte_id, kopf.kopf):
        yield Befund(
            am_anker[0] if am_anker else None,
            f"Kette passt nicht zum Ankerpunkt: Eintrag Nr. {kopf.anzahl} sollte Eintrag {kopf.letzte_id} mit dem "
            "verankerten Hash sein (Kette ersetzt oder umgeschrieben)",
            kette,
        )


def _entfernte_ids(von: int, bis: int, fehlend: int) -> list[int]:
    """The ids of removed entries, when the free ids between the two neighbours are exactly as many as are missing
    (ids of other chains interleave, and a rolled-back insert leaves an id unused; then only the successor is named)."""
    if bis - von - 1 > 1000:
        return []
    belegt = set(Protokolleintrag.objects.filter(id__gt=von, id__lt=bis).values_list("id", flat=True))
    frei = [i for i in range(von + 1, bis) if i not in belegt]
    return frei if len(frei) == fehlend else []


@dataclass(frozen=True)
class Pruefergebnis:
    in_ordnung: bool
    befunde: list[Befund]
    anzahl_befunde: int
    eintraege: int
    ketten: int
    pruefung: ProtokollPruefung


MAX_GEMELDET = 1000


def pruefung_ausfuehren(*, nur_neue: bool = False) -> Pruefergebnis:
    """Run the check, store the result (`ProtokollPruefung`, read by /metrics) and log a failure at ERROR.

    `nur_neue`: the quick check, only the entries written since the checkpoint before the latest (linked to its
    anchored heads) plus the comparison with the latest checkpoint; without two checkpoints it checks everything.
    """
    start = time.monotonic()
    stand = anker_lesen(nur_neueste=nur_neue)
    ab = stand.vorletzter.ketten if nur_neue and stand.vorletzter else None
    befunde: list[Befund] = []
    anzahl = 0
    zaehler = [0]
    for befund in kette_pruefen(anker=stand, ab=ab, zaehler=zaehler):
        anzahl += 1
        if len(befunde) < MAX_GEMELDET:
            befunde.append(befund)
    kettenzahl = len(ketten())
    pruefung = ProtokollPruefung.objects.create(
        zeitpunkt=timezone.now(),
        vollstaendig=ab is None,
        in_ordnung=anzahl == 0,
        befunde=anzahl,
        erster_befund=str(befunde[0])[:2000] if befunde else "",
        eintraege=zaehler[0],
        ketten=kettenzahl,
        anker_nummer=stand.letzter.nummer if stand.letzter else None,
        anker_zeitpunkt=stand.letzter.zeitpunkt if stand.letzter else None,
        dauer_sekunden=round(time.monotonic() - start, 3),
    )
    umfang = "vollständig" if ab is None else "seit dem vorletzten Ankerpunkt"
    if anzahl:
        logger.error(
            "Protokoll NICHT in Ordnung (%s geprüft): %s Befund(e) bei %s Einträgen; erster: %s",
            umfang, anzahl, zaehler[0], befunde[0],
        )  # fmt: skip
    else:
        logger.info("Protokoll in Ordnung (%s geprüft): %s Einträge in %s Ketten", umfang, zaehler[0], kettenzahl)
    return Pruefergebnis(anzahl == 0, befunde, anzahl, zaehler[0], kettenzahl, pruefung)


def letzte_pruefung(*, vollstaendig: bool | None = None) -> ProtokollPruefung | None:
    """The latest stored check result (for /metrics): of any kind, or only full (True) or quick (False) checks."""
    qs = ProtokollPruefung.objects.all()
    if vollstaendig is not None:
        qs = qs.filter(vollstaendig=vollstaendig)
    return qs.order_by("-zeitpunkt", "-id").first()

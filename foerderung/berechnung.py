"""Pure subsidy calculations over Decimal: no database, no floats (see docs/foerderung.md).

Every amount is rounded to whole cents with ROUND_HALF_UP, the commercial rounding German budget law uses.
The file share and the sheet share are rounded separately, then added, so the printed parts always sum to the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
NULL = Decimal("0.00")
# Upper bound for counts accepted anywhere (the whole Land holds ~1 million files and ~100 million pages).
MAX_ANZAHL = 10**10


def auf_cent(betrag: Decimal) -> Decimal:
    """Round to whole cents, half up.

    >>> auf_cent(Decimal("0.005"))
    Decimal('0.01')
    """
    if not isinstance(betrag, Decimal):
        raise TypeError("Beträge werden nur als Decimal berechnet, nie als float.")
    return betrag.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Foerderbetrag:
    akten: int
    blatt: int
    betrag_akten: Decimal
    betrag_blatt: Decimal

    @property
    def betrag(self) -> Decimal:
        return self.betrag_akten + self.betrag_blatt


def _anzahl(wert: int, name: str) -> int:
    if isinstance(wert, bool) or not isinstance(wert, int):
        raise TypeError(f"{name} muss eine ganze Zahl sein.")
    if wert < 0:
        raise ValueError(f"{name} darf nicht negativ sein.")
    if wert > MAX_ANZAHL:
        raise ValueError(f"{name} ist unplausibel groß (höchstens {MAX_ANZAHL:,}).".replace(",", "."))
    return wert


def foerderbetrag(*, akten: int, blatt: int, satz_akte: Decimal, satz_blatt: Decimal) -> Foerderbetrag:
    """The amount for `akten` files and `blatt` sheets at the programme's rates.

    >>> foerderbetrag(akten=30000, blatt=2950000, satz_akte=Decimal("0.75"), satz_blatt=Decimal("0.01")).betrag
    Decimal('52000.00')
    """
    akten = _anzahl(akten, "Die Zahl der Akten")
    blatt = _anzahl(blatt, "Die Zahl der Blätter")
    return Foerderbetrag(
        akten=akten,
        blatt=blatt,
        betrag_akten=auf_cent(satz_akte * akten),
        betrag_blatt=auf_cent(satz_blatt * blatt),
    )


@dataclass(frozen=True)
class Abrechnung:
    """Outcome of the proof of use: what the authority is entitled to, and what flows which way."""

    bewilligt: Decimal
    nachgewiesen: Decimal
    ausgezahlt: Decimal
    zustehend: Decimal
    auszahlung: Decimal
    rueckforderung: Decimal


def abrechnung(*, bewilligt: Decimal, nachgewiesen: Decimal, ausgezahlt: Decimal = NULL) -> Abrechnung:
    """Compare the proven amount with the grant.

    The authority is entitled to the proven amount, capped at the grant (a grant is a maximum, not a lump sum).
    What was already paid out is set against that: the rest is paid, an excess is reclaimed.
    """
    bewilligt, nachgewiesen, ausgezahlt = auf_cent(bewilligt), auf_cent(nachgewiesen), auf_cent(ausgezahlt)
    if min(bewilligt, nachgewiesen, ausgezahlt) < 0:
        raise ValueError("Beträge dürfen nicht negativ sein.")
    zustehend = min(bewilligt, nachgewiesen)
    return Abrechnung(
        bewilligt=bewilligt,
        nachgewiesen=nachgewiesen,
        ausgezahlt=ausgezahlt,
        zustehend=zustehend,
        auszahlung=max(zustehend - ausgezahlt, NULL),
        rueckforderung=max(ausgezahlt - zustehend, NULL),
    )


def restbudget(*, budget: Decimal, bewilligt_summe: Decimal) -> Decimal:
    return auf_cent(budget) - auf_cent(bewilligt_summe)


def passt_ins_budget(*, budget: Decimal, bewilligt_summe: Decimal, neuer_betrag: Decimal) -> bool:
    """Whether one more grant keeps the sum of all grants within the budget (equal is allowed)."""
    return auf_cent(bewilligt_summe) + auf_cent(neuer_betrag) <= auf_cent(budget)


def anteil_prozent(teil: int, gesamt: int) -> Decimal | None:
    """A share in percent with one decimal (half up); None when there is nothing to measure.

    >>> anteil_prozent(2, 3)
    Decimal('66.7')
    """
    if gesamt <= 0:
        return None
    if teil < 0 or teil > gesamt:
        raise ValueError("Der Teil muss zwischen 0 und dem Ganzen liegen.")
    return (Decimal(teil) * 100 / Decimal(gesamt)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def euro(betrag: Decimal) -> str:
    """German display: 52.000,00 EUR.

    >>> euro(Decimal("1234567.5"))
    '1.234.567,50 EUR'
    """
    text = f"{auf_cent(betrag):,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " EUR"

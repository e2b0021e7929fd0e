"""The retention computation: a pure function over plain values (tested from a table, tests/dms/aussonderung/).

Which rule: the closing reason's rule in the version valid on the day of the event. A file that also carries an
entry ban's end (§ 91 AufenthG) or the end of a Verpflichtungserklärung's liability is kept until those periods have
ended too: the latest date wins and its legal basis is named. Without a rule of its own (reason `sonstiges`, or a
rule with no years) the registers' retention years apply, counted from the closing date (the longest register the
file has documents in). Years are calendar years from the day of the event; 29 February ends on 28 February.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dms.services.abgabe import jahre_spaeter

SPERRE = "einreisesperre"
HAFTUNG = "ve_haftung"
REGISTER = "sonstiges"


@dataclass(frozen=True)
class Regel:
    anlass: str
    jahre: int | None
    rechtsgrundlage: str
    version: str
    gueltig_ab: date


@dataclass(frozen=True)
class Fall:
    grund: str
    datum: date
    register_jahre: tuple[tuple[str, int], ...] = ()  # (register number, years) of the registers in use
    einreisesperre_bis: date | None = None
    haftung_bis: date | None = None


@dataclass(frozen=True)
class Frist:
    faellig_am: date
    rechtsgrundlage: str
    version: str


class KeineRegel(LookupError):
    """No rule for this reason on that day (the rule data is incomplete)."""


def regel_waehlen(regeln: Iterable[Regel], anlass: str, am: date) -> Regel:
    """The version of the rule for `anlass` valid on `am` (the latest that started on or before it)."""
    passende = sorted((r for r in regeln if r.anlass == anlass and r.gueltig_ab <= am), key=lambda r: r.gueltig_ab)
    if not passende:
        raise KeineRegel(f"Keine Aufbewahrungsregel für „{anlass}“ am {am:%d.%m.%Y}.")
    return passende[-1]


def _register_frist(fall: Fall, regel: Regel) -> Frist:
    if not fall.register_jahre:
        # A file without documents: nothing to keep beyond the closing itself.
        return Frist(fall.datum, f"{regel.rechtsgrundlage}: keine Dokumente", regel.version)
    nummer, jahre = max(fall.register_jahre, key=lambda rj: (rj[1], rj[0]))
    return Frist(
        jahre_spaeter(fall.datum, jahre), f"{regel.rechtsgrundlage}: Register {nummer}, {jahre} Jahre", regel.version
    )


def _frist(datum: date, regel: Regel, fall: Fall) -> Frist:
    if regel.jahre is None:
        return _register_frist(fall, regel)
    return Frist(jahre_spaeter(datum, regel.jahre), regel.rechtsgrundlage, regel.version)


def frist_berechnen(fall: Fall, regeln: Sequence[Regel]) -> Frist:
    """The date the file's retention ends and the legal basis that sets it."""
    kandidaten = [_frist(fall.datum, regel_waehlen(regeln, fall.grund, fall.datum), fall)]
    if fall.einreisesperre_bis is not None and fall.grund != SPERRE:
        kandidaten.append(_frist(fall.einreisesperre_bis, regel_waehlen(regeln, SPERRE, fall.einreisesperre_bis), fall))
    if fall.haftung_bis is not None and fall.grund != HAFTUNG:
        kandidaten.append(_frist(fall.haftung_bis, regel_waehlen(regeln, HAFTUNG, fall.haftung_bis), fall))
    # The latest end wins; on a tie the reason's own rule (listed first) is named.
    return max(kandidaten, key=lambda f: f.faellig_am)

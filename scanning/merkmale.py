"""Identifier extraction from recognised text: pure functions over strings, tolerant to OCR errors.

Everything here is table-tested in tests/scanning/test_merkmale.py. No database access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dms.namen import name_normalisieren

from .deckblatt import deckblatt_code_finden

# Characters Tesseract confuses, for letters and for digits.
_ALS_ZIFFER = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Q": "0",
        "D": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "b": "6",
        "g": "9",
    }
)
_BUCHSTABE_VARIANTEN = {"O": "O0Q", "I": "I1l|", "S": "S5", "B": "B8", "Z": "Z2", "G": "G6", "L": "L", "D": "D0"}
_ZIFFER = r"[0-9OoQDIl|iSsBZzGbg]"
_STRICH = r"\s*[-–—_.~:]?\s*"

MONATE = {
    "januar": 1, "jan": 1, "jänner": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3, "marz": 3, "mär": 3, "mrz": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip


def _als_ziffern(s: str) -> str:
    return re.sub(r"\s+", "", s).translate(_ALS_ZIFFER)


def _kuerzel_muster(kuerzel: str) -> str:
    teile = []
    for c in kuerzel.upper():
        varianten = _BUCHSTABE_VARIANTEN.get(c, c)
        teile.append("[" + re.escape(varianten) + re.escape(varianten.lower() if c not in "IL" else "") + "]")
    return r"\s?".join(teile)


def aktenzeichen_finden(text: str, kuerzel: str) -> list[str]:
    """Aktenzeichen of the authority `kuerzel` (scheme KUERZEL-JJJJ-NNNNNN[/n]) in canonical form, in order.

    Tolerates O/0, I/1/l, S/5 confusions, spaces inside the number, and other dash characters.
    >>> aktenzeichen_finden("Az.: 0F-2O26-0001 23", "OF")
    ['OF-2026-000123']
    """
    muster = re.compile(
        r"(?<![A-Za-z0-9])"
        + _kuerzel_muster(kuerzel)
        + _STRICH
        + r"(?P<jahr>[12Il]\s?(?:"
        + _ZIFFER
        + r"\s?){3})"
        + r"\s*[-–—_.~]\s*"
        + r"(?P<nummer>(?:"
        + _ZIFFER
        + r"[ ]?){5,8}"
        + _ZIFFER
        + r")"
        + r"(?:\s*/\s*(?P<vorgang>\d{1,4}))?"
        + r"(?![0-9])"
    )
    gefunden: dict[str, None] = {}
    for m in muster.finditer(text):
        jahr = _als_ziffern(m["jahr"])
        nummer = _als_ziffern(m["nummer"])
        if not (jahr.isdigit() and nummer.isdigit()) or not 1990 <= int(jahr) <= 2099:
            continue
        if len(nummer) < 6:
            continue
        az = f"{kuerzel.upper()}-{jahr}-{nummer}"
        gefunden.setdefault(az, None)
        if m["vorgang"]:
            gefunden.setdefault(f"{az}/{int(m['vorgang'])}", None)
    return list(gefunden)


_AZR_RE = re.compile(r"(?<![0-9A-Za-z])((?:[0-9OoIl][ ]?){11}[0-9OoIl])(?![0-9])")


def azr_nummern_finden(text: str) -> list[str]:
    """12-digit AZR-Nummern (spaces allowed, O/0 and I/1 confusions repaired), at least ten real digits.

    >>> azr_nummern_finden("AZR-Nr. 1234 5678 9O12")
    ['123456789012']
    """
    gefunden: dict[str, None] = {}
    for m in _AZR_RE.finditer(text):
        roh = m.group(1)
        # Part of a longer number (IBAN, phone number in groups): not an AZR-Nummer.
        if re.search(r"[0-9][ ]?$", text[max(0, m.start() - 2) : m.start()]) or re.match(r"[ ]?[0-9]", text[m.end() :]):
            continue
        if sum(c.isdigit() for c in roh) < 10:
            continue
        nummer = _als_ziffern(roh)
        if len(nummer) == 12 and nummer.isdigit():
            gefunden.setdefault(nummer, None)
    return list(gefunden)


_DATUM_NUM_RE = re.compile(
    r"(?<![0-9A-Za-z])([0-3OoIl]?[0-9OoIl])\s?\.\s?([01OoIl]?[0-9OoIl])\s?\.\s?((?:19|20)?[0-9OoIl]{2})(?![0-9])"
)
_DATUM_TEXT_RE = re.compile(r"(?<![0-9])([0-3]?[0-9])\.?\s+([A-Za-zäÄ]{3,9})\.?\s+((?:19|20)[0-9]{2})(?![0-9])")


def _jahr(roh: str, heute: date) -> int:
    j = int(roh)
    if len(roh) == 2:
        # A date of birth is never in the future: 90 -> 1990, 05 -> 2005.
        j += 2000 if j <= heute.year % 100 else 1900
    return j


def daten_finden(text: str, heute: date | None = None) -> list[date]:
    """Dates in the forms letters use: 01.02.1990, 1.2.1990, 01.02.90, 1. Februar 1990, 1 Feb. 1990.

    >>> daten_finden("geb. am 1. Februar 1990")
    [datetime.date(1990, 2, 1)]
    """
    heute = heute or date.today()
    gefunden: dict[date, None] = {}
    treffer: list[tuple[int, date]] = []
    for m in _DATUM_NUM_RE.finditer(text):
        try:
            tag, monat = int(_als_ziffern(m[1])), int(_als_ziffern(m[2]))
            d = date(_jahr(_als_ziffern(m[3]), heute), monat, tag)
        except ValueError:
            continue
        treffer.append((m.start(), d))
    for m in _DATUM_TEXT_RE.finditer(text):
        monat_n = MONATE.get(m[2].lower())
        if monat_n is None:
            continue
        try:
            d = date(int(m[3]), monat_n, int(m[1]))
        except ValueError:
            continue
        treffer.append((m.start(), d))
    for _, d in sorted(treffer, key=lambda t: t[0]):
        gefunden.setdefault(d, None)
    return list(gefunden)


# --- Names -----------------------------------------------------------------------------------------------------

_NAME_OCR = str.maketrans({"0": "o", "1": "l", "5": "s", "|": "l", "8": "b"})
_NAMENS_HINWEIS_RE = re.compile(
    r"(?:\b(?:Herr|Herrn|Frau)\b|(?:Familien)?[Nn]ame\s*[:,]|Vorname|Antragsteller(?:in)?\s*[:,]|geb\.)"
)


def text_woerter(text: str) -> list[str]:
    """The text as normalised name tokens (umlauts folded, OCR digit confusions inside words repaired)."""
    roh = re.sub(r"(?<=[A-Za-zÄÖÜäöüß])[0158|](?=[A-Za-zäöüß])", lambda m: m.group(0).translate(_NAME_OCR), text)
    return name_normalisieren(roh).split()


def levenshtein(a: str, b: str, grenze: int = 2) -> int:
    """Edit distance, cut off above `grenze` (returns grenze + 1)."""
    if abs(len(a) - len(b)) > grenze:
        return grenze + 1
    vorher = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        aktuell = [i]
        for j, cb in enumerate(b, 1):
            aktuell.append(min(vorher[j] + 1, aktuell[j - 1] + 1, vorher[j - 1] + (ca != cb)))
        if min(aktuell) > grenze:
            return grenze + 1
        vorher = aktuell
    return vorher[-1]


def _wort_passt(name_wort: str, wort: str) -> bool:
    if name_wort == wort:
        return True
    erlaubt = 0 if len(name_wort) < 5 else 1 if len(name_wort) < 9 else 2
    return erlaubt > 0 and levenshtein(name_wort, wort, erlaubt) <= erlaubt


def name_im_text(name_schluessel: str, woerter: list[str]) -> bool:
    """Does a normalised name (one or more words, e.g. 'mueller luedenscheidt') occur in the tokens, allowing
    one typo per word of five letters or more? Multi-word names must appear as consecutive tokens."""
    teile = name_schluessel.split()
    if not teile:
        return False
    n = len(teile)
    for i in range(len(woerter) - n + 1):
        if all(_wort_passt(teile[k], woerter[i + k]) for k in range(n)):
            return True
    # Names written without a space or hyphen ("Müller-Lüdenscheidt" OCR'd as one word).
    if n > 1:
        verbunden = "".join(teile)
        return any(_wort_passt(verbunden, w) for w in woerter)
    return False


def hat_namensangabe(text: str) -> bool:
    """Does the letter name a person at all (salutation, 'Name:', 'geb.')? Used by the confidence rule."""
    return bool(_NAMENS_HINWEIS_RE.search(text))


_WORT = r"[^\W\d_][\w'’-]*"
_ANREDE_NAME_RE = re.compile(rf"\b(?:Herrn?|Frau)\s+(?:(?:Dr|Prof)\.\s+)?((?:{_WORT}[ \t]+){{0,3}}{_WORT})")
_FELD_NAME_RE = re.compile(
    rf"(?:Familienname|Nachname|Name|Antragsteller(?:in)?)\s*[:]\s*({_WORT}(?:[ \t]+{_WORT}){{0,3}})(\s*,)?"
)
_KEIN_NAME = {"geb", "geboren", "und", "wohnhaft", "staatsangehörigkeit", "aktenzeichen"}


def familienname_finden(text: str) -> str:
    """The surname the letter names, if it names one: 'Name: Yılmaz, Ayşe' -> 'Yılmaz', 'Frau Ayşe Yılmaz' ->
    'Yılmaz', 'Antragsteller: Ahmad Mohammed, geboren' -> 'Mohammed'. Empty when there is none. Used to route a
    letter without identifiers to the team of its letter range (dms.queries.zustaendiges_team_id)."""
    for m in _FELD_NAME_RE.finditer(text):
        woerter = [w for w in m.group(1).split() if w.lower() not in _KEIN_NAME]
        if not woerter:
            continue
        feld = m.group(0).split(":")[0].strip().lower()
        # 'Familienname: X' and 'Name: X, Vorname' give the surname first; 'Antragsteller: Vorname X' last.
        nachname_zuerst = feld in {"familienname", "nachname"} or (m.group(2) and len(woerter) == 1)
        return woerter[0] if nachname_zuerst else woerter[-1]
    for m in _ANREDE_NAME_RE.finditer(text):
        woerter = [w for w in m.group(1).split() if w.lower() not in _KEIN_NAME]
        if woerter and woerter[-1][0].isupper():
            return woerter[-1]
    return ""


def dokumentart_erkennen(text: str, regeln: list[tuple[str, str, list[str]]]) -> tuple[str, str] | None:
    """First rule (already ordered by rank) whose keyword occurs in the text: (schluessel, register_nummer).

    `regeln` are (schluessel, register_nummer, stichwoerter) rows of dms.Dokumentart.
    """
    klein = text.lower()
    gefaltet = name_normalisieren(text)
    for schluessel, register_nummer, stichwoerter in regeln:
        for wort in stichwoerter:
            w = wort.lower()
            if w in klein or (name_normalisieren(w) and f" {name_normalisieren(w)}" in f" {gefaltet}"):
                return schluessel, register_nummer
    return None


@dataclass
class Merkmale:
    """What was recognised in one item's text (stored as `erkannte_merkmale`)."""

    aktenzeichen: list[str] = field(default_factory=list)
    azr_nummern: list[str] = field(default_factory=list)
    daten: list[date] = field(default_factory=list)
    namensangabe: bool = False
    deckblatt: str | None = None
    familienname: str = ""

    def als_json(self) -> dict[str, object]:
        return {
            "aktenzeichen": self.aktenzeichen,
            "azr_nummern": self.azr_nummern,
            "daten": [d.isoformat() for d in self.daten],
            "namensangabe": self.namensangabe,
            "deckblatt": self.deckblatt,
            "familienname": self.familienname,
        }


def merkmale_finden(text: str, kuerzel: str, heute: date | None = None) -> Merkmale:
    return Merkmale(
        aktenzeichen=aktenzeichen_finden(text, kuerzel),
        azr_nummern=azr_nummern_finden(text),
        daten=daten_finden(text, heute),
        namensangabe=hat_namensangabe(text),
        deckblatt=deckblatt_code_finden(text),
        familienname=familienname_finden(text),
    )

"""The document index of a delivery (Lieferformat 2, docs/lieferformat.md): `dokumente.csv` names, per PDF, the page
ranges of the documents in it with register, kind, date and title, as the provider records them while scanning.

Pure reading and checking; errors carry the line number of `dokumente.csv` (line 1 is the header). A delivery
without the file is format 1 and is imported as before (one legacy document; the system proposes the structure).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

VERZEICHNIS = "dokumente.csv"
PFLICHT = ("dateiname", "von", "bis", "register")
_ART = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_STEUERZEICHEN = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Verzeichnis:
    abschnitte: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # file name -> ranges
    fehler: list[dict[str, Any]] = field(default_factory=list)

    def fehler_in(self, zeile: int, meldung: str) -> None:
        self.fehler.append({"zeile": zeile, "meldung": f"{VERZEICHNIS}: {meldung}"})


def _ganzzahl(wert: str) -> int | None:
    wert = (wert or "").strip()
    return int(wert) if wert.isascii() and wert.isdigit() and len(wert) < 7 else None


def _zeile(nr: int, z: dict[str, str], register: set[str], erg: Verzeichnis) -> dict[str, Any] | None:
    von, bis = _ganzzahl(z.get("von", "")), _ganzzahl(z.get("bis", ""))
    reg = (z.get("register") or "").strip().zfill(2)
    art = (z.get("art") or "").strip().lower()
    vorher = len(erg.fehler)
    if von is None or bis is None or von < 1 or bis < von:
        erg.fehler_in(nr, "von und bis müssen Seitenzahlen ab 1 sein, bis nicht vor von.")
    if reg not in register:
        erg.fehler_in(nr, f"Register „{reg[:5]}“ gibt es in der einheitlichen Aktenstruktur nicht.")
    if art and not _ART.match(art):
        erg.fehler_in(nr, f"Art „{art[:50]}“ ist kein Schlüssel (Kleinbuchstaben, Ziffern, _).")
    datum = None
    if roh := (z.get("datum") or "").strip():
        try:
            datum = date.fromisoformat(roh[:10])
        except ValueError:
            erg.fehler_in(nr, "datum ist kein Datum im Format JJJJ-MM-TT.")
    if len(erg.fehler) > vorher:
        return None
    return {
        "von": von,
        "bis": bis,
        "register": reg,
        "art": art,
        "datum": datum.isoformat() if datum else "",
        "titel": _STEUERZEICHEN.sub(" ", (z.get("titel") or "")).strip()[:300],
        "zeile": nr,
    }


def verzeichnis_lesen(ordner: Path, seiten: dict[str, int], register: set[str]) -> Verzeichnis | None:
    """The index of the delivery, checked against the PDFs' page counts (`seiten` = {file name: pages} of the
    manifest's valid lines); None for a format-1 delivery without `dokumente.csv`."""
    pfad = ordner / VERZEICHNIS
    if not pfad.is_file():
        return None
    erg = Verzeichnis()
    try:
        text = pfad.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        erg.fehler_in(0, "nicht UTF-8-kodiert.")
        return erg
    leser = csv.DictReader(io.StringIO(text), delimiter=";")
    spalten = {(s or "").strip().lower() for s in (leser.fieldnames or [])}
    if fehlend := [s for s in PFLICHT if s not in spalten]:
        erg.fehler_in(1, f"Im Kopf fehlen Spalten: {', '.join(fehlend)}.")
        return erg
    for nr, roh in enumerate(leser, start=2):
        z = {(k or "").strip().lower(): (v if isinstance(v, str) else "") for k, v in roh.items()}
        if not any(v.strip() for v in z.values()):
            continue
        name = (z.get("dateiname") or "").strip()
        if name not in seiten:
            erg.fehler_in(nr, f"Die Datei „{name[:80]}“ steht nicht (fehlerfrei) im Manifest.")
            continue
        abschnitt = _zeile(nr, z, register, erg)
        if abschnitt is None:
            continue
        if abschnitt["bis"] > seiten[name]:
            erg.fehler_in(nr, f"{name} hat nur {seiten[name]} Seiten, der Bereich endet auf Seite {abschnitt['bis']}.")
            continue
        erg.abschnitte.setdefault(name, []).append(abschnitt)
    for name, liste in erg.abschnitte.items():
        liste.sort(key=lambda a: a["von"])
        for a, b in itertools.pairwise(liste):
            if b["von"] <= a["bis"]:
                erg.fehler_in(
                    b["zeile"],
                    f"Der Bereich {b['von']}–{b['bis']} in {name} überschneidet sich mit Zeile {a['zeile']}.",
                )
    return erg

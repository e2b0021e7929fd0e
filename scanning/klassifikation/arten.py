"""The kinds the classifier knows, each with its register of the uniform file structure (fixtures/aktenplan.json)."""

from __future__ import annotations

# schluessel -> (Bezeichnung, Register). Kinds not in dms.Dokumentart (fiktionsbescheinigung, ausweisung,
# aufenthaltstitel) are stored as Dokument.art like the others; the register decides where they are filed.
ARTEN: dict[str, tuple[str, str]] = {
    "meldebescheinigung": ("Meldebescheinigung", "01"),
    "passkopie": ("Passkopie", "02"),
    "antrag": ("Antrag", "03"),
    "aufenthaltstitel": ("Bescheid über einen Aufenthaltstitel", "03"),
    "fiktionsbescheinigung": ("Fiktionsbescheinigung", "03"),
    "verpflichtungserklaerung": ("Verpflichtungserklärung", "04"),
    "arbeitsvertrag": ("Arbeitsvertrag / Nachweis Erwerbstätigkeit", "05"),
    "familie": ("Familienunterlage", "06"),
    "sozialleistungen": ("Bescheid über Sozialleistungen", "07"),
    "strafsache": ("Mitteilung in Strafsachen", "08"),
    "ausweisung": ("Ausweisung / Abschiebung / Duldung", "09"),
    "asyl": ("Asylunterlage (BAMF)", "10"),
    "gericht": ("Gerichtsschreiben", "12"),
    "gebuehren": ("Gebührenbescheid / Zahlung", "13"),
    "schreiben": ("Schreiben", "12"),
}
# When the classifier is unsure it says "Schreiben" in register 12 rather than guess a legal category (issue 17).
UNSICHER = "schreiben"
# Kinds whose wrong assignment misleads most: measured separately (bench/bench_klassifikation.py).
RECHTLICHE_KATEGORIEN = frozenset({"verpflichtungserklaerung", "ausweisung", "asyl"})
# A separator sheet's register; a document behind it that the classifier cannot place is of this kind.
TRENNBLATT = "trennblatt"
SONSTIGES_REGISTER = "14"


def register_der_art(art: str) -> str:
    return ARTEN.get(art, ("", SONSTIGES_REGISTER))[1]


def bezeichnung_der_art(art: str) -> str:
    return ARTEN.get(art, (art, ""))[0]

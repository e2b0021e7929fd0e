"""Identifier extraction: table-driven, pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from dms.namen import team_fuer_name
from scanning.deckblatt import deckblatt_code, deckblatt_code_finden
from scanning.merkmale import (
    aktenzeichen_finden,
    azr_nummern_finden,
    daten_finden,
    dokumentart_erkennen,
    hat_namensangabe,
    name_im_text,
    text_woerter,
)


@pytest.mark.parametrize(
    ("text", "kuerzel", "erwartet"),
    [
        ("Az.: OF-2026-000123", "OF", ["OF-2026-000123"]),
        ("Az.: 0F-2O26-0001 23", "OF", ["OF-2026-000123"]),
        ("Ihr Zeichen OF – 2026 – 000123", "OF", ["OF-2026-000123"]),
        ("of-2026-000123", "OF", ["OF-2026-000123"]),
        ("OF-2026-000l23", "OF", ["OF-2026-000123"]),
        ("OF-2026-000123/2", "OF", ["OF-2026-000123", "OF-2026-000123/2"]),
        ("HP-2026-000123", "OF", []),  # another authority's scheme is not ours
        ("HP-2O26-000123", "HP", ["HP-2026-000123"]),
        ("OF-2026-12", "OF", []),  # too short
        ("OFF-2026-000123", "OF", []),
        ("RPDA-2025-004711", "RPDA", ["RPDA-2025-004711"]),
        ("Tel. 069-2026-000123 OF", "OF", []),
    ],
)
def test_aktenzeichen(text, kuerzel, erwartet):
    assert aktenzeichen_finden(text, kuerzel) == erwartet


@pytest.mark.parametrize(
    ("text", "erwartet"),
    [
        ("AZR-Nummer: 123456789012", ["123456789012"]),
        ("AZR 1234 5678 9012", ["123456789012"]),
        ("AZR-Nr. 1234 5678 9O12", ["123456789012"]),
        ("1234567890123", []),  # 13 digits: not an AZR-Nummer
        ("12345678901", []),
        ("IBAN DE89 3704 0044 0532 0130 00", []),
        ("OOOO OOOO OOOO", []),  # needs real digits
    ],
)
def test_azr(text, erwartet):
    assert azr_nummern_finden(text) == erwartet


HEUTE = date(2026, 3, 12)


@pytest.mark.parametrize(
    ("text", "erwartet"),
    [
        ("geb. am 01.02.1990", [date(1990, 2, 1)]),
        ("geboren 1.2.1990", [date(1990, 2, 1)]),
        ("geb. 01.02.90", [date(1990, 2, 1)]),
        ("geb. 01.02.05", [date(2005, 2, 1)]),
        ("am 1. Februar 1990", [date(1990, 2, 1)]),
        ("am 1 Feb. 1990", [date(1990, 2, 1)]),
        ("3. März 2026 und 01.O2.1990", [date(2026, 3, 3), date(1990, 2, 1)]),
        ("31.02.1990", []),
        ("1. Brumaire 1990", []),
    ],
)
def test_daten(text, erwartet):
    assert daten_finden(text, HEUTE) == erwartet


@pytest.mark.parametrize(
    ("name", "text", "erwartet"),
    [
        ("oeztuerk", "Name: Ayşe Öztürk", True),
        ("oeztuerk", "Name: Ayse Oeztuerk", True),
        ("mueller", "Frau Mül1er", True),  # OCR: l read as 1
        ("mueller", "Herr Mueler", True),  # one typo in a 7-letter name
        ("mueller", "Herr Miller", False),  # two edits
        ("ali", "Herr Alt", False),  # short names must match exactly
        ("mueller luedenscheidt", "Müller-Lüdenscheidt", True),
        ("mueller luedenscheidt", "MüllerLüdenscheidt", True),
        ("mohammed", "Muhammad", False),  # transliterations come from the stored variants, not from fuzziness
    ],
)
def test_name_im_text(name, text, erwartet):
    assert name_im_text(name, text_woerter(text)) is erwartet


@pytest.mark.parametrize(
    ("text", "erwartet"),
    [("Sehr geehrte Frau Öztürk", True), ("Name: X", True), ("Sehr geehrte Damen und Herren", False), ("", False)],
)
def test_namensangabe(text, erwartet):
    assert hat_namensangabe(text) is erwartet


def test_deckblatt_code_roundtrip():
    assert deckblatt_code_finden(deckblatt_code("OF-2026-000123/2")) == "OF-2026-000123/2"
    assert deckblatt_code_finden("AKTE-DECKBLATT:1: OF-2026-000123") == "OF-2026-000123"
    assert deckblatt_code_finden("OF-2026-000123") is None


REGELN = [
    ("passkopie", "02", ["reisepass"]),
    ("sozialleistungen", "07", ["jobcenter", "bürgergeld"]),
    ("antrag", "03", ["antrag", "verlängerung"]),
    ("schreiben", "14", []),
]


@pytest.mark.parametrize(
    ("text", "erwartet"),
    [
        ("Kopie des Reisepasses", ("passkopie", "02")),
        ("Bescheid des JOBCENTER über Buergergeld", ("sozialleistungen", "07")),
        ("Antrag auf Verlaengerung", ("antrag", "03")),
        ("Sonstiges", None),
    ],
)
def test_dokumentart(text, erwartet):
    assert dokumentart_erkennen(text, REGELN) == erwartet


TEAMS = [(1, "A", "K", False), (2, "L", "Z", False), (3, "Sch", "Schz", False), (4, "", "", True)]


@pytest.mark.parametrize(
    ("name", "team"),
    [("Albers", 1), ("Kühn", 1), ("Müller", 2), ("Özdemir", 2), ("Schmidt", 3), ("Schulz", 3), ("", 4), ("123", 4)],
)
def test_team_fuer_name(name, team):
    assert team_fuer_name(name, TEAMS) == team

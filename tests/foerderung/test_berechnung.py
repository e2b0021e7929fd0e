"""The subsidy calculations, table-driven: published grants, rounding, settlement, shares."""

from __future__ import annotations

from decimal import Decimal

import pytest

from foerderung.berechnung import (
    abrechnung,
    anteil_prozent,
    auf_cent,
    euro,
    foerderbetrag,
    passt_ins_budget,
)

D = Decimal
SATZ_AKTE, SATZ_BLATT = D("0.75"), D("0.01")


@pytest.mark.parametrize(
    ("akten", "blatt", "betrag_akten", "betrag_blatt", "betrag"),
    [
        # Kreis Bergstraße (published): 30,000 files, 2,950,000 sheets -> EUR 52,000.00
        (30_000, 2_950_000, "22500.00", "29500.00", "52000.00"),
        # Offenbach (published ~EUR 51,000): ~21,000 files; 3,525,000 sheets give exactly 51,000.00
        (21_000, 3_525_000, "15750.00", "35250.00", "51000.00"),
        (0, 0, "0.00", "0.00", "0.00"),
        (1, 0, "0.75", "0.00", "0.75"),
        (0, 1, "0.00", "0.01", "0.01"),
        (3, 7, "2.25", "0.07", "2.32"),
        # Hannover-size: 90,000 files, 10 million sheets
        (90_000, 10_000_000, "67500.00", "100000.00", "167500.00"),
    ],
)
def test_foerderbetrag_published_and_edge_cases(akten, blatt, betrag_akten, betrag_blatt, betrag):
    b = foerderbetrag(akten=akten, blatt=blatt, satz_akte=SATZ_AKTE, satz_blatt=SATZ_BLATT)
    assert (b.betrag_akten, b.betrag_blatt, b.betrag) == (D(betrag_akten), D(betrag_blatt), D(betrag))
    assert b.betrag == b.betrag_akten + b.betrag_blatt


@pytest.mark.parametrize(
    ("satz_akte", "satz_blatt", "akten", "blatt", "betrag"),
    [
        # Rates are data; sub-cent rates round half up per part: 0.005 -> 0.01, 0.0049 -> 0.00
        ("0.005", "0", 1, 0, "0.01"),
        ("0.0049", "0", 1, 0, "0.00"),
        ("0.3333", "0.0015", 3, 3, "1.00"),  # 0.9999 -> 1.00 ; 0.0045 -> 0.00
        ("0.125", "0.0025", 1, 1, "0.13"),  # 0.125 -> 0.13 (half up, not banker's 0.12) ; 0.0025 -> 0.00
    ],
)
def test_rounding_half_up_per_part(satz_akte, satz_blatt, akten, blatt, betrag):
    b = foerderbetrag(akten=akten, blatt=blatt, satz_akte=D(satz_akte), satz_blatt=D(satz_blatt))
    assert b.betrag == D(betrag)


@pytest.mark.parametrize(
    ("akten", "blatt", "fehler"),
    [(-1, 0, ValueError), (0, -5, ValueError), (1.5, 0, TypeError), (True, 0, TypeError), (10**11, 0, ValueError)],
)
def test_bad_counts_are_refused(akten, blatt, fehler):
    with pytest.raises(fehler):
        foerderbetrag(akten=akten, blatt=blatt, satz_akte=SATZ_AKTE, satz_blatt=SATZ_BLATT)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        auf_cent(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bewilligt", "nachgewiesen", "ausgezahlt", "zustehend", "auszahlung", "rueckforderung"),
    [
        # proven more than granted: capped at the grant, the rest paid
        ("52000.00", "60000.00", "0", "52000.00", "52000.00", "0.00"),
        # proven less than granted, nothing paid yet
        ("52000.00", "40000.00", "0", "40000.00", "40000.00", "0.00"),
        # grant paid in advance in full, less proven: repayment
        ("52000.00", "40000.00", "52000.00", "40000.00", "0.00", "12000.00"),
        # partial advance
        ("52000.00", "50000.00", "26000.00", "50000.00", "24000.00", "0.00"),
        ("51000.00", "51000.00", "51000.00", "51000.00", "0.00", "0.00"),
        ("100.00", "0.00", "100.00", "0.00", "0.00", "100.00"),
    ],
)
def test_abrechnung(bewilligt, nachgewiesen, ausgezahlt, zustehend, auszahlung, rueckforderung):
    a = abrechnung(bewilligt=D(bewilligt), nachgewiesen=D(nachgewiesen), ausgezahlt=D(ausgezahlt))
    assert (a.zustehend, a.auszahlung, a.rueckforderung) == (D(zustehend), D(auszahlung), D(rueckforderung))
    assert a.auszahlung == 0 or a.rueckforderung == 0


@pytest.mark.parametrize(
    ("summe", "neu", "passt"),
    [
        ("0", "1500000.00", True),
        ("1000000", "500000.00", True),
        ("1000000", "500000.01", False),
        ("1500000", "0.01", False),
    ],
)
def test_budget(summe, neu, passt):
    assert passt_ins_budget(budget=D("1500000.00"), bewilligt_summe=D(summe), neuer_betrag=D(neu)) is passt


@pytest.mark.parametrize(
    ("teil", "gesamt", "ergebnis"),
    [(0, 0, None), (1, 3, D("33.3")), (2, 3, D("66.7")), (5, 5, D("100.0")), (1, 8, D("12.5"))],
)
def test_anteil(teil, gesamt, ergebnis):
    assert anteil_prozent(teil, gesamt) == ergebnis


def test_euro_display():
    assert euro(D("52000")) == "52.000,00 EUR"
    assert euro(D("0.005")) == "0,01 EUR"

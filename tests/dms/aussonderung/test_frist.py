"""Every retention rule, from a table of cases (pure function, no database): tests/dms/aussonderung/test_frist.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dms.aussonderung.frist import Fall, KeineRegel, Regel, frist_berechnen, regel_waehlen

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "aufbewahrungsregeln.json"
REGELN = [
    Regel(r["anlass"], r["jahre"], r["rechtsgrundlage"], r["version"], date.fromisoformat(r["gueltig_ab"]))
    for r in json.loads(FIXTURE.read_text(encoding="utf-8"))["regeln"]
]
D = date.fromisoformat

FAELLE = [
    # (name, Fall, expected date, words of the legal basis)
    ("fortzug_10_jahre", Fall("fortzug", D("2015-03-10")), D("2025-03-10"), "§§ 67, 68 AufenthV"),
    ("tod_5_jahre", Fall("tod", D("2020-06-30")), D("2025-06-30"), "§ 68 Abs. 2 AufenthV"),
    ("einbuergerung_10_jahre", Fall("einbuergerung", D("2014-01-01")), D("2024-01-01"), "Einbürgerung"),
    ("ausreise_10_jahre", Fall("ausreise", D("2016-12-31")), D("2026-12-31"), "Verlassen des Bundesgebiets"),
    ("einreisesperre_10_jahre", Fall("einreisesperre", D("2012-05-05")), D("2022-05-05"), "§ 91 Abs. 1 AufenthG"),
    ("ve_haftung_6_jahre", Fall("ve_haftung", D("2019-09-01")), D("2025-09-01"), "§ 68 AufenthG"),
    ("schaltjahr", Fall("tod", D("2020-02-29")), D("2025-02-28"), "§ 68 Abs. 2 AufenthV"),
    (
        "register_laengstes",
        Fall("sonstiges", D("2015-01-01"), register_jahre=(("03", 10), ("04", 6))),
        D("2025-01-01"),
        "Register 03, 10 Jahre",
    ),
    (
        "register_nur_ve",
        Fall("sonstiges", D("2015-01-01"), register_jahre=(("04", 6),)),
        D("2021-01-01"),
        "Register 04",
    ),
    ("register_ohne_dokumente", Fall("sonstiges", D("2015-01-01")), D("2015-01-01"), "keine Dokumente"),
    (
        "tod_aber_einreisesperre_laeuft_laenger",
        Fall("tod", D("2020-01-01"), einreisesperre_bis=D("2019-01-01")),
        D("2029-01-01"),
        "§ 91 Abs. 1 AufenthG",
    ),
    (
        "tod_einreisesperre_kuerzer",
        Fall("tod", D("2020-01-01"), einreisesperre_bis=D("2005-01-01")),
        D("2025-01-01"),
        "§ 68 Abs. 2 AufenthV",
    ),
    (
        "fortzug_mit_verpflichtungserklaerung",
        Fall("fortzug", D("2015-01-01"), haftung_bis=D("2022-01-01")),
        D("2028-01-01"),
        "§ 68 AufenthG",
    ),
    (
        "gleichstand_nennt_den_grund",
        Fall("ausreise", D("2015-01-01"), einreisesperre_bis=D("2015-01-01")),
        D("2025-01-01"),
        "Verlassen des Bundesgebiets",
    ),
]


@pytest.mark.parametrize(("fall", "erwartet", "grundlage"), [c[1:] for c in FAELLE], ids=[c[0] for c in FAELLE])
def test_retention_rule_table(fall, erwartet, grundlage):
    frist = frist_berechnen(fall, REGELN)
    assert frist.faellig_am == erwartet
    assert grundlage in frist.rechtsgrundlage
    assert frist.version == "2026-1"


def test_the_rule_version_valid_on_the_day_of_the_event_applies():
    neu = [*REGELN, Regel("tod", 3, "Neue Fassung", "2030-1", D("2030-01-01"))]
    assert frist_berechnen(Fall("tod", D("2029-12-31")), neu).faellig_am == D("2034-12-31")
    spaet = frist_berechnen(Fall("tod", D("2030-01-01")), neu)
    assert (spaet.faellig_am, spaet.rechtsgrundlage, spaet.version) == (D("2033-01-01"), "Neue Fassung", "2030-1")


def test_no_rule_before_the_first_version_is_an_error_not_a_guess():
    with pytest.raises(KeineRegel):
        regel_waehlen(REGELN, "tod", D("1999-12-31"))

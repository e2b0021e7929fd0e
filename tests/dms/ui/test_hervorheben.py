"""Highlighting the search term in recognised text: escaped, and never inside an HTML entity."""

import pytest

from dms.views.dokument import hervorheben


@pytest.mark.parametrize(
    ("text", "begriff", "erwartet"),
    [
        ("Antrag auf Verlängerung", "verlängerung", "Antrag auf <mark>Verlängerung</mark>"),
        ("Tom & Jerry", "amp", "Tom &amp; Jerry"),
        ("<script>alert(1)</script>", "script", "&lt;/<mark>script</mark>&gt;"),
        ("<b>fett</b>", "", "&lt;b&gt;fett&lt;/b&gt;"),
        ("Wohnsitzauflage und Wohnsitz", "wohnsitz", "<mark>Wohnsitz</mark>auflage und <mark>Wohnsitz</mark>"),
    ],
)
def test_hervorheben(text, begriff, erwartet):
    ergebnis = str(hervorheben(text, begriff))
    assert erwartet in ergebnis
    assert "<script" not in ergebnis and "&<mark>" not in ergebnis

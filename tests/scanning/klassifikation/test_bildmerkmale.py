"""Page-image features: what they see on rendered pages, and that they help the boundary model where the text is
poor (held-out files, seeds never used in training)."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from scanning.klassifikation.beispiele import altakte_erzeugen, dokument_erzeugen, seite_rendern
from scanning.klassifikation.bildmerkmale import NAMEN, bildmerkmale
from scanning.klassifikation.messung import akten_messen


def _merkmale(art: str, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    text = dokument_erzeugen(art, rng)[0]
    # render until the trait is drawn (each is left out now and then, as on real copies)
    for _ in range(10):
        werte = dict(zip(NAMEN, bildmerkmale(seite_rendern(text, art, True, rng)), strict=True))
        if art != "passkopie" or werte["foto"] > 0:
            return werte
    return werte


def test_passport_page_shows_photo_and_mrz_form_shows_lines_letter_shows_neither():
    pass_ = _merkmale("passkopie", 1)
    formular = _merkmale("verpflichtungserklaerung", 2)
    brief = _merkmale("schreiben", 3)
    assert pass_["foto"] > 0.02 and pass_["mrz"] > 0.03
    assert formular["linien_h"] > 0.01 and formular["linien_v"] > 0.005 and formular["mrz"] == 0
    assert brief["foto"] < 0.01 and brief["linien_h"] == 0 and brief["mrz"] == 0


def test_features_of_a_300_dpi_scan_match_those_of_its_small_rendering():
    """The page loop computes them from the 300-dpi raster; training renders small pages: same scale of values."""
    klein = seite_rendern("Reisepass\nName", "passkopie", True, random.Random(5))
    gross = klein.resize((2480, 3508), Image.Resampling.NEAREST)
    a, b = bildmerkmale(klein), bildmerkmale(gross)
    assert all(abs(x - y) < 0.02 for x, y in zip(a, b, strict=True)), (a, b)


def test_a_blank_scan_has_no_features():
    leer = Image.new("L", (2480, 3508), 250)
    ImageDraw.Draw(leer).point([(100, 100), (2000, 3000)], fill=0)
    assert max(bildmerkmale(leer)) < 0.001


def test_image_features_find_boundaries_where_the_text_is_poor(klassifikator_test):
    """Files where 30 % of the documents came out of OCR badly: with the pages' image features the classifier finds
    clearly more boundaries than from the text alone, and what it applies without asking stays right."""
    rng = random.Random(4242)
    akten = [altakte_erzeugen(rng, 60, 90, bilder=True, schlechte_ocr=0.3) for _ in range(5)]
    ohne = akten_messen(klassifikator_test, akten, bilder=False)
    mit = akten_messen(klassifikator_test, akten, bilder=True)
    assert mit["f1"] >= ohne["f1"] + 0.03, (ohne, mit)
    assert mit["sicher_richtig"] >= 0.98

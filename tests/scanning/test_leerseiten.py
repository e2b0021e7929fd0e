"""A short letter is not a blank page: one to five lines at 300 dpi with scanner noise go to OCR; blank backs with
noise and dust stay blank."""

from __future__ import annotations

import random

import pytest
from PIL import Image, ImageDraw, ImageFont

from scanning.pipeline.leerseiten import LEER_SCHWELLE, dunkelanteil, ist_leer
from tests.scanning import scans

ZEILEN = [
    "Ihr Aktenzeichen: OF-2026-000123",
    "Ayşe Öztürk, geb. 01.02.1990",
    "Sehr geehrte Damen und Herren,",
    "ich beantrage die Verlängerung meiner Aufenthaltserlaubnis.",
    "Mit freundlichen Grüßen",
]


def kurzer_brief(zeilen: int, *, seed: int = 1, rauschen: float = 0.002, punkt: int = 42) -> Image.Image:
    rnd = random.Random(seed)
    bild = Image.new("L", scans.A4, 255)
    z = ImageDraw.Draw(bild)
    font = ImageFont.truetype(scans.FONT, punkt)
    y = 400
    for text in ZEILEN[:zeilen]:
        z.text((250, y), text, font=font, fill=0)
        y += int(punkt * 1.7)
    px = bild.load()
    for _ in range(int(scans.A4[0] * scans.A4[1] * rauschen)):
        px[rnd.randrange(scans.A4[0]), rnd.randrange(scans.A4[1])] = rnd.choice((0, 90, 255))
    return bild.rotate(0.7, resample=Image.Resampling.BILINEAR, fillcolor=255)


@pytest.mark.parametrize("zeilen", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("seed", [1, 7])
def test_short_letters_are_not_blank(zeilen, seed):
    assert not ist_leer(kurzer_brief(zeilen, seed=seed))


def test_short_letters_lie_under_the_ink_share_the_old_rule_used():
    # The reason for the rule: by dark pixels alone, these letters measure below the share.
    assert dunkelanteil(kurzer_brief(1)) < dunkelanteil(kurzer_brief(2)) < LEER_SCHWELLE


def test_small_print_one_line_is_not_blank():
    assert not ist_leer(kurzer_brief(1, punkt=30))


@pytest.mark.parametrize("rauschen", [0.0003, 0.003, 0.01])
@pytest.mark.parametrize("seed", [2, 3, 4])
def test_blank_backs_with_noise_stay_blank(rauschen, seed):
    assert ist_leer(scans.leere_seite(seed=seed, rauschen=rauschen))


def test_dust_specks_and_punch_holes_are_not_text():
    bild = scans.leere_seite(seed=5)
    z = ImageDraw.Draw(bild)
    rnd = random.Random(5)
    for _ in range(25):  # dust and hair up to 12 px
        x, y = rnd.randrange(200, 2200), rnd.randrange(200, 3300)
        z.ellipse((x, y, x + rnd.randrange(4, 13), y + rnd.randrange(4, 13)), fill=20)
    for y in (900, 2600):  # punch holes in the margin
        z.ellipse((40, y, 110, y + 70), fill=0)
    assert ist_leer(bild)

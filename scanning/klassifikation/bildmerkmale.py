"""Cheap features of a page image for the classifier (issue 17: "from the recognised text AND the page images").

Computed once per page in the OCR page loop from the image that is rasterised there anyway (scanning/pipeline/
texterkennung.py) and stored with the document version (`Seitenmerkmale`). Pure PIL on a working copy of
`ARBEITSHOEHE` rows (a few milliseconds a page); no image is kept.

The features, each a share in 0..1 (`NAMEN`):

* `tinte` – dark pixels on the page;
* `kopf`, `fuss` – ink in the top and bottom eighth (letterheads; signatures and footers);
* `foto` – the largest connected block of mid-grey cells (a passport or ID photo, a photo on a Fiktionsbescheinigung;
  text blurs to light grey at this size, a photo stays mid-grey);
* `linien_h`, `linien_v` – rows and columns crossed by a long unbroken line (forms: ruled lines and boxes);
* `mrz` – two dense, page-wide bands in the bottom quarter (the machine-readable zone of a passport page);
* `raender` – ink in the left/right margins (stamps, punched holes, copies of ID cards placed off-centre).
"""

from __future__ import annotations

from PIL import Image

NAMEN = ("tinte", "kopf", "fuss", "foto", "linien_h", "linien_v", "mrz", "raender")
ARBEITSHOEHE = 400
DUNKEL = 160  # ink
LINIE = 235  # a thin line blurred by the downscaling is still below this
FOTO_GRAU = (35, 185)  # mean grey of a photo cell
ZELLE = 10  # px of the working copy
BLOCK = 6  # columns per block for line detection
MRZ_GRAU = 150


def _arbeitskopie(bild: Image.Image) -> Image.Image:
    g = bild if bild.mode == "L" else bild.convert("L")
    if g.height > 2 * ARBEITSHOEHE:
        g = g.reduce(max(1, g.height // (2 * ARBEITSHOEHE)))
    breite = max(1, round(g.width * ARBEITSHOEHE / max(1, g.height)))
    return g.resize((breite, ARBEITSHOEHE), Image.Resampling.BOX)


def _anteil_dunkel(g: Image.Image, grenze: int = DUNKEL) -> float:
    return sum(g.histogram()[:grenze]) / max(1, g.width * g.height)


def _linien(g: Image.Image) -> float:
    """Share of rows crossed by an unbroken line over at least 40 % of the width: the ink mask shrunk to blocks of
    `BLOCK` columns (a block is full only where the line runs through it; words leave gaps), then per row the
    longest run of full blocks."""
    maske = g.point(lambda v: 255 if v < LINIE else 0)
    b, h = max(1, g.width // BLOCK), g.height
    voll = maske.resize((b, h), Image.Resampling.BOX).point(lambda v: 255 if v >= 240 else 0).tobytes()
    lauf = b"\xff" * max(1, round(0.4 * b))
    treffer = sum(1 for y in range(h) if lauf in voll[y * b : (y + 1) * b])
    return treffer / max(1, h)


def _foto(g: Image.Image) -> float:
    """Largest 4-connected block of mid-grey cells, as a share of all cells (at least 2 × 2 cells, else 0)."""
    zellen = g.resize((max(1, g.width // ZELLE), max(1, g.height // ZELLE)), Image.Resampling.BOX)
    b, h = zellen.size
    daten = list(zellen.tobytes())
    grau = {(x, y) for y in range(h) for x in range(b) if FOTO_GRAU[0] <= daten[y * b + x] <= FOTO_GRAU[1]}
    best, gesehen = 0, set()
    for start in grau:
        if start in gesehen:
            continue
        stapel, groesse, xs, ys = [start], 0, set(), set()
        gesehen.add(start)
        while stapel:
            x, y = stapel.pop()
            groesse += 1
            xs.add(x)
            ys.add(y)
            for n in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if n in grau and n not in gesehen:
                    gesehen.add(n)
                    stapel.append(n)
        if len(xs) >= 2 and len(ys) >= 2:
            best = max(best, groesse)
    return best / max(1, b * h)


def _mrz(g: Image.Image) -> float:
    """Share of the bottom quarter's rows in a dense dark band (three rows averaged): the MRZ of a passport page is
    dark over the whole width; a ruled line is one thin row, text has gaps between words and lines."""
    unten = g.crop((0, int(g.height * 0.75), g.width, g.height))
    profil = list(unten.resize((1, unten.height), Image.Resampling.BOX).tobytes())
    dicht = sum(1 for y in range(1, len(profil) - 1) if (profil[y - 1] + profil[y] + profil[y + 1]) / 3 < MRZ_GRAU)
    return dicht / max(1, len(profil))


def bildmerkmale(bild: Image.Image) -> list[float]:
    """The features of one page image (any size and mode), rounded to 4 places, in the order of `NAMEN`."""
    g = _arbeitskopie(bild)
    b, h = g.size
    rand = int(b * 0.08)
    werte = [
        _anteil_dunkel(g),
        _anteil_dunkel(g.crop((0, 0, b, h // 8))),
        _anteil_dunkel(g.crop((0, h - h // 8, b, h))),
        _foto(g),
        _linien(g),
        _linien(g.transpose(Image.Transpose.ROTATE_90)),
        _mrz(g),
        (_anteil_dunkel(g.crop((0, 0, rand, h))) + _anteil_dunkel(g.crop((b - rand, 0, b, h)))) / 2,
    ]
    return [round(min(1.0, max(0.0, float(w))), 4) for w in werte]

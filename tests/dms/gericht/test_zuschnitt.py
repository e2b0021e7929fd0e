"""Cropped pages: a CropBox that does not start at (0, 0) inside a larger MediaBox, with /Rotate 0, 90, 180, 270 (a
scanner's A3 sheet cropped to the A4 letter on it). The sheet number is stamped inside what a reader sees, at the top
right; the viewer shows what a reader sees; a box drawn on the viewer's image blacks out exactly what it was drawn
over, and no text of that page is left (pdftotext)."""

from __future__ import annotations

import io
import subprocess

import pypdfium2 as pdfium
import pytest
from django.test import Client
from PIL import Image, ImageChops

from dms.gericht.schwaerzung import PUNKTE_JE_MM
from dms.gericht.services import aktenvorlage_anfordern, aktenvorlage_erstellen, einsichtskopie_erstellen
from dms.models import Einsichtskopie
from tests import factories as f

from .hilfen import dokument_mit_pdf, gedrehtes_pdf

pytestmark = pytest.mark.django_db

DREHUNGEN = [0, 90, 180, 270]
MEDIA = (1000.0, 1200.0)
CROP = [200, 300, 795, 1142]  # 595 × 842 pt (A4) visible, far from the origin
GEHEIM = {"Geheimer Name": (260, 900)}  # 28 pt: see the pixel check below
OFFEN = {"Offener Text": (260, 500)}
AUSSERHALB = {"Nicht sichtbar": (40, 100)}  # in the media box, outside the crop box


def zugeschnitten(*texte: dict[str, tuple[float, float]]) -> bytes:
    """Four pages: MediaBox 1000 × 1200, CropBox `CROP`, /Rotate 0/90/180/270, the texts at user-space positions."""
    alle = {k: v for t in texte for k, v in t.items()}
    return gedrehtes_pdf(DREHUNGEN, alle, groessen={"Geheimer Name": 28}, seite=MEDIA, cropbox=CROP)


def _pdftotext(pdf: bytes, seite: int) -> str:
    nummer = str(seite + 1)
    return subprocess.run(
        ["pdftotext", "-f", nummer, "-l", nummer, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_sheet_number_is_stamped_inside_the_visible_area_of_cropped_pages(sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokument_mit_pdf(akte, "Zugeschnitten", zugeschnitten(OFFEN, AUSSERHALB), user=sachbearbeitung)
    vorlage = aktenvorlage_anfordern(akte=akte, user=sachbearbeitung, anlass="Klage", empfaenger="VG Gießen")
    vorlage = aktenvorlage_erstellen(vorlage_id=vorlage.pk)
    with vorlage.datei.open("rb") as fh:
        pdf = fh.read()
    dokument = pdfium.PdfDocument(pdf)
    for i, drehung in enumerate(DREHUNGEN):
        seite = 2 + i  # after cover and contents
        assert f"Bl. {i + 1}" in _pdftotext(pdf, seite), drehung
        breite, hoehe = dokument[seite].get_size()  # pdfium: the crop box as shown
        assert (round(breite), round(hoehe)) == ((842, 595) if drehung in (90, 270) else (595, 842))
        bild = dokument[seite].render(scale=1).to_pil().convert("L")
        # the stamp at the top right of what is shown; the top left corner blank
        assert bild.crop((bild.width - 60, 0, bild.width - 10, 30)).getextrema()[0] < 100, drehung
        assert bild.crop((10, 0, 60, 30)).getextrema() == (255, 255), drehung
        # the page's own text is where it was: shown, not covered
        assert "Offener Text" in _pdftotext(pdf, seite)


def _viewer_bild(client: Client, dokument_id: int, seite: int) -> Image.Image:
    antwort = client.get(f"/dokumente/{dokument_id}/seiten/{seite}.png?g=normal")
    assert antwort.status_code == 200
    return Image.open(io.BytesIO(antwort.content)).convert("L")


def _unterschied(a: Image.Image, b: Image.Image) -> tuple[int, int, int, int]:
    box = ImageChops.difference(a, b).getbbox()
    assert box is not None
    return box


def test_box_drawn_on_the_viewer_image_of_a_cropped_page_covers_what_it_was_drawn_over(sachbearbeitung):
    """The caseworker's way: the editor shows the viewer's page images and converts a box on them (mm from the top
    left of the page as shown) into the redaction. Where the secret is on the viewer's image comes from comparing
    the images of the same page with and without it."""
    client = Client()
    client.force_login(sachbearbeitung)
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dok = dokument_mit_pdf(akte, "Mit Geheimnis", zugeschnitten(GEHEIM, OFFEN, AUSSERHALB), user=sachbearbeitung)
    nur_offen = dokument_mit_pdf(akte, "Nur offen", zugeschnitten(OFFEN), user=sachbearbeitung)
    leer = dokument_mit_pdf(akte, "Leer", zugeschnitten(), user=sachbearbeitung)
    formular: dict[str, list[str]] = {n: [] for n in ("b_seite", "b_links", "b_oben", "b_breite", "b_hoehe", "b_grund")}
    erwartet = []
    for seite, drehung in enumerate(DREHUNGEN, 1):
        bild = _viewer_bild(client, dok.pk, seite)
        breite_pt, hoehe_pt = (842.0, 595.0) if drehung in (90, 270) else (595.0, 842.0)
        assert bild.height / bild.width == pytest.approx(hoehe_pt / breite_pt, abs=0.01)  # the crop box, not media
        mm_je_px = breite_pt / bild.width / PUNKTE_JE_MM
        geheim = _unterschied(bild, _viewer_bild(client, nur_offen.pk, seite))
        offen = _unterschied(_viewer_bild(client, nur_offen.pk, seite), _viewer_bild(client, leer.pk, seite))
        links, oben = geheim[0] * mm_je_px - 1, geheim[1] * mm_je_px - 1  # 1 mm around the glyphs
        breite, hoehe = (geheim[2] - geheim[0]) * mm_je_px + 2, (geheim[3] - geheim[1]) * mm_je_px + 2
        for name, wert in (("b_links", links), ("b_oben", oben), ("b_breite", breite), ("b_hoehe", hoehe)):
            formular[name].append(f"{wert:.2f}".replace(".", ","))
        formular["b_seite"].append(f"{dok.pk}:{seite}")
        formular["b_grund"].append("Daten Dritter (berechtigte Interessen Dritter, § 29 Abs. 2 HVwVfG)")
        pt_je_px = breite_pt / bild.width
        erwartet.append((drehung, geheim, offen, pt_je_px))
    antwort = client.post(
        f"/akten/{akte.pk}/akteneinsicht/", {"empfaenger": "RA Weber", "dokumente": [dok.pk], **formular}
    )
    assert antwort.status_code == 302, antwort.content.decode()[:2000]
    kopie = einsichtskopie_erstellen(kopie_id=Einsichtskopie.objects.get().pk)
    with kopie.datei.open("rb") as fh:
        pdf = fh.read()
    alles = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Geheimer" not in alles and "Nicht sichtbar" not in alles  # nothing of those pages is text any more
    dokument = pdfium.PdfDocument(pdf)
    for i, (drehung, geheim, offen, pt_je_px) in enumerate(erwartet):
        seite = 2 + i
        skala = 2
        bild = dokument[seite].render(scale=skala).to_pil().convert("L")
        assert bild.width / skala == pytest.approx(842 if drehung in (90, 270) else 595, abs=1)
        # where the secret's glyphs were: black, uniformly (a wide box carries the white "geschwärzt" label in its
        # top 11 pt; the secret is set large enough to leave a band below it)
        x0, y0, x1, y1 = (v * pt_je_px * skala for v in geheim)
        beschriftet = (x1 - x0) / skala >= 58
        unter = bild.crop((round(x0) + 2, round(y0 + (11 * skala if beschriftet else 2)), round(x1) - 2, round(y1) - 2))
        assert unter.width > 10 and unter.height > 10 and unter.getextrema() == (0, 0), drehung
        # the open text elsewhere on the page: still shown (dark glyphs on white)
        daneben = bild.crop(tuple(round(v * pt_je_px * skala) for v in offen))
        assert daneben.getextrema()[0] < 128 and daneben.getextrema()[1] == 255, drehung

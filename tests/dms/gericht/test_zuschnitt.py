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
from PIL import Image, ImageChops, ImageStat

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


# --- What leaves the authority: nothing outside the visible area (dms/gericht/zuschnitt.py) ---------------------

VERSTECKT = "Verborgene Anschrift"  # text outside the crop box (in the media box)
JENSEITS = "Jenseits der Seite"  # text outside the media box (crop box = media box)
NOTIZ = "Vermerk ausserhalb"  # an annotation's text outside the crop box
FELDWERT = "Feldwert ausserhalb"  # a form field's value, its widget outside the crop box
ROT = (220, 20, 20)


def _verdeckte_seiten() -> bytes:
    """Page 1–4: MediaBox 1000 × 1200, CropBox `CROP`, /Rotate 0/90/180/270, visible text inside and a hidden
    text, a red image, an annotation and a form field outside the crop box. Page 5: no crop box, a text drawn
    outside the media box, /UserUnit 2. Page 6: an ordinary page (nothing hidden). Page 7: an unused red image in its
    resources and a red page thumbnail (/Thumb)."""
    import pikepdf
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=MEDIA)
    rot = ImageReader(Image.new("RGB", (20, 20), ROT))
    for _ in DREHUNGEN:
        c.setFont("Helvetica", 14)
        c.drawString(260, 500, "Offener Text")
        c.drawString(40, 100, VERSTECKT)
        c.drawImage(rot, 850, 1150, 40, 40)
        c.showPage()
    c.setFont("Helvetica", 14)
    c.drawString(100, 600, "Offen auf Seite fuenf")
    c.drawString(-300, 600, JENSEITS)
    c.showPage()
    c.setFont("Helvetica", 14)
    c.drawString(100, 600, "Gewoehnliche Seite")
    c.showPage()
    c.setFont("Helvetica", 14)
    c.drawString(100, 600, "Seite mit Altlasten")
    c.showPage()
    c.save()
    puffer.seek(0)
    with pikepdf.open(puffer) as pdf:
        felder = []
        for page, drehung in zip(pdf.pages, DREHUNGEN, strict=False):
            page.obj.Rotate = drehung
            page.obj.CropBox = CROP
            notiz = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[20, 20, 60, 60], Contents=NOTIZ
                )
            )
            feld = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Widget,
                    FT=pikepdf.Name.Tx,
                    T=f"feld{drehung}",
                    V=FELDWERT,
                    Rect=[20, 150, 180, 180],
                    P=page.obj,
                )
            )
            felder.append(feld)
            page.obj.Annots = pikepdf.Array([notiz, feld])
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(felder))
        pdf.pages[4].obj.MediaBox = [0, 0, 595, 842]
        pdf.pages[4].obj.UserUnit = 2
        pdf.pages[5].obj.MediaBox = [0, 0, 595, 842]
        # page 7: an image in its resources that its content never draws, and a page thumbnail of another content
        pdf.pages[6].obj.MediaBox = [0, 0, 595, 842]
        rot_bild = pikepdf.Stream(pdf, bytes(ROT) * 400, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image)
        rot_bild.Width, rot_bild.Height, rot_bild.BitsPerComponent = 20, 20, 8
        rot_bild.ColorSpace = pikepdf.Name.DeviceRGB
        pdf.pages[6].add_resource(rot_bild, pikepdf.Name.XObject, prefix="Alt")
        daumen = pikepdf.Stream(pdf, bytes(ROT) * 400, Subtype=pikepdf.Name.Image, Width=20, Height=20)
        daumen.BitsPerComponent = 8
        daumen.ColorSpace = pikepdf.Name.DeviceRGB
        pdf.pages[6].obj.Thumb = daumen
        ziel = io.BytesIO()
        pdf.save(ziel)
    return ziel.getvalue()


def _alle_bytes(pdf_bytes: bytes) -> bytes:
    """Every object of the PDF as pikepdf reads it: streams decoded, dictionaries, arrays and strings serialised."""
    import pikepdf

    teile = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    teile.append(obj.read_bytes())
                except pikepdf.PdfError:
                    teile.append(obj.read_raw_bytes())
                teile.append(bytes(obj.stream_dict.unparse(resolved=True)))
            elif isinstance(obj, pikepdf.Object):
                teile.append(bytes(obj.unparse(resolved=True)))
    return b"\n".join(teile)


def _bilder(pdf_bytes: bytes) -> list[Image.Image]:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [
            pikepdf.PdfImage(obj).as_pil_image().convert("RGB")
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream)
            and ("/Width" in obj.stream_dict or obj.stream_dict.get("/Subtype") == "/Image")
        ]


def _gezeigt(pdf: bytes, seite: int, skala: float = 1) -> Image.Image:
    dokument = pdfium.PdfDocument(pdf)
    try:
        return dokument[seite].render(scale=skala, draw_annots=False).to_pil().convert("L")
    finally:
        dokument.close()


def _kopie(sachbearbeitung, inhalt: bytes) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    """(inspection copy, court submission) of a file holding one document `inhalt`."""
    from dms.gericht.services import einsichtskopie_anfordern

    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dok = dokument_mit_pdf(akte, "Zugeschnitten", inhalt, user=sachbearbeitung)
    kopie = einsichtskopie_anfordern(akte=akte, user=sachbearbeitung, dokumente=[dok.pk], empfaenger="RA Weber")
    kopie = einsichtskopie_erstellen(kopie_id=kopie.pk)
    vorlage = aktenvorlage_anfordern(akte=akte, user=sachbearbeitung, anlass="Klage", empfaenger="VG Gießen")
    vorlage = aktenvorlage_erstellen(vorlage_id=vorlage.pk)
    with kopie.datei.open("rb") as a, vorlage.datei.open("rb") as b:
        return a.read(), b.read()


def test_inspection_copy_holds_nothing_outside_the_visible_area(sachbearbeitung):
    original = _verdeckte_seiten()
    einsicht, gericht = _kopie(sachbearbeitung, original)
    geheim = (VERSTECKT, JENSEITS, NOTIZ, FELDWERT)
    for optionen in ([], ["-cropbox"], ["-raw"]):
        text = subprocess.run(
            ["pdftotext", *optionen, "-", "-"], input=einsicht, capture_output=True, check=True
        ).stdout.decode()
        assert not [g for g in geheim if g in text], optionen
    roh = _alle_bytes(einsicht)
    assert not [g for g in geheim if g.encode() in roh]
    dokument = pdfium.PdfDocument(einsicht)
    pdfium_text = " ".join(dokument[i].get_textpage().get_text_range() for i in range(len(dokument)))
    assert not [g for g in geheim if g in pdfium_text]
    # the red image outside the crop box is in no image of the copy (pikepdf decodes every image XObject)
    for bild in _bilder(einsicht):
        r, g, _b = bild.split()
        rot = ImageChops.multiply(
            r.point(lambda v: 255 if v > 180 else 0), ImageChops.invert(g.point(lambda v: 255 if v > 80 else 0))
        )
        assert rot.getbbox() is None
    # before: all of it went out with the copy; the original holds it (the test's premise)
    vorher = subprocess.run(["pdftotext", "-", "-"], input=original, capture_output=True, check=True).stdout.decode()
    assert VERSTECKT in vorher and b"/Contents (" + NOTIZ.encode() in _alle_bytes(original)
    # the court submission is the file as it is (docs/gericht.md): the hidden text goes to the court
    assert VERSTECKT in subprocess.run(["pdftotext", "-", "-"], input=gericht, capture_output=True).stdout.decode()


def test_inspection_copy_keeps_what_is_shown_searchable_and_looking_the_same(sachbearbeitung):
    import pikepdf

    original = _verdeckte_seiten()
    einsicht, _gericht = _kopie(sachbearbeitung, original)
    for i, drehung in enumerate([*DREHUNGEN, "jenseits"]):
        seite = 2 + i
        text = _pdftotext(einsicht, seite)
        assert ("Offener Text" if i < 4 else "Offen auf Seite fuenf") in text, drehung
        vorher, nachher = _gezeigt(original, i), _gezeigt(einsicht, seite)
        assert nachher.size == pytest.approx(vorher.size, abs=1), drehung
        nachher = nachher.resize(vorher.size)
        # the sheet number stamped at the top right is the copy's only addition
        oben = 40
        unterschied = ImageChops.difference(vorher.crop((0, oben, *vorher.size)), nachher.crop((0, oben, *vorher.size)))
        assert ImageStat.Stat(unterschied).mean[0] < 2.0, drehung  # rendered at 200 dpi, shown at 72: antialiasing
        haeufigkeit = unterschied.histogram()
        assert sum(haeufigkeit[100:]) < 0.001 * sum(haeufigkeit), drehung  # no pixel far off but a glyph's edge
    with pikepdf.open(io.BytesIO(einsicht)) as pdf:
        assert pdf.pages[2 + 4].obj.UserUnit == 2  # the same physical size
        gewoehnlich = pdf.pages[2 + 5]
        assert "/Font" in gewoehnlich.obj.Resources  # a page with nothing hidden stays as it was (vector text)
        assert "Gewoehnliche Seite" in _pdftotext(einsicht, 2 + 5)


def _ebenen_pdf() -> bytes:
    """One A4 page: "Offen" drawn normally, "Geheimebene" in a layer the document hides (optional content OFF)."""
    import pikepdf

    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        ebene = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Intern"))
        pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[ebene], D=pikepdf.Dictionary(OFF=[ebene], Order=[ebene]))
        schrift = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
        page = pdf.pages[0]
        page.obj.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(F1=pdf.make_indirect(schrift)), Properties=pikepdf.Dictionary(oc1=ebene)
        )
        page.obj.Contents = pdf.make_stream(
            b"BT /F1 24 Tf 72 700 Td (Offen) Tj ET /OC /oc1 BDC BT /F1 24 Tf 72 600 Td (Geheimebene) Tj ET EMC"
        )
        ziel = io.BytesIO()
        pdf.save(ziel)
        return ziel.getvalue()


def test_a_hidden_layer_does_not_leave_the_authority(sachbearbeitung):
    original = _ebenen_pdf()
    # pdftotext respects the layer configuration, the content stream and pdfium's text do not
    assert "Geheimebene" in pdfium.PdfDocument(original)[0].get_textpage().get_text_range()
    einsicht, _gericht = _kopie(sachbearbeitung, original)
    text = subprocess.run(["pdftotext", "-", "-"], input=einsicht, capture_output=True, check=True).stdout.decode()
    assert "Geheimebene" not in text and b"Geheimebene" not in _alle_bytes(einsicht)
    assert "Geheimebene" not in pdfium.PdfDocument(einsicht)[2].get_textpage().get_text_range()
    # what the layer configuration showed is what the copy shows (the hidden layer is not drawn)
    vorher, nachher = _gezeigt(original, 0), _gezeigt(einsicht, 2).resize(_gezeigt(original, 0).size)
    unterschied = ImageChops.difference(vorher.crop((0, 40, *vorher.size)), nachher.crop((0, 40, *vorher.size)))
    assert ImageStat.Stat(unterschied).mean[0] < 2.0
    assert nachher.crop((60, 842 - 730, 200, 842 - 690)).getextrema()[0] < 100  # "Offen" is there


@pytest.mark.django_db(databases=[])
def test_text_layer_words_are_escaped_and_found_where_they_were():
    """Recognised text is data: brackets, backslashes and non-Latin letters end up as text, never as PDF syntax."""
    from dms.gericht.zuschnitt import Wort, textebenen_pdf

    woerter = [Wort("Akte(1)\\2", 72, 700, 120, 14), Wort("Müller-Łukasz", 72, 600, 150, 14, 90)]
    with textebenen_pdf([(595, 842, woerter)]) as pdf:
        puffer = io.BytesIO()
        pdf.save(puffer)
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=puffer.getvalue(), capture_output=True, check=True)
    assert "Akte(1)\\2" in text.stdout.decode() and "Müller-Łukasz" in text.stdout.decode()

"""A cropped scan (a CropBox inside the scanned sheet, not starting at (0, 0)): the page loop reads what is shown and
lays the text layer where the words are shown, exactly as on the same scan uncropped (real Tesseract, in-process)."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from dms.dateien import PDF
from scanning.pipeline import raster, texterkennung
from scanning.pipeline.arbeitsbereich import Arbeitsbereich

from . import scans

# "Berliner Straße 100 …" is drawn 560 px below the top at 300 dpi (scans.brief_bild): about 708 pt above the bottom.
SICHTBAR = [40, 300, 560, 760]  # the sender line (about 775–782 pt) lies above it


@pytest.fixture(autouse=True)
def arbeitsordner(tmp_path, settings):
    settings.OCR_WORK_DIR = str(tmp_path / "arbeit")


def _zuschneiden(inhalt: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(inhalt)) as pdf:
        pdf.pages[0].obj.CropBox = SICHTBAR
        pdf.pages[0].obj.TrimBox = [60, 320, 540, 740]  # a trim box inside it must not matter either
        ziel = io.BytesIO()
        pdf.save(ziel)
    return ziel.getvalue()


def _wortlage(pdf_pfad, wort: str) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    """Where pdfium finds `wort` in the text layer, in the page's own coordinates (points)."""
    dokument = pdfium.PdfDocument(str(pdf_pfad))
    text = dokument[0].get_textpage()
    treffer = text.search(wort).get_next()
    assert treffer is not None, text.get_text_range()
    links, unten, _r, oben = text.get_charbox(treffer[0])
    _l, _u, rechts, _o = text.get_charbox(treffer[0] + treffer[1] - 1)
    return links, unten, rechts, oben


def test_cropped_scan_is_read_as_shown_and_its_words_land_where_they_are_shown(tmp_path):
    voll = scans.pdf_aus_bildern([scans.brief_bild(scans.Brief(), seed=5)])
    zugeschnitten = _zuschneiden(voll)
    (tmp_path / "voll.pdf").write_bytes(voll)
    (tmp_path / "zu.pdf").write_bytes(zugeschnitten)
    with pikepdf.open(tmp_path / "zu.pdf") as pdf:
        bild = raster.seite_rastern(tmp_path / "zu.pdf", PDF, 1, 100, pdf=pdf)
    # the raster is the visible area (520 × 460 pt), not the whole sheet (595 × 842 pt)
    assert bild.size == pytest.approx((520 * 100 / 72, 460 * 100 / 72), abs=2)
    erwartet = texterkennung.datei_erkennen(tmp_path / "voll.pdf", PDF, 1, Arbeitsbereich("voll"))
    ergebnis = texterkennung.datei_erkennen(tmp_path / "zu.pdf", PDF, 1, Arbeitsbereich("zu"))
    assert "Berliner" in ergebnis.text
    assert "Kanzlei" not in ergebnis.text  # the sender line above the visible area is not read
    assert _wortlage(ergebnis.pdf_pfad, "Berliner") == pytest.approx(_wortlage(erwartet.pdf_pfad, "Berliner"), abs=3)


# --- Renewing stored thumbnails (scanning/vorschauen.py, command `vorschauen_erneuern`) ----------------------------

MEDIA = (1000.0, 1200.0)
CROP = [200, 300, 795, 1142]  # A4 visible, in a larger sheet


def _blatt(zuschnitt: bool) -> bytes:
    """Page 1: a sheet 1000 × 1200 pt with a black frame in its hidden margin (cropped to `CROP` when `zuschnitt`)
    and a text in the visible area; page 2: an ordinary A4 page."""
    from reportlab.pdfgen import canvas

    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=MEDIA)
    c.setFillGray(0)
    c.rect(0, 0, 180, 1200, stroke=0, fill=1)  # the hidden margin: black
    c.setFont("Helvetica", 40)
    c.drawString(260, 700, "Sichtbar")
    c.showPage()
    c.setPageSize((595, 842))
    c.setFont("Helvetica", 20)
    c.drawString(72, 700, "Gewoehnlich")
    c.showPage()
    c.save()
    if not zuschnitt:
        return puffer.getvalue()
    puffer.seek(0)
    with pikepdf.open(puffer) as pdf:
        pdf.pages[0].obj.CropBox = CROP
        ziel = io.BytesIO()
        pdf.save(ziel)
    return ziel.getvalue()


def _alte_vorschau(inhalt: bytes, seite: int) -> bytes:
    """A thumbnail as made before the fix: rendered from the media box."""
    from pdf2image import convert_from_bytes

    from scanning.pipeline import vorschau

    bild = convert_from_bytes(inhalt, dpi=60, first_page=seite, last_page=seite, grayscale=True)[0]
    return vorschau.vorschaubild(bild)


def _ablegen(titel: str, inhalt: bytes):  # type: ignore[no-untyped-def]
    """A document filed before the fix: its thumbnails made from the media box, an old viewer image cached."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from dms.services.dokumente import ableitungen_speichern
    from scanning.pipeline.dokument import vorschau_speichern
    from tests import factories as f
    from tests.dms.gericht.hilfen import dokument_mit_pdf

    dokument = dokument_mit_pdf(f.AkteFactory(), titel, inhalt)
    version = dokument.versionen.get()
    pfade = [vorschau_speichern(version, s, _alte_vorschau(inhalt, s)) for s in (1, 2)]
    version = ableitungen_speichern(
        version=version, text=titel, seiten=2, blatt=2, vorschaubilder=pfade, ocr_status=dokument.ocr_status
    )
    ordner = f"dokumente/{dokument.uuid}/{version.nummer}/seiten"
    default_storage.save(f"{ordner}/pdf-1100-1.png", ContentFile(_alte_vorschau(inhalt, 1)))
    return version


def _bild(pfad: str) -> Image.Image:
    from django.core.files.storage import default_storage

    with default_storage.open(pfad, "rb") as fh:
        return Image.open(io.BytesIO(fh.read())).convert("L")


def _eintraege(version) -> int:  # type: ignore[no-untyped-def]
    from dms.models import Protokolleintrag

    return Protokolleintrag.objects.filter(
        objekt_typ="dokument", objekt_id=str(version.dokument_id), details__betrieb="vorschauen_erneuern"
    ).count()


@pytest.mark.django_db
def test_stale_thumbnails_of_cropped_pages_are_renewed_once_and_others_are_left_alone():
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from dms.models import DokumentVersion, Protokolleintrag

    zugeschnitten = _ablegen("Zugeschnitten", _blatt(zuschnitt=True))
    unberuehrt = _ablegen("Unberuehrt", _blatt(zuschnitt=False))
    alt = _bild(zugeschnitten.vorschaubilder[0])
    assert alt.size == (167, 200)  # the whole sheet, 1000 × 1200: what the viewer's list showed before
    assert alt.crop((0, 0, 20, 200)).getextrema() == (0, 0)  # with the hidden black margin
    vorher = {p: _bild(p).tobytes() for v in (zugeschnitten, unberuehrt) for p in v.vorschaubilder}

    ausgabe = io.StringIO()
    call_command("vorschauen_erneuern", "--stapel", "1", "--ab-id", str(zugeschnitten.pk - 1), stdout=ausgabe)
    assert "1 mit 1 neuen Vorschaubildern" in ausgabe.getvalue()

    zugeschnitten = DokumentVersion.objects.get(pk=zugeschnitten.pk)
    neu = _bild(zugeschnitten.vorschaubilder[0])
    assert neu.size == (round(595 * 200 / 842), 200)  # the visible area's proportions (A4)
    assert neu.getextrema()[1] == 255 and neu.crop((0, 0, 10, 200)).getextrema()[0] > 200  # no black margin
    # the same pixels as the page rendered as shown (pdfium, crop box)
    erwartet = pdfium.PdfDocument(_blatt(zuschnitt=True))[0].render(scale=200 / 842).to_pil().convert("L")
    unterschied = ImageChops.difference(neu, erwartet.resize(neu.size))
    assert sum(unterschied.histogram()[64:]) < 0.01 * neu.width * neu.height
    # the uncropped page of that version and every page of the other version: as they were
    assert _bild(zugeschnitten.vorschaubilder[1]).tobytes() == vorher[zugeschnitten.vorschaubilder[1]]
    for pfad in unberuehrt.vorschaubilder:
        assert _bild(pfad).tobytes() == vorher[pfad]
    assert _eintraege(zugeschnitten) == 1 and _eintraege(unberuehrt) == 0
    # the cached viewer image of before the fix is replaced by one of the page as shown, which the viewer serves
    ordner = f"dokumente/{zugeschnitten.dokument.uuid}/1/seiten"
    assert not default_storage.exists(f"{ordner}/pdf-1100-1.png")
    betrachter = _bild(f"{ordner}/pdf-1100-1-sichtbar.png")
    assert betrachter.width == 1100 and betrachter.height == pytest.approx(1100 * 842 / 595, abs=2)
    assert betrachter.crop((0, 0, 40, betrachter.height)).getextrema()[0] > 200  # no black margin
    # the run is audited batch by batch, as the system's operation
    stapel = Protokolleintrag.objects.filter(objekt_typ="", details__betrieb="vorschauen_erneuern")
    assert stapel.count() >= 2 and stapel.order_by("-id").first().details["fertig"] is True

    # a second run writes nothing
    call_command("vorschauen_erneuern", stdout=io.StringIO())
    assert _bild(zugeschnitten.vorschaubilder[0]).tobytes() == neu.tobytes()
    assert _eintraege(zugeschnitten) == 1


@pytest.mark.django_db
def test_renewal_resumes_after_its_last_batch_and_runs_in_the_background(monkeypatch):
    from django.core.management import call_command

    from dms.models import DokumentVersion
    from scanning import tasks, vorschauen

    erste = _ablegen("Erste", _blatt(zuschnitt=True))
    zweite = _ablegen("Zweite", _blatt(zuschnitt=True))
    call_command("vorschauen_erneuern", "--stapel", "1", "--max-stapel", "1", "--ab-id", str(erste.pk - 1),
                 stdout=io.StringIO())  # fmt: skip
    assert _eintraege(erste) == 1 and _eintraege(zweite) == 0  # stopped after the first batch
    assert vorschauen.letzte_position() is not None
    # the background job continues where the run stopped: one task per batch, each queueing the next
    eingereiht: list[list[object]] = []

    def senden(name: str, *, args: list[object], queue: str | None = None) -> None:
        eingereiht.append(args)
        tasks.vorschauen_erneuern(*args)

    monkeypatch.setattr(vorschauen.hintergrund, "aufgabe_senden", senden)
    call_command("vorschauen_erneuern", "--fortsetzen", "--hintergrund", "--stapel", "1", stdout=io.StringIO())
    assert eingereiht[0][0] == erste.pk and len(eingereiht) >= 2
    assert _eintraege(erste) == 1 and _eintraege(zweite) == 1
    assert _bild(DokumentVersion.objects.get(pk=zweite.pk).vorschaubilder[0]).size == (141, 200)
    assert vorschauen.letzte_position() is None  # finished: nothing to resume

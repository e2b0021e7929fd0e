"""Preflight on every kind of bad input (no worker needed), plus the pure page helpers."""

from __future__ import annotations

import pytest
from PIL import Image

from scanning.pipeline import preflight
from scanning.pipeline.fehler import EingabeFehler
from scanning.pipeline.leerseiten import ist_leer
from scanning.pipeline.stapel import code_auf_seite, teile_bilden
from scanning.pipeline.zaehlen import blatt_zaehlen

from . import scans


@pytest.mark.parametrize(
    ("daten", "code", "wort"),
    [
        (lambda: b"", "leer", "leer"),
        (scans.abgeschnittenes_pdf, "pdf_abgeschnitten", "unvollständig"),
        (scans.verschluesseltes_pdf, "pdf_verschluesselt", "Kennwort"),
        (scans.pdf_mit_javascript, "pdf_javascript", "JavaScript"),
        (lambda: scans.pdf_mit_seiten(5000), "zu_viele_seiten", "5.000 Seiten"),
        (scans.dekompressionsbombe_png, "bild_zu_gross", "Bildpunkte"),
        (lambda: scans.HTML_ALS_PDF, "falscher_typ", "HTML"),
        (lambda: b"%PDF-1.4\n garbage \n%%EOF\n", "pdf_beschaedigt", "beschädigt"),
        (lambda: scans.jpeg(scans.leere_seite())[:5000], "bild_beschaedigt", "beschädigt"),
        # Issue 10, item 4: active content written inline, and where else it can sit.
        *[
            ((lambda wo=wo: scans.pdf_mit_aktivem_inhalt(wo)), "pdf_javascript", "aktive Inhalte")
            for wo in ("katalog", "seite_aa", "annotation_launch", "namensbaum", "formularversand", "xfa")
        ],
        # Issue 10, item 5: page size and UserUnit bombs end with a sentence, before the worker rasterises.
        (lambda: scans.pdf_mit_seitengroesse(5000, 5000), "seite_zu_gross", "Seite 1"),
        (lambda: scans.pdf_mit_seitengroesse(595, 842, user_unit=75), "seite_zu_gross", "unzulässig groß"),
    ],
)
def test_bad_input_is_refused_with_a_german_sentence(tmp_path, settings, daten, code, wort):
    settings.MAX_PAGES = 2000
    pfad = tmp_path / "eingang"
    pfad.write_bytes(daten())
    with pytest.raises(EingabeFehler) as fehler:
        preflight.pruefen(pfad)
    assert fehler.value.code == code
    assert wort in fehler.value.meldung and fehler.value.meldung.endswith(".")
    assert "Bitte" in fehler.value.meldung  # says what to do


@pytest.mark.parametrize(
    ("daten", "mime", "seiten"),
    [
        (scans.kleines_pdf, "application/pdf", 1),
        (lambda: scans.tiff_aus_bildern([scans.leere_seite(), scans.leere_seite(3)]), "image/tiff", 2),
        (lambda: scans.jpeg(scans.leere_seite()), "image/jpeg", 1),
        (lambda: scans.born_digital_pdf(3), "application/pdf", 3),
        (lambda: scans.pdf_mit_seitengroesse(1684, 2384), "application/pdf", 1),  # DIN A1 still passes
    ],
)
def test_good_input_passes(tmp_path, daten, mime, seiten):
    pfad = tmp_path / "eingang"
    pfad.write_bytes(daten())
    ergebnis = preflight.pruefen(pfad)
    assert (ergebnis.mime_type, ergebnis.seiten) == (mime, seiten)


@pytest.mark.parametrize(
    ("seiten", "deckblaetter", "erwartet"),
    [
        (3, {}, [(None, [1, 2, 3])]),
        (5, {1: "A", 4: "B"}, [("A", [2, 3]), ("B", [5])]),
        (4, {2: "A"}, [(None, [1]), ("A", [3, 4])]),
        (3, {1: "A", 2: "B"}, [("B", [3])]),  # a cover sheet with nothing behind it makes no part
    ],
)
def test_teile_bilden(seiten, deckblaetter, erwartet):
    assert [(t.aktenzeichen, t.seiten) for t in teile_bilden(seiten, deckblaetter)] == erwartet


@pytest.mark.parametrize(("seiten", "duplex", "blatt"), [(0, True, 0), (1, True, 1), (2, True, 1), (5, True, 3),
                                                         (5, False, 5)])  # fmt: skip
def test_blatt_zaehlen(seiten, duplex, blatt):
    assert blatt_zaehlen(seiten, duplex=duplex) == blatt


def test_blank_page_detection_survives_noise_and_keeps_sparse_text():
    assert ist_leer(scans.leere_seite())
    assert not ist_leer(scans.brief_bild(scans.Brief(absaetze=[]), rauschen=0.002))
    assert not ist_leer(Image.new("L", (2480, 3508), 0))


def test_cover_sheet_qr_is_found_on_a_scanned_page():
    seite = scans.deckblatt_bild("OF-2026-000123").resize((827, 1169))  # 100 dpi, as the splitter looks
    assert code_auf_seite(seite) == "OF-2026-000123"
    assert code_auf_seite(scans.leere_seite().resize((827, 1169))) is None


@pytest.mark.parametrize("groesse", [0, 1, 8192, 8193, 3 * 1024 * 1024 + 5])
def test_sha256_und_groesse_streams_whole_file_and_rewinds(groesse):
    import hashlib
    import io

    from dms.dateien import sha256_und_groesse

    daten = bytes(i % 251 for i in range(groesse))
    datei = io.BytesIO(daten)
    datei.seek(3 if groesse > 3 else 0)
    assert sha256_und_groesse(datei) == (hashlib.sha256(daten).hexdigest(), groesse)
    assert datei.tell() == 0


def test_cover_sheet_found_in_a_scanned_stack_from_a_half_scale_jpeg_decode(tmp_path):
    import pikepdf

    from scanning.pipeline.raster import seite_rastern
    from scanning.pipeline.stapel import deckblaetter_finden

    brief = scans.brief_bild(scans.Brief(), seed=3)
    pfad = tmp_path / "stapel.pdf"
    pfad.write_bytes(scans.pdf_aus_bildern([brief, scans.deckblatt_bild("OF-2026-000321"), brief]))
    assert deckblaetter_finden(pfad, "application/pdf") == {2: "OF-2026-000321"}
    with pikepdf.open(pfad) as pdf:
        # The search asks for 100 dpi: the JPEG decoder itself delivers half scale; OCR gets every pixel.
        klein = seite_rastern(pfad, "application/pdf", 2, 100, pdf=pdf)
        voll = seite_rastern(pfad, "application/pdf", 2, 300, pdf=pdf)
    assert voll.info["dpi"] == (300, 300) and voll.width > 2400
    assert klein.info["dpi"] == (150, 150) and abs(klein.width - voll.width / 2) <= 1

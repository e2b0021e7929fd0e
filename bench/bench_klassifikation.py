# ruff: noqa: E501  (the Markdown tables of the report are long lines on purpose)
"""Legacy-file structuring and letter classification on generated, labelled sets NOT used for training.
Writes `<!-- bench:klassifikation -->` in docs/benchmarks.md.

    .venv/bin/python bench/bench_klassifikation.py [--akten 202] [--briefe 40] [--ocr 3] [--bildvergleich 40]

Trains the classifier from the repository's training set only (scanning/klassifikation/daten, seed 1), then:
- legacy files (seed 2026, 100–160 pages each, blank backs, OCR noise, 5 % prepared with separator sheets whose
  register is given to `gliedern` as the recognition step would): boundary F1, register right per page, kind right
  per document, share applied without asking and its correctness;
- letters (seed 4711, every kind): kind right, register right, wrong legal category on a letter of another kind;
- cost per page on top of OCR: the classifier's time per page against real Tesseract on rendered 300-dpi pages;
- page images: the same model with and without the pages' image features, and a text-only model, on held-out files
  (seed 2027) with normal OCR noise and with 30 % of the documents badly recognised (handwritten forms, photo pages).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, erreicht, maschine

from scanning.klassifikation.arten import ARTEN
from scanning.klassifikation.beispiele import altakte_erzeugen, brief_erzeugen
from scanning.klassifikation.bildmerkmale import bildmerkmale
from scanning.klassifikation.messung import akten_messen, briefe_messen
from scanning.klassifikation.training import trainingsdaten_lesen, trainingsmodell


def bildvergleich(k_bild, anzahl: int) -> tuple[list[tuple[str, str, dict[str, float]]], float, float]:
    """Boundary F1, register, kind and applied-without-asking correctness: text-only model, image model without and
    with the pages' image features; on normal files and on files with 30 % badly recognised documents. Also the
    feature cost per page (rendered page and a 300-dpi scan)."""
    start = time.perf_counter()
    k_text = trainingsmodell(mit_bild=False)
    print(f"Textmodell trainiert in {time.perf_counter() - start:.0f} s", flush=True)
    zeilen = []
    for name, schlecht in (("normale OCR", 0.0), ("30 % schlecht erkannt", 0.3)):
        rng = random.Random(2027)
        akten = [altakte_erzeugen(rng, 100, 160, 0.05, bilder=True, schlechte_ocr=schlecht) for _ in range(anzahl)]
        for variante, k, mit in (
            ("nur Text", k_text, False),
            ("Bildmodell ohne Bilder", k_bild, False),
            ("Text + Bild", k_bild, True),
        ):
            m = akten_messen(k, akten, bilder=mit)
            print(name, variante, m, flush=True)
            zeilen.append((name, variante, m))
    from scanning.klassifikation.beispiele import seite_rendern

    bild = seite_rendern("Reisepass\nName", "passkopie", True, random.Random(1))
    gross = bild.resize((2480, 3508))
    t = time.perf_counter()
    for _ in range(20):
        bildmerkmale(bild)
    klein_ms = (time.perf_counter() - t) / 20 * 1000
    t = time.perf_counter()
    for _ in range(5):
        bildmerkmale(gross)
    gross_ms = (time.perf_counter() - t) / 5 * 1000
    return zeilen, klein_ms, gross_ms


def ocr_sekunden_je_seite(anzahl: int) -> float:
    """Real Tesseract (`-l deu`, 300 dpi, OMP_THREAD_LIMIT=1) on rendered letter pages."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(7)
    schrift = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 36)
    dauer = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(anzahl):
            text = brief_erzeugen(rng.choice(list(ARTEN)), rng).replace("\f", "")
            bild = Image.new("L", (2480, 3508), 255)
            zeichnen = ImageDraw.Draw(bild)
            y = 200
            for zeile in text.splitlines():
                for teil in [zeile[j : j + 70] for j in range(0, max(1, len(zeile)), 70)]:
                    zeichnen.text((200, y), teil, font=schrift, fill=0)
                    y += 50
            pfad = Path(tmp) / f"s{i}.png"
            bild.save(pfad, dpi=(300, 300))
            start = time.perf_counter()
            subprocess.run(
                ["tesseract", str(pfad), "stdout", "-l", "deu", "--dpi", "300"],
                capture_output=True,
                check=True,
                env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
            )
            dauer += time.perf_counter() - start
    return dauer / anzahl


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--akten", type=int, default=202)
    parser.add_argument("--briefe", type=int, default=40, help="Briefe je Art")
    parser.add_argument("--ocr", type=int, default=3, help="Seiten für die OCR-Vergleichsmessung")
    parser.add_argument("--bildvergleich", type=int, default=40, help="Altakten je Bildvergleich (0: keiner)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auslaenderakte.settings")
    import django

    django.setup()  # settings for the machine line (PostgreSQL version); the classifier itself needs no database
    start = time.perf_counter()
    daten = trainingsdaten_lesen()
    k = trainingsmodell()
    training_s = time.perf_counter() - start
    print(f"trainiert auf {len(daten)} Dokumenten in {training_s:.0f} s", flush=True)
    rng = random.Random(2026)
    a = akten_messen(
        k,
        (
            altakte_erzeugen(rng, min_seiten=100, max_seiten=160, trennblaetter=0.05, bilder=True)
            for _ in range(args.akten)
        ),
    )
    print(a, flush=True)
    b = briefe_messen(k, random.Random(4711), args.briefe)
    print(b, flush=True)
    ocr = ocr_sekunden_je_seite(args.ocr)
    vergleich, klein_ms, gross_ms = bildvergleich(k, args.bildvergleich) if args.bildvergleich else ([], 0.0, 0.0)
    tabelle = "\n".join(
        f"| {n} | {v} | {m['f1']:.3f} | {100 * m['register']:.1f} % | {100 * m['art']:.1f} % | "
        f"{100 * m['sicher_anteil']:.1f} % / {100 * m['sicher_richtig']:.2f} % |"
        for n, v, m in vergleich
    )
    bildteil = (
        f"""

### Seitenbilder (Bildmerkmale) im Vergleich

{args.bildvergleich} weitere nicht trainierte Altakten (Seed 2027) je Zeile-Gruppe; Seitenbilder vom Generator gerendert
(Briefkopf, Formularraster, Passfoto und MRZ, Tabelle; jeweils manchmal fehlend). Bildmerkmale kosten {klein_ms:.1f} ms je
gerenderter Seite und {gross_ms:.0f} ms je 300-dpi-Seite (im OCR-Seitenlauf, zusätzlich zur OCR).

| Dateien | Modell | Grenzen F1 | Register je Seite | Art je Dokument | ohne Rückfrage / davon richtig |
|---|---|---|---|---|---|
{tabelle}

Die Bilder stammen aus demselben Generator wie die Trainingsbilder; die Zahlen zeigen, dass die Merkmale tragen, was
der Generator zeichnet, nicht ihre Güte auf echten Scans."""
        if vergleich
        else ""
    )
    anteil = a["ms_je_seite"] / 1000 / ocr
    jetzt = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    abschnitt = f"""## Altakten gliedern und Posteingang klassifizieren (`bench/bench_klassifikation.py`)

Gemessen am {jetzt} auf {maschine()}.
Klassifikator (TF-IDF Wörter + Zeichen-n-Gramme, logistische Regression; Grenzen: logistische Regression über Seitenkopf,
Seitenmerkmale und Bildmerkmale der Seiten) trainiert nur auf dem Trainingssatz im Repository ({len(daten)} Dokumente, Seed 1) in {training_s:.0f} s.
Gemessen auf **nicht** zum Training verwendeten, generierten Daten: {a["akten"]} Altakten mit {a["seiten"]} Seiten
(Seed 2026; Leerseiten, OCR-Rauschen, 5 % mit Registertrennblättern) und {b["briefe"]} Briefe aus {b["arten"]} Arten (Seed 4711).

| Messung | Wert | Ziel | |
|---|---|---|---|
| Dokumentgrenzen F1 (Präzision / Ausbeute) | {a["f1"]:.3f} ({a["praezision"]:.3f} / {a["ausbeute"]:.3f}) | ≥ 0,95 | {erreicht(a["f1"] >= 0.95)} |
| Register richtig je Seite | {100 * a["register"]:.1f} % | ≥ 90 % | {erreicht(a["register"] >= 0.9)} |
| Art richtig je Dokument | {100 * a["art"]:.1f} % | ≥ 80 % | {erreicht(a["art"] >= 0.8)} |
| ohne Rückfrage angewandt (Dokumente von {a["dokumente"]}) | {100 * a["sicher_anteil"]:.1f} %, davon richtig (Bereich und Art) {100 * a["sicher_richtig"]:.2f} % | richtig ≥ 99 % | {erreicht(a["sicher_richtig"] >= 0.99)} |
| Kosten je Seite zusätzlich zur OCR | {a["ms_je_seite"]:.1f} ms gegenüber {ocr:.2f} s Tesseract = {100 * anteil:.2f} % | < 10 % | {erreicht(anteil < 0.1)} |
| Posteingang: Art richtig | {100 * b["art"]:.1f} % | ≥ 90 % | {erreicht(b["art"] >= 0.9)} |
| Posteingang: Register richtig | {100 * b["register"]:.1f} % | ≥ 95 % | {erreicht(b["register"] >= 0.95)} |
| Posteingang: falsche rechtliche Kategorie bei anderer Art | {100 * b["falsch_rechtlich"]:.2f} % | ≤ 0,5 % | {erreicht(b["falsch_rechtlich"] <= 0.005)} |

Vorbehalt: Trainings- und Messdaten kommen aus demselben Generator (andere Seeds, andere Namen, Daten, Rauschen,
Reihenfolge); echte Altakten sind vielfältiger. Die Zahlen zeigen, dass Verfahren und Schwellen funktionieren, nicht
die Güte auf echten Beständen; dafür lernt der Klassifikator aus den Korrekturen (docs/klassifikation.md).
OCR-Vergleich: {args.ocr} gerenderte 300-dpi-Seiten, `tesseract -l deu`, `OMP_THREAD_LIMIT=1`; die Erkennung der
Trennblätter (QR-Code, nur auf Seiten ohne Text) ist nicht eingerechnet.{bildteil}
"""
    abschnitt_schreiben("klassifikation", abschnitt.strip())
    print(abschnitt)
    return 0


if __name__ == "__main__":
    sys.exit(main())

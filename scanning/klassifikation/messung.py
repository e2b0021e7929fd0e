"""Measuring the classifier on labelled, generated data (used by bench/bench_klassifikation.py and the tests)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable

from .arten import ARTEN, RECHTLICHE_KATEGORIEN, register_der_art
from .beispiele import Altakte, brief_erzeugen
from .modell import Klassifikator


def akten_messen(k: Klassifikator, akten: Iterable[Altakte], bilder: bool = True) -> dict[str, float]:
    """Boundary F1, register right per page, kind right per document, share of documents applied without asking
    and how many of those are right (range and kind exact), classifier time per page. `bilder`: give the pages'
    image features (where the files carry them) to the classifier."""
    tp = fp = fn = 0
    seiten_gesamt = seiten_register_ok = dok_gesamt = dok_art_ok = sicher = sicher_ok = anzahl = 0
    dauer = 0.0
    for akte in akten:
        anzahl += 1
        texte = [s.text for s in akte.seiten]
        trenn = {i: s.trennblatt for i, s in enumerate(akte.seiten, 1) if s.trennblatt}
        start = time.perf_counter()
        abschnitte = k.gliedern(texte, trenn, akte.bilder() if bilder else None)
        dauer += time.perf_counter() - start
        wahr = akte.dokumente()
        wahr_start, vor_start = {von for von, _, _ in wahr}, {a.von for a in abschnitte}
        tp, fp, fn = (
            tp + len(wahr_start & vor_start),
            fp + len(vor_start - wahr_start),
            fn + len(wahr_start - vor_start),
        )
        wahr_art = {(von, bis): art for von, bis, art in wahr}
        seite_register = {s: register_der_art(art) for von, bis, art in wahr for s in range(von, bis + 1)}
        for a in abschnitte:
            dok_gesamt += 1
            richtig = wahr_art.get((a.von, a.bis)) == a.art
            dok_art_ok += richtig
            if a.sicher:
                sicher += 1
                sicher_ok += richtig
            seiten_register_ok += sum(
                seite_register[s] == a.register for s in range(a.von, a.bis + 1) if s in seite_register
            )
        seiten_gesamt += len(seite_register)
    return {
        "akten": anzahl,
        "seiten": seiten_gesamt,
        "dokumente": dok_gesamt,
        "f1": 2 * tp / max(1, 2 * tp + fp + fn),
        "praezision": tp / max(1, tp + fp),
        "ausbeute": tp / max(1, tp + fn),
        "register": seiten_register_ok / max(1, seiten_gesamt),
        "art": dok_art_ok / max(1, dok_gesamt),
        "sicher_anteil": sicher / max(1, dok_gesamt),
        "sicher_richtig": sicher_ok / max(1, sicher),
        "ms_je_seite": 1000 * dauer / max(1, seiten_gesamt),
    }


def briefe_messen(k: Klassifikator, rng: random.Random, je_art: int) -> dict[str, float]:
    """Incoming letters of every kind: kind right, register right, and a legal category (Verpflichtungserklärung,
    Ausweisung, Asyl) given to a letter of another kind."""
    n = art_ok = reg_ok = falsch_rechtlich = andere = 0
    for art in ARTEN:
        for _ in range(je_art):
            erkannt, _konf = k.art_bestimmen(brief_erzeugen(art, rng))
            n += 1
            art_ok += erkannt == art
            reg_ok += register_der_art(erkannt) == register_der_art(art)
            if art not in RECHTLICHE_KATEGORIEN:
                andere += 1
                falsch_rechtlich += erkannt in RECHTLICHE_KATEGORIEN
    return {
        "briefe": n,
        "arten": len(ARTEN),
        "art": art_ok / max(1, n),
        "register": reg_ok / max(1, n),
        "falsch_rechtlich": falsch_rechtlich / max(1, andere),
    }

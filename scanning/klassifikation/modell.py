"""The classifier: kind of a document (TF-IDF over words and character n-grams + logistic regression) and document
boundaries in a scanned file (logistic regression over the page head's words and page features: similarity to the
previous page, change of the predicted kind, page numbering, closing formulas, blank pages).

Page images (bildmerkmale.py: letterhead, form lines, photo block, MRZ band, ...) join the boundary model where
they are known: each page's image features and their change against the previous page next to the text features.
The kind stays with the text: a second model over text probabilities and a document's image features was measured
and dropped (on files with poorly recognised text it assigned wrong kinds with confidence; docs/klassifikation.md).
Without image features (incoming letters, files recognised before they were stored) the text alone decides.

Pure: no database. `trainieren` builds a model from labelled documents and files; `gliedern` proposes the documents of
a file; `art_bestimmen` names the kind of one letter.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from .arten import ARTEN, UNSICHER, register_der_art
from .bildmerkmale import NAMEN as BILD_NAMEN

Bilder = Sequence[Sequence[float]] | np.ndarray | None  # image features per page (bildmerkmale.NAMEN), None: not known

# Thresholds (chosen on the training data, docs/klassifikation.md): a proposal at or above both is applied without
# asking; a letter below BRIEF_SCHWELLE is "Schreiben" in register 12.
ART_SCHWELLE = 0.85
GRENZ_SCHWELLE = 0.9
BRIEF_SCHWELLE = 0.5
KOPF_ZEICHEN = 250
MIN_TEXT = 8  # fewer non-space characters: a blank page (back side)

_SEITE_EINS = re.compile(r"\bseite\s*1\s*(von|/)\s*\d", re.IGNORECASE)
_SEITE_N = re.compile(r"\bseite\s*([2-9]|\d\d)\s*(von|/)\s*\d", re.IGNORECASE)
_SCHLUSS = re.compile(r"(mit freundlichen gr|unterschrift|im auftrag|der vorsitzende|siegel)", re.IGNORECASE)
_ANFANG = re.compile(r"(betreff|sehr geehrte|aktenzeichen|az\.|gesch\.-z|bescheid|antrag|formular)", re.IGNORECASE)


def ist_leer(text: str) -> bool:
    return len("".join(text.split())) < MIN_TEXT


def _vorbereiten(text: str) -> str:
    # Keep "§" and digits: "§ 68 AufenthG" must stay distinguishable (issue 17).
    return text.lower().replace("§", " paragraf ")


@dataclass
class Abschnitt:
    """One proposed document: pages `von`..`bis` (1-based, inclusive), its kind, register and certainty."""

    von: int
    bis: int
    art: str
    register: str
    art_konfidenz: float
    grenz_konfidenz: float
    trennblatt: bool = False  # the register came from a separator sheet
    alternativen: list[tuple[str, float]] = field(default_factory=list)

    @property
    def sicher(self) -> bool:
        return self.art_konfidenz >= ART_SCHWELLE and self.grenz_konfidenz >= GRENZ_SCHWELLE

    def als_json(self) -> dict[str, object]:
        return {
            "von": self.von,
            "bis": self.bis,
            "art": self.art,
            "register": self.register,
            "art_konfidenz": round(self.art_konfidenz, 4),
            "grenz_konfidenz": round(self.grenz_konfidenz, 4),
            "trennblatt": self.trennblatt,
            "sicher": self.sicher,
        }


@dataclass
class Beispieldatei:
    """A labelled file for boundary training: page texts and whether a document begins on each page."""

    seiten: list[str]
    beginn: list[bool]
    bilder: list[list[float]] | None = None


def _bildmatrix(bilder: Bilder, n: int) -> np.ndarray | None:
    if bilder is None or len(bilder) != n:
        return None
    return np.asarray(bilder, dtype=float).reshape(n, len(BILD_NAMEN))


class Klassifikator:
    def __init__(self, mit_bild: bool = True) -> None:
        self.mit_bild = mit_bild
        self.art_modell = Pipeline(
            [
                (
                    "merkmale",
                    FeatureUnion(
                        [
                            (
                                "woerter",
                                TfidfVectorizer(
                                    preprocessor=_vorbereiten, ngram_range=(1, 2), min_df=2, sublinear_tf=True
                                ),
                            ),
                            (
                                "zeichen",
                                TfidfVectorizer(
                                    preprocessor=_vorbereiten,
                                    analyzer="char_wb",
                                    ngram_range=(3, 5),
                                    min_df=2,
                                    sublinear_tf=True,
                                    max_features=60000,
                                ),
                            ),
                        ]
                    ),
                ),
                ("lr", LogisticRegression(C=20.0, max_iter=2000)),
            ]
        )
        self.kopf = TfidfVectorizer(preprocessor=_vorbereiten, ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.aehnlich = TfidfVectorizer(preprocessor=_vorbereiten, min_df=1, sublinear_tf=True)
        self.grenz_modell = LogisticRegression(C=2.0, max_iter=2000, class_weight="balanced")
        self.arten: list[str] = []
        self.anzahl_beispiele = 0

    # ------------------------------------------------------------ kind

    def art_wahrscheinlichkeiten(self, texte: Sequence[str]) -> np.ndarray:
        return np.asarray(self.art_modell.predict_proba(list(texte)))

    def art_bestimmen(self, text: str) -> tuple[str, float]:
        """Kind of one incoming letter; "Schreiben" when unsure rather than a guessed legal category."""
        p = self.art_wahrscheinlichkeiten([text])[0]
        i = int(p.argmax())
        if p[i] < BRIEF_SCHWELLE:
            return UNSICHER, float(p[i])
        return self.arten[i], float(p[i])

    # ------------------------------------------------------------ boundaries

    def _seitenmerkmale(self, seiten: Sequence[str], seiten_p: np.ndarray, bilder: Bilder = None) -> sparse.csr_matrix:
        """One row per page: page-head words + dense features relative to the previous non-blank page (+ the page
        image's features and their change against that page, when the model uses images)."""
        kopf = self.kopf.transform([s[:KOPF_ZEICHEN] for s in seiten])
        bild = _bildmatrix(bilder, len(seiten))
        vek = self.aehnlich.transform(list(seiten))
        dicht = []
        vorher = -1
        for i, s in enumerate(seiten):
            if vorher < 0:
                sim, abstand, gleich, schluss = 0.0, 1.0, 0.0, 1.0
            else:
                sim = float(vek[i].multiply(vek[vorher]).sum())
                abstand = float(np.abs(seiten_p[i] - seiten_p[vorher]).sum() / 2)
                gleich = float(seiten_p[i].argmax() == seiten_p[vorher].argmax())
                schluss = float(bool(_SCHLUSS.search(seiten[vorher][-300:])))
            dicht.append(
                [
                    sim,
                    abstand,
                    gleich,
                    schluss,
                    float(bool(_SEITE_EINS.search(s))),
                    float(bool(_SEITE_N.search(s))),
                    float(bool(_ANFANG.search(s[:KOPF_ZEICHEN]))),
                    float(vorher < 0),
                    float(i > 0 and ist_leer(seiten[i - 1])),
                    min(len(s), 3000) / 3000,
                ]
            )
            if self.mit_bild:
                if bild is None:
                    dicht[-1] += [0.0] * (2 * len(BILD_NAMEN)) + [0.0]
                else:
                    vor = bild[vorher] if vorher >= 0 else np.zeros(len(BILD_NAMEN))
                    dicht[-1] += [*(10 * bild[i]), *(10 * np.abs(bild[i] - vor)), 1.0]
            if not ist_leer(s):
                vorher = i
        return sparse.hstack([kopf, sparse.csr_matrix(np.array(dicht))]).tocsr()

    def beginn_wahrscheinlichkeiten(self, seiten: Sequence[str], bilder: Bilder = None) -> list[float]:
        """Probability that a new document begins on each page; 0 for blank pages (a blank back belongs to the
        document before it); 1 for the first non-blank page."""
        if not seiten:
            return []
        seiten_p = self.art_wahrscheinlichkeiten(seiten)
        p = self.grenz_modell.predict_proba(self._seitenmerkmale(seiten, seiten_p, bilder))[:, 1]
        aus, erste = [], True
        for s, wert in zip(seiten, p, strict=True):
            if ist_leer(s):
                aus.append(0.0)
            elif erste:
                aus.append(1.0)
                erste = False
            else:
                aus.append(float(wert))
        return aus

    # ------------------------------------------------------------ a whole file

    def gliedern(
        self, seiten: Sequence[str], trennblaetter: dict[int, str] | None = None, bilder: Bilder = None
    ) -> list[Abschnitt]:
        """Proposed documents of a file. `trennblaetter` = {page: register} of separator sheets (1-based): a
        document begins after each, in that register; the sheets themselves belong to no document. `bilder`: the
        pages' image features (bildmerkmale), if known."""
        trennblaetter = trennblaetter or {}
        n = len(seiten)
        if n == 0:
            return []
        inhalt = [("" if (i + 1) in trennblaetter else s) for i, s in enumerate(seiten)]
        bild = _bildmatrix(bilder, n) if self.mit_bild else None
        p = self.beginn_wahrscheinlichkeiten(inhalt, bild)
        register_ab: dict[int, str] = {}
        erzwungen: set[int] = set()
        for blatt, reg in trennblaetter.items():
            nach = blatt + 1
            while nach <= n and nach in trennblaetter:
                nach += 1
            if nach <= n:
                erzwungen.add(nach)
                register_ab[nach] = reg
        grenzen: list[tuple[int, float]] = []  # (start page, certainty of that boundary)
        for i in range(1, n + 1):
            if i in trennblaetter:
                continue
            if i in erzwungen or p[i - 1] >= 0.5 or not grenzen:
                grenzen.append((i, 1.0 if i in erzwungen else p[i - 1]))
        abschnitte: list[Abschnitt] = []
        aktuelles_register = ""
        for k, (von, sicherheit) in enumerate(grenzen):
            bis = (grenzen[k + 1][0] - 1) if k + 1 < len(grenzen) else n
            while bis > von and (bis in trennblaetter):
                bis -= 1
            if von in register_ab:
                aktuelles_register = register_ab[von]
            innen = [max(p[i - 1], 1 - p[i - 1]) for i in range(von + 1, bis + 1) if not ist_leer(inhalt[i - 1])]
            grenz_konf = min([sicherheit, *innen])
            text = "\n".join(inhalt[von - 1 : bis])
            abschnitte.append(self._abschnitt(von, bis, text, grenz_konf, aktuelles_register))
        return abschnitte

    def _abschnitt(self, von: int, bis: int, text: str, grenz_konf: float, register: str) -> Abschnitt:
        p = self.art_wahrscheinlichkeiten([text])[0]
        reihenfolge = list(np.argsort(-p))
        if register:
            # A separator sheet decides the register; the kind is the most likely one within it.
            passend = [i for i in reihenfolge if register_der_art(self.arten[i]) == register]
            if passend:
                i = passend[0]
                return Abschnitt(von, bis, self.arten[i], register, float(p[i]), grenz_konf, trennblatt=True)
            return Abschnitt(von, bis, UNSICHER, register, 0.0, grenz_konf, trennblatt=True)
        i = reihenfolge[0]
        art = self.arten[i]
        alternativen = [(self.arten[j], float(p[j])) for j in reihenfolge[1:3]]
        return Abschnitt(von, bis, art, register_der_art(art), float(p[i]), grenz_konf, alternativen=alternativen)


Dokument = tuple[str, list[str], list[list[float]] | None]  # kind, page texts, page image features (or None)
LEERES_BILD = [0.0] * len(BILD_NAMEN)


def _dateien_zusammenstellen(
    dokumente: Sequence[Dokument], rng: random.Random, je_datei: int = 25
) -> list[Beispieldatei]:
    """Labelled files assembled from labelled documents in random order, with blank backs; a quarter of them
    without image features (so the boundary model also works where none are known)."""
    reihe = list(dokumente)
    rng.shuffle(reihe)
    dateien = []
    for start in range(0, len(reihe), je_datei):
        seiten: list[str] = []
        beginn: list[bool] = []
        bilder: list[list[float]] | None = []
        for _, s, b in reihe[start : start + je_datei]:
            for i, text in enumerate(s):
                seiten.append(text)
                beginn.append(i == 0)
                if bilder is not None:
                    bilder = None if b is None else [*bilder, b[i]]
                if rng.random() < 0.2:
                    seiten.append("")
                    beginn.append(False)
                    if bilder is not None:
                        bilder.append(LEERES_BILD)
        dateien.append(Beispieldatei(seiten, beginn, None if rng.random() < 0.25 else bilder))
    return dateien


def trainieren(
    dokumente: Sequence[tuple[str, list[str]]],
    dateien: Sequence[Beispieldatei] = (),
    seed: int = 1,
    bilder: Sequence[list[list[float]] | None] | None = None,
    mit_bild: bool = True,
) -> Klassifikator:
    """Train on labelled documents (kind, page texts; `bilder`: their pages' image features, aligned, or None) and
    labelled files (boundaries; caseworkers' corrections). `mit_bild=False`: text only (the comparison in the
    benchmark).

    The boundary model learns from page features whose kind probabilities come from a kind model that has NOT seen
    those pages (two halves, each predicting the other), so it does not learn to trust over-confident kinds."""
    rng = random.Random(seed)  # noqa: S311  (reproducible training, not security)
    mit_bildern = list(bilder) if (bilder is not None and mit_bild) else [None] * len(dokumente)
    reihe: list[Dokument] = [
        (a, list(s), b) for (a, s), b in zip(dokumente, mit_bildern, strict=True) if a in ARTEN and s
    ]
    rng.shuffle(reihe)
    k = Klassifikator(mit_bild=mit_bild)
    texte, arten = _art_daten(reihe)
    k.art_modell.fit(texte, arten)
    k.arten = [str(a) for a in k.art_modell.classes_]
    grenz_dateien: list[tuple[Beispieldatei, Klassifikator]] = []
    haelften = [reihe[::2], reihe[1::2]]
    for a, b in ((0, 1), (1, 0)):
        hilf = Klassifikator(mit_bild=mit_bild)
        t, ar = _art_daten(haelften[a])
        hilf.art_modell.fit(t, ar)
        hilf.arten = [str(x) for x in hilf.art_modell.classes_]
        grenz_dateien += [(d, hilf) for d in _dateien_zusammenstellen(haelften[b], rng)]
    grenz_dateien += [(d, k) for d in dateien]
    alle_seiten = [s for d, _ in grenz_dateien for s in d.seiten]
    k.kopf.fit([s[:KOPF_ZEICHEN] for s in alle_seiten])
    k.aehnlich.fit(alle_seiten)
    x = sparse.vstack(
        [k._seitenmerkmale(d.seiten, m.art_wahrscheinlichkeiten(d.seiten), d.bilder) for d, m in grenz_dateien]
    )
    y = np.concatenate([np.array(d.beginn, dtype=int) for d, _ in grenz_dateien])
    k.grenz_modell.fit(x, y)
    k.anzahl_beispiele = len(reihe) + len(dateien)
    return k


def _art_daten(dokumente: Sequence[Dokument]) -> tuple[list[str], list[str]]:
    """Training texts for the kind model: each document whole, and each of its non-blank pages alone (a page's
    kind is needed for the boundary features)."""
    texte, arten = [], []
    for art, seiten, _ in dokumente:
        texte.append("\n".join(seiten))
        arten.append(art)
        if len(seiten) > 1:
            for s in seiten:
                if not ist_leer(s):
                    texte.append(s)
                    arten.append(art)
    return texte, arten

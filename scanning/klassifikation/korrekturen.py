"""Corrections as training examples: each confirmed structure gives its documents (kind + pages) and the file
(boundaries); each corrected letter its kind."""

from __future__ import annotations

from typing import Any

from .arten import ARTEN
from .modell import Beispieldatei
from .models import Klassifikationskorrektur

MAX_KORREKTUREN = 20000
MAX_TEXT_JE_SEITE = 2000


def korrekturen_laden() -> tuple[list[tuple[str, list[str]]], list[Beispieldatei]]:
    dokumente: list[tuple[str, list[str]]] = []
    dateien: list[Beispieldatei] = []
    for seiten, abschnitte in Klassifikationskorrektur.objects.order_by("-angelegt_am").values_list(
        "seiten", "abschnitte"
    )[:MAX_KORREKTUREN]:
        seiten = [str(s) for s in seiten]
        beginn = [False] * len(seiten)
        for a in abschnitte:
            von, bis = int(a["von"]), int(a["bis"])
            if not 1 <= von <= bis <= len(seiten):
                continue
            beginn[von - 1] = True
            if a.get("art"):
                dokumente.append((str(a["art"]), seiten[von - 1 : bis]))
        if len(seiten) > 1:
            dateien.append(Beispieldatei(seiten, beginn))
    return dokumente, dateien


def art_des_registers(register_nummer: str) -> str | None:
    """The kind a register implies when it holds exactly one kind (02 Passkopie, 04 Verpflichtungserklärung, ...);
    None for registers with several (03, 12)."""
    arten = [art for art, (_, reg) in ARTEN.items() if reg == register_nummer]
    return arten[0] if len(arten) == 1 else None


def art_der_ablage(art: str, register_nummer: str) -> str | None:
    """The classifier's kind for a caseworker's filing: the kind chosen in the in-tray's filing form when the
    classifier knows it (every register, 03 and 12 included), else the one kind the register implies."""
    return art if art in ARTEN else art_des_registers(register_nummer)


def posteingang_korrektur_speichern(
    *, behoerde_id: int, text: str, register_nummer: str, user: Any, art: str = ""
) -> bool:
    """A caseworker filed an incoming item with another kind or into another register than proposed: a training
    example (the chosen kind, or the kind the register implies). Called inside the filing service's transaction."""
    art_neu = art_der_ablage(art, register_nummer)
    if art_neu is None or not text.strip():
        return False
    seiten = [s.strip()[:MAX_TEXT_JE_SEITE] for s in text.split("\f") if s.strip()]
    Klassifikationskorrektur.objects.create(
        behoerde_id=behoerde_id,
        quelle=Klassifikationskorrektur.Quelle.POSTEINGANG,
        seiten=seiten,
        abschnitte=[{"von": 1, "bis": len(seiten), "art": art_neu}],
        geaendert=True,
        angelegt_von=user if user is not None and user.is_authenticated else None,
    )
    return True

"""Corrections as training examples: each confirmed structure gives its documents (kind + pages) and the file
(boundaries); each corrected letter its kind."""

from __future__ import annotations

from .modell import Beispieldatei
from .models import Klassifikationskorrektur

MAX_KORREKTUREN = 20000


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

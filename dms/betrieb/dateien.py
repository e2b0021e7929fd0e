"""Which stored files the database refers to, by source. Each app registers its own sources (dms: document
versions; scanning: mail items), so the integrity check and the backup see every referenced file without
importing the apps. A source lists rows in primary-key order, so a check can resume after the last key."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Datei:
    pfad: str
    sha256: str = ""  # empty: no checksum recorded (e.g. thumbnails): only presence is checked


@dataclass(frozen=True)
class Dateiquelle:
    name: str
    # (after_pk, limit) -> [(pk, files)] in ascending pk order
    zeilen: Callable[[int, int], list[tuple[int, list[Datei]]]]


_QUELLEN: dict[str, Dateiquelle] = {}


def dateiquelle_registrieren(quelle: Dateiquelle) -> None:
    _QUELLEN[quelle.name] = quelle


def dateiquellen() -> list[Dateiquelle]:
    return [_QUELLEN[n] for n in sorted(_QUELLEN)]


def modellquelle(
    name: str, modell: type[Model], felder: Iterable[tuple[str, str]], listenfeld: str = ""
) -> Dateiquelle:
    """A source over a model: `felder` are (file field, checksum field or ""), `listenfeld` a JSON list of paths."""
    felder = tuple(felder)
    spalten = ["pk", *(f for f, _ in felder), *(s for _, s in felder if s), *([listenfeld] if listenfeld else [])]

    def zeilen(nach: int, anzahl: int) -> list[tuple[int, list[Datei]]]:
        ergebnis = []
        for zeile in modell._default_manager.filter(pk__gt=nach).order_by("pk").values(*spalten)[:anzahl]:
            dateien = [Datei(zeile[f], zeile[s] if s else "") for f, s in felder if zeile[f]]
            if listenfeld:
                dateien += [Datei(p) for p in zeile[listenfeld] or [] if isinstance(p, str) and p]
            ergebnis.append((zeile["pk"], dateien))
        return ergebnis

    return Dateiquelle(name, zeilen)


def alle_dateien(batch: int = 1000) -> Iterator[tuple[str, int, Datei]]:
    """Every referenced file of every source, streamed in batches (bounded memory)."""
    for quelle in dateiquellen():
        nach = 0
        while True:
            zeilen = quelle.zeilen(nach, batch)
            if not zeilen:
                break
            for pk, dateien in zeilen:
                for datei in dateien:
                    yield quelle.name, pk, datei
            nach = zeilen[-1][0]

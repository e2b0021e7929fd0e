"""Kind and register of an incoming letter (the pipeline's filing step, scanning/pipeline/posteingang.py)."""

from __future__ import annotations

import logging

from .arten import register_der_art
from .training import klassifikator_falls_vorhanden

logger = logging.getLogger("scanning.klassifikation")


def brief_einordnen(text: str) -> tuple[str, str] | None:
    """(kind, register) by the trained classifier; "Schreiben" in register 12 when it is unsure. None when no model
    has been trained on this machine yet (the caller then falls back to the keyword rules)."""
    k = klassifikator_falls_vorhanden()
    if k is None or not text.strip():
        return None
    art, _konfidenz = k.art_bestimmen(text)
    return art, register_der_art(art)

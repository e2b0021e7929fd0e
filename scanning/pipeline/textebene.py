"""Born-digital PDFs: pages that already carry a text layer skip OCR; their text comes from pdftotext."""

from __future__ import annotations

import subprocess
from pathlib import Path

# A page with at least this many non-space characters in its text layer is taken as born-digital.
MIN_ZEICHEN = 20


def seitentexte(pfad: Path, seiten: int, timeout: int = 300, *, ab_seite: int = 1) -> list[str]:
    """The text layer of `seiten` pages from `ab_seite` on (empty strings for pages without one), one pdftotext run."""
    bereich = ["-f", str(ab_seite), "-l", str(ab_seite + seiten - 1)]
    try:
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-layout", *bereich, str(pfad), "-"],
            capture_output=True,
            timeout=timeout,
            check=False,
        ).stdout.decode("utf-8", errors="replace")
    except (subprocess.TimeoutExpired, OSError):
        return [""] * seiten
    teile = out.split("\f")
    teile = (teile + [""] * seiten)[:seiten]
    return [t.strip() for t in teile]


def hat_textebene(text: str) -> bool:
    return len("".join(text.split())) >= MIN_ZEICHEN

"""Peak memory of assembling a court PDF (`satz.zusammenstellen`), measured in a fresh process so nothing else of the
test run counts: `python -m tests.dms.gericht.speicher SEITEN TEIL_SEITEN` prints JSON with the growth of the
process's peak resident memory (VmHWM, reset after the documents are made) during the build, in KB, and its
seconds and CPU seconds. No database:
the documents are generated PDFs of 10 pages with a text layer, opened from bytes like stored files.

Linux only (/proc/self/status, /proc/self/clear_refs)."""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dms.gericht import satz
from dms.pdfsatz import schriften

SEITEN_JE_DOKUMENT = 10


def _status_kb(feld: str) -> int:
    for zeile in Path("/proc/self/status").read_text().splitlines():
        if zeile.startswith(f"{feld}:"):
            return int(zeile.split()[1])
    raise RuntimeError(feld)


def dokument(nummer: int) -> bytes:
    """10 pages with a text line and a frame, the font embedded (DejaVu, as a searchable copy's would be)."""
    normal, _fett = schriften()
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4, invariant=True)
    for seite in range(1, SEITEN_JE_DOKUMENT + 1):
        c.setFont(normal, 12)
        c.drawString(72, 700, f"Schreiben {nummer} Seite {seite}")
        c.rect(72, 300, 300, 200)
        c.showPage()
    c.save()
    return puffer.getvalue()


def teile(anzahl: int, register: list[str]) -> list[satz.Teil]:
    """`anzahl` documents of 10 pages (five different ones in turn), in the registers in turn."""
    inhalt = [dokument(n) for n in range(5)]
    return [
        satz.Teil(
            f"Schreiben {i}",
            "01.12.2026",
            register[i % len(register)],
            "",
            lambda i=i: pikepdf.open(io.BytesIO(inhalt[i % 5])),  # type: ignore[misc]
            list(range(i * SEITEN_JE_DOKUMENT + 1, (i + 1) * SEITEN_JE_DOKUMENT + 1)),
        )
        for i in range(anzahl)
    ]


def messen(seiten: int, teil_seiten: int) -> dict[str, float]:
    satz.TEIL_SEITEN = teil_seiten
    dokumente = teile(seiten // SEITEN_JE_DOKUMENT, ["Register 1", "Register 2", "Register 3"])
    zeilen = [satz.Verzeichniszeile(f"{i}", "01.12.2026", t.titel, t.register, i) for i, t in enumerate(dokumente)]
    auftrag = satz.Satzauftrag("Aktenvorlage", [("Behörde", "Test")], zeilen, dokumente, "Anhang", ["Eintrag"] * 50)
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS now
    vorher = _status_kb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile() as ziel:
        pdf_seiten = satz.zusammenstellen(auftrag, ziel)
    return {
        "pdf_seiten": pdf_seiten,
        "zuwachs_kb": _status_kb("VmHWM") - vorher,
        "s": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
    }


if __name__ == "__main__":
    print(json.dumps(messen(int(sys.argv[1]), int(sys.argv[2]))))

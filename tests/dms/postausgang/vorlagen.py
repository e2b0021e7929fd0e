"""DOCX letter templates for the tests (python-docx with docxtpl fields)."""

from __future__ import annotations

import io

from docx import Document


def vorlage_docx(*zeilen: str) -> bytes:
    d = Document()
    d.add_heading("Stadt Offenbach am Main – Ausländerbehörde", level=2)
    for z in zeilen or (
        "{{ name }}",
        "{{ anschrift }}",
        "Aktenzeichen: {{ aktenzeichen }}        Offenbach, {{ datum }}",
        "{{ betreff }}",
        "{{ anrede }}",
        "{{ text }}",
        "Mit freundlichen Grüßen",
        "{{ sachbearbeitung }}",
    ):
        d.add_paragraph(z)
    puffer = io.BytesIO()
    d.save(puffer)
    return puffer.getvalue()

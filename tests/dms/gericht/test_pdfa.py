"""PDF/A claims checked on the PDFs the system really produces (court submission, Übereinstimmungsnachweis in
test_qes.py) with the structural checks of dms/pdfa.py (veraPDF does not install here); and the checks do fail
on a PDF that is not PDF/A."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest

from dms.gericht.services import aktenvorlage_anfordern, aktenvorlage_erstellen
from dms.pdfa import pdfa_pruefen
from dms.pdfsatz import Satz, satz_pdf
from dms.services.dokumente import ableitungen_speichern, dokument_anlegen
from tests import factories as f

from .hilfen import dokument_ablegen, pdf_erzeugen

pytestmark = pytest.mark.django_db


def test_the_court_submission_passes_the_pdfa_checks(sachbearbeitung):
    """With filed documents whose fonts are embedded (as ocrmypdf's searchable copies are); an original with a
    non-embedded font makes the court PDF fail this check (the last lines)."""
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung, team=f.TeamFactory())
    inhalt = satz_pdf(Satz(titel="Antrag auf Verlängerung", abschnitte=[("", ["Seite 1 Ayşe Yılmaz"])]))
    dok = dokument_anlegen(
        akte=akte,
        register=f.register("03"),
        datei=io.BytesIO(inhalt),
        dateiname="antrag.pdf",
        titel="Antrag",
        user=None,
        verarbeiten=False,
    )
    ableitungen_speichern(
        version=dok.versionen.get(),
        text="Antrag",
        seiten=1,
        blatt=1,
        pdf=io.BytesIO(inhalt),
        pdf_sha256=hashlib.sha256(inhalt).hexdigest(),
    )
    vorlage = aktenvorlage_anfordern(akte=akte, user=sachbearbeitung, anlass="Klage", empfaenger="VG Darmstadt")
    vorlage = aktenvorlage_erstellen(vorlage_id=vorlage.pk)
    with vorlage.datei.open("rb") as fh:
        pdf = fh.read()
    assert pdfa_pruefen(pdf) == []

    dokument_ablegen(akte, "Fax mit Helvetica", 1, user=sachbearbeitung)  # reportlab's Helvetica, not embedded
    vorlage = aktenvorlage_anfordern(akte=akte, user=sachbearbeitung, anlass="Klage", empfaenger="VG Darmstadt")
    vorlage = aktenvorlage_erstellen(vorlage_id=vorlage.pk)
    with vorlage.datei.open("rb") as fh:
        assert pdfa_pruefen(fh.read()) == ["Schrift nicht eingebettet: /Helvetica."]


def test_the_checks_find_what_makes_a_pdf_not_pdfa():
    # reportlab's plain output: Helvetica not embedded, no XMP, no output intent
    befunde = pdfa_pruefen(pdf_erzeugen(["Kein PDF/A"]))
    assert "Keine XMP-Metadaten im Katalog." in befunde
    assert "Keine OutputIntent GTS_PDFA1." in befunde
    assert any(b.startswith("Schrift nicht eingebettet: /Helvetica") for b in befunde)

    with pikepdf.open(io.BytesIO(pdf_erzeugen(["x"]))) as pdf:
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array()))
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        puffer = io.BytesIO()
        pdf.save(puffer, encryption=pikepdf.Encryption(owner="o", user="", R=4))
    befunde = pdfa_pruefen(puffer.getvalue())
    assert "Verschlüsselt (PDF/A verbietet Verschlüsselung)." in befunde
    assert {"JavaScript oder Zusatzaktionen im Katalog.", "JavaScript-Aktion."} <= set(befunde)

"""Inspection copy with redaction: only the chosen documents, same sheet numbers, the redacted text gone from the
copy (pdfminer, pdftotext, pikepdf content streams), the redacted pixels uniform, the withheld recorded."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pypdfium2 as pdfium
import pytest
from pdfminer.high_level import extract_text

from dms.gericht.services import einsichtskopie_erstellen
from dms.models import Einsichtskopie, Protokolleintrag
from tests import factories as f

from .hilfen import dokument_ablegen

pytestmark = pytest.mark.django_db

# hilfen.pdf_erzeugen draws the text at x=72, baseline y=700 (14 pt Helvetica) and again at y=400 ("… unten").
OBEN = [60.0, 690.0, 400.0, 720.0]


@pytest.fixture
def akte(sachbearbeitung):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokument_ablegen(akte, "Antrag", 2, user=sachbearbeitung)
    dokument_ablegen(akte, "Sicherheitsvermerk LfV", 1, user=sachbearbeitung)
    dokument_ablegen(akte, "Aussage Dritter", 2, user=sachbearbeitung)
    return akte


def _ids(akte) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {d.titel: d.pk for d in akte.dokumente.all()}


def _pdf(api, antwort) -> bytes:  # type: ignore[no-untyped-def]
    """The client's way: 201 with the job's URL; poll it; once `fertig`, `datei` is the PDF's URL. The Celery task
    runs here directly (its on_commit hook does not fire inside the test transaction)."""
    job = antwort.json()
    assert job["status"] == "wartet" and job["datei"] is None and antwort["Location"] == job["url"]
    assert api.get(job["url"] + "datei/").status_code == 404  # not before it is finished
    einsichtskopie_erstellen(kopie_id=job["id"])
    status = api.get(job["url"]).json()
    assert status["status"] == "fertig" and status["fortschritt"] == 100
    return b"".join(api.get(status["datei"]).streaming_content)


def test_redacted_text_is_gone_and_pixels_are_uniform(api, akte):
    ids = _ids(akte)
    antwort = api.post(
        f"/api/v1/akten/{akte.pk}/akteneinsicht/",
        {
            "dokumente": [ids["Antrag"], ids["Aussage Dritter"]],
            "schwaerzungen": [
                {"dokument": ids["Aussage Dritter"], "seite": 2, "rechteck": OBEN, "grund": "Daten Dritter"},
                {"dokument": ids["Antrag"], "seite": 1, "rechteck": None, "grund": "interner Vermerk"},
            ],
            "empfaenger": "RA Dr. Weber, Frankfurt",
            "grund": "Sicherheitsbedenken (§ 29 Abs. 2 HVwVfG)",
        },
        format="json",
    )
    assert antwort.status_code == 201, antwort.content
    pdf = _pdf(api, antwort)
    text = extract_text(io.BytesIO(pdf))
    assert "Antrag Seite 2" in text  # not redacted
    assert "Aussage Dritter Seite 1" in text
    assert "Antrag Seite 1" not in text  # whole page redacted
    assert "Aussage Dritter Seite 2" not in text  # the box over it
    assert "Sicherheitsvermerk" not in text.replace("nicht zur Einsicht vorgelegt", "")
    with io.BytesIO(pdf) as fh:
        pdftotext = subprocess.run(["pdftotext", "-", "-"], input=fh.read(), capture_output=True, check=True).stdout
    assert b"Aussage Dritter Seite 2" not in pdftotext
    with pikepdf.open(io.BytesIO(pdf)) as p:
        # cover, contents, Antrag 2 pages, Aussage 2 pages
        assert len(p.pages) == 6
        for page in p.pages:
            page.contents_coalesce()
        roh = b"".join(page.obj.Contents.read_bytes() if "/Contents" in page.obj else b"" for page in p.pages)
        assert b"Aussage Dritter Seite 2" not in roh
        assert set(p.docinfo.keys()) <= {"/Title"}  # no author, creator or producer of the originals
        assert all("/Annots" not in page.obj for page in p.pages[2:])
    # sheet numbers as in the file: Antrag 1–2, the withheld note is 3, Aussage 4–5
    for seite, blatt in ((2, 1), (3, 2), (4, 4), (5, 5)):
        assert f"Bl. {blatt}" in extract_text(io.BytesIO(pdf), page_numbers=[seite])
    assert "nicht zur Einsicht vorgelegt" in extract_text(io.BytesIO(pdf), page_numbers=[1])
    # pixels under the box: uniform black (sampled below the "geschwärzt" label)
    dok = pdfium.PdfDocument(pdf)
    bild = dok[5].render(scale=1).to_pil().convert("L")
    x0, y0, x1, y1 = OBEN
    hoehe = bild.height
    streifen = bild.crop((int(x0) + 2, int(hoehe - y1) + 24, int(x1) - 2, int(hoehe - y0) - 2))
    assert streifen.getextrema() == (0, 0)
    dok.close()

    kopie = Einsichtskopie.objects.get()
    assert {s["grund"] for s in kopie.schwaerzungen} == {"Daten Dritter", "interner Vermerk"}
    assert [z["dokument"] for z in kopie.zurueckgehalten] == [ids["Sicherheitsvermerk LfV"]]
    eintrag = Protokolleintrag.objects.get(akte_id_wert=akte.pk, aktion="export")
    assert eintrag.details["empfaenger"] == "RA Dr. Weber, Frankfurt"
    assert eintrag.details["schwaerzungen"] == 2


def test_redaction_needs_a_reason_and_own_documents(api, fremde_api, akte):
    ids = _ids(akte)
    ohne_grund = {
        "dokumente": [ids["Antrag"]],
        "schwaerzungen": [{"dokument": ids["Antrag"], "seite": 1, "rechteck": OBEN}],
        "empfaenger": "RA",
    }
    assert api.post(f"/api/v1/akten/{akte.pk}/akteneinsicht/", ohne_grund, format="json").status_code == 400
    fremd = dokument_ablegen(f.AkteFactory(), "Fremd", 1)
    fremde_wahl = {"dokumente": [fremd.pk], "empfaenger": "RA"}
    assert api.post(f"/api/v1/akten/{akte.pk}/akteneinsicht/", fremde_wahl, format="json").status_code == 400
    wahl = {"dokumente": [ids["Antrag"]], "empfaenger": "RA"}
    assert fremde_api.post(f"/api/v1/akten/{akte.pk}/akteneinsicht/", wahl, format="json").status_code == 404
    assert Einsichtskopie.objects.count() == 0

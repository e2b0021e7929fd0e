"""The desk tests' small authority (tests/dms/schreibtisch/conftest.py) and in-tray items with recognised text."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from dms.models import Rolle
from tests import factories as f
from tests.dms.schreibtisch.conftest import amt  # noqa: F401 - the shared fixture
from tests.dms.ui.conftest import pdf_mit_text


@pytest.fixture
def leitung(amt):  # noqa: F811
    return f.benutzer("OF", Rolle.TEAMLEITUNG, team=amt.team)


@pytest.fixture
def eingang_mit_text(tmp_path: Path):
    """An in-tray item taken through the mail room's own services: accepted, text recognised (as the pipeline
    stores it), put into a team's in-tray, optionally forwarded to one person."""
    from scanning import services
    from scanning.models import Posteingang

    def machen(text: str, *, team=None, zugewiesen_an=None, kuerzel: str = "OF", name: str = "scan.pdf"):
        inhalt = pdf_mit_text(*text.split("\n"))
        p = services.posteingang_annehmen(
            behoerde=f.behoerde(kuerzel), datei=io.BytesIO(inhalt), dateiname=name, einreihen=False
        )
        services.schritt_setzen(posteingang_id=p.pk, von="", nach=Posteingang.Schritt.AUFGETEILT)
        pdf = tmp_path / f"{p.pk}.pdf"
        pdf.write_bytes(inhalt)
        services.erkennung_speichern(
            posteingang_id=p.pk,
            pdf=pdf,
            pdf_sha256=hashlib.sha256(inhalt).hexdigest(),
            text=text,
            seiten=1,
            blatt=1,
            leere_seiten=0,
            textquelle="ocr",
            vorschaubilder=[],
            merkmale={},
        )
        p = services.posteingang_zur_pruefung(posteingang_id=p.pk, vorschlaege=[], team=team)
        if zugewiesen_an is not None:
            p = services.posteingang_weiterleiten(posteingang=p, user=zugewiesen_an, zugewiesen_an=zugewiesen_an)
        return p

    return machen

"""A document's PDF comes from outside (uploads, e-mail, online services): a page tree whose /Parent chain loops, or a
/Rotate that is not a number, must neither hang the court submission's worker nor fail it. Viewers show such a page
unrotated; so does the court submission."""

from __future__ import annotations

import io
import threading

import pikepdf
import pytest

from dms.gericht.services import aktenvorlage_anfordern, aktenvorlage_erstellen
from dms.seitenlage import anzeige
from tests import factories as f

from .hilfen import dokument_mit_pdf, gedrehtes_pdf

pytestmark = pytest.mark.django_db


def _verdorben(art: str) -> bytes:
    with pikepdf.open(io.BytesIO(gedrehtes_pdf([0, 0]))) as pdf:
        for seite in pdf.pages:
            if "/Rotate" in seite.obj:
                del seite.obj["/Rotate"]
        if art == "schleife":  # the page tree's root names itself as its parent
            pdf.Root.Pages.Parent = pdf.Root.Pages
        else:
            pdf.pages[0].obj.Rotate = pikepdf.Name("/Quer")
        puffer = io.BytesIO()
        pdf.save(puffer)
    return puffer.getvalue()


@pytest.mark.parametrize("art", ["schleife", "kein-winkel"])
def test_a_looping_page_tree_or_an_odd_rotate_is_shown_unrotated_and_never_hangs(art):
    ergebnis: list[object] = []
    with pikepdf.open(io.BytesIO(_verdorben(art))) as pdf:
        arbeit = threading.Thread(target=lambda: ergebnis.append(anzeige(pdf.pages[0])), daemon=True)
        arbeit.start()
        arbeit.join(10)
    assert not arbeit.is_alive(), "endless loop over /Parent"
    [(breite, hoehe, matrix)] = ergebnis
    assert (round(breite), round(hoehe), matrix[:4]) == (595, 842, [1, 0, 0, 1])  # A4 portrait, not turned


@pytest.mark.parametrize("art", ["schleife", "kein-winkel"])
def test_the_court_submission_with_such_a_document_is_built(sachbearbeitung, art):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    dokument_mit_pdf(akte, "Von außen", _verdorben(art), user=sachbearbeitung)
    vorlage = aktenvorlage_anfordern(akte=akte, user=sachbearbeitung, anlass="Klage", empfaenger="VG Gießen")
    vorlage = aktenvorlage_erstellen(vorlage_id=vorlage.pk)
    assert vorlage.ist_fertig, vorlage.fehler

"""Pages, hand-over list with barcodes, progress charts and forecast; Land vs authority visibility."""

from __future__ import annotations

import io
from datetime import date

import pytest
import zxingcpp
from django.test import Client
from pdf2image import convert_from_bytes
from pypdf import PdfReader

from dms.models import Akte, Rolle
from scanning.altakten.berichte import fortschritt_svg, prognose_fertig, wochen_reihe, wochen_svg
from scanning.altakten.models import Digitalisierungslos, Lieferung
from tests import factories as f

from .lieferhilfen import Datei, lieferung_schreiben

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rest", "durchsatz", "erwartet"),
    [
        (0, [], date(2026, 8, 3)),
        (100, [0, 0, 0, 0], None),
        (100, [], None),
        (1000, [250, 250, 250, 250], date(2026, 8, 31)),  # 4 weeks
        (1000, [0, 0, 500, 500, 500, 500], date(2026, 8, 17)),  # only the last 4 weeks count
        (1, [7], date(2026, 8, 4)),
        (3000, [100, 200], date(2026, 12, 21)),  # 150/week -> 20 weeks = 140 days
    ],
)
def test_prognose(rest, durchsatz, erwartet):
    assert prognose_fertig(rest=rest, durchsatz=durchsatz, heute=date(2026, 8, 3)) == erwartet


def test_wochen_reihe_fills_gaps():
    reihe = wochen_reihe({date(2026, 7, 13): 3, date(2026, 7, 27): 9}, bis=date(2026, 8, 1), wochen=3)
    assert reihe == [(date(2026, 7, 13), 3), (date(2026, 7, 20), 0), (date(2026, 7, 27), 9)]


def test_svg_escapes_and_shows_numbers():
    svg = str(fortschritt_svg([("<script>", 250, 1000)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "250 von 1.000 (25 %)" in svg
    assert 'width="90.0"' in svg  # a quarter of the 360-pixel bar
    svg = str(wochen_svg([(date(2026, 7, 20), 12)]))
    assert "KW 30" in svg and ">12<" in svg


def test_handover_list_carries_aktenzeichen_as_code128(projektleitung, los, akten):
    web = Client()
    web.force_login(projektleitung)
    r = web.get(f"/poststelle/altakten/los/{los.pk}/uebergabeliste.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert all(a.aktenzeichen in text for a in akten)
    bild = convert_from_bytes(r.content, dpi=200, first_page=1, last_page=1)[0]
    gelesen = {b.text for b in zxingcpp.read_barcodes(bild) if b.format == zxingcpp.BarcodeFormat.Code128}
    assert gelesen == {a.aktenzeichen for a in akten}


@pytest.mark.xdist_group("altakten-queue")  # shares the Redis queue with the e2e worker
def test_pages_flow_and_visibility(
    eingang, projektleitung, los, akten, django_capture_on_commit_callbacks, altakten_queue
):
    web = Client()
    web.force_login(projektleitung)
    seite = web.get("/poststelle/altakten/")
    assert seite.status_code == 200
    inhalt = seite.content.decode()
    assert "<svg" in inhalt and "0 von 3 (0 %)" in inhalt and "Los 1" in inhalt
    lieferung_schreiben(
        eingang / "L1", [Datei(f"a{i}.pdf", 2, aktenzeichen=a.aktenzeichen) for i, a in enumerate(akten)]
    )
    detail = web.get(f"/poststelle/altakten/los/{los.pk}/").content.decode()
    assert "L1" in detail and akten[0].aktenzeichen in detail
    # the page only starts the import: it answers at once and the task is queued on `altakten`
    with django_capture_on_commit_callbacks(execute=True):
        r = web.post(f"/poststelle/altakten/los/{los.pk}/lieferung/", {"quelle": "L1"}, follow=True)
    assert "im Hintergrund" in r.content.decode()
    lieferung = Lieferung.objects.get(los=los)
    assert lieferung.status == Lieferung.Status.ANGENOMMEN
    assert [m["headers"]["task"] for m in altakten_queue()] == ["scanning.altakten.lieferung_importieren"]

    # another authority: 404 for the lot and its list; the Land sees figures only
    fremd = Client()
    fremd.force_login(f.benutzer("HP", Rolle.BEHOERDENADMIN))
    assert fremd.get(f"/poststelle/altakten/los/{los.pk}/").status_code == 404
    assert fremd.get(f"/poststelle/altakten/los/{los.pk}/uebergabeliste.pdf").status_code == 404
    assert "Offenbach" not in fremd.get("/poststelle/altakten/").content.decode()
    land = Client()
    land.force_login(f.benutzer("RPDA", Rolle.LAND))
    uebersicht = land.get("/poststelle/altakten/").content.decode()
    assert "Offenbach" in uebersicht and "0 von 3" in uebersicht
    assert akten[0].aktenzeichen not in uebersicht
    assert land.get(f"/poststelle/altakten/los/{los.pk}/").status_code == 404
    assert land.post(f"/poststelle/altakten/los/{los.pk}/status/", {"nach": "gescannt"}).status_code == 404


def test_new_lot_from_paper_files_page(projektleitung):
    for _ in range(4):
        f.AkteFactory(medium=Akte.Medium.PAPIER)
    f.AkteFactory(medium=Akte.Medium.ELEKTRONISCH)
    web = Client()
    web.force_login(projektleitung)
    r = web.post(
        "/poststelle/altakten/los/neu/", {"anzahl": "3", "blatt_je_akte": "80", "stichprobe_prozent": "10"}, follow=True
    )
    assert r.status_code == 200
    los = Digitalisierungslos.objects.get(behoerde__kuerzel="OF")
    assert los.akten.count() == 3 and los.blatt_geplant == 240
    r = web.post("/poststelle/altakten/los/neu/", {"anzahl": "abc"}, follow=True)
    assert "ganze Zahlen" in r.content.decode()
    web.force_login(f.benutzer("OF", Rolle.SACHBEARBEITUNG))
    assert web.post("/poststelle/altakten/los/neu/", {"anzahl": "1"}).status_code == 404


def test_lot_page_query_count_independent_of_lot_size(projektleitung, django_assert_max_num_queries):
    from scanning.altakten import services as svc

    akten = [f.AkteFactory() for _ in range(30)]
    los = svc.los_anlegen(behoerde=f.behoerde("OF"), akten=akten, user=projektleitung)
    web = Client()
    web.force_login(projektleitung)
    with django_assert_max_num_queries(40):
        assert web.get(f"/poststelle/altakten/los/{los.pk}/").status_code == 200
    with django_assert_max_num_queries(40):
        assert web.get("/poststelle/altakten/").status_code == 200


def test_refused_delivery_page_lists_lines_escaped(eingang, projektleitung, los, akten):
    from scanning.altakten import services as svc

    lieferung_schreiben(eingang / "X", [Datei("a.pdf", 2, aktenzeichen=akten[0].aktenzeichen)])
    manifest = eingang / "X" / "manifest.csv"
    manifest.write_text(manifest.read_text() + ";;;;<script>alert(1)</script>.pdf;1;1;;;;;;\n")
    lieferung = svc.lieferung_annehmen(los=los, quelle="X", user=projektleitung, im_hintergrund=False)
    svc.lieferung_ausfuehren(lieferung_id=lieferung.pk)
    web = Client()
    web.force_login(projektleitung)
    seite = web.get(f"/poststelle/altakten/los/{los.pk}/lieferung/{lieferung.pk}/").content.decode()
    assert "nichts aus dieser Lieferung wurde importiert" in seite
    assert "<td>3</td>" in seite and "&lt;script&gt;" in seite and "<script>alert" not in seite


def test_lot_status_page_shows_success_and_german_errors(projektleitung):
    from scanning.altakten import services as svc

    los = svc.los_anlegen(behoerde=f.behoerde("OF"), akten=[f.AkteFactory() for _ in range(2)], user=projektleitung)
    web = Client()
    web.force_login(projektleitung)
    r = web.post(f"/poststelle/altakten/los/{los.pk}/status/", {"nach": "abgeholt"}, follow=True)
    assert "Der Status des Loses wurde geändert." in r.content.decode()
    los.refresh_from_db()
    assert los.status == "abgeholt"
    # Skipping steps is refused with the service's German message; the status stays.
    r = web.post(f"/poststelle/altakten/los/{los.pk}/status/", {"nach": "abgeschlossen"}, follow=True)
    meldungen = [(m.level_tag, str(m)) for m in r.context["messages"]]
    assert meldungen and all(stufe == "error" for stufe, _ in meldungen), meldungen
    los.refresh_from_db()
    assert los.status == "abgeholt"
    r = web.post(f"/poststelle/altakten/los/{los.pk}/eilscan/", {"aktenzeichen": "OF-1999-000001"}, follow=True)
    assert "Diese Akte ist nicht in diesem Los." in r.content.decode()

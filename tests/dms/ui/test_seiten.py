"""The caseworker pages: what a user sees and does, isolation between authorities, audit, query counts."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.utils import timezone

from dms.models import Akte, Dokument, Protokolleintrag, Vertretung, Vorgang, Vorgangsart
from dms.wiedervorlagen.services import wiedervorlage_anlegen
from tests import factories as f

from .conftest import dokument_mit_text, pdf_mit_text

pytestmark = pytest.mark.django_db


def test_desk_shows_resubmissions_recent_files_and_own_files(client_sb, sb, akte):
    heute = timezone.localdate()
    ueberfaellig = f.VorgangFactory(akte=akte, sachbearbeitung=sb)
    wiedervorlage_anlegen(user=sb, vorgang=ueberfaellig, faellig_am=heute - dt.timedelta(days=3), notiz="Pass fehlt")
    spaeter = f.VorgangFactory(akte=akte, sachbearbeitung=sb)
    wiedervorlage_anlegen(user=sb, vorgang=spaeter, faellig_am=heute + dt.timedelta(days=3), notiz="später")
    assert client_sb.get(f"/akten/{akte.pk}/").status_code == 200
    html = client_sb.get("/").content.decode()
    assert "Pass fehlt" in html and ueberfaellig.aktenzeichen in html
    assert "später" not in html
    assert "überfällig" in html
    # recently opened (from the audit trail) and own files
    assert html.count(akte.aktenzeichen) >= 2


def test_file_page_shows_data_registers_documents_and_writes_read_audit(client_sb, akte, sb):
    dokument_mit_text(akte, "Antrag auf Verlängerung", titel="Antrag", register="03")
    dokument_mit_text(akte, "Meldebescheinigung", titel="Meldung", register="02")
    vor = Protokolleintrag.objects.filter(aktion="lesen", akte_id_wert=akte.pk, user_id=sb.pk).count()
    r = client_sb.get(f"/akten/{akte.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Öztürk" in html and akte.aktenzeichen in html and "123456789012" in html
    assert "Antrag" in html and "Meldung" in html
    assert 'aria-label="1 Dokumente"' in html
    assert Protokolleintrag.objects.filter(aktion="lesen", akte_id_wert=akte.pk, user_id=sb.pk).count() == vor + 1


def test_document_list_filters_and_sorts_in_place(client_sb, akte):
    dokument_mit_text(akte, "a", titel="Bescheid", register="03")
    dokument_mit_text(akte, "b", titel="Antrag", register="03")
    dokument_mit_text(akte, "c", titel="Meldung", register="02")
    r = client_sb.get(f"/akten/{akte.pk}/dokumente/?register=03&sort=titel", HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html
    assert "Meldung" not in html
    assert html.index("Antrag") < html.index("Bescheid")
    r = client_sb.get(f"/akten/{akte.pk}/dokumente/?sort=-titel&titel=e", HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert html.index("Meldung") < html.index("Bescheid")
    # bad parameters never fail
    r = client_sb.get(f"/akten/{akte.pk}/dokumente/?sort=drop&vorgang=x&seite=999", HTTP_HX_REQUEST="true")
    assert r.status_code == 200


def test_other_authority_gets_404_everywhere(client_fremd, akte):
    dok = dokument_mit_text(akte, "geheim", titel="Geheim")
    vorgang = f.VorgangFactory(akte=akte)
    for url in [
        f"/akten/{akte.pk}/",
        f"/akten/{akte.pk}/dokumente/",
        f"/akten/{akte.pk}/bearbeiten/",
        f"/dokumente/{dok.pk}/",
        f"/dokumente/{dok.pk}/seiten/1.png",
        f"/dokumente/{dok.pk}/datei/",
        f"/vorgaenge/{vorgang.pk}/",
    ]:
        assert client_fremd.get(url).status_code == 404, url
    for url in [f"/akten/{akte.pk}/vermerk/", f"/akten/{akte.pk}/hochladen/", f"/dokumente/{dok.pk}/ablage/"]:
        assert client_fremd.post(url, {}).status_code == 404, url
    html = client_fremd.get("/suche/?q=geheim").content.decode()
    assert "Geheim" not in html and akte.aktenzeichen not in html
    html = client_fremd.get("/suche/?q=123456789012").content.decode()
    assert akte.aktenzeichen not in html


def test_upload_files_a_document(client_sb, akte, _no_broker, django_capture_on_commit_callbacks):
    datei = io.BytesIO(pdf_mit_text("Hallo"))
    datei.name = "Brief.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        r = client_sb.post(
            f"/akten/{akte.pk}/hochladen/",
            {"datei": datei, "titel": "Brief vom Anwalt", "register": f.register("03").pk, "richtung": "eingang"},
        )
    assert r.status_code == 302
    dok = Dokument.objects.get(akte=akte)
    assert dok.titel == "Brief vom Anwalt" and dok.register.nummer == "03"
    assert _no_broker  # OCR scheduled


def test_upload_of_bad_file_gives_german_message_and_no_document(client_sb, akte):
    datei = io.BytesIO(b"")
    datei.name = "leer.pdf"
    r = client_sb.post(
        f"/akten/{akte.pk}/hochladen/",
        {"datei": datei, "register": f.register("03").pk, "richtung": "eingang"},
        follow=True,
    )
    assert r.status_code == 200
    assert "Hochladen nicht möglich" in r.content.decode()
    assert not Dokument.objects.filter(akte=akte).exists()


def test_vermerk_is_a_searchable_pdf_document(client_sb, akte):
    r = client_sb.post(
        f"/akten/{akte.pk}/vermerk/",
        {
            "titel": "Telefonat",
            "text": "Frau Öztürk rief wegen des Aufenthaltstitels an.",
            "register": f.register("03").pk,
        },
    )
    assert r.status_code == 302
    dok = Dokument.objects.get(akte=akte)
    assert dok.quelle == Dokument.Quelle.VERMERK and dok.richtung == Dokument.Richtung.INTERN
    assert dok.versionen.get().mime_type == "application/pdf"
    assert dok.seiten == 1
    html = client_sb.get("/suche/?q=Aufenthaltstitel").content.decode()
    assert "Vermerk: Telefonat" in html
    assert "<mark>Aufenthaltstitels</mark>" in html


def test_vermerk_keeps_every_letter_of_a_name(client_sb, akte):
    """Helvetica has no ş, ı or ễ: the Vermerk's text layer said 'Ay■e Y■lmaz' (seen after make run)."""
    namen = "Ayşe Yılmaz, Łukasz Kowalski, Nguyễn Thị Lan, Đức Anh"
    r = client_sb.post(
        f"/akten/{akte.pk}/vermerk/", {"titel": f"Vorsprache {namen}", "text": namen, "register": f.register("03").pk}
    )
    assert r.status_code == 302
    dok = Dokument.objects.get(akte=akte)
    with dok.versionen.get().original.open("rb") as fh:  # the PDF's own text layer, as the pipeline reads it
        schicht = subprocess.run(["pdftotext", "-", "-"], input=fh.read(), capture_output=True, check=True).stdout
    assert namen in schicht.decode().replace("\n", " ")


def test_move_document_to_other_register_and_procedure(client_sb, akte):
    dok = dokument_mit_text(akte, "x", titel="Pass", register="03")
    vorgang = f.VorgangFactory(akte=akte)
    r = client_sb.post(f"/dokumente/{dok.pk}/ablage/", {"register": f.register("02").pk, "vorgang": vorgang.pk})
    assert r.status_code == 302
    dok.refresh_from_db()
    assert dok.register.nummer == "02" and dok.vorgang_id == vorgang.pk
    fremder_vorgang = f.VorgangFactory()
    r = client_sb.post(f"/dokumente/{dok.pk}/ablage/", {"register": f.register("03").pk, "vorgang": fremder_vorgang.pk})
    dok.refresh_from_db()
    assert dok.vorgang_id == vorgang.pk and dok.register.nummer == "02"


def test_edit_file_with_optimistic_locking_shows_conflict_and_others_change(client_sb, akte, kollegin):
    from django.test import Client

    r = client_sb.get(f"/akten/{akte.pk}/bearbeiten/")
    assert r.status_code == 200
    version = akte.version
    andere = Client()
    andere.force_login(kollegin)
    daten = {
        "version": version,
        "status": "aktiv",
        "medium": "hybrid",
        "vertraulichkeit": akte.vertraulichkeit,
        "team": akte.team_id,
        "sachbearbeitung": kollegin.pk,
    }
    assert andere.post(f"/akten/{akte.pk}/bearbeiten/", daten).status_code == 302
    mein = {**daten, "medium": "papier", "sachbearbeitung": akte.sachbearbeitung_id}
    r = client_sb.post(f"/akten/{akte.pk}/bearbeiten/", mein)
    assert r.status_code == 409
    html = r.content.decode()
    assert "inzwischen geändert" in html
    assert "hybrid" in html  # the other's change is shown
    assert kollegin.get_username() in html
    akte.refresh_from_db()
    assert akte.medium == "hybrid" and akte.version == version + 1
    # saving again with the fresh version works
    r = client_sb.post(f"/akten/{akte.pk}/bearbeiten/", {**mein, "version": akte.version})
    assert r.status_code == 302
    akte.refresh_from_db()
    assert akte.medium == "papier"


def test_viewer_renders_pages_text_highlight_and_downloads(client_sb, akte, sb):
    dok = dokument_mit_text(akte, "Die Niederlassungserlaubnis wurde <b>erteilt</b>.", titel="Bescheid", seiten=2)
    r = client_sb.get(f"/dokumente/{dok.pk}/?q=erteilt")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'loading="lazy"' in html and f"/dokumente/{dok.pk}/seiten/2.png" in html
    assert "&lt;b&gt;<mark>erteilt</mark>&lt;/b&gt;" in html
    png = client_sb.get(f"/dokumente/{dok.pk}/seiten/1.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client_sb.get(f"/dokumente/{dok.pk}/seiten/1.png").content == png.content  # from the cache
    assert client_sb.get(f"/dokumente/{dok.pk}/seiten/3.png").status_code == 404
    original = client_sb.get(f"/dokumente/{dok.pk}/datei/?original=1")
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == dok.versionen.get().original.open("rb").read()
    assert Protokolleintrag.objects.filter(aktion="herunterladen", objekt_id=str(dok.pk), user_id=sb.pk).exists()


def test_search_full_text_stemming_prefix_phrase_and_names(client_sb, akte):
    dokument_mit_text(akte, "Antrag auf Verlängerung der Aufenthaltserlaubnis", titel="Antrag")
    andere = f.AkteFactory(person=f.PersonFactory(familienname="Müller", vornamen="Jörg", azr_nummer="999999999999"))
    dokument_mit_text(andere, "Mitteilung über den Wohnortwechsel", titel="Mitteilung")

    def treffer(q: str) -> str:
        r = client_sb.get("/suche/", {"q": q})
        assert r.status_code == 200
        return r.content.decode()

    assert "<mark>Aufenthaltserlaubnis</mark>" in treffer("Aufenthaltserlaubnisse")  # German stemming
    assert "Antrag" in treffer("aufenthalts*")  # prefix
    assert akte.aktenzeichen in treffer('"Verlängerung der Aufenthaltserlaubnis"')
    assert akte.aktenzeichen not in treffer('"Aufenthaltserlaubnis Verlängerung"')
    assert andere.aktenzeichen in treffer("Mueller")  # spelling variant
    assert andere.aktenzeichen in treffer("999999999999")
    assert akte.aktenzeichen in treffer(akte.aktenzeichen)
    geb = akte.person.geburtsdatum
    assert akte.aktenzeichen in treffer(f"{geb:%d.%m.%Y}")
    for boese in ["'", '"', "a:*", "!!", "&|", "<script>", "*", "-", "x" * 600]:
        assert "<script>" not in treffer(boese)


def test_search_filters_register_and_dates(client_sb, akte):
    d1 = dokument_mit_text(akte, "Fiktionsbescheinigung ausgestellt", titel="FB alt", register="03")
    dokument_mit_text(akte, "Fiktionsbescheinigung verlängert", titel="FB neu", register="02")
    Dokument.objects.filter(pk=d1.pk).update(eingangsdatum=dt.date(2020, 1, 1))
    html = client_sb.get("/suche/", {"q": "Fiktionsbescheinigung", "register": "02"}).content.decode()
    assert "FB neu" in html and "FB alt" not in html
    html = client_sb.get("/suche/", {"q": "Fiktionsbescheinigung", "bis": "2021-01-01"}).content.decode()
    assert "FB alt" in html and "FB neu" not in html


def test_search_api(akte, sb, fremd):
    from rest_framework.test import APIClient

    dokument_mit_text(akte, "Verpflichtungserklärung nach § 68 AufenthG", titel="VE")
    api = APIClient()
    api.force_authenticate(sb)
    r = api.get("/api/v1/suche/", {"q": "Verpflichtungserklärung"})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1 and body["results"][0]["akte"]["aktenzeichen"] == akte.aktenzeichen
    assert "<mark>" in body["results"][0]["dokumente"][0]["snippet"]
    assert api.get("/api/v1/suche/").status_code == 400
    api.force_authenticate(fremd)
    assert api.get("/api/v1/suche/", {"q": "Verpflichtungserklärung"}).json()["count"] == 0


def test_procedure_create_resubmission_and_close(client_sb, akte, sb):
    art = Vorgangsart.objects.filter(aktiv=True).first()
    r = client_sb.post(f"/akten/{akte.pk}/vorgaenge/neu/", {"vorgangsart": art.pk, "betreff": "Verlängerung"})
    assert r.status_code == 302
    vorgang = Vorgang.objects.get(akte=akte)
    assert vorgang.vorgangsart == art
    termin = timezone.localdate() + dt.timedelta(days=14)
    daten = {
        "version": vorgang.version,
        "betreff": "Verlängerung",
        "status": "in_bearbeitung",
        "sachbearbeitung": sb.pk,
    }
    r = client_sb.post(f"/vorgaenge/{vorgang.pk}/", daten)
    assert r.status_code == 302
    vorgang.refresh_from_db()
    assert vorgang.status == "in_bearbeitung"
    # The resubmission of a procedure is a Wiedervorlage (the old date field is gone from the form).
    html = client_sb.get(f"/vorgaenge/{vorgang.pk}/").content.decode()
    assert 'name="wiedervorlage_grund"' not in html and "Keine offenen Wiedervorlagen zu diesem Vorgang." in html
    r = client_sb.post(
        "/wiedervorlagen/neu/",
        {"vorgang": vorgang.pk, "faellig_am": termin.isoformat(), "notiz": "Pass nachreichen", "weiter": "/"},
    )
    assert r.status_code == 302
    html = client_sb.get(f"/vorgaenge/{vorgang.pk}/").content.decode()
    assert f"{termin:%d.%m.%Y}: Pass nachreichen" in html
    r = client_sb.post(f"/vorgaenge/{vorgang.pk}/", {**daten, "version": vorgang.version, "zda": "1"})
    assert r.status_code == 302
    vorgang.refresh_from_db()
    assert vorgang.status == Vorgang.Status.ABGESCHLOSSEN and vorgang.abgeschlossen_am == timezone.localdate()


def test_absence_sets_substitute_who_then_sees_the_desk_section(client_sb, sb, kollegin):
    from django.test import Client

    heute = timezone.localdate()
    r = client_sb.post(
        "/abwesenheit/",
        {"von": heute.isoformat(), "bis": (heute + dt.timedelta(days=5)).isoformat(), "vertretung": kollegin.pk},
    )
    assert r.status_code == 302, r.content.decode()
    assert Vertretung.objects.filter(vertretene_person=sb, vertretung=kollegin).exists()
    c = Client()
    c.force_login(kollegin)
    html = c.get("/").content.decode()
    assert "Sie vertreten derzeit" in html and "Sabine Becker" in html
    r = client_sb.post("/abwesenheit/", {"von": heute.isoformat(), "bis": heute.isoformat(), "vertretung": sb.pk})
    assert r.status_code == 400


def test_pages_are_german_and_need_login(client):
    r = client.get("/akten/1/")
    assert r.status_code == 302 and "/anmelden/" in r["Location"]


def _abfragen(client, url: str, **extra: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **extra).status_code == 200
    return len(ctx.captured_queries)


def test_file_page_query_count_does_not_grow(client_sb, akte, django_assert_max_num_queries):
    """Fixed overhead per request: session, user, 2FA check, access facts, audit entry, session refresh."""
    f.DokumentFactory.create_batch(10, akte=akte)
    f.VorgangFactory.create_batch(3, akte=akte)
    client_sb.get("/")
    with django_assert_max_num_queries(30):
        client_sb.get(f"/akten/{akte.pk}/")
    bei_10 = _abfragen(client_sb, f"/akten/{akte.pk}/")
    f.DokumentFactory.create_batch(290, akte=akte)
    f.VorgangFactory.create_batch(5, akte=akte)
    assert _abfragen(client_sb, f"/akten/{akte.pk}/") == bei_10
    assert _abfragen(client_sb, f"/akten/{akte.pk}/dokumente/?seite=3&sort=titel", HTTP_HX_REQUEST="true") <= 20


def test_desk_query_count(client_sb, akte, sb, django_assert_max_num_queries):
    heute = timezone.localdate()
    for _ in range(5):
        wiedervorlage_anlegen(user=sb, vorgang=f.VorgangFactory(akte=akte, sachbearbeitung=sb), faellig_am=heute)
    for _ in range(5):
        client_sb.get(f"/akten/{f.AkteFactory(sachbearbeitung=sb).pk}/")
    with django_assert_max_num_queries(14):
        r = client_sb.get("/")
    assert r.status_code == 200


def test_search_query_count(client_sb, akte, django_assert_max_num_queries):
    for i in range(20):
        a = f.AkteFactory()
        dokument_mit_text(a, f"Duldung Nummer {i}", titel=f"Duldung {i}")
    with django_assert_max_num_queries(20):
        r = client_sb.get("/suche/", {"q": "Duldung"})
    assert r.status_code == 200 and r.content.decode().count("treffer-akte") == 20


def test_abgegebene_akte_is_not_visible(client_sb, akte):
    Akte.objects.filter(pk=akte.pk).update(status=Akte.Status.ABGEGEBEN)
    assert client_sb.get(f"/akten/{akte.pk}/").status_code == 404


def test_search_is_audited_without_the_term(client_sb, akte, sb, settings):
    import hashlib
    import hmac

    client_sb.get("/suche/", {"q": "Öztürk"})
    eintrag = Protokolleintrag.objects.filter(aktion="suche", user_id=sb.pk).latest("id")
    assert "Öztürk" not in str(eintrag.details) and "q_sha256" not in eintrag.details
    # Keyed: a dictionary of hashed names (plain SHA-256) does not match; only the key holder can check a name.
    assert eintrag.details["q_hmac"] != hashlib.sha256("öztürk".encode()).hexdigest()
    schluessel = settings.AUDIT_HMAC_KEYS[eintrag.details["q_schluessel"]].encode()
    erwartet = hmac.new(schluessel, "suchbegriff:öztürk".encode(), hashlib.sha256).hexdigest()
    assert eintrag.details["q_hmac"] == erwartet
    assert eintrag.details["akten"] == 1

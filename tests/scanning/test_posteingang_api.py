"""API, pages, visibility, services and the hot folder (no worker: the pipeline is queued on commit only)."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from dms.models import Dokument, Protokolleintrag, Rolle, Vertretung
from scanning import services
from scanning.management.commands.hotfolder_abholen import abholen
from scanning.models import Posteingang
from scanning.pipeline import dokument as dokument_pipeline
from tests import factories as f

from . import scans

pytestmark = pytest.mark.django_db


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _posteingang(kuerzel="OF", daten=b"%PDF-1.4 test", **kwargs):
    return services.posteingang_annehmen(
        behoerde=f.behoerde(kuerzel), datei=io.BytesIO(daten), dateiname="scan.pdf", **kwargs
    )


def test_post_returns_201_at_once_and_queues_only_after_commit(django_capture_on_commit_callbacks):
    user = f.benutzer("OF", Rolle.POSTSTELLE)
    daten = scans.kleines_pdf()
    datei = io.BytesIO(daten)
    datei.name = "Brief Öztürk.pdf"
    with django_capture_on_commit_callbacks(execute=False) as rueckrufe:
        r = _api(user).post("/api/v1/posteingang/", {"datei": datei}, format="multipart")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "eingegangen" and body["id"]
    assert len(rueckrufe) == 1  # the pipeline is published only once the row is committed
    p = Posteingang.objects.get(pk=body["id"])
    assert p.sha256 == hashlib.sha256(daten).hexdigest() and p.mime_type == "application/pdf"
    assert p.dateiname == "Brief Öztürk.pdf" and p.quelle == "api" and p.hochgeladen_von == user
    assert p.original.read() == daten
    assert Protokolleintrag.objects.filter(objekt_typ="posteingang", objekt_id=str(p.pk), aktion="anlegen").exists()


def test_missing_file_is_400_not_500():
    r = _api(f.benutzer("OF", Rolle.POSTSTELLE)).post("/api/v1/posteingang/", {}, format="multipart")
    assert r.status_code == 400 and "datei" in r.json()


def test_other_authority_sees_nothing_and_gets_404(django_assert_max_num_queries):
    p = _posteingang()
    eigene = _api(f.benutzer("OF", Rolle.POSTSTELLE))
    fremde = _api(f.benutzer("HP", Rolle.POSTSTELLE))
    for _ in range(5):
        _posteingang()
    with django_assert_max_num_queries(6):
        r = eigene.get("/api/v1/posteingang/")
    assert r.status_code == 200 and r.json()["count"] == 6
    assert fremde.get("/api/v1/posteingang/").json()["count"] == 0
    assert fremde.get(f"/api/v1/posteingang/{p.pk}/").status_code == 404
    assert fremde.get(f"/api/v1/posteingang/{p.pk}/original/").status_code == 404
    detail = eigene.get(f"/api/v1/posteingang/{p.pk}/").json()
    for feld in ("status", "fehler", "seiten", "blatt", "akte", "dokument", "vorschlaege", "erkannte_merkmale"):
        assert feld in detail


@pytest.mark.parametrize("rolle", [Rolle.LAND, Rolle.REVISION])
def test_roles_without_file_access_are_refused(rolle):
    c = _api(f.benutzer("OF", rolle))
    assert c.get("/api/v1/posteingang/").status_code == 403


def test_original_download_is_exact_bytes_as_attachment_and_audited():
    daten = scans.HTML_ALS_PDF
    p = _posteingang(daten=daten)
    user = f.benutzer("OF", Rolle.POSTSTELLE)
    r = _api(user).get(f"/api/v1/posteingang/{p.pk}/original/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == daten
    assert r["Content-Type"] == "application/octet-stream" and "attachment" in r["Content-Disposition"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert Protokolleintrag.objects.filter(aktion="herunterladen", objekt_id=str(p.pk), user=user).exists()


def test_caseworker_sees_team_items_and_those_of_the_colleague_she_stands_in_for():
    team_a = f.TeamFactory(name="A-K", buchstaben_von="A", buchstaben_bis="K")
    team_b = f.TeamFactory(name="L-Z", buchstaben_von="L", buchstaben_bis="Z")
    anna = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team_a)
    bernd = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team_b)
    p_a, p_b = _posteingang(), _posteingang()
    Posteingang.objects.filter(pk=p_a.pk).update(team=team_a, status="zu_pruefen")
    Posteingang.objects.filter(pk=p_b.pk).update(team=team_b, status="zu_pruefen")
    assert list(Posteingang.objects.visible_to(anna).im_postkorb()) == [p_a]
    Vertretung.objects.create(vertretene_person=bernd, vertretung=anna, von=date.today() - timedelta(days=1),
                              bis=date.today() + timedelta(days=1), angelegt_von=bernd)  # fmt: skip
    anna = type(anna).objects.get(pk=anna.pk)  # fresh: no cached access facts
    assert set(Posteingang.objects.visible_to(anna)) == {p_a, p_b}
    assert Posteingang.objects.visible_to(f.benutzer("HP", Rolle.TEAMLEITUNG)).count() == 0


def _erkannt(p: Posteingang, text: str = "Antrag auf Verlängerung") -> Posteingang:
    Posteingang.objects.filter(pk=p.pk).update(
        schritt=Posteingang.Schritt.ERKANNT, status="in_verarbeitung", text=text, seiten=1, blatt=1,
        mime_type="application/pdf", register_nummer="03", dokumentart="antrag",
    )  # fmt: skip
    return Posteingang.objects.get(pk=p.pk)


def test_manual_filing_exactly_once_and_never_into_another_authority():
    p = _erkannt(_posteingang(daten=scans.kleines_pdf()))
    akte = f.AkteFactory()
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    services.posteingang_zuordnen(posteingang=p, akte=akte, user=sb)
    services.posteingang_zuordnen(posteingang=p, akte=akte, user=sb)
    p.refresh_from_db()
    assert p.status == "zugeordnet" and p.zugeordnet_von == sb and not p.automatisch_zugeordnet
    dok = Dokument.objects.get(akte=akte)
    assert dok.register.nummer == "03" and dok.quelle == "posteingang" and dok.text == p.text
    assert dok.versionen.get().transfervermerk["posteingang"] == p.pk
    fremd = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    q = _erkannt(_posteingang(daten=scans.kleines_pdf() + b" "))
    with pytest.raises(ValidationError):
        services.posteingang_zuordnen(posteingang=q, akte=fremd, user=sb)
    assert not Dokument.objects.filter(akte=fremd).exists()


def test_weiterleiten_to_team_of_own_authority_only():
    p = _erkannt(_posteingang())
    team = f.TeamFactory()
    f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)  # a forward goes only to a team with people in it
    fremdes_team = f.TeamFactory(behoerde=f.behoerde("HP"))
    tl = f.benutzer("OF", Rolle.TEAMLEITUNG)
    services.posteingang_weiterleiten(posteingang=p, user=tl, team=team, notiz="Bitte prüfen")
    p.refresh_from_db()
    assert p.team == team and "Bitte prüfen" in p.hinweis
    with pytest.raises(ValidationError):
        services.posteingang_weiterleiten(posteingang=p, user=tl, team=fremdes_team)


def test_sweeper_requeues_stuck_items_only(monkeypatch):
    alt = _posteingang()
    neu = _posteingang()
    Posteingang.objects.filter(pk=alt.pk).update(aktualisiert_am=alt.aktualisiert_am - timedelta(minutes=5))
    eingereiht: list[int] = []
    monkeypatch.setattr("scanning.services.posteingang.pipeline_einreihen", lambda pid: eingereiht.append(pid) or True)
    assert services.haengende_einreihen() == 1
    assert eingereiht == [alt.pk] and neu.pk not in eingereiht


def test_pages_upload_status_buch_and_cover_sheet():
    user = f.benutzer("OF", Rolle.POSTSTELLE)
    c = Client()
    c.force_login(user)
    seite = c.get("/poststelle/")
    assert seite.status_code == 200 and b"scanning/poststelle.js" in seite.content and b"<script>" not in seite.content
    datei = io.BytesIO(scans.kleines_pdf())
    datei.name = "<b>brief</b>.pdf"
    r = c.post("/poststelle/hochladen/", {"datei": datei})
    assert r.status_code == 201 and r.json()["status"] == "eingegangen"
    pid = r.json()["id"]
    status = c.get(f"/poststelle/status/?ids={pid},abc,999999").json()["eintraege"]
    assert [e["id"] for e in status] == [pid]
    buch = c.get("/poststelle/buch/?status=eingegangen").content.decode()
    assert "b_.pdf" in buch  # the safe display name: no path, no markup
    assert "<b>" not in buch
    assert c.get("/poststelle/buch/?von=kaputt").status_code == 200
    akte = f.AkteFactory()
    pdf = c.get(f"/poststelle/deckblatt/{akte.pk}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from pdf2image import convert_from_bytes

    from scanning.pipeline.stapel import code_auf_seite

    assert code_auf_seite(convert_from_bytes(pdf.content, dpi=100)[0]) == akte.aktenzeichen
    fremd = Client()
    fremd.force_login(f.benutzer("HP", Rolle.POSTSTELLE))
    assert fremd.get(f"/poststelle/deckblatt/{akte.pk}/").status_code == 404
    assert fremd.get(f"/poststelle/{pid}/original/").status_code == 404


def test_hotfolder_moves_stable_files_and_keeps_unknown_folders(tmp_path):
    (tmp_path / "OF").mkdir()
    (tmp_path / "XX").mkdir()
    (tmp_path / "OF" / "scan1.pdf").write_bytes(scans.kleines_pdf())
    (tmp_path / "XX" / "liegt.pdf").write_bytes(b"%PDF")
    (tmp_path / "OF" / ".in_arbeit").mkdir()
    (tmp_path / "OF" / ".in_arbeit" / "abc__rest.pdf").write_bytes(b"%PDF-rest")  # left over from a crash
    n, _ = abholen(tmp_path, ruhe=0)
    assert n == 2
    assert not (tmp_path / "OF" / "scan1.pdf").exists() and (tmp_path / "XX" / "liegt.pdf").exists()
    assert set(Posteingang.objects.filter(quelle="hotfolder").values_list("dateiname", flat=True)) == {
        "scan1.pdf",
        "rest.pdf",
    }
    assert list((tmp_path / "OF" / ".in_arbeit").iterdir()) == []


def test_hotfolder_skips_a_file_still_being_written(tmp_path):
    (tmp_path / "OF").mkdir()
    datei = tmp_path / "OF" / "wachsend.pdf"
    datei.write_bytes(b"%PDF-1.4 teil")
    n, gesehen = abholen(tmp_path, ruhe=0, vorher={})  # first sighting: size not yet known as stable
    assert n == 0 and datei.exists()
    n, _ = abholen(tmp_path, ruhe=0, vorher=gesehen)
    assert n == 1 and not datei.exists()


def test_document_upload_derivation_born_digital(tmp_path):
    version = f.DokumentVersionFactory(
        original=__import__("django.core.files.base", fromlist=["ContentFile"]).ContentFile(
            scans.born_digital_pdf(3), name="original"
        )
    )
    dokument_pipeline.verarbeiten(version.pk)
    version.refresh_from_db()
    dok = version.dokument
    dok.refresh_from_db()
    assert (version.seiten, version.blatt, len(version.vorschaubilder)) == (3, 2, 3)
    assert "Aufenthaltserlaubnis" in dok.text and dok.ocr_status == "nicht_noetig" and version.pdf


def test_item_filed_into_restricted_file_is_hidden_from_unnamed_caseworker():
    from dms.models import AkteFreigabe

    team = f.TeamFactory(name="A-Z", buchstaben_von="A", buchstaben_bis="Z")
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akte = f.AkteFactory(gesperrt_=True)
    p = _posteingang()
    offen = _posteingang(daten=b"%PDF-1.4 offen")
    Posteingang.objects.filter(pk=p.pk).update(akte=akte, team=team, status="zugeordnet")
    Posteingang.objects.filter(pk=offen.pk).update(akte=f.AkteFactory(), team=team, status="zugeordnet")
    c = _api(sb)
    assert c.get(f"/api/v1/posteingang/{p.pk}/").status_code == 404
    assert c.get(f"/api/v1/posteingang/{p.pk}/original/").status_code == 404
    assert [e["id"] for e in c.get("/api/v1/posteingang/").json()["results"]] == [offen.pk]
    assert c.get(f"/api/v1/posteingang/{offen.pk}/original/").status_code == 200
    # The mail room has no access to restricted files either; a person named on the file sees the item.
    assert _api(f.benutzer("OF", Rolle.POSTSTELLE)).get(f"/api/v1/posteingang/{p.pk}/").status_code == 404
    AkteFreigabe.objects.create(content_object=akte, user=sb, permission=_perm_gesperrt())
    sb = type(sb).objects.get(pk=sb.pk)
    assert _api(sb).get(f"/api/v1/posteingang/{p.pk}/").status_code == 200


def _perm_gesperrt():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename="view_gesperrte_akte")


def test_non_ascii_digits_in_ids_and_vorgang_are_no_500():
    user = f.benutzer("OF", Rolle.POSTSTELLE)
    c = Client()
    c.force_login(user)
    p = _posteingang()
    r = c.get(f"/poststelle/status/?ids=\u00b2,{p.pk},\u0663")
    assert r.status_code == 200 and [e["id"] for e in r.json()["eintraege"]] == [p.pk]
    akte = f.AkteFactory()
    assert c.get(f"/poststelle/deckblatt/{akte.pk}/?vorgang=\u00b2").status_code == 404


def test_upload_over_the_size_limit_is_refused_before_anything_is_stored(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    user = f.benutzer("OF", Rolle.POSTSTELLE)
    vorher = Posteingang.objects.count()
    datei = io.BytesIO(b"%PDF-1.4 " + b"x" * 2048)
    datei.name = "gross.pdf"
    r = _api(user).post("/api/v1/posteingang/", {"datei": datei}, format="multipart")
    assert r.status_code == 413 and "größer als" in r.json()["datei"][0]
    c = Client()
    c.force_login(user)
    datei.seek(0)
    r = c.post("/poststelle/hochladen/", {"datei": datei})
    assert r.status_code == 413 and "größer als" in r.json()["fehler"]
    assert Posteingang.objects.count() == vorher
    klein = io.BytesIO(b"%PDF-1.4 klein")
    klein.name = "klein.pdf"
    assert c.post("/poststelle/hochladen/", {"datei": klein}).status_code == 201

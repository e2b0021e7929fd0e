"""An automatic filing goes back to the in-tray with one click; a moved document takes its mail item along."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from dms import services as dms_services
from dms.models import Dokument, Neueingang, Protokolleintrag
from scanning import services
from scanning.models import Posteingang
from scanning.tasks import posteingang_aufteilen, posteingang_erkennen, posteingang_pruefen
from tests import factories as f
from tests.dms.ui.conftest import pdf_mit_text

pytestmark = pytest.mark.django_db


def _automatisch_abgelegt(akte):
    p = services.posteingang_annehmen(
        behoerde=akte.behoerde,
        datei=io.BytesIO(pdf_mit_text("Sehr geehrte Damen und Herren,", "hiermit beantrage ich")),
        dateiname="brief.pdf",
        einreihen=False,
    )
    for schritt in (posteingang_pruefen, posteingang_aufteilen, posteingang_erkennen):
        schritt.apply(args=[p.pk])
    p.refresh_from_db()
    return services.posteingang_zuordnen(posteingang=p, akte=akte, user=None, automatisch=True)


def test_one_click_back_to_the_in_tray(db):
    team = f.TeamFactory()
    sb = f.benutzer("OF", team=team)
    akte = f.AkteFactory(team=team, sachbearbeitung=sb)
    p = _automatisch_abgelegt(akte)
    dok = p.dokument
    assert Neueingang.objects.get(dokument=dok).quelle == "automatisch"
    c = Client()
    c.force_login(sb)
    seite = c.get(f"/dokumente/{dok.pk}/").content.decode()
    assert "zurück in den Postkorb" in seite
    r = c.post(f"/postkorb/zuruecklegen/{dok.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/postkorb/{p.pk}/"
    p.refresh_from_db()
    assert p.status == Posteingang.Status.ZU_PRUEFEN and p.akte_id is None and p.zugewiesen_an == sb
    assert not Dokument.objects.filter(pk=dok.pk).exists()
    assert Protokolleintrag.objects.filter(akte_id_wert=akte.pk, aktion="loeschen", details__dokument=dok.pk).exists()
    assert c.get(f"/postkorb/{p.pk}/").status_code == 200  # the item is in her in-tray again
    # filed by hand afterwards: a normal filing again
    p = services.posteingang_zuordnen(posteingang=p, akte=f.AkteFactory(team=team), user=sb)
    assert p.status == Posteingang.Status.ZUGEORDNET


def test_manual_upload_and_other_authority_cannot_be_sent_back(db):
    sb = f.benutzer("OF")
    akte = f.AkteFactory(sachbearbeitung=sb)
    p = _automatisch_abgelegt(akte)
    fremd = Client()
    fremd.force_login(f.benutzer("HP"))
    assert fremd.post(f"/postkorb/zuruecklegen/{p.dokument_id}/").status_code == 404
    hochgeladen = dms_services.dokument_anlegen(
        akte=akte,
        register=f.register("03"),
        datei=io.BytesIO(pdf_mit_text("x")),
        dateiname="a.pdf",
        user=sb,
    )
    c = Client()
    c.force_login(sb)
    c.post(f"/postkorb/zuruecklegen/{hochgeladen.pk}/")
    assert Dokument.objects.filter(pk=hochgeladen.pk).exists()


def test_moved_document_takes_its_mail_item_along(db):
    sb = f.benutzer("OF")
    akte = f.AkteFactory(sachbearbeitung=sb)
    richtig = f.AkteFactory(sachbearbeitung=sb)
    p = _automatisch_abgelegt(akte)
    dms_services.dokument_umlegen(dokument=p.dokument, akte=richtig, grund="falsche Person", user=sb)
    p.refresh_from_db()
    assert p.akte_id == richtig.pk

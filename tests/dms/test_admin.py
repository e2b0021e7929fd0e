"""Django admin: every model's pages render, authority admins see only their own authority, writes use services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dms.admin import basis as dms_admin
from dms.aktenzeichen import naechste_nummer
from dms.audit import Aktion, protokollieren
from dms.models import (
    Akte,
    AkteFreigabe,
    Akteneinsicht,
    Aktenplan,
    AktenzeichenZaehler,
    Behoerde,
    Dokument,
    Dokumentart,
    Mitgliedschaft,
    Person,
    Protokolleintrag,
    Register,
    Rolle,
    Team,
    Vertretung,
    Vorgang,
    Vorgangsart,
)
from dms.postausgang import services as postausgang
from dms.postausgang.models import Briefvorlage
from dms.services.benutzer import benutzer_anlegen
from tests import factories as f
from tests.dms.postausgang.vorlagen import vorlage_docx

pytestmark = pytest.mark.django_db
User = get_user_model()

DMS_MODELLE = sorted((m for m in admin.site._registry if m._meta.app_label == "dms"), key=lambda m: m._meta.model_name)


@pytest.fixture(autouse=True)
def _schnelle_passwoerter(settings):
    # Hashing with PBKDF2 dominates these tests; the admin's behaviour does not depend on the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _url(model, aktion: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{aktion}", args=args)


@pytest.fixture
def bestand():
    """One object of every model for OF, plus a file of HP that an OF admin must never see."""
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    kollegin = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(sachbearbeitung=sb, team=f.TeamFactory(name="Team A-K"))
    vorgang = f.VorgangFactory(akte=akte, nummer=1)
    version = f.DokumentVersionFactory(dokument=f.DokumentFactory(akte=akte, vorgang=vorgang))
    fremde = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP"), familienname="Fremdling"))
    f.TeamFactory(behoerde=f.behoerde("HP"), name="HP-Team")
    naechste_nummer(f.behoerde("OF").pk, 2026)
    naechste_nummer(f.behoerde("HP").pk, 2026)
    heute = timezone.localdate()
    Vertretung.objects.create(
        vertretene_person=sb, vertretung=kollegin, von=heute, bis=heute + dt.timedelta(days=3), angelegt_von=sb
    )
    Akteneinsicht.objects.create(
        akte=akte, behoerde=f.behoerde("HP"), bis=timezone.now() + dt.timedelta(days=7), erteilt_von=sb
    )
    AkteFreigabe.objects.create(
        content_object=akte, user=sb, permission=Permission.objects.get(codename="view_gesperrte_akte")
    )
    protokollieren(aktion=Aktion.LESEN, user=sb, objekt=akte)
    protokollieren(aktion=Aktion.LESEN, user=f.benutzer("HP", Rolle.SACHBEARBEITUNG), objekt=fremde)
    vorlage = postausgang.vorlage_anlegen(
        behoerde=f.behoerde("OF"), name="Anhörung Öztürk", datei=io.BytesIO(vorlage_docx()), user=None
    )
    postausgang.schreiben_anlegen(akte=akte, vorlage=vorlage, user=sb)
    return {"akte": akte, "vorgang": vorgang, "version": version, "fremde": fremde, "sb": sb}


@pytest.fixture
def superuser_client():
    user = User.objects.create_superuser("root", "root@example.org", f.PASSWORT)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def behoerdenadmin():
    user, _ = benutzer_anlegen(behoerde="OF", rolle=Rolle.BEHOERDENADMIN, username="admin.test", password=f.PASSWORT)
    return user


@pytest.fixture
def admin_client(behoerdenadmin):
    client = Client()
    client.force_login(behoerdenadmin)
    return client


def test_every_dms_model_is_registered():
    namen = {m._meta.model_name for m in DMS_MODELLE}
    erwartet = {
        "behoerde", "team", "mitgliedschaft", "vertretung", "aktenplan", "register", "vorgangsart", "dokumentart",
        "person", "akte", "vorgang", "dokument", "dokumentversion", "akteneinsicht", "aktefreigabe",
        "protokolleintrag", "aktenzeichenzaehler",
    }  # fmt: skip
    assert erwartet <= namen


@pytest.mark.parametrize("model", [*DMS_MODELLE, User], ids=lambda m: m._meta.model_name)
def test_superuser_sees_changelist_search_and_change_page(superuser_client, bestand, model):
    r = superuser_client.get(_url(model, "changelist"))
    assert r.status_code == 200, model
    assert superuser_client.get(_url(model, "changelist"), {"q": "Öztürk"}).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model.__name__} in the fixture"
    r = superuser_client.get(_url(model, "change", obj.pk))
    assert r.status_code == 200, model


@pytest.mark.parametrize("model", [*DMS_MODELLE, User], ids=lambda m: m._meta.model_name)
def test_authority_admin_pages_follow_the_role_matrix(admin_client, bestand, model):
    """Every changelist answers as the matrix says for her role (issue 10, item 10): the audit trail is Revision's."""
    from django.contrib import admin as django_admin

    from dms.permissions_matrix import NEIN, erlaubnis

    aktion = getattr(django_admin.site._registry[model], "matrix_aktion", "verwaltung")
    erwartet = 200 if erlaubnis(Rolle.BEHOERDENADMIN, aktion) != NEIN else 403
    assert admin_client.get(_url(model, "changelist")).status_code == erwartet


def test_authority_admin_cannot_read_the_audit_trail(admin_client, bestand):
    """The reported hole: who searched or read which file, readable in Django admin by the authority admin."""
    from dms.models import Protokolleintrag

    eintrag = Protokolleintrag.objects.order_by("-id").first()
    assert eintrag is not None
    assert admin_client.get(_url(Protokolleintrag, "changelist")).status_code == 403
    assert admin_client.get(_url(Protokolleintrag, "change", eintrag.pk)).status_code in (302, 403)
    assert "protokolleintrag" not in admin_client.get("/admin/").content.decode()


def test_authority_admin_sees_only_her_authority(admin_client, bestand):
    r = admin_client.get(_url(Akte, "changelist"))
    inhalt = r.content.decode()
    assert bestand["akte"].aktenzeichen in inhalt
    assert bestand["fremde"].aktenzeichen not in inhalt
    # A foreign object's change page does not exist for her (redirect with "existiert nicht"), no data shown.
    r = admin_client.get(_url(Akte, "change", bestand["fremde"].pk), follow=True)
    assert bestand["fremde"].aktenzeichen not in r.content.decode()
    assert "existiert nicht" in r.content.decode()
    personen = admin_client.get(_url(Person, "changelist")).content.decode()
    assert "Fremdling" not in personen
    teams = admin_client.get(_url(Team, "changelist")).content.decode()
    assert "Team A-K" in teams and "HP-Team" not in teams
    protokoll = admin_client.get(_url(Protokolleintrag, "changelist")).content.decode()
    assert bestand["fremde"].aktenzeichen not in protokoll  # the audit trail is not hers at all (Revision's)
    zaehler = admin_client.get(_url(AktenzeichenZaehler, "changelist")).context["cl"].result_list
    assert {z.behoerde.kuerzel for z in zaehler} == {"OF"}


def test_restricted_file_stays_hidden_from_authority_admin_unless_named(admin_client, behoerdenadmin, bestand):
    gesperrt = f.AkteFactory(gesperrt=True, person=f.PersonFactory(familienname="Geheimnis"))
    f.DokumentFactory(akte=gesperrt, titel="Geheimes Schreiben")
    for model, marker in ((Akte, gesperrt.aktenzeichen), (Person, "Geheimnis"), (Dokument, "Geheimes Schreiben")):
        assert marker not in admin_client.get(_url(model, "changelist")).content.decode(), model
    r = admin_client.get(_url(Akte, "change", gesperrt.pk), follow=True)
    assert "Geheimnis" not in r.content.decode()
    AkteFreigabe.objects.create(
        content_object=gesperrt, user=behoerdenadmin, permission=Permission.objects.get(codename="view_gesperrte_akte")
    )
    assert gesperrt.aktenzeichen in admin_client.get(_url(Akte, "changelist")).content.decode()
    assert "Geheimnis" in admin_client.get(_url(Person, "changelist")).content.decode()


def test_superuser_sees_restricted_files(superuser_client, bestand):
    gesperrt = f.AkteFactory(gesperrt=True)
    assert gesperrt.aktenzeichen in superuser_client.get(_url(Akte, "changelist")).content.decode()


def test_authority_admin_autocomplete_does_not_leak(admin_client, bestand):
    r = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "dms", "model_name": "akte", "field_name": "person", "term": "Fremd"},
    )
    assert r.status_code == 200
    assert r.json()["results"] == []


def test_land_wide_data_is_read_only_for_authority_admin(admin_client, bestand):
    for model in (Behoerde, Aktenplan, Register, Vorgangsart, Dokumentart):
        assert admin_client.get(_url(model, "add")).status_code == 403
    of = f.behoerde("OF")
    r = admin_client.post(_url(Behoerde, "change", of.pk), {"kuerzel": "OF", "name": "Gekapert", "art": "kommunal"})
    assert r.status_code == 403
    assert Behoerde.objects.get(pk=of.pk).name != "Gekapert"


def test_authority_admin_adds_letter_template_and_broken_one_is_refused(admin_client):
    url = _url(Briefvorlage, "add")
    daten = {"behoerde": f.behoerde("OF").pk, "betreff": "", "standardtext": "", "register_nummer": "12",
             "dokumentart": "schreiben", "aktiv": "on"}  # fmt: skip
    kaputt = SimpleUploadedFile("kaputt.docx", vorlage_docx("Hallo {{ name }"))
    r = admin_client.post(url, {**daten, "name": "Kaputt", "datei": kaputt})
    assert r.status_code == 200 and "fehlerhaftes Feld" in r.content.decode()
    gut = SimpleUploadedFile("gut.docx", vorlage_docx())
    r = admin_client.post(url, {**daten, "name": "Anhörung", "datei": gut})
    assert r.status_code == 302, r.content.decode()[:2000]
    vorlage = Briefvorlage.objects.get(name="Anhörung")
    assert vorlage.behoerde.kuerzel == "OF" and "text" in vorlage.felder


def test_other_roles_get_no_admin(bestand):
    user = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get(_url(Akte, "changelist")).status_code == 403


def test_behoerde_list_says_it_is_maintained_by_the_land(superuser_client):
    inhalt = superuser_client.get(_url(Behoerde, "changelist")).content.decode()
    assert "vom Land (HMdIS) gepflegt" in inhalt
    assert "vom Land gepflegt" in inhalt  # the column


def test_audit_trail_cannot_be_added_changed_or_deleted(superuser_client, bestand):
    eintrag = Protokolleintrag.objects.order_by("pk").first()
    assert superuser_client.get(_url(Protokolleintrag, "add")).status_code == 403
    assert superuser_client.post(_url(Protokolleintrag, "delete", eintrag.pk), {"post": "yes"}).status_code == 403
    r = superuser_client.post(_url(Protokolleintrag, "change", eintrag.pk), {"benutzername": "x"})
    assert r.status_code == 403
    assert Protokolleintrag.objects.get(pk=eintrag.pk).benutzername != "x"
    for model in (AktenzeichenZaehler,):
        assert superuser_client.get(_url(model, "add")).status_code == 403


def test_versions_are_shown_read_only(superuser_client, bestand):
    dokument = bestand["version"].dokument
    r = superuser_client.get(_url(type(dokument), "change", dokument.pk))
    assert r.status_code == 200
    inhalt = r.content.decode()
    assert bestand["version"].sha256 in inhalt
    assert 'name="versionen-0-sha256"' not in inhalt  # no editable inline field


def test_admin_creates_file_through_service_with_audit(admin_client, bestand):
    person = f.PersonFactory(familienname="Şahin")
    r = admin_client.post(
        _url(Akte, "add"),
        {"person": person.pk, "medium": "elektronisch", "vertraulichkeit": "002", "erwartete_version": ""},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    akte = Akte.objects.get(person=person)
    assert akte.aktenzeichen.startswith("OF-")
    assert Protokolleintrag.objects.filter(aktion="anlegen", objekt_typ="akte", objekt_id=str(akte.pk)).exists()


def test_admin_person_goes_through_service_and_rejects_foreign_authority(admin_client, bestand):
    daten = {
        "behoerde": f.behoerde("OF").pk,
        "familienname": "Nguyễn",
        "vornamen": "Thị Lan",
        "geschlecht": "w",
        "azr_nummer": "555566667777",
        "staatsangehoerigkeiten": "vietnamesisch",
        "namensvarianten": "Nguyen",
    }
    assert admin_client.post(_url(Person, "add"), daten).status_code == 302
    person = Person.objects.get(azr_nummer="555566667777")
    assert person.namen_normalisiert == ["nguyen"]  # maintained by the service
    assert Protokolleintrag.objects.filter(aktion="anlegen", objekt_typ="person", objekt_id=str(person.pk)).exists()
    r = admin_client.post(_url(Person, "add"), {**daten, "behoerde": f.behoerde("HP").pk, "azr_nummer": "555566667778"})
    assert r.status_code == 200  # form error, nothing saved
    assert not Person.objects.filter(azr_nummer="555566667778").exists()


def test_stale_version_in_admin_gives_conflict_not_overwrite(superuser_client, bestand):
    akte = bestand["akte"]
    url = _url(Akte, "change", akte.pk)
    daten = {
        "status": "aktiv",
        "medium": "hybrid",
        "vertraulichkeit": "002",
        "team": "",
        "sachbearbeitung": "",
        "erwartete_version": akte.version,
    }
    assert superuser_client.post(url, daten).status_code == 302
    akte.refresh_from_db()
    assert akte.medium == "hybrid" and akte.version == 2
    r = superuser_client.post(url, {**daten, "medium": "papier"})  # still version 1: someone saved in between
    assert r.status_code == 200
    assert "zwischenzeitlich" in r.content.decode()
    akte.refresh_from_db()
    assert akte.medium == "hybrid"


def test_vorgang_form_has_no_old_resubmission_field(superuser_client, bestand):
    """Resubmissions are Wiedervorlage rows now; the procedure's change form no longer offers a date."""
    html = superuser_client.get(_url(Vorgang, "change", bestand["vorgang"].pk)).content.decode()
    assert 'name="betreff"' in html and 'name="wiedervorlage"' not in html


def test_large_unfiltered_list_uses_estimate_instead_of_count(superuser_client, bestand, monkeypatch):
    monkeypatch.setattr(dms_admin.SchaetzenderPaginator, "SCHWELLE", 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dms_akte")
    with CaptureQueriesContext(connection) as ctx:
        r = superuser_client.get(_url(Akte, "changelist"))
    assert r.status_code == 200
    zaehlungen = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "dms_akte" in q["sql"]]
    assert zaehlungen == []
    assert any("reltuples" in q["sql"] for q in ctx.captured_queries)


def test_filtered_count_is_capped(superuser_client, bestand, monkeypatch):
    monkeypatch.setattr(dms_admin.SchaetzenderPaginator, "OBERGRENZE", 1)
    f.AkteFactory()
    f.AkteFactory()
    r = superuser_client.get(_url(Akte, "changelist"), {"status__exact": "aktiv"})
    assert r.status_code == 200
    assert r.context["cl"].result_count == 1


def test_vorgangsart_catalogue_visible(superuser_client):
    assert Vorgangsart.objects.exists()
    r = superuser_client.get(_url(Vorgangsart, "changelist"))
    assert "Verlängerung" in r.content.decode()


def test_authority_admin_creates_team_only_for_her_authority_with_audit(admin_client):
    daten = {"name": "Team Asyl", "buchstaben_von": "A", "buchstaben_bis": "Z"}
    r = admin_client.post(_url(Team, "add"), {**daten, "behoerde": f.behoerde("HP").pk})
    assert r.status_code == 200 and not Team.objects.filter(name="Team Asyl").exists()
    assert admin_client.post(_url(Team, "add"), {**daten, "behoerde": f.behoerde("OF").pk}).status_code == 302
    team = Team.objects.get(name="Team Asyl")
    assert team.behoerde.kuerzel == "OF"
    assert Protokolleintrag.objects.filter(aktion="anlegen", objekt_typ="team", objekt_id=str(team.pk)).exists()


def test_authority_admin_cannot_grant_the_land_role(admin_client, bestand):
    user = f.UserFactory()
    r = admin_client.post(
        _url(Mitgliedschaft, "add"), {"user": user.pk, "behoerde": f.behoerde("OF").pk, "rolle": Rolle.LAND}
    )
    assert r.status_code == 200
    assert "rolle" in r.context["adminform"].form.errors  # the ministry role is not offered
    assert not Mitgliedschaft.objects.filter(user=user).exists()

"""The audit trail: reads are recorded (once, not per row), tampering is detected and named, role revision searches."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from rest_framework.test import APIClient

from dms.audit import Aktion, kette_pruefen, protokollieren
from dms.models import Protokolleintrag, Rolle
from tests import factories as f

from .conftest import benutzer

pytestmark = pytest.mark.django_db


def _manipulieren(sql: str, params: list) -> None:
    """Bypass the append-only trigger as an attacker with database access would, inside this test's transaction."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("ALTER TABLE dms_protokolleintrag DISABLE TRIGGER USER")
        cur.execute(sql, params)
        cur.execute("ALTER TABLE dms_protokolleintrag ENABLE TRIGGER USER")


def _drei_eintraege(user) -> list[Protokolleintrag]:
    akte = f.AkteFactory()
    return [protokollieren(aktion=Aktion.LESEN, user=user, objekt=akte, details={"n": i}) for i in range(3)]


def test_reading_a_file_writes_one_entry_and_a_list_writes_none_per_row(api, sachbearbeitung):
    akten = [f.AkteFactory(sachbearbeitung=sachbearbeitung) for _ in range(3)]
    vorher = Protokolleintrag.objects.count()
    r = api.get("/api/v1/akten/")
    assert r.status_code == 200 and r.json()["count"] == 3
    assert Protokolleintrag.objects.count() - vorher <= 1
    vorher = Protokolleintrag.objects.count()
    assert api.get(f"/api/v1/akten/{akten[0].pk}/").status_code == 200
    neu = Protokolleintrag.objects.filter(id__gt=0).order_by("-id").first()
    assert Protokolleintrag.objects.count() == vorher + 1
    assert neu.aktion == Aktion.LESEN and neu.akte_id_wert == akten[0].pk and neu.user_id == sachbearbeitung.pk
    assert neu.aktenzeichen == akten[0].aktenzeichen


def test_entries_cannot_be_updated_or_deleted():
    from django.db import DatabaseError

    e = protokollieren(aktion=Aktion.ANMELDUNG, benutzername="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        Protokolleintrag.objects.filter(pk=e.pk).update(benutzername="y")
    with pytest.raises(DatabaseError), transaction.atomic():
        Protokolleintrag.objects.filter(pk=e.pk).delete()


def test_protokoll_pruefen_is_ok_on_an_intact_chain(sachbearbeitung):
    _drei_eintraege(sachbearbeitung)
    out = io.StringIO()
    call_command("protokoll_pruefen", stdout=out)
    assert "Protokoll in Ordnung" in out.getvalue()


def test_protokoll_pruefen_names_an_altered_entry(sachbearbeitung):
    eintraege = _drei_eintraege(sachbearbeitung)
    opfer = eintraege[1]
    _manipulieren("UPDATE dms_protokolleintrag SET benutzername = %s WHERE id = %s", ["jemand_anders", opfer.pk])
    befunde = list(kette_pruefen())
    assert [b.eintrag_id for b in befunde] == [opfer.pk]
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("protokoll_pruefen", stderr=err)
    assert exc.value.returncode == 1
    assert f"Eintrag {opfer.pk}: Inhalt verändert" in err.getvalue()


def test_protokoll_pruefen_names_a_removed_entry_and_a_rehashed_one(sachbearbeitung):
    eintraege = _drei_eintraege(sachbearbeitung)
    _manipulieren("DELETE FROM dms_protokolleintrag WHERE id = %s", [eintraege[1].pk])
    befunde = list(kette_pruefen())
    assert [b.eintrag_id for b in befunde] == [eintraege[1].pk]
    assert "entfernt" in befunde[0].grund
    # An attacker who also recomputes the hash of the entry she altered breaks the link of the next one.
    neu = _drei_eintraege(sachbearbeitung)
    _manipulieren(
        "UPDATE dms_protokolleintrag SET details = '{}'::jsonb, hash = %s WHERE id = %s", ["f" * 64, neu[0].pk]
    )
    ids = {b.eintrag_id for b in kette_pruefen()}
    assert {neu[0].pk, neu[1].pk} <= ids


def _revision_api(kuerzel: str = "OF") -> APIClient:
    client = APIClient()
    client.force_authenticate(benutzer(kuerzel, Rolle.REVISION))
    return client


def test_revision_searches_and_exports_own_authoritys_entries_only(api, sachbearbeitung, fremde_api):
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    fremde_akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    api.get(f"/api/v1/akten/{akte.pk}/")
    fremde_api.get(f"/api/v1/akten/{fremde_akte.pk}/")
    revision = _revision_api()
    r = revision.get("/api/v1/protokoll/", {"aktion": "lesen", "aktenzeichen": akte.aktenzeichen})
    assert r.status_code == 200
    daten = r.json()
    assert daten["count"] == 1
    assert daten["results"][0]["aktenzeichen"] == akte.aktenzeichen
    assert daten["results"][0]["benutzername"] == sachbearbeitung.username
    assert revision.get("/api/v1/protokoll/", {"aktenzeichen": fremde_akte.aktenzeichen}).json()["count"] == 0
    assert revision.get("/api/v1/protokoll/", {"user": sachbearbeitung.pk, "aktion": "lesen"}).json()["count"] == 1
    assert revision.get("/api/v1/protokoll/", {"von": "2999-01-01"}).json()["count"] == 0
    for falsch in ({"von": "gestern"}, {"bis": "31.12.2026"}, {"aktion": "hacken"}):
        r = revision.get("/api/v1/protokoll/", falsch)
        assert r.status_code == 400 and next(iter(falsch)) in r.json()
    assert revision.get("/api/v1/protokoll/", {"user": "9" * 30}).json()["count"] == 0
    r = revision.get("/api/v1/protokoll/export.csv", {"aktion": "lesen", "aktenzeichen": akte.aktenzeichen})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    zeilen = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert zeilen[0][0] == "id" and len(zeilen) == 2
    assert zeilen[1][zeilen[0].index("aktenzeichen")] == akte.aktenzeichen
    assert Protokolleintrag.objects.filter(aktion=Aktion.EXPORT, details__has_key="protokoll_export").exists()


def test_inspecting_authoritys_reads_appear_in_the_owners_trail(sachbearbeitung, fremde_api, fremde_sachbearbeitung):
    import datetime as dt

    from django.utils import timezone

    from dms.services.berechtigungen import akteneinsicht_erteilen

    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    akteneinsicht_erteilen(
        akte=akte, user=sachbearbeitung, behoerde=f.behoerde("HP"), bis=timezone.now() + dt.timedelta(days=1), grund="x"
    )
    assert fremde_api.get(f"/api/v1/akten/{akte.pk}/").status_code == 200
    r = _revision_api().get("/api/v1/protokoll/", {"aktenzeichen": akte.aktenzeichen, "aktion": "lesen"})
    assert r.json()["count"] == 1 and r.json()["results"][0]["benutzername"] == fremde_sachbearbeitung.username


def test_csv_cells_cannot_start_a_formula(sachbearbeitung):
    protokollieren(aktion=Aktion.ANMELDUNG_FEHLGESCHLAGEN, benutzername=sachbearbeitung.username)
    protokollieren(aktion=Aktion.ANMELDUNG, user=sachbearbeitung, details={"x": 1})
    from dms.api.sicherheit import _csv_zelle

    assert _csv_zelle("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_zelle("@SUM(A1)") == "'@SUM(A1)"
    assert _csv_zelle("normal") == "normal"


@pytest.mark.parametrize("rolle", [r for r in Rolle.values if r != Rolle.REVISION])
def test_only_revision_reads_the_trail(rolle):
    client = APIClient()
    client.force_authenticate(benutzer("OF", rolle))
    assert client.get("/api/v1/protokoll/").status_code == 403
    assert client.get("/api/v1/protokoll/export.csv").status_code == 403


def test_failed_login_and_logout_are_recorded(client, sachbearbeitung):
    client.post("/anmelden/", {"username": sachbearbeitung.username, "password": "falsch"}, REMOTE_ADDR="10.1.2.3")
    e = Protokolleintrag.objects.filter(aktion=Aktion.ANMELDUNG_FEHLGESCHLAGEN).latest("id")
    assert e.benutzername == sachbearbeitung.username and e.ip_adresse == "10.1.2.3"
    assert client.post("/anmelden/", {"username": sachbearbeitung.username, "password": f.PASSWORT}).status_code == 302
    assert Protokolleintrag.objects.filter(aktion=Aktion.ANMELDUNG, user=sachbearbeitung).exists()
    client.post("/abmelden/")
    assert Protokolleintrag.objects.filter(aktion=Aktion.ABMELDUNG, user=sachbearbeitung).exists()


def test_forged_client_address_header_never_breaks_auditing(api, sachbearbeitung, settings):
    settings.TRUST_X_REAL_IP = True
    akte = f.AkteFactory(sachbearbeitung=sachbearbeitung)
    r = api.get(f"/api/v1/akten/{akte.pk}/", HTTP_X_REAL_IP="<script>")
    assert r.status_code == 200
    e = Protokolleintrag.objects.filter(akte_id_wert=akte.pk).latest("id")
    assert e.ip_adresse == "127.0.0.1"

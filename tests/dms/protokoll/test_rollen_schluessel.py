"""The production database role, the keys (start-up refusal, rotation), and the carry-over of unkeyed entries."""

from __future__ import annotations

import importlib
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from dms.audit import Aktion, protokollieren
from dms.models import Protokolleintrag
from dms.protokoll.pseudonymisierung import protokoll_pseudonymisieren
from dms.protokoll.rollen import rollen_sql
from tests.dms.security.test_anmeldung import _env_produktion

from .conftest import als_eigentuemer, befunde

pytestmark = pytest.mark.django_db

migration = importlib.import_module("dms.migrations.0008_protokoll_schluesselkette")


def _verweigert(cur, sql: str, params: list | None = None) -> str:
    with pytest.raises(DatabaseError) as exc, transaction.atomic():
        cur.execute(sql, params or [])
    return getattr(exc.value.__cause__, "sqlstate", "") or ""


def test_the_app_role_cannot_disable_the_trigger_or_delete_but_can_append_and_pseudonymise(eintraege, sachbearbeitung):
    rolle = f"akte_app_{uuid.uuid4().hex[:10]}"  # created inside the test's transaction: rolled back with it
    opfer = eintraege["OF"][0]
    with connection.cursor() as cur:
        cur.execute(rollen_sql(app_rolle=rolle, datenbank=connection.settings_dict["NAME"]))
        cur.execute(f"SET ROLE {rolle}")
        try:
            for sql in (
                "ALTER TABLE dms_protokolleintrag DISABLE TRIGGER USER",
                "ALTER TABLE dms_protokolleintrag DISABLE TRIGGER dms_protokoll_nur_anhaengen",
                "DROP TRIGGER dms_protokoll_nur_anhaengen ON dms_protokolleintrag",
                f"ALTER TABLE dms_protokolleintrag OWNER TO {rolle}",
                "TRUNCATE dms_protokolleintrag",
                "DELETE FROM dms_protokolleintrag WHERE id = %s",
                "UPDATE dms_protokolleintrag SET benutzername = 'x', hash = 'y' WHERE id = %s",
                "CREATE OR REPLACE FUNCTION dms_protokoll_nur_anhaengen() RETURNS trigger AS $$ BEGIN RETURN NEW; "
                "END; $$ LANGUAGE plpgsql",
                "SET session_replication_role = replica",  # would skip triggers: superuser only
            ):
                assert _verweigert(cur, sql, [opfer.id] if "%s" in sql else None) == "42501", (
                    sql
                )  # insufficient_privilege, not just the trigger
            # What the application does need still works under this role.
            neu = protokollieren(aktion=Aktion.LESEN, user=sachbearbeitung, details={"unter": "app-rolle"})
            assert Protokolleintrag.objects.filter(id=neu.id).exists()
            assert protokoll_pseudonymisieren(akte_id=opfer.akte_id_wert, user=sachbearbeitung).anzahl == 5
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] == rolle
        finally:
            cur.execute("RESET ROLE")
    assert befunde() == []


def test_the_role_script_refuses_unsafe_names():
    with pytest.raises(ValueError):
        rollen_sql(app_rolle="app; DROP TABLE x", datenbank="akte")


def _check(env_zusatz: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**_env_produktion(), **env_zusatz}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "wert",
    [
        "",
        "beispiel:unsicher-nur-fuer-entwicklung-und-tests-protokoll",
        "k1:zu-kurz",
        "k1:" + "a" * 40 + ",k1:" + "b" * 40,
    ],
)
def test_production_refuses_a_missing_example_or_malformed_audit_key(wert):
    r = _check({"AUDIT_HMAC_KEYS": wert})
    assert r.returncode != 0 and "AUDIT_HMAC_KEYS" in r.stderr


def test_production_reads_the_keys_from_a_secret_file(tmp_path):
    datei = tmp_path / "audit-keys"
    datei.write_text("alt:" + "a" * 40 + "\nneu:" + "b" * 40 + "\n")
    r = _check({"AUDIT_HMAC_KEYS_FILE": str(datei), "AUDIT_HMAC_KEYS": ""})
    assert r.returncode == 0, r.stderr


def test_keys_rotate_and_old_entries_still_verify(eintraege, sachbearbeitung, settings):
    alt = settings.AUDIT_HMAC_WRITE_KEY_ID
    settings.AUDIT_HMAC_KEYS = {**settings.AUDIT_HMAC_KEYS, "k2026": "n" * 48}
    settings.AUDIT_HMAC_WRITE_KEY_ID = "k2026"
    neu = protokollieren(aktion=Aktion.LESEN, user=sachbearbeitung)
    assert neu.schluessel_id == "k2026" and eintraege["OF"][0].schluessel_id == alt
    assert befunde() == []
    # Dropping the old key from the configuration makes its entries unverifiable: the check says so.
    settings.AUDIT_HMAC_KEYS = {"k2026": "n" * 48}
    gruende = {b.grund.split(":")[0] for b in befunde()}
    assert gruende == {f"unbekannter Schlüssel {alt!r}"}


class _SchemaEditor:
    connection = connection


def _alter_eintrag(vorheriger: str, i: int, behoerde_id: int) -> list:
    e = Protokolleintrag(
        zeitpunkt=eintraege_zeit(),
        benutzername=f"alt{i}",
        behoerde_id_wert=behoerde_id,
        aktion="lesen",
        aktenzeichen=f"OF-2020-00000{i}",
        details={"n": i},
    )
    e.hash = migration._alter_hash(e, vorheriger)
    return [e.zeitpunkt, e.benutzername, behoerde_id, e.aktenzeichen, f'{{"n": {i}}}', -i, vorheriger, e.hash]


def eintraege_zeit():
    from django.utils import timezone

    return timezone.now().replace(microsecond=0)


def _alte_kette_anlegen(n: int, behoerde_id: int) -> list[str]:
    hashes, vorheriger = [], "0" * 64
    for i in range(1, n + 1):
        werte = _alter_eintrag(vorheriger, i, behoerde_id)
        als_eigentuemer(
            "INSERT INTO dms_protokolleintrag (zeitpunkt, benutzername, behoerde_id_wert, aktion, objekt_typ, "
            "objekt_id, aktenzeichen, details, kette, nummer, vorheriger_hash, hash, schluessel_id, "
            "personenbezug_digest, personenbezug_salz) VALUES (%s, %s, %s, 'lesen', '', '', %s, %s::jsonb, -1, %s, "
            "%s, %s, '', '', '')",
            werte,
        )
        vorheriger = werte[-1]
        hashes.append(vorheriger)
    return hashes


def test_existing_unkeyed_entries_are_resealed_at_migration_and_the_old_head_recorded():
    from tests import factories as f

    of = f.behoerde("OF")
    alte = _alte_kette_anlegen(3, of.id)
    migration.neu_versiegeln(apps, _SchemaEditor())
    assert befunde() == []
    of_kette = list(Protokolleintrag.objects.filter(kette=of.id).order_by("nummer"))
    assert [e.nummer for e in of_kette] == [1, 2, 3] and of_kette[2].benutzername == "alt3"
    uebernahme = Protokolleintrag.objects.get(aktion=Aktion.UEBERNAHME)
    assert uebernahme.kette == 0 and uebernahme.details == {
        "neu_versiegelt": 3,
        "alter_kopf": alte[-1],
        "alte_kette_in_ordnung": True,
        "erster_befund_alt": None,
    }


def test_a_broken_old_chain_stops_the_carry_over(monkeypatch):
    from tests import factories as f

    _alte_kette_anlegen(3, f.behoerde("OF").id)
    als_eigentuemer("UPDATE dms_protokolleintrag SET benutzername = 'gefälscht' WHERE nummer = -2")
    zweiter = Protokolleintrag.objects.get(nummer=-2).id
    with pytest.raises(RuntimeError, match=f"bei Eintrag {zweiter} nicht in Ordnung"):
        migration.neu_versiegeln(apps, _SchemaEditor())
    monkeypatch.setenv("AUDIT_RESEAL_TROTZ_BEFUND", "1")
    migration.neu_versiegeln(apps, _SchemaEditor())
    assert Protokolleintrag.objects.get(aktion=Aktion.UEBERNAHME).details["erster_befund_alt"] == zweiter

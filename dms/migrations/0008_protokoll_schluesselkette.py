"""Keyed audit chains per authority (issue 10 item 11, issue 18), pseudonymisation as the one allowed change.

Carry-over of an installation's existing (unkeyed, Land-wide) entries: RE-SEAL at migration time. The old chain is
first checked with the old function; if it is broken the migration stops and names the entry (an operator may
override with AUDIT_RESEAL_TROTZ_BEFUND=1 after investigating, and the finding is recorded). Then every old entry is
given its chain, number, salt, digest and keyed hash, and one `uebernahme` entry records how many entries were
carried over and the old chain's head hash, so a head kept outside (the old advice: keep the daily check's output)
can be matched. The migration needs AUDIT_HMAC_KEYS like the application.
"""

import hashlib
import json
import os

from django.db import migrations, models

ALTE_GENESIS = "0" * 64

# Row trigger: nothing may change an entry, except the pseudonymisation (dms/protokoll/pseudonymisierung.py): it
# replaces exactly the personal part (aktenzeichen, details, salt) once, pointing at a recorded pseudonymisation
# entry that is newer and names the same pseudonym. Every other column must stay as it is.
NUR_ANHAENGEN = """
CREATE OR REPLACE FUNCTION dms_protokoll_nur_anhaengen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.pseudonymisiert_durch IS NULL
        AND NEW.pseudonymisiert_durch IS NOT NULL
        AND OLD.aktion <> 'pseudonymisierung'
        AND NEW.details = '{}'::jsonb
        AND NEW.personenbezug_salz = ''
        AND ROW(NEW.id, NEW.kette, NEW.nummer, NEW.zeitpunkt, NEW.user_id, NEW.benutzername, NEW.im_auftrag_von_id,
                NEW.behoerde_id_wert, NEW.aktion, NEW.objekt_typ, NEW.objekt_id, NEW.akte_id_wert, NEW.ip_adresse,
                NEW.vorheriger_hash, NEW.hash, NEW.schluessel_id, NEW.personenbezug_digest)
            IS NOT DISTINCT FROM
            ROW(OLD.id, OLD.kette, OLD.nummer, OLD.zeitpunkt, OLD.user_id, OLD.benutzername, OLD.im_auftrag_von_id,
                OLD.behoerde_id_wert, OLD.aktion, OLD.objekt_typ, OLD.objekt_id, OLD.akte_id_wert, OLD.ip_adresse,
                OLD.vorheriger_hash, OLD.hash, OLD.schluessel_id, OLD.personenbezug_digest)
        AND EXISTS (
            SELECT 1 FROM dms_protokolleintrag r
            WHERE r.id = NEW.pseudonymisiert_durch AND r.id > NEW.id AND r.aktion = 'pseudonymisierung'
              AND r.details->>'pseudonym' = NEW.aktenzeichen
        )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Das Protokoll ist unveränderlich: % ist nicht erlaubt', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

# Lock the chain, read its head, and hand out the next number and id, in one round trip (dms/audit.py).
# VOLATILE plpgsql: the SELECT after the lock takes a fresh snapshot, so it sees the entry of the previous holder.
KOPF = """
DROP FUNCTION IF EXISTS dms_protokoll_vorgaenger(bigint, boolean);
CREATE OR REPLACE FUNCTION dms_protokoll_kopf(k bigint, asynchron boolean)
RETURNS TABLE (vorheriger varchar, nummer bigint, neue_id bigint) AS $$
BEGIN
    IF asynchron THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    PERFORM pg_advisory_xact_lock(47110001, k::integer);
    RETURN QUERY
        SELECT e.hash, e.nummer + 1, nextval(pg_get_serial_sequence('dms_protokolleintrag', 'id'))
        FROM dms_protokolleintrag e WHERE e.kette = k ORDER BY e.nummer DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN QUERY SELECT NULL::varchar, 1::bigint, nextval(pg_get_serial_sequence('dms_protokolleintrag', 'id'));
    END IF;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

KOPF_REVERSE = "DROP FUNCTION IF EXISTS dms_protokoll_kopf(bigint, boolean);"


def _alter_hash(e, vorheriger: str) -> str:
    """The hash function before this migration (unkeyed SHA-256 over the JSON of the fields), frozen here."""
    felder = {
        "zeitpunkt": e.zeitpunkt.isoformat(),
        "user_id": e.user_id,
        "benutzername": e.benutzername,
        "im_auftrag_von_id": e.im_auftrag_von_id,
        "behoerde_id": e.behoerde_id_wert,
        "aktion": e.aktion,
        "objekt_typ": e.objekt_typ,
        "objekt_id": e.objekt_id,
        "akte_id": e.akte_id_wert,
        "aktenzeichen": e.aktenzeichen,
        "ip_adresse": e.ip_adresse,
        "details": e.details,
    }
    payload = json.dumps(felder, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{vorheriger}|{payload}".encode()).hexdigest()


def neu_versiegeln(apps, schema_editor):
    from dms.protokoll.kette import GENESIS_HASH, OHNE_BEHOERDE, schreibschluessel, versiegeln

    Eintrag = apps.get_model("dms", "Protokolleintrag")
    Akte = apps.get_model("dms", "Akte")
    if not Eintrag.objects.exists():
        return
    schluessel_id, key = schreibschluessel()
    alt_vorheriger = ALTE_GENESIS
    erster_befund = None
    for e in Eintrag.objects.order_by("id").iterator(chunk_size=5000):
        if erster_befund is None and (e.vorheriger_hash != alt_vorheriger or _alter_hash(e, e.vorheriger_hash) != e.hash):
            erster_befund = e.id
        alt_vorheriger = e.hash
    if erster_befund is not None and os.environ.get("AUDIT_RESEAL_TROTZ_BEFUND") != "1":
        raise RuntimeError(
            f"Das bisherige Protokoll ist bei Eintrag {erster_befund} nicht in Ordnung; es wird nicht neu versiegelt. "
            "Erst untersuchen (python manage.py protokoll_pruefen auf dem alten Stand), dann ggf. mit "
            "AUDIT_RESEAL_TROTZ_BEFUND=1 migrieren (der Befund wird im Übernahme-Eintrag festgehalten)."
        )
    behoerde_der_akte = dict(Akte.objects.values_list("id", "behoerde_id"))
    koepfe: dict[int, tuple[int, str]] = {}
    anzahl = 0
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE dms_protokolleintrag DISABLE TRIGGER dms_protokoll_nur_anhaengen")
        stapel = []
        for e in Eintrag.objects.order_by("id").iterator(chunk_size=5000):
            kette = e.behoerde_id_wert or behoerde_der_akte.get(e.akte_id_wert) or OHNE_BEHOERDE
            nummer, vorheriger = koepfe.get(kette, (0, GENESIS_HASH))
            e.kette, e.nummer, e.vorheriger_hash = kette, nummer + 1, vorheriger
            e.details = json.loads(json.dumps(e.details, default=str))
            versiegeln(e, schluessel_id, key)
            koepfe[kette] = (e.nummer, e.hash)
            stapel.append(
                [e.kette, e.nummer, e.vorheriger_hash, e.hash, e.schluessel_id, e.personenbezug_digest,
                 e.personenbezug_salz, json.dumps(e.details), e.id]
            )
            anzahl += 1
            if len(stapel) >= 2000:
                _schreiben(cursor, stapel)
                stapel = []
        _schreiben(cursor, stapel)
        cursor.execute("ALTER TABLE dms_protokolleintrag ENABLE TRIGGER dms_protokoll_nur_anhaengen")
        cursor.execute("SELECT nextval(pg_get_serial_sequence('dms_protokolleintrag', 'id'))")
        neue_id = cursor.fetchone()[0]
    from django.utils import timezone

    nummer, vorheriger = koepfe.get(OHNE_BEHOERDE, (0, GENESIS_HASH))
    uebernahme = Eintrag(
        id=neue_id,
        zeitpunkt=timezone.now(),
        benutzername="system",
        aktion="uebernahme",
        kette=OHNE_BEHOERDE,
        nummer=nummer + 1,
        vorheriger_hash=vorheriger,
        details={
            "neu_versiegelt": anzahl,
            "alter_kopf": alt_vorheriger,
            "alte_kette_in_ordnung": erster_befund is None,
            "erster_befund_alt": erster_befund,
        },
    )
    versiegeln(uebernahme, schluessel_id, key)
    uebernahme.save(force_insert=True)


def _schreiben(cursor, stapel) -> None:
    if stapel:
        cursor.executemany(
            "UPDATE dms_protokolleintrag SET kette = %s, nummer = %s, vorheriger_hash = %s, hash = %s, "
            "schluessel_id = %s, personenbezug_digest = %s, personenbezug_salz = %s, details = %s::jsonb WHERE id = %s",
            stapel,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("dms", "0007_betrieb_integritaet"),
    ]

    operations = [
        migrations.AlterField(
            model_name="protokolleintrag",
            name="aktion",
            field=models.CharField(
                choices=[
                    ("lesen", "gelesen"),
                    ("herunterladen", "heruntergeladen"),
                    ("anlegen", "angelegt"),
                    ("aendern", "geändert"),
                    ("loeschen", "gelöscht"),
                    ("export", "exportiert"),
                    ("import", "importiert"),
                    ("berechtigung", "Berechtigung geändert"),
                    ("anmeldung", "angemeldet"),
                    ("abmeldung", "abgemeldet"),
                    ("anmeldung_fehlgeschlagen", "Anmeldung fehlgeschlagen"),
                    ("suche", "gesucht"),
                    ("abgabe", "abgegeben"),
                    ("pseudonymisierung", "Protokoll pseudonymisiert"),
                    ("uebernahme", "Protokoll übernommen"),
                ],
                max_length=30,
                verbose_name="Aktion",
            ),
        ),
        migrations.AddField(
            model_name="protokolleintrag",
            name="kette",
            field=models.BigIntegerField(default=0, verbose_name="Kette"),
        ),
        migrations.AddField(
            model_name="protokolleintrag",
            name="nummer",
            field=models.BigIntegerField(null=True, verbose_name="Nummer in der Kette"),
        ),
        migrations.AddField(
            model_name="protokolleintrag",
            name="schluessel_id",
            field=models.CharField(default="", max_length=16, verbose_name="Schlüssel"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="protokolleintrag",
            name="personenbezug_digest",
            field=models.CharField(default="", max_length=64, verbose_name="Digest des Personenbezugs"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="protokolleintrag",
            name="personenbezug_salz",
            field=models.CharField(blank=True, default="", max_length=32, verbose_name="Salz"),
        ),
        migrations.AddField(
            model_name="protokolleintrag",
            name="pseudonymisiert_durch",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="pseudonymisiert durch Eintrag"),
        ),
        migrations.AlterField(
            model_name="protokolleintrag",
            name="hash",
            field=models.CharField(max_length=64, verbose_name="Hash"),
        ),
        migrations.RunSQL(NUR_ANHAENGEN, migrations.RunSQL.noop),
        migrations.RunSQL(KOPF, KOPF_REVERSE),
        migrations.RunPython(neu_versiegeln, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="protokolleintrag",
            name="nummer",
            field=models.BigIntegerField(verbose_name="Nummer in der Kette"),
        ),
        migrations.AddConstraint(
            model_name="protokolleintrag",
            constraint=models.UniqueConstraint(fields=("kette", "nummer"), name="protokoll_kette_nummer"),
        ),
        migrations.CreateModel(
            name="ProtokollPruefung",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("zeitpunkt", models.DateTimeField(db_index=True, verbose_name="Zeitpunkt")),
                ("vollstaendig", models.BooleanField(default=True, verbose_name="vollständig")),
                ("in_ordnung", models.BooleanField(verbose_name="in Ordnung")),
                ("befunde", models.PositiveIntegerField(default=0, verbose_name="Befunde")),
                ("erster_befund", models.TextField(blank=True, default="", verbose_name="erster Befund")),
                ("eintraege", models.BigIntegerField(default=0, verbose_name="geprüfte Einträge")),
                ("ketten", models.PositiveIntegerField(default=0, verbose_name="geprüfte Ketten")),
                ("anker_nummer", models.BigIntegerField(blank=True, null=True, verbose_name="Ankerpunkt")),
                (
                    "anker_zeitpunkt",
                    models.DateTimeField(blank=True, null=True, verbose_name="Zeit des Ankerpunkts"),
                ),
                ("dauer_sekunden", models.FloatField(default=0, verbose_name="Dauer (s)")),
            ],
            options={
                "verbose_name": "Protokollprüfung",
                "verbose_name_plural": "Protokollprüfungen",
                "ordering": ["-zeitpunkt"],
            },
        ),
    ]

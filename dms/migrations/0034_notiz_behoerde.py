"""A note belongs to the authority that wrote it (issue 18, Land scale; docs/operations.md, "Land scale").

`dms_notiz.behoerde_id`: the authority of the note's file when the note is written, set by PostgreSQL itself (a
trigger on insert, never written by code) and kept when the file later goes to another authority: a note is an
internal working aid of the authority that wrote it, never part of the file (not exported, not in a court copy), so
an accepted hand-over no longer shows the receiving authority the sender's notes. With it the notes' GIN index
holds the authority beside the words (btree_gin, like `dokument_behoerde_suchvektor`): the search reads and sorts
only the own authority's matching notes, not those of the whole Land.

Non-atomic and re-runnable like dms 0024: the column is added without a default, the backfill (the file's current
authority: the best there is for existing notes) commits in batches, NOT NULL is proven by a constraint validated
without blocking writes, the index is built and the old one dropped CONCURRENTLY.
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

STAPEL = 20_000

SPALTE = """
ALTER TABLE dms_notiz ADD COLUMN IF NOT EXISTS behoerde_id bigint NULL;
DO $$ BEGIN
    ALTER TABLE dms_notiz ADD CONSTRAINT dms_notiz_behoerde_id_fk_dms_behoerde_id
        FOREIGN KEY (behoerde_id) REFERENCES dms_behoerde (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE OR REPLACE FUNCTION dms_notiz_behoerde_setzen() RETURNS trigger AS $$
BEGIN
    SELECT behoerde_id INTO NEW.behoerde_id FROM dms_akte WHERE id = NEW.akte_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS dms_notiz_behoerde ON dms_notiz;
CREATE TRIGGER dms_notiz_behoerde BEFORE INSERT ON dms_notiz
    FOR EACH ROW EXECUTE FUNCTION dms_notiz_behoerde_setzen();
"""

SPALTE_ZURUECK = """
DROP TRIGGER IF EXISTS dms_notiz_behoerde ON dms_notiz;
DROP FUNCTION IF EXISTS dms_notiz_behoerde_setzen();
ALTER TABLE dms_notiz DROP COLUMN IF EXISTS behoerde_id;
"""

NICHT_NULL = """
DO $$ BEGIN
    ALTER TABLE dms_notiz ADD CONSTRAINT dms_notiz_behoerde_da CHECK (behoerde_id IS NOT NULL) NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TABLE dms_notiz VALIDATE CONSTRAINT dms_notiz_behoerde_da;
ALTER TABLE dms_notiz VALIDATE CONSTRAINT dms_notiz_behoerde_id_fk_dms_behoerde_id;
ALTER TABLE dms_notiz ALTER COLUMN behoerde_id SET NOT NULL;
ALTER TABLE dms_notiz DROP CONSTRAINT dms_notiz_behoerde_da;
"""


def nachtragen(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Existing notes get their file's authority, in batches by id (each its own transaction)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM dms_notiz WHERE behoerde_id IS NULL")
        kleinste, groesste = cursor.fetchone()
        if kleinste is None:
            return
        von = kleinste
        while von <= groesste:
            cursor.execute(
                "UPDATE dms_notiz n SET behoerde_id = a.behoerde_id FROM dms_akte a "
                "WHERE a.id = n.akte_id AND n.id >= %s AND n.id < %s AND n.behoerde_id IS NULL",
                [von, von + STAPEL],
            )
            von += STAPEL


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dms", "0033_notiz_suchvektor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="notiz",
                    name="behoerde",
                    field=models.ForeignKey(
                        editable=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="dms.behoerde",
                    ),
                    preserve_default=False,
                ),
            ],
            database_operations=[
                migrations.RunSQL(SPALTE, SPALTE_ZURUECK),
                migrations.RunPython(nachtragen, migrations.RunPython.noop, elidable=True),
                migrations.RunSQL(NICHT_NULL, migrations.RunSQL.noop),
            ],
        ),
        AddIndexConcurrently(
            model_name="notiz",
            index=django.contrib.postgres.indexes.GinIndex(
                fastupdate=False, fields=["behoerde", "suchvektor"], name="notiz_behoerde_suchvektor"
            ),
        ),
        # The new index serves `suchvektor @@ q` alone too (GIN over several columns).
        RemoveIndexConcurrently(model_name="notiz", name="notiz_suchvektor_gin"),
    ]

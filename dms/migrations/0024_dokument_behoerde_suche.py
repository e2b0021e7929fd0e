"""The full-text search per authority from one index (docs/operations.md, "Land scale"; issue 18).

`dms_dokument.behoerde_id`, kept equal to the file's authority by PostgreSQL itself (triggers: on insert and on a
change of the document's file; when a file changes authority, its documents follow), a GIN index over
(behoerde_id, suchvektor) with btree_gin (it replaces the GIN index over suchvektor alone, dropped after the new one
is built), and a trigram index for first names.

Non-atomic and re-runnable, so a Land database with millions of documents keeps answering: the column is added
without a default (no table rewrite), the backfill commits in batches, NOT NULL is proven by a constraint validated
without blocking writes, the indexes are built CONCURRENTLY. If it stops half-way (or an INVALID index is left by a
failed concurrent build: drop it), run `migrate` again; every step checks what is done.
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.text
from django.contrib.postgres.operations import (
    AddIndexConcurrently,
    BtreeGinExtension,
    RemoveIndexConcurrently,
    TrigramExtension,
)
from django.db import migrations, models

# Rows per backfill batch: one short transaction each (a few seconds on a busy server at most).
STAPEL = 20_000

SPALTE = """
ALTER TABLE dms_dokument ADD COLUMN IF NOT EXISTS behoerde_id bigint NULL;
DO $$ BEGIN
    ALTER TABLE dms_dokument ADD CONSTRAINT dms_dokument_behoerde_id_fk_dms_behoerde_id
        FOREIGN KEY (behoerde_id) REFERENCES dms_behoerde (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
"""

# The document's authority is its file's, whatever code (or SQL) writes the row.
TRIGGER = """
CREATE OR REPLACE FUNCTION dms_dokument_behoerde_setzen() RETURNS trigger AS $$
BEGIN
    SELECT behoerde_id INTO NEW.behoerde_id FROM dms_akte WHERE id = NEW.akte_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION dms_akte_behoerde_weitergeben() RETURNS trigger AS $$
BEGIN
    UPDATE dms_dokument SET behoerde_id = NEW.behoerde_id WHERE akte_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS dms_dokument_behoerde ON dms_dokument;
CREATE TRIGGER dms_dokument_behoerde BEFORE INSERT OR UPDATE OF akte_id, behoerde_id ON dms_dokument
    FOR EACH ROW EXECUTE FUNCTION dms_dokument_behoerde_setzen();

DROP TRIGGER IF EXISTS dms_akte_behoerde ON dms_akte;
CREATE TRIGGER dms_akte_behoerde AFTER UPDATE OF behoerde_id ON dms_akte
    FOR EACH ROW WHEN (OLD.behoerde_id IS DISTINCT FROM NEW.behoerde_id)
    EXECUTE FUNCTION dms_akte_behoerde_weitergeben();
"""

TRIGGER_ZURUECK = """
DROP TRIGGER IF EXISTS dms_akte_behoerde ON dms_akte;
DROP TRIGGER IF EXISTS dms_dokument_behoerde ON dms_dokument;
DROP FUNCTION IF EXISTS dms_akte_behoerde_weitergeben();
DROP FUNCTION IF EXISTS dms_dokument_behoerde_setzen();
"""

# SET NOT NULL on its own scans the whole table under an exclusive lock; a validated CHECK lets PostgreSQL skip that
# scan, and VALIDATE only takes a lock that lets reads and writes go on.
NICHT_NULL = """
DO $$ BEGIN
    ALTER TABLE dms_dokument ADD CONSTRAINT dms_dokument_behoerde_da CHECK (behoerde_id IS NOT NULL) NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
ALTER TABLE dms_dokument VALIDATE CONSTRAINT dms_dokument_behoerde_da;
ALTER TABLE dms_dokument VALIDATE CONSTRAINT dms_dokument_behoerde_id_fk_dms_behoerde_id;
ALTER TABLE dms_dokument ALTER COLUMN behoerde_id SET NOT NULL;
ALTER TABLE dms_dokument DROP CONSTRAINT dms_dokument_behoerde_da;
"""


def nachtragen(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Existing documents get their file's authority, in batches by id (each its own transaction)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM dms_dokument WHERE behoerde_id IS NULL")
        kleinste, groesste = cursor.fetchone()
        if kleinste is None:
            return
        von = kleinste
        while von <= groesste:
            cursor.execute(
                "UPDATE dms_dokument d SET behoerde_id = a.behoerde_id FROM dms_akte a "
                "WHERE a.id = d.akte_id AND d.id >= %s AND d.id < %s AND d.behoerde_id IS NULL",
                [von, von + STAPEL],
            )
            von += STAPEL


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dms", "0023_notizen_gespeicherte_suchen"),
    ]

    operations = [
        BtreeGinExtension(),
        TrigramExtension(),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="dokument",
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
                migrations.RunSQL(SPALTE, "ALTER TABLE dms_dokument DROP COLUMN IF EXISTS behoerde_id;"),
                migrations.RunSQL(TRIGGER, TRIGGER_ZURUECK),
                migrations.RunPython(nachtragen, migrations.RunPython.noop, elidable=True),
                migrations.RunSQL(NICHT_NULL, migrations.RunSQL.noop),
            ],
        ),
        AddIndexConcurrently(
            model_name="dokument",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["behoerde", "suchvektor"], name="dokument_behoerde_suchvektor"
            ),
        ),
        # The new index serves `suchvektor @@ q` alone too (GIN over several columns): one big index less to keep.
        RemoveIndexConcurrently(model_name="dokument", name="dokument_suchvektor_gin"),
        AddIndexConcurrently(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("vornamen"), name="gin_trgm_ops"
                ),
                name="person_vornamen_trgm",
            ),
        ),
    ]

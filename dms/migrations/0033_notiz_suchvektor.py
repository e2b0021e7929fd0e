"""Notes get a stored search vector (issue 18, Land scale; docs/operations.md, "Land scale").

The notes' search filtered on `to_tsvector('german', text)` computed per row: wherever PostgreSQL did not answer the
whole condition from the expression index (a window of the newest notes walked by primary key, the recheck of a
lossy bitmap for a common word) it parsed every note's text again, 58 µs each: 1.2 s for a window of 20,000 notes,
21 s for "Antrag" among a million notes. Now `dms_notiz.suchvektor` holds the vector, kept by a trigger on every
insert and every write of the text (never written by code), with a GIN index over it (no pending list, as dms 0030).

Non-atomic and re-runnable like dms 0024: the column is added without a default (no table rewrite), the backfill
commits in batches, the new index is built and the old expression index dropped CONCURRENTLY (reads and writes go
on). If it stops half-way (or a failed concurrent build leaves an INVALID index: drop it), run `migrate` again.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations

# Rows per backfill batch: one short transaction each.
STAPEL = 20_000

TRIGGER = """
ALTER TABLE dms_notiz ADD COLUMN IF NOT EXISTS suchvektor tsvector NULL;

CREATE OR REPLACE FUNCTION dms_notiz_suchvektor_setzen() RETURNS trigger AS $$
BEGIN
    NEW.suchvektor := to_tsvector('german'::regconfig, COALESCE(NEW.text, ''));
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS dms_notiz_suchvektor ON dms_notiz;
CREATE TRIGGER dms_notiz_suchvektor BEFORE INSERT OR UPDATE OF text, suchvektor ON dms_notiz
    FOR EACH ROW EXECUTE FUNCTION dms_notiz_suchvektor_setzen();
"""

TRIGGER_ZURUECK = """
DROP TRIGGER IF EXISTS dms_notiz_suchvektor ON dms_notiz;
DROP FUNCTION IF EXISTS dms_notiz_suchvektor_setzen();
ALTER TABLE dms_notiz DROP COLUMN IF EXISTS suchvektor;
"""


def nachtragen(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Existing notes get their vector, in batches by id (each its own transaction; the trigger computes it)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM dms_notiz WHERE suchvektor IS NULL")
        kleinste, groesste = cursor.fetchone()
        if kleinste is None:
            return
        von = kleinste
        while von <= groesste:
            cursor.execute(
                "UPDATE dms_notiz SET suchvektor = NULL WHERE id >= %s AND id < %s AND suchvektor IS NULL",
                [von, von + STAPEL],
            )
            von += STAPEL


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dms", "0032_langzeit_archivzeitstempel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="notiz",
                    name="suchvektor",
                    field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(TRIGGER, TRIGGER_ZURUECK),
                migrations.RunPython(nachtragen, migrations.RunPython.noop, elidable=True),
            ],
        ),
        AddIndexConcurrently(
            model_name="notiz",
            index=django.contrib.postgres.indexes.GinIndex(
                fastupdate=False, fields=["suchvektor"], name="notiz_suchvektor_gin"
            ),
        ),
        RemoveIndexConcurrently(
            model_name="notiz",
            name="notiz_text_gin",
        ),
    ]

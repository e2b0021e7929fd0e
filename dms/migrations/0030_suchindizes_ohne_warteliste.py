"""The search's GIN indexes without a pending list (fastupdate off).

With fastupdate on, new entries wait in an unsorted list (up to gin_pending_list_limit, 4 MB) until VACUUM or an
insert that fills it merges them: every search scans that whole list, and the planner prices the index by it and
falls back to reading every row (a first-name look-up read all 100,000 persons while the list held them). Here the
reads are many and the writes few (a document, a person, a note at a time): inserts merge at once instead.

Only the setting changes (ALTER INDEX, no rebuild), and the entries already waiting are merged now (before the
ALTER, with a row lock only, and after); each ALTER takes an exclusive lock on its index for a moment, in its own
transaction with a 3 s lock timeout and retries, so it never queues users behind a long query. The model state
records the same indexes with fastupdate=False.
"""

import time

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.conf import settings
from django.db import OperationalError, migrations, transaction

INDIZES = ["dokument_behoerde_suchvektor", "notiz_text_gin", "person_namen_gin", "person_vornamen_trgm"]


def ohne_warteliste(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Per index: merge what waits (a row lock only), then switch the list off. ALTER INDEX … SET (fastupdate) takes
    an exclusive lock on the index, which every query planned on its table waits for: each ALTER in its own short
    transaction that gives up after 3 s (and is tried again, five times) instead of queueing every user behind a
    long-running query; merged once more after, for entries that came in between."""
    with schema_editor.connection.cursor() as cursor:
        for name in INDIZES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
            for versuch in range(5):
                try:
                    with transaction.atomic(using=schema_editor.connection.alias):
                        cursor.execute("SET LOCAL lock_timeout = '3s'")
                        cursor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
                    break
                except OperationalError:
                    if versuch == 4:
                        raise
                    time.sleep(2)
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def zurueck(apps, schema_editor):  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        for name in INDIZES:
            cursor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("dms", "0029_akte_behoerde_geaendert"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(ohne_warteliste, zurueck),
            ],
            state_operations=[
                migrations.RemoveIndex(
                    model_name="dokument",
                    name="dokument_behoerde_suchvektor",
                ),
                migrations.RemoveIndex(
                    model_name="notiz",
                    name="notiz_text_gin",
                ),
                migrations.RemoveIndex(
                    model_name="person",
                    name="person_namen_gin",
                ),
                migrations.RemoveIndex(
                    model_name="person",
                    name="person_vornamen_trgm",
                ),
                migrations.AddIndex(
                    model_name="dokument",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["behoerde", "suchvektor"], name="dokument_behoerde_suchvektor"
                    ),
                ),
                migrations.AddIndex(
                    model_name="notiz",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.search.SearchVector("text", config="german"),
                        fastupdate=False,
                        name="notiz_text_gin",
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["namen_normalisiert"], name="person_namen_gin"
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("vornamen"), name="gin_trgm_ops"
                        ),
                        fastupdate=False,
                        name="person_vornamen_trgm",
                    ),
                ),
            ],
        ),
    ]

"""The search's GIN indexes without a pending list (fastupdate off).

With fastupdate on, new entries wait in an unsorted list (up to gin_pending_list_limit, 4 MB) until VACUUM or an
insert that fills it merges them: every search scans that whole list, and the planner prices the index by it and
falls back to reading every row (a first-name look-up read all 100,000 persons while the list held them). Here the
reads are many and the writes few (a document, a person, a note at a time): inserts merge at once instead.

Only the setting changes (ALTER INDEX, a moment's lock; no rebuild), and the entries already waiting are merged now;
the model state records the same indexes with fastupdate=False.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dms", "0029_akte_behoerde_geaendert"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    """
                    ALTER INDEX dokument_behoerde_suchvektor SET (fastupdate = off);
                    SELECT gin_clean_pending_list('dokument_behoerde_suchvektor'::regclass);
                    ALTER INDEX notiz_text_gin SET (fastupdate = off);
                    SELECT gin_clean_pending_list('notiz_text_gin'::regclass);
                    ALTER INDEX person_namen_gin SET (fastupdate = off);
                    SELECT gin_clean_pending_list('person_namen_gin'::regclass);
                    ALTER INDEX person_vornamen_trgm SET (fastupdate = off);
                    SELECT gin_clean_pending_list('person_vornamen_trgm'::regclass);
                    """,
                    reverse_sql="""
                    ALTER INDEX dokument_behoerde_suchvektor RESET (fastupdate);
                    ALTER INDEX notiz_text_gin RESET (fastupdate);
                    ALTER INDEX person_namen_gin RESET (fastupdate);
                    ALTER INDEX person_vornamen_trgm RESET (fastupdate);
                    """,
                ),
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

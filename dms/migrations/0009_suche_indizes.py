"""Indexes for the search box's prefix look-ups (Aktenzeichen, family name): built CONCURRENTLY, so a Land database
with millions of files keeps answering while they are created (docs/operations.md)."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dms", "0008_protokoll_schluesselkette"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="akte",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("aktenzeichen"), name="text_pattern_ops"
                ),
                name="akte_aktenzeichen_upper",
            ),
        ),
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("familienname"), name="text_pattern_ops"
                ),
                name="person_familienname_upper",
            ),
        ),
    ]

"""Index for the search box's name look-up at Land scale (issue 18): the newest files of the own authority per
branch, built CONCURRENTLY so a Land database keeps answering while it is created (docs/operations.md)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dms", "0028_aussonderung_import_postausgang_umwandlung"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="akte",
            index=models.Index(fields=["behoerde", "-geaendert_am", "-id"], name="akte_behoerde_geaendert"),
        ),
    ]

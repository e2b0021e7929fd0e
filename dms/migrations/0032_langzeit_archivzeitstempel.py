"""Archive time-stamps of seals (docs/gericht.md, "Archive time-stamps"): the evidence record and the chain's
bookkeeping on `Siegel`. The columns are added with constant defaults (no table rewrite on PostgreSQL 11+); the two
indexes are built CONCURRENTLY (non-atomic), so filing and sealing go on while a Land database builds them."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('dms', '0031_aussonderung_alte_freigaben'),
    ]

    operations = [
        migrations.AddField(
            model_name='siegel',
            name='archiv_algorithmus',
            field=models.CharField(blank=True, max_length=20, verbose_name='Hashverfahren des letzten Archivzeitstempels'),
        ),
        migrations.AddField(
            model_name='siegel',
            name='archiv_anzahl',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='Archivzeitstempel'),
        ),
        migrations.AddField(
            model_name='siegel',
            name='archiv_erneuert_am',
            field=models.DateTimeField(blank=True, null=True, verbose_name='Archivzeitstempel zuletzt erneuert am'),
        ),
        migrations.AddField(
            model_name='siegel',
            name='archiv_evidenz',
            field=models.BinaryField(blank=True, default=b'', verbose_name='Evidence Record (RFC 4998, DER)'),
        ),
        migrations.AddField(
            model_name='siegel',
            name='archiv_fehler',
            field=models.CharField(blank=True, max_length=300, verbose_name='letzter Fehler beim Archivzeitstempel'),
        ),
        migrations.AddField(
            model_name='siegel',
            name='archiv_gueltig_bis',
            field=models.DateTimeField(blank=True, null=True, verbose_name='letzter Archivzeitstempel gültig bis'),
        ),
        AddIndexConcurrently(
            model_name='siegel',
            index=models.Index(fields=['archiv_gueltig_bis'], name='siegel_archiv_gueltig_bis'),
        ),
        AddIndexConcurrently(
            model_name='siegel',
            index=models.Index(condition=models.Q(('archiv_anzahl', 0)), fields=['id'], name='siegel_ohne_archivzeitstempel'),
        ),
    ]

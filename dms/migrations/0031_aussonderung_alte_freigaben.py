"""Aussonderung: the outbox of messages to the state archive (`Archivausgang`: 0505, 0503), kept and re-sent until
the archive takes them.

Releases for deletion granted under the old rule (a 0504 after the 0503 released a whole batch, before migration
0028) are revoked NOT here but by `manage.py aussonderung_freigaben_pruefen`, which `make migrate` and the compose
service `aussonderung-pruefen` run after `migrate` (docs/operations.md): each revoked file needs an audit entry, and
the audit chain is sealed with keys from the settings through the live model (`dms.audit.protokollieren`), which a migration's
historical models cannot do (migrations here write no audit entries, see 0021). Until the command has run, such a
file cannot be deleted anyway: `Anbietungsposten.loeschung_freigegeben` asks for the archive's 0506.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dms', '0030_suchindizes_ohne_warteliste'),
    ]

    operations = [
        migrations.AlterField(
            model_name='aktenschluss',
            name='status',
            field=models.CharField(choices=[('laufend', 'Aufbewahrung läuft'), ('angeboten', 'dem Archiv angeboten'), ('archivieren', 'vom Archiv übernommen (Übergabe steht aus)'), ('uebergeben', 'an das Archiv übergeben, Importbestätigung (0506) steht aus'), ('freigegeben', 'zur Löschung freigegeben'), ('fehlgeschlagen', 'Übernahme durch das Archiv fehlgeschlagen')], default='laufend', max_length=15, verbose_name='Status'),
        ),
        migrations.CreateModel(
            name='Archivausgang',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('art', models.CharField(choices=[('0505', 'Empfangsbestätigung der Bewertung (0505)'), ('0503', 'Aussonderung (0503)')], max_length=4, verbose_name='Nachricht')),
                ('dateiname', models.CharField(max_length=200, verbose_name='Dateiname')),
                ('inhalt', models.BinaryField(blank=True, default=b'', verbose_name='Inhalt (ZIP)')),
                ('status', models.CharField(choices=[('wartet', 'wartet auf Zustellung'), ('gesendet', 'zugestellt')], default='wartet', max_length=10, verbose_name='Status')),
                ('versuche', models.PositiveIntegerField(default=0, verbose_name='Zustellversuche')),
                ('letzter_fehler', models.CharField(blank=True, default='', max_length=500, verbose_name='letzter Fehler')),
                ('letzter_versuch_am', models.DateTimeField(blank=True, null=True, verbose_name='letzter Versuch am')),
                ('naechster_versuch_am', models.DateTimeField(blank=True, null=True, verbose_name='nächster Versuch am')),
                ('angelegt_am', models.DateTimeField(auto_now_add=True, verbose_name='angelegt am')),
                ('gesendet_am', models.DateTimeField(blank=True, null=True, verbose_name='zugestellt am')),
                ('anbietung', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ausgang', to='dms.anbietung')),
                ('behoerde', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dms.behoerde', verbose_name='Behörde')),
            ],
            options={
                'verbose_name': 'Nachricht an das Staatsarchiv',
                'verbose_name_plural': 'Nachrichten an das Staatsarchiv',
                'ordering': ['angelegt_am', 'id'],
                'indexes': [models.Index(condition=models.Q(('status', 'wartet')), fields=['naechster_versuch_am'], name='archivausgang_wartend')],
                'constraints': [models.UniqueConstraint(fields=('anbietung', 'art'), name='ausgang_je_anbietung_und_art')],
            },
        ),
    ]

"""Inspection copies are built in the background like court submissions (common job fields: status, progress,
error). Copies made before were built in the request: they are finished."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dms", "0019_siegel_zeitstempel_qes"),
    ]

    operations = [
        migrations.AddField(
            model_name="einsichtskopie",
            name="fehler",
            field=models.CharField(blank=True, default="", max_length=500, verbose_name="Fehler"),
        ),
        migrations.AddField(
            model_name="einsichtskopie",
            name="fertig_am",
            field=models.DateTimeField(blank=True, null=True, verbose_name="fertig am"),
        ),
        migrations.AddField(
            model_name="einsichtskopie",
            name="fortschritt",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="Fortschritt (%)"),
        ),
        migrations.AddField(
            model_name="einsichtskopie",
            name="status",
            field=models.CharField(
                choices=[("wartet", "wartet"), ("in_arbeit", "in Arbeit"), ("fertig", "fertig"), ("fehler", "Fehler")],
                default="fertig",
                max_length=10,
                verbose_name="Status",
            ),
        ),
        migrations.RunSQL("UPDATE dms_einsichtskopie SET fortschritt = 100", migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="einsichtskopie",
            name="status",
            field=models.CharField(
                choices=[("wartet", "wartet"), ("in_arbeit", "in Arbeit"), ("fertig", "fertig"), ("fehler", "Fehler")],
                default="wartet",
                max_length=10,
                verbose_name="Status",
            ),
        ),
        migrations.AlterField(
            model_name="einsichtskopie",
            name="datei",
            field=models.FileField(blank=True, max_length=300, upload_to="einsichtskopien/", verbose_name="PDF"),
        ),
        migrations.AlterField(
            model_name="einsichtskopie",
            name="sha256",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="SHA-256"),
        ),
    ]

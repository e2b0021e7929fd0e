from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dms", "0026_qes_auftrag_ltv")]

    operations = [
        migrations.AddField(
            model_name="notiz",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="Version"),
        ),
        migrations.AddField(
            model_name="gespeichertesuche",
            name="zuletzt_ausgefuehrt_am",
            field=models.DateTimeField(blank=True, null=True, verbose_name="zuletzt ausgeführt am"),
        ),
    ]

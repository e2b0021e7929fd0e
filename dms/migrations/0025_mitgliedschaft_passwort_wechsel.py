from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dms", "0024_dokument_behoerde_suche")]

    operations = [
        migrations.AddField(
            model_name="mitgliedschaft",
            name="passwort_wechsel_noetig",
            field=models.BooleanField(
                default=False,
                help_text="Nach dem Anlegen oder Zurücksetzen durch die Administration: bei der nächsten Anmeldung "
                "ein eigenes Passwort wählen, bevor eine andere Seite aufgeht.",
                verbose_name="muss Passwort ändern",
            ),
        ),
    ]

"""Load the subsidy programme (fixtures/foerderprogramm.json) so `migrate` leaves a working system."""

from django.db import migrations


def laden(apps, schema_editor):
    from foerderung.programmdaten import programmdaten_laden as programm_laden

    programm_laden(apps)


class Migration(migrations.Migration):
    dependencies = [("foerderung", "0002_akte_d_foerderung")]
    operations = [migrations.RunPython(laden, migrations.RunPython.noop)]

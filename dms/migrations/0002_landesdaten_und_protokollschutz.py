from django.db import migrations


def landesdaten(apps, schema_editor):
    from dms.landesdaten import landesdaten_laden

    landesdaten_laden(apps)


APPEND_ONLY = """
CREATE OR REPLACE FUNCTION dms_protokoll_nur_anhaengen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Das Protokoll ist unveränderlich: % ist nicht erlaubt', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dms_protokoll_nur_anhaengen
    BEFORE UPDATE OR DELETE ON dms_protokolleintrag
    FOR EACH ROW EXECUTE FUNCTION dms_protokoll_nur_anhaengen();
CREATE TRIGGER dms_protokoll_kein_truncate
    BEFORE TRUNCATE ON dms_protokolleintrag
    FOR EACH STATEMENT EXECUTE FUNCTION dms_protokoll_nur_anhaengen();
"""

APPEND_ONLY_REVERSE = """
DROP TRIGGER IF EXISTS dms_protokoll_nur_anhaengen ON dms_protokolleintrag;
DROP TRIGGER IF EXISTS dms_protokoll_kein_truncate ON dms_protokolleintrag;
DROP FUNCTION IF EXISTS dms_protokoll_nur_anhaengen();
"""


class Migration(migrations.Migration):
    dependencies = [("dms", "0001_initial")]

    operations = [
        migrations.RunPython(landesdaten, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY, APPEND_ONLY_REVERSE),
    ]

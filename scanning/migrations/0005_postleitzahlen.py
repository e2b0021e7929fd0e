"""Land data: postcode -> responsible foreigners' authority (fixtures/postleitzahlen.json)."""

import json
from pathlib import Path

from django.db import migrations


def laden(apps, schema_editor):
    Zustaendigkeit = apps.get_model("scanning", "Zustaendigkeit")
    Behoerde = apps.get_model("dms", "Behoerde")
    pfad = Path(__file__).resolve().parents[2] / "fixtures" / "postleitzahlen.json"
    daten = json.loads(pfad.read_text(encoding="utf-8"))
    behoerden = {b.kuerzel: b for b in Behoerde.objects.all()}
    for e in daten["zustaendigkeiten"]:
        behoerde = behoerden.get(e["behoerde"])
        if behoerde is None:
            continue
        Zustaendigkeit.objects.update_or_create(
            postleitzahl=e["postleitzahl"], defaults={"ort": e.get("ort", ""), "behoerde": behoerde}
        )


class Migration(migrations.Migration):
    dependencies = [("scanning", "0004_eingang"), ("dms", "0006_postausgang_fachverfahren")]

    operations = [migrations.RunPython(laden, migrations.RunPython.noop)]

"""The old date field `Vorgang.wiedervorlage` becomes a `Wiedervorlage` on the procedure, then the field goes.

Responsible: the procedure's caseworker (who saw the date on her desk until now), else the file's caseworker, else
an active member of the file's team who may change files, else one of the authority. A procedure that is closed
gets its resubmission as done (it never showed on the desk). Note: the old reason plus "(übernommen aus Vorgang)".
No audit entry: the migration is no user's action; the rows carry `angelegt_von` = the responsible user.
"""

from django.db import migrations
from django.utils import timezone

AENDERN_ROLLEN = ("sachbearbeitung", "teamleitung", "behoerdenadmin")
HINWEIS = "(übernommen aus Vorgang)"


def _zustaendig(apps, vorgang):
    if vorgang.sachbearbeitung_id and vorgang.sachbearbeitung.is_active:
        return vorgang.sachbearbeitung
    akte = vorgang.akte
    if akte.sachbearbeitung_id and akte.sachbearbeitung.is_active:
        return akte.sachbearbeitung
    Mitgliedschaft = apps.get_model("dms", "Mitgliedschaft")
    mitglieder = Mitgliedschaft.objects.filter(
        behoerde_id=akte.behoerde_id, rolle__in=AENDERN_ROLLEN, user__is_active=True
    ).select_related("user")
    m = (akte.team_id and mitglieder.filter(team_id=akte.team_id).order_by("id").first()) or mitglieder.order_by(
        "id"
    ).first()
    return m.user if m else None


def uebernehmen(apps, schema_editor):
    Vorgang = apps.get_model("dms", "Vorgang")
    Wiedervorlage = apps.get_model("dms", "Wiedervorlage")
    jetzt = timezone.now()
    for v in Vorgang.objects.filter(wiedervorlage__isnull=False).select_related(
        "akte", "akte__sachbearbeitung", "sachbearbeitung"
    ):
        zustaendig = _zustaendig(apps, v)
        if zustaendig is None:  # an authority without any caseworker: nobody could ever act on it
            continue
        abgeschlossen = v.status == "abgeschlossen"
        Wiedervorlage.objects.create(
            akte_id=v.akte_id,
            vorgang=v,
            faellig_am=v.wiedervorlage,
            notiz=f"{v.wiedervorlage_grund} {HINWEIS}".strip()[:500],
            zustaendig=zustaendig,
            angelegt_von=zustaendig,
            erledigt_am=jetzt if abgeschlossen else None,
        )
    # The new rows' deferred foreign-key checks must run before the table is altered (PostgreSQL refuses
    # "pending trigger events" otherwise).
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def zurueck(apps, schema_editor):
    """Back to the field: the earliest open taken-over resubmission of each procedure."""
    Vorgang = apps.get_model("dms", "Vorgang")
    Wiedervorlage = apps.get_model("dms", "Wiedervorlage")
    for wv in Wiedervorlage.objects.filter(notiz__endswith=HINWEIS, vorgang__isnull=False).order_by("-faellig_am"):
        Vorgang.objects.filter(pk=wv.vorgang_id).update(
            wiedervorlage=wv.faellig_am, wiedervorlage_grund=wv.notiz.removesuffix(HINWEIS).strip()[:300]
        )
    Wiedervorlage.objects.filter(notiz__endswith=HINWEIS, vorgang__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dms", "0020_gericht_einsichtskopie_auftrag"),
    ]

    operations = [
        migrations.RunPython(uebernehmen, zurueck),
        migrations.RemoveIndex(model_name="vorgang", name="dms_vorgang_sachbea_ce1052_idx"),
        migrations.RemoveField(model_name="vorgang", name="wiedervorlage"),
        migrations.RemoveField(model_name="vorgang", name="wiedervorlage_grund"),
    ]

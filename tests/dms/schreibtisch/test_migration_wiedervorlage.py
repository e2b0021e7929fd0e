"""Migration dms 0021: each date in the old `Vorgang.wiedervorlage` becomes a Wiedervorlage on the procedure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dms.models import Rolle, Wiedervorlage
from tests import factories as f
from tests.dms.test_aktenzeichen import _flush_trotz_protokollschutz  # noqa: F401 - fixture

# Outside a transaction: migrating back to 0020 reverses the later migrations too, and some of those build or drop
# indexes concurrently (not allowed inside a transaction). The test returns the database to the latest state.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("_flush_trotz_protokollschutz")]

VORHER = [("dms", "0020_gericht_einsichtskopie_auftrag")]
NACHHER = [("dms", "0021_vorgang_wiedervorlage_entfernen")]


def _migrieren(ziel: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(ziel)
    return executor.loader.project_state(ziel).apps


@pytest.fixture(autouse=True)
def _zurueck_auf_den_neuesten_stand(transactional_db):  # after the database set-up, before its flush
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_dates_become_resubmissions_for_the_right_person():
    team = f.TeamFactory(name="Team A–K")
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akten_sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG, team=team)
    akte = f.AkteFactory(team=team, sachbearbeitung=akten_sb)
    ohne_niemand = f.AkteFactory(team=team, sachbearbeitung=None)
    mit_sb = f.VorgangFactory(akte=akte, sachbearbeitung=sb)
    ohne_sb = f.VorgangFactory(akte=akte, sachbearbeitung=None)
    verwaist = f.VorgangFactory(akte=ohne_niemand, sachbearbeitung=None)
    zu = f.VorgangFactory(akte=akte, sachbearbeitung=sb, status="abgeschlossen")
    leer = f.VorgangFactory(akte=akte, sachbearbeitung=sb)

    alt = _migrieren(VORHER)
    AlterVorgang = alt.get_model("dms", "Vorgang")
    termin = dt.date(2026, 11, 30)
    AlterVorgang.objects.filter(pk=mit_sb.pk).update(wiedervorlage=termin, wiedervorlage_grund="Pass fehlt")
    AlterVorgang.objects.filter(pk__in=[ohne_sb.pk, verwaist.pk, zu.pk]).update(wiedervorlage=termin)
    _migrieren(NACHHER)

    wv = Wiedervorlage.objects.get(vorgang=mit_sb)
    assert (wv.faellig_am, wv.notiz, wv.zustaendig, wv.akte_id) == (
        termin,
        "Pass fehlt (übernommen aus Vorgang)",
        sb,
        akte.pk,
    )
    assert wv.erledigt_am is None
    assert Wiedervorlage.objects.get(vorgang=ohne_sb).zustaendig == akten_sb  # the file's caseworker
    # Nobody on the procedure or the file: a member of the file's team who may change files.
    assert Wiedervorlage.objects.get(vorgang=verwaist).zustaendig in {sb, akten_sb}
    assert Wiedervorlage.objects.get(vorgang=verwaist).notiz == "(übernommen aus Vorgang)"
    assert Wiedervorlage.objects.get(vorgang=zu).erledigt_am is not None  # closed: never due on the desk
    assert not Wiedervorlage.objects.filter(vorgang=leer).exists()

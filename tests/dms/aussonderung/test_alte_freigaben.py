"""Releases for deletion granted under the old rule (a 0504 after the 0503 released the whole batch, before migration
0028) are revoked by `manage.py aussonderung_freigaben_pruefen` (dms/aussonderung/freigaben.py): the file waits again
for the archive's import confirmation (0506); a file with a 0506 stays released; a file already deleted that way is
reported. The old state is set up directly, as the old code left it."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from dms.aussonderung.models import Aktenschluss, Anbietung, Anbietungsposten, Loeschung
from dms.models import Protokolleintrag
from tests import factories as f

from .conftest import api_fuer
from .fake_archiv import archiv_nachricht
from .test_uebernahme import _einlesen, _geschlossen

pytestmark = pytest.mark.django_db


def uebergeben(akte, beamter, settings) -> tuple[Anbietung, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Offered, evaluated A (0502), handed over (0503) — without an archive adapter, answers uploaded by hand."""
    api = api_fuer(beamter)
    daten = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte.pk]}, format="json").json()
    teile = {"prozess_id": daten["prozess_id"], "archiv": settings.STAATSARCHIV_KENNUNG, "behoerde": "OF"}
    assert _einlesen(beamter, archiv_nachricht("0502", bewertungen={str(akte.uuid): "A"}, **teile)).status_code == 200
    assert api.post(f"/api/v1/aussonderung/anbietungen/{daten['id']}/uebergeben/").status_code == 200
    return Anbietung.objects.get(pk=daten["id"]), teile


def alte_regel(anbietung: Anbietung) -> None:
    """What the old code did on a 0504 after the 0503 (before migration 0028): release every handed-over file."""
    posten = anbietung.posten.filter(uebergeben=True)
    Aktenschluss.objects.filter(akte_id__in=posten.values("akte_id")).update(status=Aktenschluss.Status.FREIGEGEBEN)
    posten.update(archiviert=True)
    Anbietung.objects.filter(pk=anbietung.pk).update(
        status=Anbietung.Status.ABGESCHLOSSEN, abgeschlossen_am=timezone.now()
    )


def geloescht_nach_alter_regel(beamter, zweiter) -> Loeschung:  # type: ignore[no-untyped-def]
    """A file deleted under the old rule: only the deletion record and the unlinked item of the offer remain."""
    anbietung = Anbietung.objects.create(
        behoerde=f.behoerde("OF"),
        status=Anbietung.Status.ABGESCHLOSSEN,
        frist_bis=dt.date(2026, 1, 1),
        uebergeben_am=timezone.now(),
        abgeschlossen_am=timezone.now(),
    )
    akte_uuid = uuid.uuid4()
    Anbietungsposten.objects.create(
        anbietung=anbietung,
        akte=None,
        akte_uuid=akte_uuid,
        aktenzeichen="OF-ALT-0001",
        entscheidung=Anbietungsposten.Entscheidung.ARCHIVIEREN,
        uebergeben=True,
        archiviert=True,
    )
    return Loeschung.objects.create(
        behoerde=anbietung.behoerde,
        akte=None,
        akte_uuid=akte_uuid,
        aktenzeichen="OF-ALT-0001",
        status=Loeschung.Status.DURCHGEFUEHRT,
        grund="tod",
        ereignis_am=dt.date(2018, 1, 1),
        faellig_am=dt.date(2023, 1, 1),
        rechtsgrundlage="§ 68 Abs. 2 AufenthV",
        regel_version="1",
        archiv_entscheidung="archivieren",
        prozess_id=anbietung.prozess_id,
        beantragt_von=beamter,
        genehmigt_von=zweiter,
        durchgefuehrt_am=timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0)),
    )


def pruefen() -> str:
    ausgabe = io.StringIO()
    call_command("aussonderung_freigaben_pruefen", stdout=ausgabe)
    return ausgabe.getvalue()


def widerrufe(akte) -> int:  # type: ignore[no-untyped-def]
    return Protokolleintrag.objects.filter(akte_id_wert=akte.pk, details__aussonderung="freigabe_widerrufen").count()


def test_old_releases_are_revoked_files_with_a_0506_stay_released_deleted_ones_are_reported(
    akte_faellig, beamter, zweiter_beamter, settings, client
):
    api, api2 = api_fuer(beamter), api_fuer(zweiter_beamter)
    # A: released under the old rule, with a deletion already requested then.
    alt, teile_alt = uebergeben(akte_faellig, beamter, settings)
    alte_regel(alt)
    antrag = Loeschung.objects.create(
        behoerde=alt.behoerde, akte=akte_faellig, akte_uuid=akte_faellig.uuid, aktenzeichen=akte_faellig.aktenzeichen,
        grund="tod", ereignis_am=dt.date(2019, 1, 1), faellig_am=dt.date(2024, 1, 1), rechtsgrundlage="§ 68 AufenthV",
        regel_version="1", archiv_entscheidung="archivieren", prozess_id=alt.prozess_id, beantragt_von=beamter,
    )  # fmt: skip
    # B: the archive confirmed taking it over (0506).
    b = _geschlossen(beamter)
    _, teile_neu = uebergeben(b, beamter, settings)
    assert _einlesen(beamter, archiv_nachricht("0506", ergebnisse={str(b.uuid): None}, **teile_neu)).status_code == 200
    # C: deleted under the old rule.
    c = geloescht_nach_alter_regel(beamter, zweiter_beamter)

    # With the fix, A is not deletable even before the command has run: the release needs the archive's 0506.
    frueh = api.post("/api/v1/aussonderung/loeschungen/", {"akte": akte_faellig.pk}, format="json")
    assert frueh.status_code == 400 and "noch nicht freigegeben" in str(frueh.json())

    ausgabe = pruefen()

    assert f"Freigabe widerrufen: Akte {akte_faellig.aktenzeichen}" in ausgabe
    assert f"Löschantrag Nr. {antrag.pk} bleibt offen" in ausgabe
    assert b.aktenzeichen not in ausgabe
    assert "BEFUND für die Schriftgutverwaltung: Akte OF-ALT-0001 wurde am 20.11.2026" in ausgabe
    assert f"(Löschnachweis Nr. {c.pk})" in ausgabe and "nicht rückgängig" in ausgabe
    assert "1 Freigabe(n) widerrufen, 1 bereits gelöschte Akte(n)" in ausgabe

    # A waits again for the archive's import confirmation: in the list, on the page, and it cannot be deleted.
    zeilen = {z["akte"]: z for z in api.get("/api/v1/aussonderung/").json()["results"]}
    assert zeilen[akte_faellig.pk]["status"] == "uebergeben"
    posten = api.get(f"/api/v1/aussonderung/anbietungen/{alt.pk}/").json()
    assert posten["status"] == "uebergeben" and posten["abgeschlossen_am"] is None
    assert not posten["posten"][0]["archiviert"] and not posten["posten"][0]["loeschung_freigegeben"]
    client.force_login(beamter)
    seite = client.get("/aussonderung/").content.decode()
    zeile_a = seite.split(f'data-akte="{akte_faellig.pk}"')[1].split("</tr>")[0]
    assert "Importbestätigung (0506) steht aus" in zeile_a and "Löschung beantragen" not in zeile_a
    genehmigen = api2.post(f"/api/v1/aussonderung/loeschungen/{antrag.pk}/genehmigen/")
    assert genehmigen.status_code == 400 and "noch nicht freigegeben" in str(genehmigen.json())
    assert widerrufe(akte_faellig) == 1
    eintrag = Protokolleintrag.objects.get(akte_id_wert=akte_faellig.pk, details__aussonderung="freigabe_widerrufen")
    assert eintrag.details["prozess_id"] == str(alt.prozess_id) and eintrag.details["loeschantrag"] == antrag.pk

    # The finding for C is on the records officer's page, with its deletion record.
    assert seite.count('data-befund="ohne-0506"') == 1

    # B, confirmed by the archive, stays released.
    assert Aktenschluss.objects.get(akte=b).status == Aktenschluss.Status.FREIGEGEBEN
    assert api.post("/api/v1/aussonderung/loeschungen/", {"akte": b.pk}, format="json").status_code == 201

    # A second run changes nothing and writes nothing; C is still reported.
    vorher = Protokolleintrag.objects.count()
    ausgabe = pruefen()
    assert "0 Freigabe(n) widerrufen, 1 bereits gelöschte Akte(n)" in ausgabe
    assert Protokolleintrag.objects.count() == vorher and widerrufe(akte_faellig) == 1

    # When the archive's 0506 for A comes, A is released and the open request may be approved.
    assert (
        _einlesen(beamter, archiv_nachricht("0506", ergebnisse={str(akte_faellig.uuid): None}, **teile_alt)).status_code
        == 200
    )
    assert api.get(f"/api/v1/aussonderung/anbietungen/{alt.pk}/").json()["posten"][0]["loeschung_freigegeben"]
    assert api2.post(f"/api/v1/aussonderung/loeschungen/{antrag.pk}/genehmigen/").status_code == 200

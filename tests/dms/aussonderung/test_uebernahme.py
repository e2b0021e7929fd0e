"""The archive's per-file import confirmation (xdomea 0506) decides what may be deleted: a file it took over is
released, a file whose import failed is kept and shown to the records officer with the archive's reason; unknown or
foreign file ids refuse the whole message (nothing released); a repeated 0506 changes nothing. The FAKE state archive
(tests/dms/aussonderung/fake_archiv.py, same HTTP transport as the adapter) sends 0507 and 0506 after the 0503."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

import pytest

from dms.aussonderung import tasks
from dms.aussonderung.models import Aktenschluss, Anbietung, Anbietungsposten
from dms.aussonderung.services import aktenschluss_setzen
from dms.models import Akte, Protokolleintrag, Rolle
from tests import factories as f

from .conftest import api_fuer
from .fake_archiv import archiv_nachricht

pytestmark = pytest.mark.django_db
FEHLER = "Primärdatei 3 des Dokuments ist beschädigt (Prüfsumme stimmt nicht)"


def _einlesen(beamter, inhalt: bytes):  # type: ignore[no-untyped-def]
    datei = io.BytesIO(inhalt)
    datei.name = "antwort.zip"
    return api_fuer(beamter).post("/api/v1/aussonderung/anbietungen/antwort/", {"datei": datei}, format="multipart")


def _geschlossen(beamter, behoerde: str = "OF") -> Akte:  # type: ignore[no-untyped-def]
    akte = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde(behoerde)))
    aktenschluss_setzen(akte=akte, user=beamter, grund="ausreise", datum=dt.date(2000, 1, 1))
    return akte


def nichts_freigegeben(uebergeben, beamter, vorher: int) -> None:  # type: ignore[no-untyped-def]
    """The refused message changed nothing: no file released, none deletable, no audit entry."""
    anbietung = uebergeben["anbietung"]
    assert not Anbietungsposten.objects.filter(anbietung=anbietung, archiviert=True).exists()
    assert Aktenschluss.objects.get(akte=uebergeben["gut"]).status == Aktenschluss.Status.UEBERGEBEN
    assert Protokolleintrag.objects.count() == vorher
    assert (
        api_fuer(beamter)
        .post("/api/v1/aussonderung/loeschungen/", {"akte": uebergeben["gut"].pk}, format="json")
        .status_code
        == 400
    )


@pytest.fixture
def uebergeben(akte_faellig, beamter, archiv):  # type: ignore[no-untyped-def]
    """Two files offered, both evaluated A, handed over (0503); the archive will fail to import the second."""
    zweite = _geschlossen(beamter)
    archiv.importfehler[str(zweite.uuid)] = FEHLER
    api = api_fuer(beamter)
    antwort = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte_faellig.pk, zweite.pk]}, format="json")
    assert antwort.status_code == 201, antwort.content
    anbietung_id = antwort.json()["id"]
    assert tasks.fristen()["antworten"] == 2  # 0504, 0502
    assert api.post(f"/api/v1/aussonderung/anbietungen/{anbietung_id}/uebergeben/").status_code == 200
    return {"anbietung": Anbietung.objects.get(pk=anbietung_id), "gut": akte_faellig, "fehler": zweite}


def test_only_the_file_the_archive_took_over_may_be_deleted_the_failed_one_shows_the_reason(
    uebergeben, beamter, zweiter_beamter, client
):
    gut, fehler = uebergeben["gut"], uebergeben["fehler"]
    api = api_fuer(beamter)
    # Before the 0506 nothing is released, whatever else the archive sent.
    assert api.post("/api/v1/aussonderung/loeschungen/", {"akte": gut.pk}, format="json").status_code == 400

    assert tasks.fristen()["antworten"] == 2  # 0507 receipt, 0506 import confirmation
    a = api.get(f"/api/v1/aussonderung/anbietungen/{uebergeben['anbietung'].pk}/").json()
    assert a["status"] == "abgeschlossen" and a["aussonderung_empfangen_am"]
    posten = {p["akte"]: p for p in a["posten"]}
    assert posten[gut.pk]["archiviert"] and posten[gut.pk]["loeschung_freigegeben"]
    assert posten[fehler.pk]["uebernahme_fehlgeschlagen"] and not posten[fehler.pk]["loeschung_freigegeben"]
    assert posten[fehler.pk]["archiv_meldung"] == FEHLER

    # The taken-over file may be deleted; the failed one may not, with a German reason.
    assert api.post("/api/v1/aussonderung/loeschungen/", {"akte": gut.pk}, format="json").status_code == 201
    abgelehnt = api.post("/api/v1/aussonderung/loeschungen/", {"akte": fehler.pk}, format="json")
    assert abgelehnt.status_code == 400 and "noch nicht freigegeben" in str(abgelehnt.json())
    assert Akte.objects.filter(pk=fehler.pk).exists()

    # The records officer sees the failed file in the due list with the archive's reason, and may offer it again.
    zeile = next(z for z in api.get("/api/v1/aussonderung/").json()["results"] if z["akte"] == fehler.pk)
    assert zeile["status"] == "fehlgeschlagen" and zeile["archiv_meldung"] == FEHLER
    client.force_login(beamter)
    seite = client.get("/aussonderung/").content.decode()
    assert "Übernahme durch das Archiv fehlgeschlagen" in seite and FEHLER in seite
    assert f'aria-label="{fehler.aktenzeichen} anbieten"' in seite  # the box to offer it again
    neu = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [fehler.pk]}, format="json")
    assert neu.status_code == 201, neu.content

    # Every step is audited, per file.
    schritte = dict(
        Protokolleintrag.objects.filter(details__xdomea="0506", akte_id_wert__in=[gut.pk, fehler.pk]).values_list(
            "akte_id_wert", "details__aussonderung"
        )
    )
    assert schritte == {gut.pk: "uebernahme_bestaetigt", fehler.pk: "uebernahme_fehlgeschlagen"}


def test_a_repeated_0506_changes_nothing(uebergeben, beamter, archiv, settings):
    anbietung = uebergeben["anbietung"]
    teile = {"prozess_id": str(anbietung.prozess_id), "archiv": settings.STAATSARCHIV_KENNUNG, "behoerde": "OF"}
    ergebnisse = {str(uebergeben["gut"].uuid): None, str(uebergeben["fehler"].uuid): FEHLER}
    inhalt = archiv_nachricht("0506", ergebnisse=ergebnisse, **teile)
    assert _einlesen(beamter, inhalt).status_code == 200
    vorher = list(Anbietungsposten.objects.filter(anbietung=anbietung).values().order_by("pk"))
    akten_eintraege = Protokolleintrag.objects.filter(details__xdomea="0506").exclude(objekt_typ="anbietung").count()
    nochmal = _einlesen(beamter, inhalt)
    assert nochmal.status_code == 200, nochmal.content
    assert list(Anbietungsposten.objects.filter(anbietung=anbietung).values().order_by("pk")) == vorher
    assert (
        Protokolleintrag.objects.filter(details__xdomea="0506").exclude(objekt_typ="anbietung").count()
        == akten_eintraege
    )
    # The archive later succeeds with the failed file: now it is released too.
    ergebnisse[str(uebergeben["fehler"].uuid)] = None
    assert _einlesen(beamter, archiv_nachricht("0506", ergebnisse=ergebnisse, **teile)).status_code == 200
    assert Anbietungsposten.objects.get(akte=uebergeben["fehler"], anbietung=anbietung).loeschung_freigegeben
    # ...but a file confirmed taken over is never turned back into a failure (it may be deleted already).
    ergebnisse[str(uebergeben["gut"].uuid)] = "doch nicht"
    widerspruch = _einlesen(beamter, archiv_nachricht("0506", ergebnisse=ergebnisse, **teile))
    assert widerspruch.status_code == 400 and "bereits bestätigt" in str(widerspruch.json())


@pytest.mark.parametrize("welche", ["unbekannt", "fremde_behoerde", "nicht_uebergeben"])
def test_a_0506_naming_files_not_handed_over_is_refused_whole_and_releases_nothing(
    uebergeben, beamter, fremder_beamter, settings, welche
):
    anbietung = uebergeben["anbietung"]
    andere = {
        "unbekannt": lambda: uuid.uuid4(),
        "fremde_behoerde": lambda: _geschlossen(fremder_beamter, "HP").uuid,
        "nicht_uebergeben": lambda: _geschlossen(beamter).uuid,
    }[welche]()
    teile = {"prozess_id": str(anbietung.prozess_id), "archiv": settings.STAATSARCHIV_KENNUNG, "behoerde": "OF"}
    inhalt = archiv_nachricht("0506", ergebnisse={str(uebergeben["gut"].uuid): None, str(andere): None}, **teile)
    vorher = Protokolleintrag.objects.count()
    antwort = _einlesen(beamter, inhalt)
    assert antwort.status_code == 400
    meldung = str(antwort.json())
    assert "nicht übergeben wurden" in meldung and str(andere) in meldung and "keine Akte wurde" in meldung
    nichts_freigegeben(uebergeben, beamter, vorher)


def test_receipts_release_nothing_and_come_in_their_place(akte_faellig, beamter, settings):
    api = api_fuer(beamter)
    anbietung = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte_faellig.pk]}, format="json").json()
    teile = {"prozess_id": anbietung["prozess_id"], "archiv": settings.STAATSARCHIV_KENNUNG, "behoerde": "OF"}
    # A 0506 or 0507 before any hand-over is refused.
    for art in ("0507", "0506"):
        zu_frueh = _einlesen(beamter, archiv_nachricht(art, ergebnisse={str(akte_faellig.uuid): None}, **teile))
        meldung = str(zu_frueh.json())
        assert zu_frueh.status_code == 400 and "übergeben" in meldung and "nicht verarbeitet" in meldung
    bewertung = archiv_nachricht("0502", bewertungen={str(akte_faellig.uuid): "A"}, **teile)
    assert _einlesen(beamter, bewertung).status_code == 200
    assert api.post(f"/api/v1/aussonderung/anbietungen/{anbietung['id']}/uebergeben/").status_code == 200
    # After the hand-over, neither the offer's receipt (0504) nor the hand-over's receipt (0507) releases the file.
    for art in ("0504", "0507", "0507"):
        assert _einlesen(beamter, archiv_nachricht(art, **teile)).status_code == 200
    a = api.get(f"/api/v1/aussonderung/anbietungen/{anbietung['id']}/").json()
    assert a["status"] == "uebergeben" and a["aussonderung_empfangen_am"]
    assert not a["posten"][0]["archiviert"] and not a["posten"][0]["loeschung_freigegeben"]
    assert api.post("/api/v1/aussonderung/loeschungen/", {"akte": akte_faellig.pk}, format="json").status_code == 400


def test_a_0506_listing_one_file_twice_is_refused(uebergeben, beamter, settings):
    anbietung = uebergeben["anbietung"]
    teile = {"prozess_id": str(anbietung.prozess_id), "archiv": settings.STAATSARCHIV_KENNUNG, "behoerde": "OF"}
    uid = str(uebergeben["gut"].uuid)
    inhalt = archiv_nachricht("0506", ergebnisse={uid: None}, **teile)
    with zipfile.ZipFile(io.BytesIO(inhalt)) as zf:  # the same file twice in one message
        name = zf.namelist()[0]
        xml = zf.read(name).decode()
    start = xml.index("<xdomea:AusgesondertesSGO>")
    ende = xml.index("</xdomea:AusgesondertesSGO>") + len("</xdomea:AusgesondertesSGO>")
    xml = xml[:ende] + xml[start:ende] + xml[ende:]
    antwort = _einlesen(beamter, xml.encode())
    assert antwort.status_code == 400 and "mehrfach" in str(antwort.json())
    assert not Anbietungsposten.objects.filter(anbietung=anbietung, archiviert=True).exists()


def test_only_the_records_officer_reads_archive_messages(uebergeben, settings):
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    anbietung = uebergeben["anbietung"]
    teile = {"prozess_id": str(anbietung.prozess_id), "archiv": settings.STAATSARCHIV_KENNUNG, "behoerde": "OF"}
    inhalt = archiv_nachricht("0506", ergebnisse={str(uebergeben["gut"].uuid): None}, **teile)
    assert _einlesen(sb, inhalt).status_code == 403
    assert not Anbietungsposten.objects.filter(anbietung=anbietung, archiviert=True).exists()

"""Bad input and who may do what: answers for files never offered, from another authority, malformed, schema-invalid
or with traversal names are refused whole with a German reason and nothing changes; held files are shown but never
offered or deleted; only the records officer of the file's authority acts; the archive deadline; the examples."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

import pytest
from django.utils import timezone

from dms.aussonderung import anbietung as anbietung_services
from dms.aussonderung.loeschung import datei_b_bereinigen
from dms.aussonderung.models import Aktenschluss, Anbietung, Anbietungsposten
from dms.aussonderung.nachrichten import antwort_lesen
from dms.models import Akte, DateiBEintrag, Protokolleintrag, Rolle
from dms.xdomea.schema import validieren_datei
from tests import factories as f

from .conftest import api_fuer
from .fake_archiv import BEISPIELE, archiv_nachricht

pytestmark = pytest.mark.django_db


def _anbieten(beamter, akte) -> dict:  # type: ignore[no-untyped-def]
    antwort = api_fuer(beamter).post("/api/v1/aussonderung/anbietungen/", {"akten": [akte.pk]}, format="json")
    assert antwort.status_code == 201, antwort.content
    return antwort.json()


def _antwort(beamter, inhalt: bytes):  # type: ignore[no-untyped-def]
    datei = io.BytesIO(inhalt)
    datei.name = "antwort.zip"
    return api_fuer(beamter).post("/api/v1/aussonderung/anbietungen/antwort/", {"datei": datei}, format="multipart")


def _zip(name: str, daten: bytes, dazu: list[tuple[str, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w") as zf:
        zf.writestr(name, daten)
        for n, d in dazu:
            zf.writestr(n, d)
    return puffer.getvalue()


def test_the_official_examples_are_read_and_validate():
    for datei in sorted(BEISPIELE.glob("*.xml")):
        validieren_datei(str(datei))
    bewertung = antwort_lesen((BEISPIELE / "xx_Aussonderung.Bewertungsverzeichnis.0502.xml").read_bytes())
    assert bewertung.art == "0502" and bewertung.prozess_id == "242f44e8-bebf-4503-a086-db252c6a4277"
    assert bewertung.bewertungen == {"cbdbfccc-72e5-44b2-9e71-937e6f4f8ce9": "A"}
    assert (bewertung.absender, bewertung.empfaenger) == ("LATh", "LATh")
    empfang = antwort_lesen((BEISPIELE / "xx_Aussonderung.AnbietungEmpfangBestaetigen.0504.xml").read_bytes())
    assert empfang.art == "0504" and empfang.bewertungen == {}


def test_the_file_page_data_shows_date_and_legal_basis(akte_faellig):
    schluss = Aktenschluss.objects.get(akte=akte_faellig)
    assert schluss.grund == "tod" and "§ 68 Abs. 2 AufenthV" in schluss.rechtsgrundlage
    assert schluss.faellig_am <= timezone.localdate()
    assert Akte.objects.get(pk=akte_faellig.pk).status == Akte.Status.GESCHLOSSEN


@pytest.mark.parametrize(
    ("bauen", "grund"),
    [
        ("nie_angeboten", "keine Anbietung Ihrer Behörde"),
        ("fremde_akte", "nicht angeboten wurden"),
        ("andere_behoerde", "an eine andere Behörde"),
        ("fremdes_archiv", "nicht vom zuständigen Staatsarchiv"),
        ("schema_ungueltig", "Schema xdomea 3.0.0"),
        ("kaputt", "kein gültiges ZIP"),
        ("kein_xml", "wohlgeformtes XML"),
        ("traversal", "unzulässigen Pfad"),
        ("ungueltiger_code", "Ungültige Bewertung"),
    ],
)
def test_bad_answers_are_refused_whole_and_nothing_changes(akte_faellig, beamter, settings, bauen, grund):
    anbietung = _anbieten(beamter, akte_faellig)
    prozess = anbietung["prozess_id"]
    teile = {"prozess_id": prozess, "archiv": settings.STAATSARCHIV_KENNUNG, "behoerde": "OF"}
    gut = {str(akte_faellig.uuid): "V"}
    inhalt = {
        "nie_angeboten": lambda: archiv_nachricht(
            "0502", **{**teile, "prozess_id": str(uuid.uuid4())}, bewertungen=gut
        ),
        "fremde_akte": lambda: archiv_nachricht("0502", **teile, bewertungen={**gut, str(uuid.uuid4()): "V"}),
        "andere_behoerde": lambda: archiv_nachricht("0502", **{**teile, "behoerde": "HP"}, bewertungen=gut),
        "fremdes_archiv": lambda: archiv_nachricht("0502", **{**teile, "archiv": "LATh"}, bewertungen=gut),
        "schema_ungueltig": lambda: (
            archiv_nachricht("0502", **teile, bewertungen=gut).replace(b"x", b"x")
            and _zip("a_Aussonderung.Bewertungsverzeichnis.0502.xml", _ungueltig(prozess))
        ),
        "kaputt": lambda: b"PK\x03\x04kaputt",
        "kein_xml": lambda: _zip("a_Aussonderung.Bewertungsverzeichnis.0502.xml", b"<xdomea:kaputt"),
        "traversal": lambda: _zip(
            "a_Aussonderung.Bewertungsverzeichnis.0502.xml", b"<x/>", [("../../boese.txt", b"boese")]
        ),
        "ungueltiger_code": lambda: archiv_nachricht("0502", **teile, bewertungen={str(akte_faellig.uuid): "B"}),
    }[bauen]()
    vorher = Protokolleintrag.objects.count()
    antwort = _antwort(beamter, inhalt)
    assert antwort.status_code == 400
    assert grund in str(antwort.json()), antwort.json()
    a = Anbietung.objects.get(pk=anbietung["id"])
    assert a.status == Anbietung.Status.ANGEBOTEN and a.posten.get().entscheidung == "offen"
    assert Protokolleintrag.objects.count() == vorher


def test_an_evaluation_that_leaves_out_an_offered_file_is_refused(akte_faellig, beamter, settings):
    from dms.aussonderung.services import aktenschluss_setzen

    zweite = f.AkteFactory()
    aktenschluss_setzen(akte=zweite, user=beamter, grund="ausreise", datum=dt.date(2000, 1, 1))
    antwort = api_fuer(beamter).post(
        "/api/v1/aussonderung/anbietungen/", {"akten": [akte_faellig.pk, zweite.pk]}, format="json"
    )
    inhalt = archiv_nachricht(
        "0502",
        prozess_id=antwort.json()["prozess_id"],
        archiv=settings.STAATSARCHIV_KENNUNG,
        behoerde="OF",
        bewertungen={str(akte_faellig.uuid): "V"},
    )
    abgelehnt = _antwort(beamter, inhalt)
    assert abgelehnt.status_code == 400 and "nicht alle angebotenen Akten" in str(abgelehnt.json())
    assert zweite.aktenzeichen in str(abgelehnt.json())


def _ungueltig(prozess: str) -> bytes:
    xml = (BEISPIELE / "xx_Aussonderung.Bewertungsverzeichnis.0502.xml").read_bytes()
    return xml.replace(b"242f44e8-bebf-4503-a086-db252c6a4277", prozess.encode()).replace(
        b"<xdomea:ID>cbdb", b"<xdomea:ID>kaputt-cbdb"
    )


def test_an_answer_of_another_authority_is_not_found_by_its_officer(akte_faellig, beamter, fremder_beamter, settings):
    anbietung = _anbieten(beamter, akte_faellig)
    inhalt = archiv_nachricht(
        "0502",
        prozess_id=anbietung["prozess_id"],
        archiv=settings.STAATSARCHIV_KENNUNG,
        behoerde="OF",
        bewertungen={str(akte_faellig.uuid): "V"},
    )
    antwort = _antwort(fremder_beamter, inhalt)
    assert antwort.status_code == 400 and "keine Anbietung Ihrer Behörde" in str(antwort.json())
    assert api_fuer(fremder_beamter).get(f"/api/v1/aussonderung/anbietungen/{anbietung['id']}/").status_code == 404


def test_held_files_are_listed_but_never_offered_or_deleted(akte_faellig, beamter, zweiter_beamter, settings):
    api = api_fuer(beamter)
    sperre = api.post(
        "/api/v1/aussonderung/loeschsperren/",
        {"akte": akte_faellig.pk, "art": "gerichtsverfahren", "grund": "VG Wiesbaden 4 K 1/26"},
        format="json",
    )
    assert sperre.status_code == 201, sperre.content
    zeile = next(z for z in api.get("/api/v1/aussonderung/").json()["results"] if z["akte"] == akte_faellig.pk)
    assert zeile["loeschsperre"] is True
    assert zeile["loeschsperren"][0]["art"] == "gerichtsverfahren"
    assert zeile["loeschsperren"][0]["gesetzt_von"] == beamter.username
    angebot = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte_faellig.pk]}, format="json")
    assert angebot.status_code == 400 and "Löschsperre" in str(angebot.json())

    # Released by the archive while held (6 months passed): still no deletion until the hold is lifted.
    api.post(f"/api/v1/aussonderung/loeschsperren/{sperre.json()['id']}/aufheben/", {"grund": "Urteil"}, format="json")
    _anbieten(beamter, akte_faellig)
    api.post(
        "/api/v1/aussonderung/loeschsperren/",
        {"akte": akte_faellig.pk, "art": "betroffenenanfrage", "grund": "Auskunftsersuchen"},
        format="json",
    )
    anbietung_services.fristen_pruefen(heute=timezone.localdate() + dt.timedelta(days=200))
    antrag = api.post("/api/v1/aussonderung/loeschungen/", {"akte": akte_faellig.pk}, format="json")
    assert antrag.status_code == 400 and "Löschsperre" in str(antrag.json())
    aufgehoben = api.get(f"/api/v1/aussonderung/loeschsperren/?akte={akte_faellig.pk}").json()["results"]
    alte = next(s for s in aufgehoben if s["art"] == "gerichtsverfahren")
    assert alte["aufhebungsgrund"] == "Urteil" and alte["aufgehoben_von"] == beamter.username and alte["aufgehoben_am"]


def test_six_months_without_answer_count_as_release_with_a_reminder_before(akte_faellig, beamter):
    anbietung = Anbietung.objects.get(pk=_anbieten(beamter, akte_faellig)["id"])
    heute = timezone.localdate()
    assert anbietung.frist_bis == anbietung_services.monate_spaeter(heute, 6)
    assert anbietung_services.fristen_pruefen(heute=heute) == {"erinnert": 0, "freigegeben": 0}
    assert anbietung_services.fristen_pruefen(heute=anbietung.frist_bis - dt.timedelta(days=10))["erinnert"] == 1
    anbietung.refresh_from_db()
    assert anbietung.erinnert_am is not None and anbietung.status == Anbietung.Status.ANGEBOTEN
    assert anbietung_services.fristen_pruefen(heute=anbietung.frist_bis) == {"erinnert": 0, "freigegeben": 1}
    anbietung.refresh_from_db()
    posten = anbietung.posten.get()
    assert anbietung.bewertet_durch_fristablauf and posten.entscheidung == Anbietungsposten.Entscheidung.VERNICHTEN
    assert posten.loeschung_freigegeben
    # Idempotent: a second run does nothing.
    assert anbietung_services.fristen_pruefen(heute=anbietung.frist_bis) == {"erinnert": 0, "freigegeben": 0}


def test_files_not_yet_due_are_neither_listed_nor_offered(beamter):
    from dms.aussonderung.services import aktenschluss_setzen

    akte = f.AkteFactory()
    aktenschluss_setzen(akte=akte, user=beamter, grund="tod", datum=timezone.localdate() - dt.timedelta(days=30))
    api = api_fuer(beamter)
    assert akte.pk not in [z["akte"] for z in api.get("/api/v1/aussonderung/").json()["results"]]
    antwort = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte.pk]}, format="json")
    assert antwort.status_code == 400 and "läuft noch" in str(antwort.json())


@pytest.mark.parametrize(
    "rolle", [Rolle.SACHBEARBEITUNG, Rolle.TEAMLEITUNG, Rolle.BEHOERDENADMIN, Rolle.LAND, Rolle.REVISION]
)
def test_only_the_records_officer_may_use_the_aussonderung(akte_faellig, rolle):
    api = api_fuer(f.benutzer("OF", rolle))
    assert api.get("/api/v1/aussonderung/").status_code == 403
    assert api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte_faellig.pk]}, format="json").status_code == 403
    assert api.post("/api/v1/aussonderung/loeschungen/", {"akte": akte_faellig.pk}, format="json").status_code == 403


def test_another_authoritys_officer_sees_nothing_and_cannot_act(akte_faellig, fremder_beamter):
    api = api_fuer(fremder_beamter)
    assert api.get("/api/v1/aussonderung/").json()["count"] == 0
    for pfad, daten in [
        ("/api/v1/aussonderung/anbietungen/", {"akten": [akte_faellig.pk]}),
        ("/api/v1/aussonderung/loeschungen/", {"akte": akte_faellig.pk}),
        ("/api/v1/aussonderung/loeschsperren/", {"akte": akte_faellig.pk, "art": "ermittlung", "grund": "x"}),
    ]:
        antwort = api.post(pfad, daten, format="json")
        assert antwort.status_code == 400, antwort.json()
        assert "existiert nicht" in str(antwort.json()) or "nicht vorhanden" in str(antwort.json())
    assert Akte.objects.filter(pk=akte_faellig.pk).exists()


def test_a_restricted_file_is_hidden_from_an_officer_not_named_on_it(akte_faellig, beamter):
    Akte.objects.filter(pk=akte_faellig.pk).update(gesperrt=True)
    api = api_fuer(beamter)
    assert akte_faellig.pk not in [z["akte"] for z in api.get("/api/v1/aussonderung/").json()["results"]]
    antwort = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte_faellig.pk]}, format="json")
    assert antwort.status_code == 400 and "nicht vorhanden" in str(antwort.json())


def test_datei_b_entries_are_deleted_when_their_date_has_come(db):
    heute = timezone.localdate()
    of, hp = f.behoerde("OF"), f.behoerde("HP")
    alt = DateiBEintrag.objects.create(
        behoerde=of, familienname="Altname", aktenzeichen="OF-2010-000001", ziel_behoerde=hp,
        ziel_aktenzeichen="HP-2010-000001", abgegeben_am=timezone.now(), loeschen_am=heute,
    )  # fmt: skip
    neu = DateiBEintrag.objects.create(
        behoerde=of, familienname="Neuname", aktenzeichen="OF-2020-000001", ziel_behoerde=hp,
        ziel_aktenzeichen="HP-2020-000001", abgegeben_am=timezone.now(), loeschen_am=heute + dt.timedelta(days=1),
    )  # fmt: skip
    assert datei_b_bereinigen(heute=heute) == 1
    assert not DateiBEintrag.objects.filter(pk=alt.pk).exists() and DateiBEintrag.objects.filter(pk=neu.pk).exists()
    eintrag = Protokolleintrag.objects.filter(aktion="loeschen").order_by("-id").first()
    assert eintrag.details["anzahl"] == 1 and "Altname" not in str(eintrag.details)


def test_the_land_sees_numbers_per_authority_and_no_names(akte_faellig):
    land = api_fuer(f.benutzer("OF", Rolle.LAND))
    zahlen = {z["kuerzel"]: z for z in land.get("/api/v1/aussonderung/land/").json()}
    assert zahlen["OF"]["faellig"] >= 1 and set(zahlen["OF"]) == {
        "behoerde", "kuerzel", "name", "faellig", "angeboten", "archiviert", "geloescht",
    }  # fmt: skip
    assert akte_faellig.aktenzeichen not in str(zahlen)
    assert api_fuer(f.benutzer("OF", Rolle.SACHBEARBEITUNG)).get("/api/v1/aussonderung/land/").status_code == 403

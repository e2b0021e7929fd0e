"""End to end with the FAKE state archive (tests/dms/aussonderung/fake_archiv.py; the real archive is outside the
system): a file ends → due → offered (0501, receipt 0504) → the archive evaluates (0502, our receipt 0505) → handed
over (0503, receipt 0507) → the archive confirms taking over this file (0506) → deleted with four eyes → nothing of
the person left in the database or the storage, and the audit chain verifies."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from dms.aussonderung import tasks
from dms.aussonderung.models import Anbietung, Loeschung
from dms.models import Akte, Dokument, DokumentVersion, Person, Protokolleintrag, Vorgang
from dms.protokoll.anker import verankern
from dms.protokoll.pruefung import pruefung_ausfuehren
from dms.xdomea.schema import q

from .conftest import AZR, NAME, VORNAME, api_fuer

pytestmark = pytest.mark.django_db


def tabellen_mit(text: str) -> list[str]:
    """Every table of the database in which any row contains `text` (a full scan, as an auditor would do)."""
    treffer = []
    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (tabelle,) in cur.fetchall():
            cur.execute(f'SELECT count(*) FROM "{tabelle}" t WHERE t::text ILIKE %s', [f"%{text}%"])  # noqa: S608
            if cur.fetchone()[0]:
                treffer.append(tabelle)
    return treffer


def dateien_mit(wurzel: Path, inhalt: bytes) -> list[str]:
    return [str(p) for p in wurzel.rglob("*") if p.is_file() and inhalt in p.read_bytes()]


def test_file_ends_is_offered_archived_and_deleted_leaving_nothing_but_the_record(
    akte_faellig, beamter, zweiter_beamter, archiv, django_capture_on_commit_callbacks
):
    akte = akte_faellig
    media = Path(django_settings.MEDIA_ROOT)
    assert dateien_mit(media, NAME.encode()), "test setup: the files name the person"
    api, api2 = api_fuer(beamter), api_fuer(zweiter_beamter)

    # Due: by reason, with the legal basis.
    liste = api.get("/api/v1/aussonderung/").json()
    zeile = next(z for z in liste["results"] if z["akte"] == akte.pk)
    assert zeile["grund"] == "tod" and "§ 68 Abs. 2 AufenthV" in zeile["rechtsgrundlage"]
    assert zeile["loeschsperre"] is False and zeile["status"] == "laufend"

    # Offer (0501): the archive receives a schema-valid Anbieteverzeichnis naming the file.
    antwort = api.post("/api/v1/aussonderung/anbietungen/", {"akten": [akte.pk]}, format="json")
    assert antwort.status_code == 201, antwort.content
    anbietung_id = antwort.json()["id"]
    art, nachricht, _ = archiv.empfangen[-1]
    assert art == "Aussonderung.Anbieteverzeichnis.0501"
    assert str(akte.uuid) in [e.text for e in nachricht.iter(q("ID"))]
    assert NAME not in str(nachricht), "the offer carries no names"

    # The archive's answers (0504 receipt, 0502: archive it) are fetched by the beat task.
    assert tasks.fristen()["antworten"] == 2
    a = api.get(f"/api/v1/aussonderung/anbietungen/{anbietung_id}/").json()
    assert a["status"] == "bewertet" and a["empfang_bestaetigt_am"]
    assert a["posten"][0]["entscheidung"] == "archivieren" and not a["posten"][0]["loeschung_freigegeben"]
    # The 0502 asked for a receipt: the archive got our schema-valid 0505 (the fake validates what it receives).
    art, nachricht, _ = archiv.empfangen[-1]
    assert art == "Aussonderung.BewertungEmpfangBestaetigen.0505" and a["bewertung_bestaetigt_am"]

    # Not yet deletable: the archive has not confirmed the take-over.
    frueh = api.post("/api/v1/aussonderung/loeschungen/", {"akte": akte.pk}, format="json")
    assert frueh.status_code == 400 and "noch nicht freigegeben" in str(frueh.json())

    # Hand-over (0503) with the documents' primary files, then the receipt (0507) and the import confirmation (0506).
    antwort = api.post(f"/api/v1/aussonderung/anbietungen/{anbietung_id}/uebergeben/")
    assert antwort.status_code == 200, antwort.content
    art, nachricht, dateien = archiv.empfangen[-1]
    assert art == "Aussonderung.Aussonderung.0503"
    assert any(NAME.encode() in inhalt for inhalt in dateien.values()), "the archive got the documents"
    assert tasks.fristen()["antworten"] == 2
    a = api.get(f"/api/v1/aussonderung/anbietungen/{anbietung_id}/").json()
    assert a["status"] == "abgeschlossen" and a["aussonderung_empfangen_am"]
    assert a["posten"][0]["archiviert"] and a["posten"][0]["loeschung_freigegeben"]
    assert a["posten"][0]["archivkennung"].startswith("HStAD")

    # Four eyes: the one who asked may not approve.
    verankern()
    antrag = api.post("/api/v1/aussonderung/loeschungen/", {"akte": akte.pk}, format="json")
    assert antrag.status_code == 201, antrag.content
    loeschung_id = antrag.json()["id"]
    selbst = api.post(f"/api/v1/aussonderung/loeschungen/{loeschung_id}/genehmigen/")
    assert selbst.status_code == 400 and "Vier-Augen" in str(selbst.json())
    assert Akte.objects.filter(pk=akte.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        antwort = api2.post(f"/api/v1/aussonderung/loeschungen/{loeschung_id}/genehmigen/")
    assert antwort.status_code == 200, antwort.content
    nachweis = antwort.json()
    assert nachweis["status"] == "durchgefuehrt" and nachweis["aktenzeichen"] == akte.aktenzeichen
    assert nachweis["anzahl_dokumente"] == 2 and nachweis["anzahl_seiten"] == 4
    assert nachweis["archiv_entscheidung"] == "archivieren" and nachweis["genehmigt_von"] == zweiter_beamter.username
    assert nachweis["anzahl_dateien"] >= 8 and nachweis["bytes_geloescht"] > 0 and nachweis["protokoll_eintraege"] > 0
    verankern()

    # Nothing of the person is left: not in any table, not in the storage.
    assert not Akte.objects.filter(pk=akte.pk).exists()
    assert not Person.objects.filter(azr_nummer=AZR).exists()
    assert (
        not Dokument.objects.filter(akte_id=akte.pk).exists() and not Vorgang.objects.filter(akte_id=akte.pk).exists()
    )
    assert not DokumentVersion.objects.filter(dokument__akte_id=akte.pk).exists()
    for text in (NAME, VORNAME, AZR):
        assert tabellen_mit(text) == [], text
    assert dateien_mit(media, NAME.encode()) == []
    assert not list((media / "dokumente").rglob("*.*")) if (media / "dokumente").exists() else True
    assert Loeschung.objects.get(pk=loeschung_id).speicher_bereinigt

    # The audit chain and its checkpoints still verify; the file's entries carry the pseudonym.
    ergebnis = pruefung_ausfuehren()
    assert ergebnis.in_ordnung, ergebnis.befunde
    assert (
        Protokolleintrag.objects.filter(aktenzeichen=nachweis["pseudonym"]).count() == nachweis["protokoll_eintraege"]
    )
    assert not Protokolleintrag.objects.filter(aktenzeichen=akte.aktenzeichen).exclude(objekt_typ="loeschung").exists()
    assert Anbietung.objects.get(pk=anbietung_id).posten.get().akte_id is None

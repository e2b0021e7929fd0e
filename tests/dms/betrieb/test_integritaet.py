"""Integrity check: finds a changed and a missing file, resumes where it stopped, reports by log and metric."""

from __future__ import annotations

import hashlib
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from dms.betrieb import integritaet
from dms.betrieb.models import Integritaetsbefund, Integritaetslauf
from dms.models import DokumentVersion
from tests import factories as f

from .test_metriken import TOKEN, werte

pytestmark = pytest.mark.django_db


def _version(inhalt: bytes, pdf: bytes | None = None) -> DokumentVersion:
    v = f.DokumentVersionFactory(
        original=ContentFile(inhalt, name="original"), sha256=hashlib.sha256(inhalt).hexdigest(), groesse=len(inhalt)
    )
    if pdf is not None:
        v.pdf.save("durchsuchbar.pdf", ContentFile(pdf), save=False)
        v.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        v.vorschaubilder = [
            default_storage.save(f"dokumente/{v.dokument.uuid}/1/vorschau/00001.png", ContentFile(b"png"))
        ]
        v.save()
    return v


def _befunde(lauf: Integritaetslauf) -> dict[tuple[int, str], str]:
    return {(b.objekt_id, b.pfad): b.art for b in lauf.befunde.filter(quelle="dokumentversion")}


def test_finds_changed_and_missing_files_original_and_derived(caplog, client, settings):
    heil = _version(b"%PDF-1.4 heil", pdf=b"%PDF-1.4 durchsuchbar heil")
    veraendert = _version(b"%PDF-1.4 wird veraendert")
    fehlt = _version(b"%PDF-1.4 wird geloescht", pdf=b"%PDF-1.4 pdf bleibt")
    pdf_veraendert = _version(b"%PDF-1.4 original bleibt", pdf=b"%PDF-1.4 pdf wird veraendert")
    vorschau_fehlt = _version(b"%PDF-1.4 noch eins", pdf=b"%PDF-1.4 mit vorschau")
    with default_storage.open(veraendert.original.name, "wb") as datei:
        datei.write(b"%PDF-1.4 nachtraeglich veraendert")
    default_storage.delete(fehlt.original.name)
    with default_storage.open(pdf_veraendert.pdf.name, "wb") as datei:
        datei.write(b"manipuliert")
    default_storage.delete(vorschau_fehlt.vorschaubilder[0])

    with caplog.at_level(logging.ERROR, logger="dms.betrieb.integritaet"):
        lauf = integritaet.vollstaendig_pruefen()
    befunde = _befunde(lauf)
    assert befunde[(veraendert.pk, veraendert.original.name)] == "veraendert"
    assert befunde[(fehlt.pk, fehlt.original.name)] == "fehlt"
    assert befunde[(pdf_veraendert.pk, pdf_veraendert.pdf.name)] == "veraendert"
    assert befunde[(vorschau_fehlt.pk, vorschau_fehlt.vorschaubilder[0])] == "fehlt"
    assert not [k for k in befunde if k[0] == heil.pk]
    assert lauf.status == "fertig" and lauf.fehlend >= 2 and lauf.veraendert >= 2
    geloggt = {(r.objekt_id, r.art) for r in caplog.records if hasattr(r, "objekt_id")}
    assert {(veraendert.pk, "veraendert"), (fehlt.pk, "fehlt")} <= geloggt

    settings.METRICS_TOKEN = TOKEN
    w = werte(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    assert w[("akte_integritaet_befunde", (("art", "fehlt"),))] == lauf.fehlend
    assert w[("akte_integritaet_befunde", (("art", "veraendert"),))] == lauf.veraendert


def test_command_exits_nonzero_and_names_the_file(capsys):
    v = _version(b"%PDF-1.4 fuer den Befehl")
    default_storage.delete(v.original.name)
    with pytest.raises(CommandError, match=r"fehlen"):
        call_command("integritaet_pruefen")
    assert v.original.name in capsys.readouterr().out


def test_steps_resume_from_their_position_with_bounded_work():
    versionen = [_version(f"%PDF-1.4 stueck {i}".encode()) for i in range(5)]
    Integritaetslauf.objects.filter(status="laeuft").update(status="abgebrochen")
    integritaet.lauf_starten()
    erster = integritaet.schritt(max_dateien=2, batch=1)
    assert erster.lauf is not None and erster.lauf.status == "laeuft"
    assert erster.lauf.geprueft == 2
    stand = erster.lauf.position["dokumentversion"]
    # A crash here loses nothing: the next step (another worker, after a restart) continues after `stand`.
    while True:
        e = integritaet.schritt(max_dateien=3, batch=2)
        assert e.lauf is not None
        if e.lauf.status == "fertig":
            break
    assert stand < versionen[-1].pk
    assert not Integritaetsbefund.objects.filter(lauf=e.lauf, objekt_id__in=[v.pk for v in versionen]).exists()


def test_scheduled_task_starts_a_run_when_due_and_not_again(settings):
    from dms.betrieb.tasks import integritaet_pruefen

    settings.CELERY_TASK_ALWAYS_EAGER = True
    Integritaetslauf.objects.filter(status="laeuft").update(status="abgebrochen")
    _version(b"%PDF-1.4 geplant")
    lauf_id = integritaet_pruefen.apply().get()
    lauf = Integritaetslauf.objects.get(pk=lauf_id)
    assert lauf.status == "fertig"  # eager: the task re-queued itself until done
    assert integritaet_pruefen.apply().get() is None  # the next run is due only after INTEGRITAET_INTERVALL_STUNDEN

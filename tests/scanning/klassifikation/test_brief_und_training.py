"""Incoming letters through the classifier; retraining from caseworkers' corrections (command and Celery task)."""

from __future__ import annotations

import io

import joblib
import pytest
from django.core.management import call_command
from django.utils import timezone

from scanning.klassifikation.brief import brief_einordnen
from scanning.klassifikation.korrekturen import korrekturen_laden
from scanning.klassifikation.models import Klassifikationskorrektur
from scanning.klassifikation.training import trainingsdaten_lesen
from scanning.models import Posteingang
from scanning.services.posteingang import _titel
from tests import factories as f

ANWALT = (
    "Rechtsanwalt Klein\nAn die Ausländerbehörde\nSehr geehrte Damen und Herren,\nwir bitten um Verlängerung der "
    "Frist. Die Verpflichtung nach § 68 AufenthG ist bekannt.\nMit freundlichen Grüßen"
)


def test_without_a_trained_model_the_keyword_rules_stay(settings, tmp_path):
    settings.KLASSIFIKATOR_PFAD = str(tmp_path / "keins.joblib")
    assert brief_einordnen(ANWALT) is None


@pytest.mark.django_db  # the title takes the kind's label from the Dokumentart table (Land data)
def test_incoming_letter_gets_kind_register_and_a_useful_title(trainiert):
    assert brief_einordnen(ANWALT) == ("schreiben", "12")
    ve = "Verpflichtungserklärung gemäß §§ 66, 68 Aufenthaltsgesetz. Ich verpflichte mich, für den Lebensunterhalt"
    assert brief_einordnen(ve) == ("verpflichtungserklaerung", "04")
    p = Posteingang(dokumentart="verpflichtungserklaerung", eingegangen_am=timezone.now())
    assert _titel(p).startswith("Verpflichtungserklärung vom ")


@pytest.mark.django_db
def test_corrections_become_training_examples_and_retraining_uses_them(trainiert):
    seiten = ["Antrag auf Verlängerung der Aufenthaltserlaubnis Formular", "Seite 2 Unterschrift", "Kassenzeichen 1"]
    Klassifikationskorrektur.objects.create(
        behoerde=f.behoerde("OF"),
        quelle="altakte",
        seiten=seiten,
        abschnitte=[{"von": 1, "bis": 2, "art": "antrag"}, {"von": 3, "bis": 3, "art": "gebuehren"}],
        geaendert=True,
    )
    dokumente, dateien = korrekturen_laden()
    assert dokumente == [("antrag", seiten[:2]), ("gebuehren", seiten[2:])]
    assert dateien[0].beginn == [True, False, True]
    vorher = trainiert.stat().st_mtime_ns
    call_command("klassifikator_trainieren")
    assert trainiert.stat().st_mtime_ns != vorher
    k = joblib.load(trainiert)
    assert k.anzahl_beispiele == len(trainingsdaten_lesen()) + 2 + 1


@pytest.mark.django_db
def test_filing_into_another_register_is_stored_as_a_correction():
    """The in-tray: a caseworker files a letter proposed as "Antrag" (03) into register 04: a training example
    of kind Verpflichtungserklärung; filing into the proposed register stores nothing."""
    from scanning import services
    from tests.scanning import scans

    sb = f.benutzer("OF", "sachbearbeitung")
    akte = f.AkteFactory()
    ergebnisse = []
    for register in ("04", "03"):
        p = services.posteingang_annehmen(
            behoerde=f.behoerde("OF"), datei=io.BytesIO(scans.kleines_pdf()), dateiname="a.pdf", einreihen=False
        )
        Posteingang.objects.filter(pk=p.pk).update(
            schritt=Posteingang.Schritt.ERKANNT, status="in_verarbeitung", text="Ich verpflichte mich\f\nSeite 2",
            seiten=2, blatt=1, mime_type="application/pdf", register_nummer="03", dokumentart="antrag",
        )  # fmt: skip
        services.posteingang_zuordnen(
            posteingang=Posteingang.objects.get(pk=p.pk), akte=akte, user=sb, register=f.register(register)
        )
        ergebnisse.append(Klassifikationskorrektur.objects.count())
    assert ergebnisse == [1, 1]
    k = Klassifikationskorrektur.objects.get()
    assert k.quelle == "posteingang" and k.abschnitte == [{"von": 1, "bis": 2, "art": "verpflichtungserklaerung"}]
    assert k.angelegt_von == sb and k.behoerde_id == akte.behoerde_id

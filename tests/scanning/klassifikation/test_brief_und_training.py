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


def _betreuung(name: str) -> str:
    return (
        f"Amtsgericht Offenbach\nBetreuungsgericht\nBeschluss\nIn der Betreuungssache {name}\n"
        "Für den Betroffenen wird eine Betreuerin bestellt. Aufgabenkreis: Vertretung gegenüber Behörden."
    )


def _beschaeftigung(firma: str) -> str:
    return (
        f"Erklärung zum Beschäftigungsverhältnis\nFormblatt der Bundesagentur für Arbeit\nArbeitgeber {firma}\n"
        "wöchentliche Arbeitszeit 40 Stunden\nArbeitsentgelt brutto"
    )


@pytest.mark.django_db
def test_kind_chosen_when_filing_into_register_03_or_12_teaches_the_next_retraining(trainiert):
    """Registers 03 and 12 hold several kinds, so only the kind chosen in the in-tray's filing form says what the
    letter is: a court's guardianship decision the classifier calls "Schreiben" is filed as "Gerichtsschreiben"
    (12), a Federal Employment Agency form it calls "Arbeitsvertrag" (05) as "Antrag" (03). After retraining the
    next such letter gets the caseworkers' kind."""
    from scanning import services
    from scanning.klassifikation.tasks import neu_trainieren
    from tests.scanning import scans

    betreuung, beschaeftigung = _betreuung("Olena Petrov"), _beschaeftigung("Pflegedienst Sonne")
    assert brief_einordnen(betreuung) == ("schreiben", "12")
    assert brief_einordnen(beschaeftigung) == ("arbeitsvertrag", "05")
    sb = f.benutzer("OF", "sachbearbeitung")
    akte = f.AkteFactory()
    faelle = [(_betreuung(n), "schreiben", "12", "12", "gericht") for n in ("Ivan Nowak", "Maria Demir", "Samir Silva")]
    faelle += [(_beschaeftigung(x), "arbeitsvertrag", "05", "03", "antrag") for x in ("Bau AG", "Gastro KG", "IT AG")]
    for text, vorschlag, vorschlag_register, register, art in faelle:
        p = services.posteingang_annehmen(
            behoerde=f.behoerde("OF"), datei=io.BytesIO(scans.kleines_pdf()), dateiname="a.pdf", einreihen=False
        )
        Posteingang.objects.filter(pk=p.pk).update(
            schritt=Posteingang.Schritt.ERKANNT, status="in_verarbeitung", text=text, seiten=1, blatt=1,
            mime_type="application/pdf", register_nummer=vorschlag_register, dokumentart=vorschlag,
        )  # fmt: skip
        services.posteingang_zuordnen(
            posteingang=Posteingang.objects.get(pk=p.pk), akte=akte, user=sb, register=f.register(register), art=art
        )
    gespeichert = sorted(k.abschnitte[0]["art"] for k in Klassifikationskorrektur.objects.all())
    assert gespeichert == ["antrag"] * 3 + ["gericht"] * 3
    neu_trainieren()
    assert brief_einordnen(betreuung) == ("gericht", "12")
    assert brief_einordnen(beschaeftigung) == ("antrag", "03")


@pytest.mark.django_db
def test_filing_with_the_proposed_kind_and_register_stores_no_correction():
    from scanning import services
    from tests.scanning import scans

    sb = f.benutzer("OF", "sachbearbeitung")
    p = services.posteingang_annehmen(
        behoerde=f.behoerde("OF"), datei=io.BytesIO(scans.kleines_pdf()), dateiname="a.pdf", einreihen=False
    )
    Posteingang.objects.filter(pk=p.pk).update(
        schritt=Posteingang.Schritt.ERKANNT, status="in_verarbeitung", text=_betreuung("Lina Haddad"), seiten=1,
        blatt=1, mime_type="application/pdf", register_nummer="12", dokumentart="gericht",
    )  # fmt: skip
    services.posteingang_zuordnen(
        posteingang=Posteingang.objects.get(pk=p.pk), akte=f.AkteFactory(), user=sb, register=f.register("12"),
        art="gericht",
    )  # fmt: skip
    assert not Klassifikationskorrektur.objects.exists()

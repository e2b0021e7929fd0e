"""Export a file as xdomea 0401, validate it, import it into another authority: same structure, metadata, bytes."""

from __future__ import annotations

import hashlib
import zipfile

import pytest
from lxml import etree

from dms import services
from dms.models import Akte, Dokument, Protokolleintrag
from dms.xdomea.export import akte_exportieren
from dms.xdomea.import_ import paket_importieren
from dms.xdomea.schema import NS, sicherer_parser, xdomea_schema

pytestmark = pytest.mark.django_db


def _nachricht(pfad) -> etree._Element:
    with zipfile.ZipFile(pfad) as zf:
        xml = [n for n in zf.namelist() if n.endswith("_Abgabe.Abgabe.0401.xml")]
        assert len(xml) == 1
        return etree.fromstring(zf.read(xml[0]), sicherer_parser())


def _dateien(akte: Akte) -> list[tuple]:
    """Everything that must survive the trip, independent of ids and Aktenzeichen."""
    out = []
    for d in Dokument.objects.filter(akte=akte).select_related("register", "vorgang__vorgangsart"):
        for v in d.versionen.order_by("nummer"):
            pdf_sha = hashlib.sha256(v.pdf.open("rb").read()).hexdigest() if v.pdf else ""
            orig_sha = hashlib.sha256(v.original.open("rb").read()).hexdigest()
            assert orig_sha == v.sha256
            out.append(
                (
                    d.titel,
                    d.register.nummer,
                    d.vorgang.vorgangsart.schluessel if d.vorgang else None,
                    d.vorgang.betreff if d.vorgang else None,
                    d.art,
                    d.richtung,
                    d.eingangsdatum,
                    v.nummer,
                    v.dateiname,
                    v.mime_type,
                    orig_sha,
                    v.groesse,
                    pdf_sha,
                )
            )
    return sorted(out, key=repr)


def test_export_is_valid_xdomea_0401_with_uuid_named_primary_files(volle_akte, tmp_path):
    ergebnis = akte_exportieren(akte=volle_akte.akte, ziel=tmp_path)
    assert ergebnis.pfad.name == f"{ergebnis.prozess_id}_Abgabe.Abgabe.0401.zip"
    nachricht = _nachricht(ergebnis.pfad)
    assert xdomea_schema().validate(nachricht), xdomea_schema().error_log
    ns = {"x": NS}
    akte = nachricht.find("x:Schriftgutobjekt/x:Akte", ns)
    assert akte.findtext("x:AllgemeineMetadaten/x:Kennzeichen", namespaces=ns) == volle_akte.akte.aktenzeichen
    assert "Öztürk" in akte.findtext("x:AllgemeineMetadaten/x:Betreff", namespaces=ns)
    # NfD in our model is code 002 of the xdomea list Vertraulichkeitsstufe 1.0.
    assert akte.findtext("x:AllgemeineMetadaten/x:Vertraulichkeitsstufe/code", namespaces=ns) == "002"
    assert akte.findtext("x:AllgemeineMetadaten/x:Medium/code", namespaces=ns) == "001"
    assert akte.findtext("x:Laufzeit/x:Beginn", namespaces=ns)
    teilakten = akte.findall("x:Akteninhalt/x:Teilakte", ns)
    assert sorted(
        t.findtext("x:AllgemeineMetadaten/x:Aktenplaneinheit/x:Kennzeichen", namespaces=ns) for t in teilakten
    ) == [
        "02",
        "03",
        "12",
    ]
    vorgaenge = akte.findall("x:Akteninhalt/x:Vorgang", ns)
    assert [v.findtext("x:AllgemeineMetadaten/x:Kennzeichen", namespaces=ns) for v in vorgaenge] == [
        f"{volle_akte.akte.aktenzeichen}/1",
        f"{volle_akte.akte.aktenzeichen}/2",
    ]
    antrag = next(
        d
        for d in akte.iter(f"{{{NS}}}Dokument")
        if d.findtext("x:AllgemeineMetadaten/x:Betreff", namespaces=ns) == "Antrag Öztürk"
    )
    versionen = antrag.findall("x:Version", ns)
    assert [v.findtext("x:Nummer", namespaces=ns) for v in versionen] == ["1", "2", "3"]
    assert len(versionen[1].findall("x:Format", ns)) == 2  # original + searchable PDF
    assert antrag.findtext("x:Posteingangsdatum", namespaces=ns)
    with zipfile.ZipFile(ergebnis.pfad) as zf:
        namen = [n for n in zf.namelist() if not n.endswith(".xml")]
        verwiesen = [e.text for e in nachricht.iter(f"{{{NS}}}Dateiname")]
        assert sorted(namen) == sorted(verwiesen)
        assert all(len(n.split("_")[0]) == 36 for n in namen)
        # Every version's bytes are in the package unchanged.
        inhalte = {hashlib.sha256(zf.read(n)).hexdigest() for n in namen}
    assert {hashlib.sha256(b).hexdigest() for b in volle_akte.bytes_je_version.values()} <= inhalte
    assert ergebnis.dokumente == 5 and ergebnis.dateien == len(namen) == 8
    eintrag = Protokolleintrag.objects.get(aktion="export", akte_id_wert=volle_akte.akte.pk)
    assert eintrag.details["prozess_id"] == ergebnis.prozess_id


def test_round_trip_into_another_authority_keeps_structure_metadata_and_bytes(volle_akte, tmp_path):
    quelle = volle_akte.akte
    vorher = _dateien(quelle)
    paket = akte_exportieren(akte=quelle, ziel=tmp_path).pfad
    ergebnis = paket_importieren(paket=paket, behoerde="HP")
    neu = Akte.objects.select_related("person").get(pk=ergebnis.akte.pk)
    assert neu.behoerde.kuerzel == "HP" and neu.aktenzeichen.startswith("HP-")
    assert neu.fruehere_aktenzeichen == [quelle.aktenzeichen]
    assert (neu.vertraulichkeit, neu.medium) == (quelle.vertraulichkeit, quelle.medium)
    p, alt = neu.person, quelle.person
    for feld in ("familienname", "vornamen", "geburtsname", "geburtsdatum", "geburtsort", "geschlecht", "azr_nummer"):
        assert getattr(p, feld) == getattr(alt, feld), feld
    assert p.staatsangehoerigkeiten == alt.staatsangehoerigkeiten
    assert p.namensvarianten == alt.namensvarianten
    assert p.behoerde.kuerzel == "HP"
    assert list(neu.vorgaenge.values_list("aktenzeichen", "vorgangsart__schluessel", "betreff")) == [
        (f"{neu.aktenzeichen}/1", "ae-verlaengerung", "Verlängerung § 16b AufenthG"),
        (f"{neu.aktenzeichen}/2", "familiennachzug", "Ehegatte"),
    ]
    nachher = _dateien(neu)
    assert nachher == vorher
    assert set(neu.dokumente.values_list("quelle", flat=True)) == {Dokument.Quelle.ABGABE}
    # The receipt is a valid 0402 confirming the file's ID.
    quittung = etree.fromstring(ergebnis.quittung, sicherer_parser())
    assert xdomea_schema().validate(quittung), xdomea_schema().error_log
    ns = {"x": NS}
    assert quittung.findtext("x:AbgegebenesObjekt/x:IDSGO", namespaces=ns) == str(quelle.uuid)
    assert quittung.findtext("x:AbgegebenesObjekt/x:Erfolgreich", namespaces=ns) == "1"
    assert quittung.findtext("x:Kopf/x:ProzessID", namespaces=ns) == ergebnis.prozess_id
    assert quittung.findtext("x:Kopf/x:Empfaenger/x:Behoerdenkennung/x:Behoerdenschluessel/code", namespaces=ns) == "OF"
    assert Protokolleintrag.objects.filter(aktion="import", akte_id_wert=neu.pk).exists()
    # Exported again from the receiver, the package validates and carries both Aktenzeichen.
    zweites = akte_exportieren(akte=neu, ziel=tmp_path / "zurueck")
    nachricht = _nachricht(zweites.pfad)
    assert xdomea_schema().validate(nachricht)
    werte = [e.text for e in nachricht.iter(f"{{{NS}}}Wert")]
    assert quelle.aktenzeichen in werte


def test_import_of_same_person_reuses_the_person_of_the_receiving_authority(
    volle_akte, tmp_path, fremde_sachbearbeitung, sachbearbeitung
):
    # Two files of one person (the same package twice is refused: tests/dms/exchange/test_xdomea_sperrvermerk.py).
    zweite = services.akte_anlegen(person=volle_akte.akte.person, user=sachbearbeitung)
    paket = akte_exportieren(akte=volle_akte.akte, ziel=tmp_path / "eins").pfad
    eins = paket_importieren(paket=paket, behoerde="HP", user=fremde_sachbearbeitung)
    paket = akte_exportieren(akte=zweite, ziel=tmp_path / "zwei").pfad
    zwei = paket_importieren(paket=paket, behoerde="HP", user=fremde_sachbearbeitung)
    assert eins.akte.person_id == zwei.akte.person_id
    assert eins.akte.aktenzeichen != zwei.akte.aktenzeichen


def test_open_resubmission_of_a_procedure_travels_with_the_file(
    volle_akte, tmp_path, sachbearbeitung, fremde_sachbearbeitung
):
    """The procedure's next open Wiedervorlage goes into the package; the import makes it a Wiedervorlage again."""
    import datetime as dt

    from dms.models import Wiedervorlage
    from dms.wiedervorlagen.services import wiedervorlage_anlegen

    vorgang = volle_akte.akte.vorgaenge.order_by("nummer").first()
    wiedervorlage_anlegen(
        user=sachbearbeitung, vorgang=vorgang, faellig_am=dt.date(2030, 3, 1), notiz="Pass nachreichen"
    )
    paket = akte_exportieren(akte=volle_akte.akte, ziel=tmp_path).pfad
    neu = paket_importieren(paket=paket, behoerde="HP", user=fremde_sachbearbeitung).akte
    wv = Wiedervorlage.objects.get(akte=neu)
    assert wv.vorgang.akte_id == neu.pk and wv.faellig_am == dt.date(2030, 3, 1)
    assert wv.notiz == "Pass nachreichen (übernommen aus xdomea-Abgabe)" and wv.zustaendig == fremde_sachbearbeitung

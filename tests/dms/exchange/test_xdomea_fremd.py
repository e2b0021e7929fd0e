# ruff: noqa: E501 - the XML fixtures read better unwrapped
"""A 0401 package written by another DMS (no extension of ours, no checksums) and the streaming validator."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile

import pytest
from lxml import etree

from dms.models import Akte, Dokument
from dms.xdomea.import_ import ImportAbgelehnt, paket_importieren
from dms.xdomea.schema import NS, SchemaFehler, validieren_datei, xdomea_schema

from .conftest import pdf_bytes

pytestmark = pytest.mark.django_db

KOPF = """<xdomea:Kopf><xdomea:ProzessID>{pid}</xdomea:ProzessID>
<xdomea:Nachrichtentyp listURI="urn:xoev-de:xdomea:codeliste:nachrichtentyp" listVersionID="2.0"><code>0401</code></xdomea:Nachrichtentyp>
<xdomea:Erstellungszeitpunkt>2026-05-04T10:00:00</xdomea:Erstellungszeitpunkt>
<xdomea:Absender><xdomea:Institution><xdomea:Name>Landkreis Musterland (Fremdsystem)</xdomea:Name></xdomea:Institution></xdomea:Absender>
<xdomea:Empfaenger><xdomea:Institution><xdomea:Name>Kreis Bergstraße</xdomea:Name></xdomea:Institution></xdomea:Empfaenger>
<xdomea:Importbestaetigung>1</xdomea:Importbestaetigung><xdomea:Empfangsbestaetigung>0</xdomea:Empfangsbestaetigung>
</xdomea:Kopf>"""

DOKUMENT = """<xdomea:Dokument><xdomea:Identifikation><xdomea:ID>{id}</xdomea:ID></xdomea:Identifikation>
<xdomea:AllgemeineMetadaten><xdomea:Betreff>{titel}</xdomea:Betreff></xdomea:AllgemeineMetadaten>
<xdomea:Posteingangsdatum>2025-03-02</xdomea:Posteingangsdatum>
<xdomea:Version><xdomea:Nummer>1</xdomea:Nummer><xdomea:Format>
<xdomea:Name listURI="urn:xoev-de:xdomea:codeliste:dateiformat" listVersionID="1.0"><code>018</code></xdomea:Name>
<xdomea:Version>1.4</xdomea:Version><xdomea:Primaerdokument><xdomea:Dateiname>{datei}</xdomea:Dateiname>
<xdomea:DateinameOriginal>{original}</xdomea:DateinameOriginal></xdomea:Primaerdokument></xdomea:Format></xdomea:Version>
</xdomea:Dokument>"""


def _fremdes_paket(pfad, dateien: dict[str, bytes]) -> str:
    pid = str(uuid.uuid4())
    namen = {titel: f"{uuid.uuid4()}_{titel}.pdf" for titel in dateien}
    doks = {t: DOKUMENT.format(id=uuid.uuid4(), titel=t, datei=namen[t], original=f"{t} Nguyễn.pdf") for t in dateien}
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<xdomea:Abgabe.Abgabe.0401 xmlns:xdomea="{NS}">{KOPF.format(pid=pid)}
<xdomea:Schriftgutobjekt><xdomea:Akte><xdomea:Identifikation><xdomea:ID>{uuid.uuid4()}</xdomea:ID></xdomea:Identifikation>
<xdomea:AllgemeineMetadaten><xdomea:Betreff>Ausländerakte Nguyễn</xdomea:Betreff><xdomea:Kennzeichen>32.1-AB/4711</xdomea:Kennzeichen>
<xdomea:Vertraulichkeitsstufe listURI="urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe" listVersionID="1.0"><code>005</code></xdomea:Vertraulichkeitsstufe>
</xdomea:AllgemeineMetadaten>
<xdomea:Akteninhalt>{doks["Meldebescheinigung"]}
<xdomea:Vorgang><xdomea:Identifikation><xdomea:ID>{uuid.uuid4()}</xdomea:ID></xdomea:Identifikation>
<xdomea:AllgemeineMetadaten><xdomea:Betreff>Antrag Blaue Karte</xdomea:Betreff><xdomea:Kennzeichen>32.1-AB/4711/3</xdomea:Kennzeichen></xdomea:AllgemeineMetadaten>
<xdomea:Typ>Blaue Karte EU</xdomea:Typ>{doks["Arbeitsvertrag"]}</xdomea:Vorgang>
<xdomea:Teilakte><xdomea:Identifikation><xdomea:ID>{uuid.uuid4()}</xdomea:ID></xdomea:Identifikation>
<xdomea:AllgemeineMetadaten><xdomea:Betreff>Pass</xdomea:Betreff><xdomea:Aktenplaneinheit><xdomea:Kennzeichen>02</xdomea:Kennzeichen></xdomea:Aktenplaneinheit></xdomea:AllgemeineMetadaten>
<xdomea:Akteninhalt>{doks["Passkopie"]}</xdomea:Akteninhalt></xdomea:Teilakte>
</xdomea:Akteninhalt>
<xdomea:Kontakt><xdomea:Name><xdomea:Familienname><xdomea:Name>Nguyễn</xdomea:Name></xdomea:Familienname>
<xdomea:Vorname><xdomea:Name>Thi Lan</xdomea:Name></xdomea:Vorname></xdomea:Name><xdomea:Geburt><xdomea:Datum>1991-07-08</xdomea:Datum></xdomea:Geburt></xdomea:Kontakt>
</xdomea:Akte></xdomea:Schriftgutobjekt></xdomea:Abgabe.Abgabe.0401>"""
    assert xdomea_schema().validate(etree.fromstring(xml.encode())), xdomea_schema().error_log
    with zipfile.ZipFile(pfad, "w") as zf:
        zf.writestr(f"{pid}_Abgabe.Abgabe.0401.xml", xml.encode())
        for titel, daten in dateien.items():
            zf.writestr(namen[titel], daten)
    return pid


def test_package_from_another_system_is_imported(tmp_path):
    dateien = {t: pdf_bytes(t) for t in ("Meldebescheinigung", "Arbeitsvertrag", "Passkopie")}
    paket = tmp_path / "fremd.zip"
    _fremdes_paket(paket, dateien)
    ergebnis = paket_importieren(paket=paket, behoerde="HP")
    akte = Akte.objects.get(pk=ergebnis.akte.pk)
    assert akte.fruehere_aktenzeichen == ["32.1-AB/4711"]
    assert (akte.person.familienname, akte.person.vornamen, str(akte.person.geburtsdatum)) == (
        "Nguyễn",
        "Thi Lan",
        "1991-07-08",
    )
    assert akte.vertraulichkeit == Akte.Vertraulichkeit.VS_VERTRAULICH  # xdomea 005 = vertraulich
    ablage = {
        d.titel: (d.register.nummer, d.vorgang.vorgangsart.schluessel if d.vorgang else None, d.versionen.get().sha256)
        for d in Dokument.objects.filter(akte=akte).select_related("register", "vorgang__vorgangsart")
    }
    sha = {t: hashlib.sha256(b).hexdigest() for t, b in dateien.items()}
    assert ablage == {
        "Meldebescheinigung": ("14", None, sha["Meldebescheinigung"]),
        "Arbeitsvertrag": ("14", "blaue-karte-eu", sha["Arbeitsvertrag"]),
        "Passkopie": ("02", None, sha["Passkopie"]),
    }
    assert Dokument.objects.get(akte=akte, titel="Passkopie").versionen.get().dateiname == "Passkopie Nguyễn.pdf"


def test_foreign_package_with_wrong_file_type_is_rejected_whole(tmp_path):
    paket = tmp_path / "fremd.zip"
    _fremdes_paket(
        paket,
        {
            "Meldebescheinigung": pdf_bytes("x"),
            "Arbeitsvertrag": b"MZ\x90\x00 ausfuehrbar",
            "Passkopie": pdf_bytes("p"),
        },
    )
    vorher = Akte.objects.count()
    with pytest.raises(ImportAbgelehnt, match="Dateityp"):
        paket_importieren(paket=paket, behoerde="HP")
    assert Akte.objects.count() == vorher


def test_streaming_validator_rejects_invalid_and_accepts_valid(tmp_path):
    paket = tmp_path / "fremd.zip"
    _fremdes_paket(paket, dict.fromkeys(("Meldebescheinigung", "Arbeitsvertrag", "Passkopie"), b"%PDF-1.4"))
    with zipfile.ZipFile(paket) as zf:
        xml = zf.read(next(n for n in zf.namelist() if n.endswith(".xml")))
    validieren_datei(io.BytesIO(xml))
    with pytest.raises(SchemaFehler, match=r"xdomea 3\.0\.0"):
        validieren_datei(
            io.BytesIO(xml.replace(b"<xdomea:Posteingangsdatum>2025-03-02", b"<xdomea:Posteingangsdatum>gestern"))
        )

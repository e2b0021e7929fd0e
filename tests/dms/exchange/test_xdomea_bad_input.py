"""Bad packages are rejected as a whole with a precise German reason; nothing is imported, no file is left behind."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest

from dms.models import Akte, Dokument, DokumentVersion, Person, Protokolleintrag, Vorgang
from dms.xdomea.export import akte_exportieren
from dms.xdomea.import_ import ImportAbgelehnt, paket_importieren
from dms.xdomea.schema import xdomea_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def paket(volle_akte, tmp_path) -> Path:
    return akte_exportieren(akte=volle_akte.akte, ziel=tmp_path / "export").pfad


def _umbauen(quelle: Path, ziel: Path, *, ersetzen=None, weglassen=(), dazu=()) -> Path:
    """Copy a package entry by entry, changing what a test needs."""
    ersetzen = ersetzen or {}
    with zipfile.ZipFile(quelle) as zin, zipfile.ZipFile(ziel, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in weglassen:
                continue
            daten = zin.read(info)
            for muster, funktion in ersetzen.items():
                if muster(info.filename):
                    daten = funktion(daten)
            zout.writestr(info.filename, daten)
        for name, daten in dazu:
            zout.writestr(name, daten)
    return ziel


def _ist_xml(name: str) -> bool:
    return name.endswith(".xml")


def _primaer(paket: Path) -> list[str]:
    with zipfile.ZipFile(paket) as zf:
        return [n for n in zf.namelist() if not n.endswith(".xml")]


def _stand(media: Path) -> tuple:
    dateien = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    hp = {"akte__behoerde__kuerzel": "HP"}
    return (
        Akte.objects.filter(behoerde__kuerzel="HP").count(),
        Person.objects.filter(behoerde__kuerzel="HP").count(),
        Vorgang.objects.filter(**hp).count(),
        Dokument.objects.filter(**hp).count(),
        DokumentVersion.objects.filter(dokument__akte__behoerde__kuerzel="HP").count(),
        Protokolleintrag.objects.filter(aktion="import").count(),
        tuple(dateien),
    )


def _billion_laughs(xml: bytes) -> bytes:
    dtd = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    )
    rumpf = xml.split(b"?>", 1)[1]
    return dtd + rumpf.replace(b"<xdomea:Hinweis>", b"<xdomea:Hinweis>&lol3;", 1).replace(
        b"</xdomea:ProzessID>", b"</xdomea:ProzessID>", 1
    ).replace(b"<xdomea:Betreff>", b"<xdomea:Betreff>&lol3;", 1)


def _xxe(xml: bytes) -> bytes:
    dtd = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return dtd + xml.split(b"?>", 1)[1].replace(b"<xdomea:Betreff>", b"<xdomea:Betreff>&xxe;", 1)


FAELLE = {
    "nicht_wohlgeformt": (
        lambda p, t: _umbauen(p, t, ersetzen={_ist_xml: lambda d: d[: len(d) // 2]}),
        "kein wohlgeformtes XML",
    ),
    "schema_ungueltig": (
        lambda p, t: _umbauen(
            p, t, ersetzen={_ist_xml: lambda d: d.replace(b"<xdomea:ProzessID>", b"<xdomea:ProzessID>kaputt-", 1)}
        ),
        "Schema xdomea 3.0.0",
    ),
    "falscher_nachrichtentyp": (
        lambda p, t: _umbauen(
            p, t, ersetzen={_ist_xml: lambda d: d.replace(b"Abgabe.Abgabe.0401", b"Abgabe.EmpfangBestaetigen.0403")}
        ),
        "keine xdomea-Abgabe",
    ),
    "xxe": (lambda p, t: _umbauen(p, t, ersetzen={_ist_xml: _xxe}), "DOCTYPE"),
    "billion_laughs": (lambda p, t: _umbauen(p, t, ersetzen={_ist_xml: _billion_laughs}), "Entitätsexpansion"),
    "zip_slip": (lambda p, t: _umbauen(p, t, dazu=[("../../boese.pdf", b"%PDF-1.4")]), "unzulässigen Pfad"),
    "absoluter_pfad": (lambda p, t: _umbauen(p, t, dazu=[("/etc/boese.pdf", b"%PDF-1.4")]), "absoluten Pfad"),
    "zip_bombe": (
        lambda p, t: _umbauen(p, t, dazu=[("bombe.bin", b"\0" * (20 * 1024 * 1024))]),
        "ZIP-Bombe",
    ),
    "primaerdatei_fehlt": (lambda p, t: _umbauen(p, t, weglassen=_primaer(p)[-1:]), "fehlt im Paket"),
    "primaerdatei_veraendert": (
        # The last file in import order, so earlier files were already stored and must be removed again.
        lambda p, t: _umbauen(
            p, t, ersetzen={lambda n: n.endswith(".pdf") or n.endswith(".png"): lambda d: d + b"\n%x"}
        ),
        "wurde verändert",
    ),
    "kein_zip": (lambda p, t: (t.write_bytes(b"%PDF-1.4 kein zip"), t)[1], "keine gültige ZIP-Datei"),
}


@pytest.mark.parametrize("fall", sorted(FAELLE))
def test_bad_package_is_rejected_whole_with_reason_and_log(fall, paket, tmp_path, settings, caplog):
    bauen, erwartet = FAELLE[fall]
    kaputt = bauen(paket, tmp_path / f"{fall}.zip")
    vorher = _stand(Path(settings.MEDIA_ROOT))
    with caplog.at_level(logging.WARNING, logger="dms.xdomea.import_"), pytest.raises(ImportAbgelehnt) as info:
        paket_importieren(paket=kaputt, behoerde="HP")
    assert erwartet in info.value.grund
    assert _stand(Path(settings.MEDIA_ROOT)) == vorher
    assert any("xdomea-Import abgelehnt" in r.getMessage() and erwartet in r.getMessage() for r in caplog.records)


def test_altered_file_after_others_were_stored_leaves_no_file_and_answers_negative_0402(paket, tmp_path, settings):
    namen = _primaer(paket)
    kaputt = _umbauen(paket, tmp_path / "spaet.zip", ersetzen={lambda n: n == namen[-1]: lambda d: b"X" + d[1:]})
    vorher = _stand(Path(settings.MEDIA_ROOT))
    with pytest.raises(ImportAbgelehnt) as info:
        paket_importieren(paket=kaputt, behoerde="HP")
    assert "Prüfsumme" in info.value.grund or "beschädigt" in info.value.grund
    assert _stand(Path(settings.MEDIA_ROOT)) == vorher
    from lxml import etree

    quittung = etree.fromstring(info.value.quittung)
    assert xdomea_schema().validate(quittung)
    assert b"<xdomea:Erfolgreich>0</xdomea:Erfolgreich>" in info.value.quittung


def test_unknown_authority_is_rejected(paket):
    vorher = Akte.objects.count()
    with pytest.raises(ImportAbgelehnt, match="Unbekannte oder inaktive Behörde „XY“"):
        paket_importieren(paket=paket, behoerde="XY")
    assert Akte.objects.count() == vorher


def test_total_size_limit(paket, settings):
    settings.XDOMEA_MAX_ENTPACKT_BYTES = 1000
    with pytest.raises(ImportAbgelehnt, match="entpackt größer"):
        paket_importieren(paket=paket, behoerde="HP")


def test_package_addressed_to_another_known_authority_is_rejected(volle_akte, tmp_path):
    from dms.models import Behoerde

    paket = akte_exportieren(akte=volle_akte.akte, ziel=tmp_path, empfaenger=Behoerde.objects.get(kuerzel="HP")).pfad
    with pytest.raises(ImportAbgelehnt, match="adressiert"):
        paket_importieren(paket=io.BytesIO(paket.read_bytes()), behoerde="WI")
    assert paket_importieren(paket=paket, behoerde="HP").akte.behoerde.kuerzel == "HP"


@pytest.mark.parametrize(("feld", "wert"), [("seiten", "²"), ("blatt", "١٢"), ("seiten", "drei")])
def test_non_ascii_or_bad_number_is_rejected_with_reason_via_api(feld, wert, paket, tmp_path, settings, fremde_api):
    """'²'.isdigit() is True but int('²') fails: the package must be rejected (400, negative 0402), never a 500."""
    import re

    from lxml import etree

    muster = re.compile(rb"(<xdomea:Name>" + feld.encode() + rb"</xdomea:Name>\s*<xdomea:Wert>)[^<]*")
    ersetzt = []

    def kaputt_machen(daten: bytes) -> bytes:
        neu, anzahl = muster.subn(lambda m: m.group(1) + wert.encode(), daten, count=1)
        ersetzt.append(anzahl)
        return neu

    kaputt = _umbauen(paket, tmp_path / "zahl.zip", ersetzen={_ist_xml: kaputt_machen})
    assert sum(ersetzt) == 1, "the exported package must carry the field this test breaks"
    vorher = _stand(Path(settings.MEDIA_ROOT))
    with pytest.raises(ImportAbgelehnt) as info:
        paket_importieren(paket=kaputt, behoerde="HP")
    assert "Ungültige Zahl" in info.value.grund and wert in info.value.grund
    assert _stand(Path(settings.MEDIA_ROOT)) == vorher
    datei = io.BytesIO(kaputt.read_bytes())
    datei.name = "zahl.zip"
    r = fremde_api.post("/api/v1/xdomea/import/", {"paket": datei}, format="multipart")
    assert r.status_code == 400, r.content
    body = r.json()
    assert "Ungültige Zahl" in body["detail"]
    quittung = body["importbestaetigung"].encode()
    assert xdomea_schema().validate(etree.fromstring(quittung))
    assert b"<xdomea:Erfolgreich>0</xdomea:Erfolgreich>" in quittung
    assert _stand(Path(settings.MEDIA_ROOT)) == vorher

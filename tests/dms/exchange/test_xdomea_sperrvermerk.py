"""Issue 10, item 2: export and re-import never drop a restriction, and never duplicate a file that still exists."""

from __future__ import annotations

import io

import pytest
from rest_framework.test import APIClient

from dms.access import zugang_vergessen
from dms.models import Akte, Rolle
from dms.services import berechtigungen
from dms.xdomea.export import akte_exportieren
from dms.xdomea.import_ import ImportAbgelehnt, paket_importieren
from tests import factories as f

pytestmark = pytest.mark.django_db


def _sieht(user, akte) -> bool:
    zugang_vergessen(user)
    return Akte.objects.visible_to(user).filter(pk=akte.pk).exists()


@pytest.fixture
def gesperrte_akte(volle_akte, sachbearbeitung):
    leitung = f.benutzer("OF", Rolle.TEAMLEITUNG)
    akte = volle_akte.akte
    Akte.objects.filter(pk=akte.pk).update(vertraulichkeit=Akte.Vertraulichkeit.VS_VERTRAULICH)
    akte.refresh_from_db()
    return berechtigungen.sperrvermerk_setzen(akte=akte, user=leitung, freigeben=[sachbearbeitung])


def test_reimport_of_an_own_restricted_export_into_the_same_authority_is_refused(
    gesperrte_akte, sachbearbeitung, tmp_path
):
    """The reported attack: export, import again in the same authority, every colleague reads the copy."""
    kollegin = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    paket = akte_exportieren(akte=gesperrte_akte, ziel=tmp_path).pfad
    vorher = Akte.objects.count()
    api = APIClient()
    api.force_authenticate(sachbearbeitung)
    with open(paket, "rb") as datei:
        daten = io.BytesIO(datei.read())
    daten.name = "abgabe.zip"
    r = api.post("/api/v1/xdomea/import/", {"paket": daten}, format="multipart")
    assert r.status_code == 400, r.content
    assert "bereits vorhanden" in r.json()["detail"]
    assert Akte.objects.count() == vorher
    assert not Akte.objects.visible_to(kollegin).filter(person__familienname="Öztürk").exists()


def test_import_into_another_authority_keeps_restriction_and_confidentiality(gesperrte_akte, tmp_path):
    empfaengerin = f.benutzer("HP", Rolle.SACHBEARBEITUNG)
    kollege = f.benutzer("HP", Rolle.SACHBEARBEITUNG)
    paket = akte_exportieren(akte=gesperrte_akte, ziel=tmp_path).pfad
    neu = paket_importieren(paket=paket, behoerde="HP", user=empfaengerin).akte
    neu.refresh_from_db()
    assert neu.gesperrt and neu.vertraulichkeit == Akte.Vertraulichkeit.VS_VERTRAULICH
    assert _sieht(empfaengerin, neu)  # the importer is named, so the file is not lost
    assert not _sieht(kollege, neu)
    # The same package a second time into the same authority: refused, not a second copy.
    with pytest.raises(ImportAbgelehnt) as exc:
        paket_importieren(paket=paket, behoerde="HP", user=empfaengerin)
    assert "bereits vorhanden" in exc.value.grund
    assert (
        Akte.objects.filter(
            behoerde__kuerzel="HP", fruehere_aktenzeichen__contains=[gesperrte_akte.aktenzeichen]
        ).count()
        == 1
    )


def test_a_package_marked_only_by_the_remark_stays_restricted(volle_akte, tmp_path):
    """A foreign system that only writes the Bemerkung "Sperrvermerk" is understood too."""
    import zipfile

    from lxml import etree

    from dms.xdomea.schema import NS

    akte = volle_akte.akte
    Akte.objects.filter(pk=akte.pk).update(gesperrt=True)
    akte.refresh_from_db()
    paket = akte_exportieren(akte=akte, ziel=tmp_path).pfad
    umgeschrieben = tmp_path / "fremd.zip"
    with zipfile.ZipFile(paket) as alt, zipfile.ZipFile(umgeschrieben, "w") as neu_zip:
        for info in alt.infolist():
            daten = alt.read(info)
            if info.filename.endswith("0401.xml"):
                baum = etree.fromstring(daten)
                for feld in baum.iter(f"{{{NS}}}Feld"):
                    if feld.findtext(f"{{{NS}}}Name") == "gesperrt":
                        feld.getparent().remove(feld)
                daten = etree.tostring(baum, xml_declaration=True, encoding="utf-8")
            neu_zip.writestr(info, daten)
    importiert = paket_importieren(paket=umgeschrieben, behoerde="HP").akte
    importiert.refresh_from_db()
    assert importiert.gesperrt


def test_a_file_handed_over_may_come_back(volle_akte, sachbearbeitung, tmp_path):
    """Only a file that still exists blocks the import: one handed over (abgegeben) may return."""
    akte = volle_akte.akte
    paket = akte_exportieren(akte=akte, ziel=tmp_path).pfad
    Akte.objects.filter(pk=akte.pk).update(status=Akte.Status.ABGEGEBEN)
    neu = paket_importieren(paket=paket, behoerde="OF", user=sachbearbeitung).akte
    assert neu.pk != akte.pk and not neu.gesperrt

"""A document's title, kind, date, register and procedure are corrected from the document page, with locking."""

from __future__ import annotations

import pytest

from dms.models import Dokument, Protokolleintrag
from tests import factories as f

from .conftest import ablegen, client_fuer

pytestmark = pytest.mark.django_db


def _daten(dok, **aenderung):
    daten = {
        "daten-titel": dok.titel,
        "daten-art": dok.art,
        "daten-eingangsdatum": str(dok.eingangsdatum),
        "daten-register": dok.register_id,
        "daten-vorgang": dok.vorgang_id or "",
        "daten-version": dok.version,
    }
    daten.update({f"daten-{k}": v for k, v in aenderung.items()})
    return daten


def test_correct_title_kind_date_register_procedure(amt):
    dok = ablegen(amt.akte, None, titel="Scan 0815")
    vorgang = f.VorgangFactory(akte=amt.akte)
    c = client_fuer(amt.anna)
    assert "Dokumentdaten bearbeiten" in c.get(f"/dokumente/{dok.pk}/").content.decode()
    r = c.post(
        f"/dokumente/{dok.pk}/bearbeiten/",
        _daten(
            dok,
            titel="Antrag auf Verlängerung",
            art="antrag",
            eingangsdatum="2026-02-03",
            register=f.register("05").pk,
            vorgang=vorgang.pk,
        ),
    )
    assert r.status_code == 302
    dok = Dokument.objects.get(pk=dok.pk)
    assert (dok.titel, dok.art, str(dok.eingangsdatum), dok.register.nummer, dok.vorgang_id, dok.version) == (
        "Antrag auf Verlängerung",
        "antrag",
        "2026-02-03",
        "05",
        vorgang.pk,
        2,
    )
    eintrag = Protokolleintrag.objects.filter(objekt_typ="dokument", objekt_id=str(dok.pk), aktion="aendern").last()
    assert eintrag is not None and "titel" in eintrag.details["felder"]


def test_stale_version_is_refused_and_says_so(amt):
    dok = ablegen(amt.akte, None, titel="Scan 1")
    alt = _daten(dok)
    c = client_fuer(amt.anna)
    c.post(f"/dokumente/{dok.pk}/bearbeiten/", _daten(dok, titel="Erste Änderung"))
    r = client_fuer(amt.bernd).post(f"/dokumente/{dok.pk}/bearbeiten/", {**alt, "daten-titel": "Zweite"}, follow=True)
    assert "zwischenzeitlich" in r.content.decode() and "Erste Änderung" in r.content.decode()
    assert Dokument.objects.get(pk=dok.pk).titel == "Erste Änderung"


def test_procedure_of_another_file_and_other_authority_refused(amt):
    dok = ablegen(amt.akte, None)
    fremder = f.VorgangFactory(akte=amt.akte2)
    c = client_fuer(amt.anna)
    c.post(f"/dokumente/{dok.pk}/bearbeiten/", _daten(dok, vorgang=fremder.pk))
    assert Dokument.objects.get(pk=dok.pk).vorgang_id is None
    assert client_fuer(amt.fremd).post(f"/dokumente/{dok.pk}/bearbeiten/", _daten(dok)).status_code == 404

"""TR-RESISCAN sample check: sampling plan, 4-eyes, defects order a re-scan, no closing before the check passed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dms.models import Dokument, Rolle
from scanning.altakten import services as svc
from scanning.altakten.models import Digitalisierungslos, Lieferung, LosAkte, Scanauftrag, Stichprobe
from tests import factories as f

from .lieferhilfen import Datei, lieferung_schreiben, text_pdf

pytestmark = pytest.mark.django_db
S = Digitalisierungslos.Status


def _importiert(eingang, los, akten, user, name="L1"):
    lieferung_schreiben(
        eingang / name, [Datei(f"a{i}.pdf", 2, aktenzeichen=a.aktenzeichen) for i, a in enumerate(akten)]
    )
    lieferung = svc.lieferung_annehmen(los=los, quelle=name, user=user, im_hintergrund=False)
    ergebnis = svc.lieferung_ausfuehren(lieferung_id=lieferung.pk)
    assert ergebnis.status == Lieferung.Status.IMPORTIERT, ergebnis.fehler
    los.refresh_from_db()
    return los


def test_sampling_plan_share_is_configurable(projektleitung):
    akten = [f.AkteFactory() for _ in range(40)]
    los = svc.los_anlegen(behoerde=f.behoerde("OF"), akten=akten, user=projektleitung, stichprobe_prozent=Decimal("10"))
    with pytest.raises(ValidationError, match="importiert"):
        svc.stichproben_ziehen(los=los, user=projektleitung)
    LosAkte.objects.filter(los=los).update(importiert_am="2026-07-01T00:00:00Z")
    Digitalisierungslos.objects.filter(pk=los.pk).update(status=S.IMPORTIERT)
    proben = svc.stichproben_ziehen(los=los, user=projektleitung)
    assert len(proben) == 4  # 10 % of 40
    assert svc.stichproben_ziehen(los=los, user=projektleitung) == proben  # idempotent


def test_four_eyes_defect_rescan_and_closing(eingang, los, akten, projektleitung, pruefer):
    los = _importiert(eingang, los, akten, projektleitung)
    assert los.status == S.IMPORTIERT
    with pytest.raises(ValidationError, match="Stichprobenprüfung"):
        svc.los_status_setzen(los=los, nach=S.GEPRUEFT, user=projektleitung)
    Digitalisierungslos.objects.filter(pk=los.pk).update(stichprobe_prozent=Decimal("100"))
    los.refresh_from_db()
    proben = svc.stichproben_ziehen(los=los, user=projektleitung)
    assert len(proben) == 3

    # 4-eyes: the importer may not record results
    with pytest.raises(ValidationError, match="Vier-Augen"):
        svc.stichprobe_erfassen(stichprobe=proben[0], ergebnis="in_ordnung", user=projektleitung)
    # a defect needs its kind and a note
    with pytest.raises(ValidationError, match="Art des Mangels"):
        svc.stichprobe_erfassen(stichprobe=proben[0], ergebnis="mangel", user=pruefer, notiz="x")
    with pytest.raises(ValidationError, match="beschreiben"):
        svc.stichprobe_erfassen(stichprobe=proben[0], ergebnis="mangel", mangel="seiten_fehlen", user=pruefer)

    svc.stichprobe_erfassen(
        stichprobe=proben[0], ergebnis="mangel", mangel="seiten_fehlen", notiz="Seite 2 fehlt", user=pruefer
    )
    nachscan = Scanauftrag.objects.get(los_akte=proben[0].los_akte)
    assert nachscan.art == Scanauftrag.Art.NACHSCAN and nachscan.status == Scanauftrag.Status.OFFEN
    assert "Seite 2 fehlt" in nachscan.grund
    for p in proben[1:]:
        svc.stichprobe_erfassen(stichprobe=p, ergebnis="in_ordnung", user=pruefer)
    los.refresh_from_db()
    assert los.status == S.IMPORTIERT and not svc.qa_bestanden(los)
    with pytest.raises(ValidationError, match="erst abgeschlossen"):
        svc.los_status_setzen(los=los, nach=S.GEPRUEFT, user=projektleitung)
    # the sample cannot be set in order before the re-scan arrived
    with pytest.raises(ValidationError, match="Nachscan"):
        svc.stichprobe_erfassen(stichprobe=proben[0], ergebnis="in_ordnung", user=pruefer)

    # the re-scan arrives: a new version of the same legacy document (sheets are not counted twice)
    akte = proben[0].los_akte.akte
    lieferung_schreiben(
        eingang / "N1", [Datei("neu.pdf", 4, aktenzeichen=akte.aktenzeichen, inhalt=text_pdf("neu", 4))]
    )
    ergebnis = svc.lieferung_ausfuehren(
        lieferung_id=svc.lieferung_annehmen(los=los, quelle="N1", user=projektleitung, im_hintergrund=False).pk
    )
    assert ergebnis.status == Lieferung.Status.IMPORTIERT, ergebnis.fehler
    dok = Dokument.objects.get(akte=akte)
    assert dok.versionen.count() == 2 and dok.blatt == 2 and dok.seiten == 4
    vermerk = dok.versionen.get(nummer=2).transfervermerk
    assert vermerk["nachscan"] and vermerk["dateiname"] == "neu.pdf"  # the re-scan carries its own transfer note
    nachscan.refresh_from_db()
    assert nachscan.status == Scanauftrag.Status.ERLEDIGT

    svc.stichprobe_erfassen(stichprobe=proben[0], ergebnis="in_ordnung", user=pruefer)
    los.refresh_from_db()
    assert los.status == S.GEPRUEFT and svc.qa_bestanden(los)
    svc.los_status_setzen(los=los, nach=S.ABGESCHLOSSEN, user=projektleitung)
    los.refresh_from_db()
    assert los.status == S.ABGESCHLOSSEN
    wer = {w.nach_status: w.user_id for w in los.statuswechsel.all()}
    assert wer[S.GEPRUEFT] == pruefer.pk and wer[S.ABGESCHLOSSEN] == projektleitung.pk
    assert Stichprobe.objects.get(pk=proben[0].pk).geprueft_von == pruefer


def test_different_scan_without_rescan_order_is_refused(eingang, los, akten, projektleitung):
    _importiert(eingang, los, akten, projektleitung)
    lieferung_schreiben(eingang / "X", [Datei("x.pdf", 2, aktenzeichen=akten[0].aktenzeichen, inhalt=text_pdf("x", 2))])
    ergebnis = svc.lieferung_ausfuehren(
        lieferung_id=svc.lieferung_annehmen(los=los, quelle="X", user=projektleitung, im_hintergrund=False).pk
    )
    assert ergebnis.status == Lieferung.Status.ABGELEHNT and "Nachscan" in ergebnis.fehler[0]["meldung"]


def test_status_only_one_step_forward(los, projektleitung):
    with pytest.raises(ValidationError, match="nächsten Schritt"):
        svc.los_status_setzen(los=los, nach=S.GELIEFERT, user=projektleitung)
    with pytest.raises(ValidationError, match="führen nur"):
        svc.los_status_setzen(los=los, nach=S.GESCANNT, user=f.benutzer("OF", Rolle.SACHBEARBEITUNG))
    svc.los_status_setzen(los=los, nach=S.GESCANNT, user=projektleitung)
    svc.los_status_setzen(los=los, nach=S.GELIEFERT, user=projektleitung, bemerkung="Festplatte erhalten")
    with pytest.raises(ValidationError, match="nicht alle Akten"):
        svc.los_status_setzen(los=los, nach=S.IMPORTIERT, user=projektleitung)
    los.refresh_from_db()
    assert los.status == S.GELIEFERT
    assert los.statuswechsel.last().bemerkung == "Festplatte erhalten"


def test_file_in_one_lot_only(los, akten, projektleitung):
    with pytest.raises(ValidationError, match="schon in einem Los"):
        svc.los_anlegen(behoerde=f.behoerde("OF"), akten=akten[:1], user=projektleitung)
    with pytest.raises(ValidationError, match="nicht zu Ihrer Behörde"):
        svc.los_anlegen(
            behoerde=f.behoerde("OF"),
            akten=[f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))],
            user=projektleitung,
        )


def test_urgent_scan_on_demand(eingang, los, akten, projektleitung, pruefer):
    auftrag = svc.eilscan_anfordern(akte=akten[0], grund="Vorsprache morgen", user=pruefer)
    assert auftrag.art == Scanauftrag.Art.EILSCAN and auftrag.status == Scanauftrag.Status.OFFEN
    assert svc.eilscan_anfordern(akte=akten[0], grund="nochmal", user=pruefer) == auftrag
    with pytest.raises(ValidationError):
        svc.eilscan_anfordern(akte=akten[0], grund="x", user=f.benutzer("HP", Rolle.SACHBEARBEITUNG))
    lieferung_schreiben(eingang / "E", [Datei("eil.pdf", 2, aktenzeichen=akten[0].aktenzeichen)])
    svc.lieferung_ausfuehren(
        lieferung_id=svc.lieferung_annehmen(los=los, quelle="E", user=projektleitung, im_hintergrund=False).pk
    )
    auftrag.refresh_from_db()
    assert auftrag.status == Scanauftrag.Status.ERLEDIGT
    los.refresh_from_db()
    assert los.status == S.ABGEHOLT  # two files still at the provider
    with pytest.raises(ValidationError, match="bereits digitalisiert"):
        svc.eilscan_anfordern(akte=akten[0], grund="x", user=pruefer)

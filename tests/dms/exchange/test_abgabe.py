"""In-system hand-over (Aktenabgabe): offer, accept, decline, concurrent double accept, the sender's Datei B."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from dms import services
from dms.models import (
    Akte,
    Aktenabgabe,
    DateiBEintrag,
    Dokument,
    DokumentVersion,
    Person,
    Protokolleintrag,
    Rolle,
    Vorgang,
)
from dms.services.abgabe import BereitsEntschieden, datei_b_loeschdatum, jahre_spaeter
from tests import factories as f

from .conftest import volle_akte_bauen


@pytest.mark.parametrize(
    ("tag", "anlass", "erwartet"),
    [
        (date(2026, 3, 1), "fortzug", date(2036, 3, 1)),
        (date(2024, 2, 29), "fortzug", date(2034, 2, 28)),
        (date(2026, 12, 31), "zustaendigkeit", date(2036, 12, 31)),
        (date(2026, 3, 1), "tod", date(2031, 3, 1)),
        (date(2026, 3, 1), "unbekannt", date(2036, 3, 1)),
    ],
)
def test_datei_b_loeschdatum(tag, anlass, erwartet):
    assert datei_b_loeschdatum(tag, anlass) == erwartet


def test_jahre_spaeter_leap_day():
    assert jahre_spaeter(date(2028, 2, 29), 4) == date(2032, 2, 29)


def _anbieten(akte, user, ziel="HP"):
    return services.abgabe_anbieten(
        akte=akte,
        ziel_behoerde=f.behoerde(ziel),
        user=user,
        grund=Aktenabgabe.Grund.FORTZUG,
        neue_anschrift="Bahnhofstraße 1, 64646 Heppenheim",
    )


def _fingerabdruck(akte: Akte) -> list[tuple]:
    return sorted(
        DokumentVersion.objects.filter(dokument__akte=akte).values_list(
            "dokument__uuid", "dokument__titel", "dokument__register__nummer", "nummer", "sha256", "original", "pdf"
        )
    )


@pytest.mark.django_db
def test_accept_moves_everything_with_new_aktenzeichen_and_sender_keeps_only_datei_b(
    volle_akte, sachbearbeitung, fremde_sachbearbeitung
):
    akte = volle_akte.akte
    altes_az, alte_person_id, azr = akte.aktenzeichen, akte.person_id, akte.person.azr_nummer
    vorher = _fingerabdruck(akte)
    vorgang_uuids = sorted(akte.vorgaenge.values_list("uuid", flat=True))
    historie = Protokolleintrag.objects.filter(akte_id_wert=akte.pk).count()
    abgabe = _anbieten(akte, sachbearbeitung)

    # Offered: the receiver sees the offer, not the file; the sender still works with it.
    assert abgabe in Aktenabgabe.objects.eingehend(fremde_sachbearbeitung)
    assert abgabe not in Aktenabgabe.objects.eingehend(sachbearbeitung)
    assert not Akte.objects.visible_to(fremde_sachbearbeitung).filter(pk=akte.pk).exists()
    assert Akte.objects.visible_to(sachbearbeitung).filter(pk=akte.pk).exists()
    with pytest.raises(ValidationError, match="bereits"):
        _anbieten(akte, sachbearbeitung, ziel="WI")

    neu = services.abgabe_annehmen(abgabe=abgabe, user=fremde_sachbearbeitung)

    assert neu.pk == akte.pk and neu.behoerde.kuerzel == "HP"
    assert neu.aktenzeichen.startswith("HP-") and neu.aktenzeichen != altes_az
    assert neu.fruehere_aktenzeichen == [altes_az]
    assert neu.person.behoerde.kuerzel == "HP" and neu.person.azr_nummer == azr
    assert neu.person.familienname == "Öztürk" and neu.person.geburtsname == "Nguyễn"
    assert _fingerabdruck(neu) == vorher
    assert sorted(neu.vorgaenge.values_list("uuid", flat=True)) == vorgang_uuids
    assert sorted(Vorgang.objects.filter(akte=neu).values_list("aktenzeichen", flat=True)) == [
        f"{neu.aktenzeichen}/1",
        f"{neu.aktenzeichen}/2",
    ]
    assert Protokolleintrag.objects.filter(akte_id_wert=akte.pk).count() > historie  # history kept and extended
    # Receiver sees the content now; the sender does not.
    assert Akte.objects.visible_to(fremde_sachbearbeitung).filter(pk=akte.pk).exists()
    assert Dokument.objects.visible_to(fremde_sachbearbeitung).filter(akte=akte).count() == 5
    assert not Akte.objects.visible_to(sachbearbeitung).filter(pk=akte.pk).exists()
    assert not Dokument.objects.visible_to(sachbearbeitung).filter(akte=akte).exists()
    assert not Person.objects.filter(pk=alte_person_id).exists()
    eintrag = DateiBEintrag.objects.visible_to(sachbearbeitung).get(abgabe=abgabe)
    assert (eintrag.familienname, eintrag.azr_nummer, eintrag.aktenzeichen) == ("Öztürk", azr, altes_az)
    assert eintrag.ziel_behoerde.kuerzel == "HP" and eintrag.ziel_aktenzeichen == neu.aktenzeichen
    abgegeben = timezone.localdate(eintrag.abgegeben_am)  # the authority's calendar day, not UTC's (near midnight)
    assert eintrag.loeschen_am == datei_b_loeschdatum(abgegeben)
    assert eintrag.loeschen_am.year == abgegeben.year + 10
    assert not DateiBEintrag.objects.visible_to(fremde_sachbearbeitung).filter(abgabe=abgabe).exists()
    abgabe.refresh_from_db()
    assert abgabe.status == Aktenabgabe.Status.ANGENOMMEN and abgabe.aktenzeichen_neu == neu.aktenzeichen
    schritte = list(
        Protokolleintrag.objects.filter(aktion="abgabe", objekt_id=str(abgabe.pk)).values_list(
            "behoerde_id_wert", "details__schritt"
        )
    )
    assert (f.behoerde("OF").pk, "angeboten") in schritte
    assert (f.behoerde("HP").pk, "angenommen") in schritte
    with pytest.raises(BereitsEntschieden):
        services.abgabe_annehmen(abgabe=abgabe, user=fremde_sachbearbeitung)


@pytest.mark.django_db
def test_accept_matches_existing_person_by_azr(volle_akte, sachbearbeitung, fremde_sachbearbeitung):
    vorhanden = f.PersonFactory(behoerde=f.behoerde("HP"), familienname="Oeztuerk", azr_nummer="123456789012")
    neu = services.abgabe_annehmen(abgabe=_anbieten(volle_akte.akte, sachbearbeitung), user=fremde_sachbearbeitung)
    assert neu.person_id == vorhanden.pk


@pytest.mark.django_db
def test_decline_keeps_file_with_sender_and_shows_reason(volle_akte, sachbearbeitung, fremde_sachbearbeitung):
    akte = volle_akte.akte
    vorher = _fingerabdruck(akte)
    abgabe = _anbieten(akte, sachbearbeitung)
    with pytest.raises(ValidationError):
        services.abgabe_ablehnen(abgabe=abgabe, user=fremde_sachbearbeitung, grund="  ")
    with pytest.raises(ValidationError, match="aufnehmende Behörde"):
        services.abgabe_ablehnen(abgabe=abgabe, user=sachbearbeitung, grund="selbst")
    services.abgabe_ablehnen(abgabe=abgabe, user=fremde_sachbearbeitung, grund="Person ist nicht zugezogen.")
    akte.refresh_from_db()
    assert akte.behoerde.kuerzel == "OF" and akte.fruehere_aktenzeichen == []
    assert _fingerabdruck(akte) == vorher
    assert Akte.objects.visible_to(sachbearbeitung).filter(pk=akte.pk).exists()
    gesehen = Aktenabgabe.objects.ausgehend(sachbearbeitung).get(pk=abgabe.pk)
    assert gesehen.status == Aktenabgabe.Status.ABGELEHNT and gesehen.ablehnungsgrund == "Person ist nicht zugezogen."
    assert not DateiBEintrag.objects.filter(abgabe=abgabe).exists()
    # It can be offered again afterwards.
    assert _anbieten(akte, sachbearbeitung, ziel="WI").status == Aktenabgabe.Status.ANGEBOTEN


@pytest.mark.django_db
def test_only_own_authority_may_offer_and_only_changers(volle_akte, fremde_sachbearbeitung):
    with pytest.raises(ValidationError, match="aktenführende"):
        _anbieten(volle_akte.akte, fremde_sachbearbeitung)
    leser = f.benutzer("OF", Rolle.POSTSTELLE)
    with pytest.raises(ValidationError):
        _anbieten(volle_akte.akte, leser)


def test_concurrent_double_accept_exactly_one_wins(django_db_setup, django_db_blocker):
    """Two receivers accept at the same moment in two real transactions: exactly one wins.

    Rows are committed (the threads need to see them); the audit table refuses TRUNCATE, so instead of
    `transaction=True` the test uses its own unique person and asserts only on its own rows.
    """
    with django_db_blocker.unblock():
        sender = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
        azr = f"{uuid.uuid4().int % 10**12:012d}"
        akte = volle_akte_bauen(sender, azr=azr).akte
        abgabe = _anbieten(akte, sender)
        empfaenger = [f.benutzer("HP", Rolle.SACHBEARBEITUNG), f.benutzer("HP", Rolle.TEAMLEITUNG)]
        start = threading.Barrier(2)
        ergebnisse: list[object] = []

        def annehmen(user) -> None:
            try:
                start.wait()
                ergebnisse.append(services.abgabe_annehmen(abgabe=abgabe, user=user))
            except Exception as exc:
                ergebnisse.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=annehmen, args=(u,)) for u in empfaenger]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        gewonnen = [e for e in ergebnisse if isinstance(e, Akte)]
        verloren = [e for e in ergebnisse if isinstance(e, BereitsEntschieden)]
        assert len(gewonnen) == 1 and len(verloren) == 1, ergebnisse
        akte.refresh_from_db()
        assert akte.aktenzeichen == gewonnen[0].aktenzeichen
        assert akte.fruehere_aktenzeichen == [abgabe.aktenzeichen_alt]
        assert DateiBEintrag.objects.filter(abgabe=abgabe).count() == 1
        assert Person.objects.filter(behoerde__kuerzel="HP", azr_nummer=azr).count() == 1
        assert Aktenabgabe.objects.get(pk=abgabe.pk).status == Aktenabgabe.Status.ANGENOMMEN

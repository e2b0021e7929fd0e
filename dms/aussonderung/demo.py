"""Demo part (`manage.py demo_daten`): closed files whose retention has ended, so a records officer (sgv.of / sgv.hp)
finds the Aussonderung workflow with something in it. Idempotent: a person that exists already is left alone."""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from dms import services
from dms.demo import DemoLauf, demo_pdf, demo_person
from dms.models import Person, Register

from .services import aktenschluss_setzen

# familienname, vornamen, geburtsdatum, geburtsort, staatsangehörigkeit, geschlecht, reason, years since the event
# (Datei B: 5 years after death, 10 after departure or naturalisation, so each is due today)
FAELLIGE: list[tuple[str, str, str, str, str, str, str, int]] = [
    ("Kaya", "Mustafa", "1941-03-02", "Trabzon", "türkisch", "m", "tod", 6),
    ("Marković", "Jelena", "1948-11-20", "Kragujevac", "serbisch", "w", "tod", 7),
    ("Petrović", "Ana", "1975-05-05", "Novi Sad", "serbisch", "w", "ausreise", 11),
    ("Amrani", "Youssef", "1979-01-17", "Fès", "marokkanisch", "m", "ausreise", 12),
    ("Hamdan", "Karim", "1969-09-09", "Aleppo", "syrisch", "m", "einbuergerung", 11),
    ("Nowak", "Zofia", "1972-04-28", "Kraków", "polnisch", "w", "einbuergerung", 13),
]
AZR_BASIS = 4711_900  # after the demo's e-files (4711_000 + n) and paper files (4711_500 + n)


def _azr(kuerzel: str, index: int) -> str:
    return f"{(100 if kuerzel == 'OF' else 200) * 10**9 + AZR_BASIS + index:012d}"


@transaction.atomic
def _faellige_akte(lauf: DemoLauf, index: int, daten: tuple[str, str, str, str, str, str, str, int]) -> bool:
    familienname, vornamen, geburtsdatum, ort, staat, geschlecht, grund, jahre = daten
    behoerde = lauf.behoerde
    azr = _azr(behoerde.kuerzel, index)
    if Person.objects.filter(behoerde=behoerde, azr_nummer=azr).exists():
        return False
    admin, sgv = lauf.benutzer["admin"], lauf.benutzer["sgv"]
    person = demo_person(behoerde, admin, (familienname, vornamen, geburtsdatum, ort, staat, geschlecht), azr)
    ereignis = timezone.localdate().replace(month=1, day=15) - dt.timedelta(days=365 * jahre + jahre // 4)
    akte = services.akte_anlegen(person=person, user=admin, jahr=ereignis.year - 8)
    bescheid = demo_pdf(
        "Bescheid",
        [
            f"{vornamen} {familienname}, geboren am {dt.date.fromisoformat(geburtsdatum):%d.%m.%Y} in {ort}",
            f"Aktenzeichen: {akte.aktenzeichen}",
            "Die Aufenthaltserlaubnis wird verlängert.",
        ],
    )
    services.dokument_anlegen(
        akte=akte,
        register=Register.objects.aktiv().get(nummer="03"),
        datei=io.BytesIO(bescheid),
        dateiname="bescheid.pdf",
        titel="Bescheid über die Verlängerung der Aufenthaltserlaubnis",
        art="bescheid",
        richtung="ausgang",
        user=admin,
        verarbeiten=lauf.verarbeiten,
    )
    aktenschluss_setzen(akte=akte, user=sgv, grund=grund, datum=ereignis)
    return True


def faellige_akten_anlegen(lauf: DemoLauf) -> str:
    eigene = FAELLIGE[0::2] if lauf.behoerde.kuerzel == "OF" else FAELLIGE[1::2]
    neu = sum(_faellige_akte(lauf, i, daten) for i, daten in enumerate(eigene))
    return f"{neu} neue Akten mit abgelaufener Aufbewahrungsfrist (Aussonderung, sgv.{lauf.behoerde.kuerzel.lower()})."

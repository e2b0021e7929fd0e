"""Fixtures for the Aussonderung: two records officers of OF (four eyes), a closed file with real stored files, the
fake state archive."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from dms.audit import Aktion, protokollieren
from dms.aussonderung.services import aktenschluss_setzen
from dms.models import Rolle
from tests import factories as f

from .fake_archiv import FakeArchiv

NAME = "Zyxwvutsrqp"
VORNAME = "Quaxiliane"
AZR = "987654321098"


def api_fuer(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def beamter(db):
    return f.benutzer("OF", Rolle.SCHRIFTGUTVERWALTUNG)


@pytest.fixture
def zweiter_beamter(db):
    return f.benutzer("OF", Rolle.SCHRIFTGUTVERWALTUNG)


@pytest.fixture
def fremder_beamter(db):
    return f.benutzer("HP", Rolle.SCHRIFTGUTVERWALTUNG)


def dokument_mit_dateien(akte, register: str = "03", titel: str = "Bescheid"):  # type: ignore[no-untyped-def]
    """A document whose original, searchable PDF, thumbnail and cached page image are in storage and name the
    person, as the real pipeline leaves them."""
    inhalt = f"%PDF-1.4\n% Bescheid fuer {NAME}, {VORNAME}, AZR {AZR}\n".encode()
    dok = f.DokumentFactory(
        akte=akte, register=f.register(register), titel=f"{titel} {NAME}", text=f"{NAME} {VORNAME} {AZR}", seiten=2
    )
    version = f.DokumentVersionFactory(
        dokument=dok,
        original=ContentFile(inhalt, name="original"),
        sha256=hashlib.sha256(inhalt).hexdigest(),
        groesse=len(inhalt),
        dateiname=f"{NAME}.pdf",
        text=f"{NAME} {AZR}",
        seiten=2,
    )
    version.pdf.save("durchsuchbar.pdf", ContentFile(inhalt), save=False)
    vorschau = default_storage.save(f"dokumente/{dok.uuid}/1/vorschau/00001.png", ContentFile(b"PNG " + NAME.encode()))
    default_storage.save(f"dokumente/{dok.uuid}/1/seiten/pdf-800-1.png", ContentFile(b"PNG " + NAME.encode()))
    version.vorschaubilder = [vorschau]
    version.pdf_sha256 = hashlib.sha256(inhalt).hexdigest()
    version.save()
    with ContentFile(b"") as _:
        pass
    dok.suchvektor = None
    from django.contrib.postgres.search import SearchVector

    type(dok).objects.filter(pk=dok.pk).update(suchvektor=SearchVector("titel", "text"))
    return dok


@pytest.fixture
def akte_faellig(db, beamter):
    """A file of OF closed by death six years ago (Datei B: 5 years), with two documents, a procedure, notes, a
    saved search for the name and traces in the audit trail (a read, a search for the name)."""
    person = f.PersonFactory(familienname=NAME, vornamen=VORNAME, azr_nummer=AZR, geburtsname=NAME)
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(person=person, sachbearbeitung=sb)
    vorgang = f.VorgangFactory(akte=akte)
    dokument_mit_dateien(akte, "03")
    d2 = dokument_mit_dateien(akte, "09", "Ausweisung")
    type(d2).objects.filter(pk=d2.pk).update(vorgang=vorgang)
    # Internal notes on the file and on a document, and a colleague's saved search for the name (issue 12): the
    # deletion must leave none of them behind.
    from dms.gespeicherte_suchen.services import suche_speichern
    from dms.notizen.services import notiz_anlegen

    notiz_anlegen(user=sb, akte=akte, text=f"{NAME}, {VORNAME} ruft zurück")
    notiz_anlegen(user=sb, dokument=d2, text=f"AZR {AZR} geprüft")
    suche_speichern(user=f.benutzer("OF", Rolle.SACHBEARBEITUNG), name="Mein Fall", q=f"  {NAME.upper()} ")
    protokollieren(aktion=Aktion.LESEN, user=sb, objekt=akte, details={"grund": f"Akte {NAME} gelesen"})
    from dms.suche import protokoll_details

    protokollieren(aktion=Aktion.SUCHE, user=sb, details=protokoll_details(NAME, 1))
    aktenschluss_setzen(akte=akte, user=sb, grund="tod", datum=dt.date.today() - dt.timedelta(days=6 * 366))
    akte.refresh_from_db()
    return akte


@pytest.fixture
def archiv(settings):
    with FakeArchiv(kennung=settings.STAATSARCHIV_KENNUNG) as fake:
        settings.STAATSARCHIV_URL = fake.url
        settings.STAATSARCHIV_TOKEN = fake.token
        yield fake

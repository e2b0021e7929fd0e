"""A realistic file for the exchange tests: registers, procedures, several versions, non-ASCII names."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from dms import services
from dms.models import Akte, Behoerde, Dokument, Register, Vorgangsart


def pdf_bytes(text: str, seiten: int = 1) -> bytes:
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer)
    for i in range(seiten):
        c.drawString(72, 720, f"{text} – Seite {i + 1}")
        c.showPage()
    c.save()
    return puffer.getvalue()


def png_bytes(farbe: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    puffer = io.BytesIO()
    Image.new("RGB", (40, 30), farbe).save(puffer, format="PNG")
    return puffer.getvalue()


def sha(daten: bytes) -> str:
    return hashlib.sha256(daten).hexdigest()


@dataclass
class VolleAkte:
    akte: Akte
    bytes_je_version: dict[tuple[str, int], bytes]


def register(nummer: str) -> Register:
    return Register.objects.aktiv().get(nummer=nummer)


def volle_akte_bauen(user, kuerzel: str = "OF", azr: str = "123456789012") -> VolleAkte:
    behoerde = Behoerde.objects.get(kuerzel=kuerzel)
    person = services.person_anlegen(
        behoerde=behoerde,
        user=user,
        familienname="Öztürk",
        vornamen="Ayşe Nguyễn",
        geburtsname="Nguyễn",
        geburtsort="İzmir",
        staatsangehoerigkeiten=["türkisch", "vietnamesisch"],
        geschlecht="w",
        azr_nummer=azr,
        namensvarianten=["Oeztuerk", "Ozturk"],
    )
    akte = services.akte_anlegen(person=person, user=user, vertraulichkeit=Akte.Vertraulichkeit.VS_NFD)
    v1 = services.vorgang_anlegen(
        akte=akte,
        vorgangsart=Vorgangsart.objects.get(schluessel="ae-verlaengerung"),
        user=user,
        betreff="Verlängerung § 16b AufenthG",
    )
    v2 = services.vorgang_anlegen(
        akte=akte, vorgangsart=Vorgangsart.objects.get(schluessel="familiennachzug"), user=user, betreff="Ehegatte"
    )
    bytes_je_version: dict[tuple[str, int], bytes] = {}

    def neu(titel: str, reg: str, daten: bytes, name: str, vorgang=None, **kw) -> Dokument:
        dok = services.dokument_anlegen(
            akte=akte,
            register=register(reg),
            datei=io.BytesIO(daten),
            dateiname=name,
            user=user,
            vorgang=vorgang,
            titel=titel,
            **kw,
        )
        bytes_je_version[(titel, 1)] = daten
        return dok

    antrag = neu("Antrag Öztürk", "03", pdf_bytes("Antrag Öztürk", 3), "Antrag Öztürk.pdf", v1, art="antrag")
    for n in (2, 3):
        daten = pdf_bytes(f"Antrag Öztürk Fassung {n}", 2)
        services.dokument_version_hinzufuegen(
            dokument=antrag, datei=io.BytesIO(daten), dateiname=f"Antrag Öztürk v{n}.pdf", user=user
        )
        bytes_je_version[("Antrag Öztürk", n)] = daten
    # A derived searchable PDF on version 2 (a second format of the same version).
    v2_version = antrag.versionen.get(nummer=2)
    durchsuchbar = pdf_bytes("durchsuchbar", 2)
    services.ableitungen_speichern(
        version=v2_version, text="Antrag", seiten=2, blatt=1, pdf=io.BytesIO(durchsuchbar), pdf_sha256=sha(durchsuchbar)
    )
    bytes_je_version[("Antrag Öztürk", 2, "pdf")] = durchsuchbar  # type: ignore[index]
    neu("Heiratsurkunde Nguyễn", "06", pdf_bytes("Heiratsurkunde Nguyễn"), "Heiratsurkunde Nguyễn.pdf", v2)
    neu("Passkopie Öztürk", "02", png_bytes(), "Passkopie Öztürk.png", richtung=Dokument.Richtung.EINGANG)
    neu(
        "Bescheid",
        "03",
        pdf_bytes("Bescheid"),
        "Bescheid.pdf",
        richtung=Dokument.Richtung.AUSGANG,
        art="bescheid",
    )
    neu("Vermerk Gespräch", "12", pdf_bytes("Vermerk"), "Vermerk.pdf", richtung=Dokument.Richtung.INTERN)
    return VolleAkte(akte=akte, bytes_je_version=bytes_je_version)


@pytest.fixture
def volle_akte(sachbearbeitung) -> VolleAkte:
    return volle_akte_bauen(sachbearbeitung)

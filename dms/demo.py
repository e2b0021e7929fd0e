"""Demo data parts of the apps above dms (`manage.py demo_daten`), registered in their `AppConfig.ready`.

dms never imports scanning or foerderung: the mail room puts letters into the in-trays and the subsidy app opens a
programme round through this registry, after dms has created teams, users, persons and files."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dms import services
from dms.models import Behoerde, Person


@dataclass(frozen=True)
class DemoLauf:
    """One authority's demo run: its users by prefix (`sb`, `ps`, …) and whether files go to the pipeline."""

    behoerde: Behoerde
    benutzer: dict[str, Any]
    verarbeiten: bool


# (name, part): the part is called once per authority and returns a line for the command's output
DemoTeil = Callable[[DemoLauf], str]
TEILE: dict[str, DemoTeil] = {}


def demo_teil_registrieren(name: str, teil: DemoTeil) -> None:
    """Registering the same name twice keeps one part (ready() may run more than once in tests)."""
    TEILE[name] = teil


def demo_teile() -> list[tuple[str, DemoTeil]]:
    return sorted(TEILE.items())


def demo_person(
    behoerde: Behoerde, user: Any, daten: tuple[str, str, str, str, str, str], azr: str, **mehr: Any
) -> Person:
    """A demo person from (familienname, vornamen, geburtsdatum ISO, geburtsort, staatsangehörigkeit, geschlecht)."""
    familienname, vornamen, geburtsdatum, ort, staat, geschlecht = daten
    return services.person_anlegen(
        behoerde=behoerde,
        user=user,
        familienname=familienname,
        vornamen=vornamen,
        geburtsdatum=dt.date.fromisoformat(geburtsdatum),
        geburtsort=ort,
        staatsangehoerigkeiten=[staat],
        geschlecht=geschlecht,
        azr_nummer=azr,
        **mehr,
    )


def demo_pdf(titel: str, zeilen: list[str]) -> bytes:
    """A small one-page PDF with a real text layer (so search and identifier extraction have something to find)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from dms.pdfsatz import schriften

    normal, fett = schriften()  # DejaVu: names like Ayşe Yılmaz keep their letters in the text layer
    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=A4, invariant=True)
    c.setTitle(titel)
    c.setFont(fett, 14)
    c.drawString(72, 770, titel)
    c.setFont(normal, 11)
    y = 740
    for zeile in zeilen:
        c.drawString(72, y, zeile)
        y -= 18
    c.showPage()
    c.save()
    return puffer.getvalue()

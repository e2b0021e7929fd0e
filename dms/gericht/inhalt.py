"""The table of contents of a file (Inhaltsverzeichnis): every document in chronological order with date, kind,
register, procedure and its sheets; the documented gaps. One read for the page, the API and the court PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Max, Min

from dms.models import Akte, Dokument

from .blaetter import Luecke, bereiche, luecken
from .models import Blatt


@dataclass
class Eintrag:
    dokument: int
    titel: str
    datum: date | None
    art: str
    register: str
    register_nummer: str
    vorgang: str | None
    vorgang_id: int | None
    seiten: int
    blaetter: list[int] = field(default_factory=list)

    @property
    def blatt_von(self) -> int | None:
        return self.blaetter[0] if self.blaetter else None

    @property
    def blatt_bis(self) -> int | None:
        return self.blaetter[-1] if self.blaetter else None

    @property
    def blattangabe(self) -> str:
        return bereiche(self.blaetter) if self.blaetter else "folgt"


@dataclass
class Inhaltsverzeichnis:
    eintraege: list[Eintrag]
    luecken: list[Luecke]


def inhaltsverzeichnis(akte: Akte, *, vorgaenge: list[int] | None = None) -> Inhaltsverzeichnis:
    """Documents of `akte` (only of `vorgaenge` when given), oldest first; two queries whatever the size."""
    dokumente = Dokument.objects.bestehend().filter(akte=akte).select_related("register", "vorgang")
    if vorgaenge:
        dokumente = dokumente.filter(vorgang_id__in=vorgaenge)
    blaetter = {
        z["dokument"]: sorted(z["nummern"])
        for z in Blatt.objects.filter(akte=akte, entfernt_am__isnull=True, dokument__isnull=False)
        .values("dokument")
        .annotate(nummern=ArrayAgg("nummer"), von=Min("nummer"), bis=Max("nummer"))
    }
    eintraege = [
        Eintrag(
            dokument=d.pk,
            titel=d.titel,
            datum=d.eingangsdatum,
            art=d.art,
            register=str(d.register),
            register_nummer=d.register.nummer,
            vorgang=d.vorgang.aktenzeichen if d.vorgang else None,
            vorgang_id=d.vorgang_id,
            seiten=d.seiten,
            blaetter=blaetter.get(d.pk, []),
        )
        for d in dokumente.order_by()
    ]
    # Chronological: by date of the document, then by filing (the sheet numbers say the filing order).
    eintraege.sort(key=lambda e: (e.datum or date.max, e.blatt_von or 10**12, e.dokument))
    return Inhaltsverzeichnis(eintraege=eintraege, luecken=luecken(akte.pk))

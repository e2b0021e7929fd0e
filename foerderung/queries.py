"""Reads for the subsidy: the active programme, the budget used, what an authority actually holds as digitised."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from dms.models import Dokument, Vorgang

from .berechnung import anteil_prozent, auf_cent
from .models import Foerderantrag, Foerderprogramm, Zuwendungsbescheid


def aktives_programm() -> Foerderprogramm | None:
    return Foerderprogramm.objects.filter(aktiv=True).first()


def geplante_mengen(behoerde_ids: set[int]) -> dict[int, tuple[int | None, int | None]]:
    """Planned files and sheets from each authority's application in the active programme, if any (one query).

    Read by the legacy-digitisation overview (scanning), which compares them with what has been digitised."""
    plaene: dict[int, tuple[int | None, int | None]] = {}
    # Meta ordering (newest first): the newest application per authority wins
    for antrag in Foerderantrag.objects.filter(behoerde_id__in=behoerde_ids, programm__aktiv=True):
        plaene.setdefault(antrag.behoerde_id, (antrag.akten_geplant, antrag.blatt_geplant))
    return plaene


def bewilligt_summe(programm: Foerderprogramm) -> Decimal:
    summe = Zuwendungsbescheid.objects.filter(programm=programm).aggregate(s=Sum("betrag"))["s"]
    return auf_cent(summe or Decimal("0"))


@dataclass(frozen=True)
class Digitalisiert:
    akten: int
    blatt: int


def digitalisiert(behoerde_id: int) -> Digitalisiert:
    """Files and sheets the system holds as digitised legacy files of one authority.

    Documents with quelle=altakte: the distinct Akten they belong to, and the sum of their sheets. `Dokument.blatt`
    is the current version's count, kept in step by dms.services (so no join over the versions is needed); a document
    merged into another (page editing) counts once, in the one it was merged into.
    One aggregate query (see docs/benchmarks.md: well under a second for 100,000 files).
    """
    row = (
        Dokument.objects.bestehend()
        .filter(quelle=Dokument.Quelle.ALTAKTE, akte__behoerde_id=behoerde_id)
        .aggregate(akten=Count("akte_id", distinct=True), blatt=Sum("blatt"))
    )
    return Digitalisiert(akten=row["akten"] or 0, blatt=int(row["blatt"] or 0))


@dataclass(frozen=True)
class Konformitaet:
    """Uniform file structure (the subsidy condition): shares in percent, None when there is nothing yet."""

    dokumente: int
    dokumente_im_landesregister: int
    vorgaenge: int
    vorgaenge_aus_landeskatalog: int
    altakten_seiten: int = 0  # pages of the delivered legacy files (sealed originals)
    altakten_seiten_gegliedert: int = 0  # of those, pages in documents of a register other than 14

    @property
    def anteil_dokumente(self) -> Decimal | None:
        return anteil_prozent(self.dokumente_im_landesregister, self.dokumente)

    @property
    def anteil_altakten_gegliedert(self) -> Decimal | None:
        return anteil_prozent(self.altakten_seiten_gegliedert, self.altakten_seiten)

    @property
    def anteil_vorgaenge(self) -> Decimal | None:
        return anteil_prozent(self.vorgaenge_aus_landeskatalog, self.vorgaenge)


def konformitaet(behoerde_id: int) -> Konformitaet:
    """Share of documents filed in a register of the active Aktenplan, of procedures of an active catalogue type."""
    d = (
        Dokument.objects.bestehend()
        .filter(akte__behoerde_id=behoerde_id)
        .aggregate(gesamt=Count("id"), konform=Count("id", filter=Q(register__aktenplan__aktiv=True)))
    )
    v = Vorgang.objects.filter(akte__behoerde_id=behoerde_id).aggregate(
        gesamt=Count("id"), konform=Count("id", filter=Q(vorgangsart__aktiv=True))
    )
    # Legacy files: the delivered PDFs' pages, and the pages cut from them into a register other than 14
    # (docs/klassifikation.md).
    alt = (
        Dokument.objects.bestehend()
        .filter(akte__behoerde_id=behoerde_id)
        .aggregate(
            original_seiten=Sum("seiten", filter=Q(quelle=Dokument.Quelle.ALTAKTE)),
            teil_seiten=Sum("seiten", filter=Q(quelle=Dokument.Quelle.ALTAKTE_TEIL) & ~Q(register__nummer="14")),
        )
    )
    return Konformitaet(
        dokumente=d["gesamt"],
        dokumente_im_landesregister=d["konform"],
        vorgaenge=v["gesamt"],
        vorgaenge_aus_landeskatalog=v["konform"],
        altakten_seiten=int(alt["original_seiten"] or 0),
        altakten_seiten_gegliedert=int(alt["teil_seiten"] or 0),
    )

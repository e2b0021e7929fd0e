"""Sheet numbers (Blattzählung): every page that enters a file gets the file's next sheet number, in the order the
pages become known, and keeps it forever. Removals leave a documented gap; nothing is ever renumbered.

A page enters the file when its version's page count is known (`ableitungen_speichern`, `zaehlung_uebernehmen`):
only then is it clear how many numbers the document takes. Numbers come from the file's highest number ever given
(removed sheets included) under a transaction-level advisory lock per file, so concurrent filings never collide and
never block edits of the Akte row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.models import Dokument, DokumentVersion

from .models import Blatt

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

# Namespace of the advisory lock (first key); the second key is the Akte id.
_SPERRE_BLATT = 0x426C6174  # "Blat"


def _akte_sperren(akte_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SPERRE_BLATT, akte_id])


def _naechste_nummer(akte_id: int) -> int:
    return int(Blatt.objects.filter(akte_id=akte_id).aggregate(m=Max("nummer"))["m"] or 0) + 1


def bereiche(nummern: list[int]) -> str:
    """'5–7, 12' for [5, 6, 7, 12]: how a lawyer cites sheets."""
    teile: list[str] = []
    for n in sorted(nummern):
        if teile and int(teile[-1].split("–")[-1]) == n - 1:
            anfang = teile[-1].split("–")[0]
            teile[-1] = f"{anfang}–{n}"
        else:
            teile.append(str(n))
    return ", ".join(teile)


def blaetter_zuteilen(*, version: DokumentVersion, user: User | None = None) -> list[int]:
    """Give the pages of `version` (the current one) their sheet numbers; idempotent.

    Pages kept from the previous version (the version's `seitenzuordnung`, or by default the same page positions)
    keep their numbers; new pages get new numbers; pages of the previous version that were not kept become a gap.
    """
    with transaction.atomic():
        version = DokumentVersion.objects.select_related("dokument").get(pk=version.pk)
        dokument = version.dokument
        akte_id = dokument.akte_id
        _akte_sperren(akte_id)
        aktiv = set(
            Blatt.objects.filter(akte_id=akte_id, dokument=dokument, entfernt_am__isnull=True).values_list(
                "nummer", flat=True
            )
        )
        if version.seiten and len(version.blattnummern) == version.seiten and set(version.blattnummern) <= aktiv:
            return list(version.blattnummern)
        vorige = (
            DokumentVersion.objects.filter(dokument=dokument, nummer__lt=version.nummer)
            .exclude(blattnummern=[])
            .order_by("-nummer")
            .values_list("blattnummern", flat=True)
            .first()
        )
        alte = [n for n in (vorige or []) if n in aktiv]
        if not vorige and aktiv:
            alte = sorted(aktiv)  # a re-derivation of the same version
        zuordnung = version.seitenzuordnung
        if zuordnung is None:
            zuordnung = list(range(1, len(alte) + 1))
        neue: list[int] = []
        vergeben: list[Blatt] = []
        naechste = _naechste_nummer(akte_id)
        for index in range(version.seiten):
            alt = zuordnung[index] if index < len(zuordnung) else None
            if alt is not None and 1 <= alt <= len(alte) and alte[alt - 1] not in neue:
                neue.append(alte[alt - 1])
                continue
            vergeben.append(Blatt(akte_id=akte_id, nummer=naechste, dokument=dokument, seit_version=version.nummer))
            neue.append(naechste)
            naechste += 1
        Blatt.objects.bulk_create(vergeben)
        weggefallen = sorted(aktiv - set(neue))
        if weggefallen:
            Blatt.objects.filter(akte_id=akte_id, nummer__in=weggefallen).update(
                entfernt_am=timezone.now(),
                entfernt_grund=f"Seitenbearbeitung: nicht in Version {version.nummer} übernommen",
                entfernt_von=user if user is not None and user.is_authenticated else None,
            )
        DokumentVersion.objects.filter(pk=version.pk).update(blattnummern=neue)
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            objekt=dokument,
            akte=dokument.akte,
            details={
                "blaetter": bereiche(neue),
                "neu": bereiche([b.nummer for b in vergeben]),
                "entfernt": bereiche(weggefallen),
                "version": version.nummer,
            },
        )
    return neue


def blaetter_uebernehmen(
    *, version: DokumentVersion, nummern: list[int], user: User | None, request: HttpRequest | None = None
) -> None:
    """The pages of `version` carry these sheets of its file, in page order (a page edit: kept pages, the part split
    off into a new document, the pages of a merged document). The sheets pass to the version's document; no number is
    given or removed. Call it before `ableitungen_speichern` stores the version's page count (which then keeps them)."""
    with transaction.atomic():
        version = DokumentVersion.objects.select_related("dokument", "dokument__akte").get(pk=version.pk)
        dokument = version.dokument
        _akte_sperren(dokument.akte_id)
        bestehend = Blatt.objects.filter(akte_id=dokument.akte_id, nummer__in=nummern, entfernt_am__isnull=True)
        if len(set(nummern)) != len(nummern) or bestehend.count() != len(nummern):
            raise ValueError("Die Blätter gehören nicht (mehr) zu dieser Akte.")
        uebernommen = sorted(bestehend.exclude(dokument=dokument).values_list("nummer", flat=True))
        bestehend.update(dokument=dokument)
        DokumentVersion.objects.filter(pk=version.pk).update(blattnummern=nummern)
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=dokument,
            akte=dokument.akte,
            details={"blaetter": bereiche(nummern), "uebernommen": bereiche(uebernommen), "version": version.nummer},
        )


@dataclass(frozen=True)
class Luecke:
    """A documented gap: 'Bl. 41–43 entfernt am …, Grund …'."""

    von: int
    bis: int
    entfernt_am: datetime
    grund: str

    @property
    def blaetter(self) -> str:
        """'41–43', or '41' for a single sheet."""
        return str(self.von) if self.von == self.bis else f"{self.von}–{self.bis}"

    @property
    def text(self) -> str:
        bereich = f"Bl. {self.blaetter}"
        datum = timezone.localtime(self.entfernt_am).strftime("%d.%m.%Y")
        return f"{bereich} entfernt am {datum}, Grund: {self.grund}"


def blaetter_entfernen(
    *,
    dokument: Dokument,
    grund: str,
    user: User | None,
    request: HttpRequest | None = None,
    nummern: list[int] | None = None,
) -> list[Luecke]:
    """THE one service for taking a document's sheets out of its file (a misfiling moved elsewhere, deletion by
    law, withdrawal, pages deleted by a page edit: only `nummern` then): the numbers stay taken, the gap is
    documented with date and reason. Call it before the document leaves the file (or is deleted); a moved document
    gets new numbers in its new file from `blaetter_zuteilen` on its current version."""
    grund = grund.strip()
    if not grund:
        raise ValueError("Für das Entfernen von Blättern ist ein Grund nötig.")
    with transaction.atomic():
        _akte_sperren(dokument.akte_id)
        jetzt = timezone.now()
        eigene = Blatt.objects.filter(akte_id=dokument.akte_id, dokument=dokument, entfernt_am__isnull=True)
        if nummern is not None:
            eigene = eigene.filter(nummer__in=nummern)
        nummern = sorted(eigene.values_list("nummer", flat=True))
        Blatt.objects.filter(akte_id=dokument.akte_id, nummer__in=nummern).update(
            entfernt_am=jetzt,
            entfernt_grund=grund[:500],
            entfernt_von=user if user is not None and user.is_authenticated else None,
        )
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=dokument,
            akte=dokument.akte,
            details={"blaetter_entfernt": bereiche(nummern), "grund": grund[:500]},
        )
    return luecken_bilden([(n, jetzt, grund[:500]) for n in nummern])


def luecken_bilden(entfernte: list[tuple[int, datetime, str]]) -> list[Luecke]:
    """Consecutive removed sheets with the same date and reason form one gap."""
    ergebnis: list[Luecke] = []
    for nummer, am, grund in sorted(entfernte):
        letzte = ergebnis[-1] if ergebnis else None
        if (
            letzte
            and letzte.bis == nummer - 1
            and letzte.grund == grund
            and timezone.localdate(letzte.entfernt_am) == timezone.localdate(am)
        ):
            ergebnis[-1] = Luecke(von=letzte.von, bis=nummer, entfernt_am=letzte.entfernt_am, grund=grund)
        else:
            ergebnis.append(Luecke(von=nummer, bis=nummer, entfernt_am=am, grund=grund))
    return ergebnis


def luecken(akte_id: int) -> list[Luecke]:
    zeilen = Blatt.objects.filter(akte_id=akte_id, entfernt_am__isnull=False).values_list(
        "nummer", "entfernt_am", "entfernt_grund"
    )
    return luecken_bilden([(n, am, g) for n, am, g in zeilen if am is not None])


def blatt_finden(akte_id: int, nummer: int) -> tuple[int, int] | None:
    """(document id, page of its current version) holding sheet `nummer` of the file, None for a gap or unknown."""
    blatt = Blatt.objects.filter(akte_id=akte_id, nummer=nummer, entfernt_am__isnull=True).first()
    if blatt is None or blatt.dokument_id is None:
        return None
    version = DokumentVersion.objects.filter(dokument_id=blatt.dokument_id).order_by("-nummer").first()
    if version is None or nummer not in version.blattnummern:
        return None
    return blatt.dokument_id, list(version.blattnummern).index(nummer) + 1

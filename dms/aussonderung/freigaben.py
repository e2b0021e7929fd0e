"""Releases for deletion granted under the old rule are revoked (`manage.py aussonderung_freigaben_pruefen`).

Until migration 0028 a 0504 that came after the 0503 released every file of the batch (`archiviert` set), although
it only says the archive received the offer. Since then only the archive's per-file import confirmation (0506)
releases a file it takes, and records when it came (`uebernahme_gemeldet_am`). So a handed-over file with
`archiviert` but no recorded 0506 was released under the old rule: its release is revoked, the file waits again for
the archive's 0506 (status `uebergeben`, the offer open again), one audit entry per file. A file already deleted under
the old rule cannot be brought back: it is reported (command output, log, the records officer's page) so the officer
can clear with the archive whether it has the file. Idempotent: a second run revokes nothing and reports the same
deleted files (until the archive's 0506 for them arrives).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from dms.audit import Aktion, protokollieren

from .models import Aktenschluss, Anbietung, Anbietungsposten, Loeschung

logger = logging.getLogger("dms.aussonderung")
SYSTEM = "System (Aussonderung)"
ALTE_FREIGABE = Q(
    entscheidung=Anbietungsposten.Entscheidung.ARCHIVIEREN, archiviert=True, uebernahme_gemeldet_am__isnull=True
)


@dataclass(frozen=True)
class Widerruf:
    akte_id: int
    aktenzeichen: str
    prozess_id: UUID
    loeschantrag_id: int | None


@dataclass(frozen=True)
class Geloescht:
    aktenzeichen: str
    prozess_id: UUID
    loeschnachweis_id: int | None
    geloescht_am: datetime | None


@dataclass
class Pruefergebnis:
    widerrufen: list[Widerruf] = field(default_factory=list)
    geloescht: list[Geloescht] = field(default_factory=list)


def _loeschung(posten: Anbietungsposten) -> Loeschung | None:
    return (
        Loeschung.objects.filter(
            akte_uuid=posten.akte_uuid,
            prozess_id=posten.anbietung.prozess_id,
            status=Loeschung.Status.DURCHGEFUEHRT,
        )
        .order_by("-durchgefuehrt_am")
        .first()
    )


def alte_freigaben_widerrufen() -> Pruefergebnis:
    """Revoke every release without the archive's 0506; report the files already deleted under the old rule."""
    ergebnis = Pruefergebnis()
    with transaction.atomic():
        posten = list(
            Anbietungsposten.objects.select_for_update(of=("self",))
            .select_related("anbietung", "akte")
            .filter(ALTE_FREIGABE)
            .order_by("anbietung_id", "aktenzeichen")
        )
        wieder_offen: set[int] = set()
        for p in posten:
            if p.akte_id is None or p.akte is None:
                loeschung = _loeschung(p)
                ergebnis.geloescht.append(
                    Geloescht(
                        p.aktenzeichen,
                        p.anbietung.prozess_id,
                        loeschung.pk if loeschung else None,
                        loeschung.durchgefuehrt_am if loeschung else None,
                    )
                )
                logger.warning(
                    "Aussonderung: Akte ohne Übernahmebestätigung (0506) des Staatsarchivs gelöscht (alte Regel), "
                    "Löschnachweis %s, ProzessID %s: nicht rückgängig zu machen, mit dem Staatsarchiv klären",
                    loeschung.pk if loeschung else "-",
                    p.anbietung.prozess_id,
                )
                continue
            Anbietungsposten.objects.filter(pk=p.pk).update(archiviert=False)
            Aktenschluss.objects.filter(akte_id=p.akte_id, status=Aktenschluss.Status.FREIGEGEBEN).update(
                status=Aktenschluss.Status.UEBERGEBEN
            )
            antrag = Loeschung.objects.filter(akte_id=p.akte_id, status=Loeschung.Status.BEANTRAGT).first()
            wieder_offen.add(p.anbietung_id)
            protokollieren(
                aktion=Aktion.AENDERN,
                benutzername=SYSTEM,
                objekt=p.akte,
                details={
                    "aussonderung": "freigabe_widerrufen",
                    "grund": "Freigabe zur Löschung ohne Importbestätigung (0506) des Staatsarchivs (alte Regel: "
                    "0504 nach der Aussonderung); wartet wieder auf die Importbestätigung",
                    "prozess_id": str(p.anbietung.prozess_id),
                    "aktenzeichen": p.aktenzeichen,
                    "loeschantrag": antrag.pk if antrag else None,
                },
            )
            ergebnis.widerrufen.append(
                Widerruf(p.akte_id, p.aktenzeichen, p.anbietung.prozess_id, antrag.pk if antrag else None)
            )
            logger.warning(
                "Aussonderung: Freigabe der Akte %s widerrufen (keine Importbestätigung 0506, ProzessID %s)",
                p.akte_id,
                p.anbietung.prozess_id,
            )
        # The offers wait again for the archive's import confirmation.
        Anbietung.objects.filter(pk__in=wieder_offen, status=Anbietung.Status.ABGESCHLOSSEN).update(
            status=Anbietung.Status.UEBERGEBEN, abgeschlossen_am=None
        )
    return ergebnis


def geloescht_ohne_bestaetigung(behoerde_id: int) -> set[int]:
    """Deletion records of the authority whose file was deleted under the old rule (no 0506): for the officer's page."""
    alt = Anbietungsposten.objects.filter(
        ALTE_FREIGABE, akte__isnull=True, akte_uuid=OuterRef("akte_uuid"), anbietung__prozess_id=OuterRef("prozess_id")
    )
    return set(
        Loeschung.objects.filter(behoerde_id=behoerde_id, status=Loeschung.Status.DURCHGEFUEHRT)
        .filter(Exists(alt))
        .values_list("pk", flat=True)
    )

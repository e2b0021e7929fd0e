"""Messages to the state archive that must arrive (outbox): our receipt of the evaluation (0505) and the hand-over
(0503).

The first attempt is made inside the use case's transaction (the new row is invisible to everyone else, so nobody can
send it twice). A failed attempt leaves the row `wartet` with the error and the time of the next attempt
(`wartezeit`: 5 min, 30 min, 2 h, then every 6 h, until the archive takes it). The beat task
`dms.aussonderung.ausgang_senden` and the records officer's "Jetzt erneut senden" both go through `zustellen`, which
locks the row with SKIP LOCKED: two runs at the same time never send one message twice. Every attempt is an audit
entry on the offer and, when it fails, a log line and a count in `akte_archivausgang_fehler_total`.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.betrieb import ereignisse
from dms.models import Akte

from . import archiv
from .models import Anbietung, Archivausgang
from .nachrichten import AUSSONDERUNG, BEWERTUNG_EMPFANGEN, aussonderung_schreiben
from .zugriff import eigenes_objekt

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("dms.aussonderung")
Art = Archivausgang.Art
SYSTEM = "System (Aussonderung)"
FORMAT = {Art.BEWERTUNG_EMPFANGEN: BEWERTUNG_EMPFANGEN, Art.AUSSONDERUNG: AUSSONDERUNG}
PAUSEN = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))
FEHLER = ereignisse.zaehler(
    "akte_archivausgang_fehler",
    "Gescheiterte Zustellversuche von Nachrichten an das Staatsarchiv, nach Nachricht (0503, 0505).",
    ("nachricht",),
)


def wartezeit(versuche: int) -> timedelta:
    """The pause after the n-th failed attempt: 5 min, 30 min, 2 h, then every 6 h."""
    return PAUSEN[min(max(versuche, 1), len(PAUSEN)) - 1]


def uebergebene_akten(anbietung: Anbietung) -> list[Akte]:
    ids = anbietung.posten.filter(uebergeben=True).values("akte_id")
    return list(Akte.objects.filter(pk__in=ids).select_related("person", "behoerde", "team").order_by("aktenzeichen"))


def _aussonderung_bauen(anbietung: Anbietung) -> bytes:
    """The 0503 afresh from the handed-over files (they stay until the archive confirms taking them over)."""
    with tempfile.TemporaryDirectory(prefix="aussonderung-") as tmp:
        pfad, _ = aussonderung_schreiben(
            anbietung.behoerde, str(anbietung.prozess_id), uebergebene_akten(anbietung), Path(tmp)
        )
        return pfad.read_bytes()


def _versuchen(
    eintrag: Archivausgang,
    inhalt: bytes | None,
    *,
    user: User | None,
    request: HttpRequest | None,
    benutzername: str,
) -> Archivausgang:
    """One attempt; call inside a transaction holding the row (new, or locked). Records the outcome and audits it."""
    anbietung = eintrag.anbietung
    versuch = eintrag.versuche + 1
    fehler = ""
    try:
        archiv.senden(eintrag.dateiname, _aussonderung_bauen(anbietung) if inhalt is None else inhalt)
    except archiv.ArchivFehler as exc:
        fehler = exc.meldung
    except Exception as exc:  # writing the 0503 from the files (storage, schema): kept and retried like the archive
        logger.exception("Aussonderung %s: Nachricht %s konnte nicht erstellt werden", anbietung.pk, eintrag.art)
        fehler = f"Die Nachricht konnte nicht erstellt werden ({type(exc).__name__})."
    jetzt = timezone.now()
    eintrag.versuche = versuch
    eintrag.letzter_versuch_am = jetzt
    if fehler:
        eintrag.letzter_fehler = fehler[:500]
        eintrag.naechster_versuch_am = jetzt + wartezeit(versuch)
    else:
        eintrag.status = Archivausgang.Status.GESENDET
        eintrag.gesendet_am = jetzt
        eintrag.naechster_versuch_am = None
        if eintrag.art == Art.BEWERTUNG_EMPFANGEN:
            Anbietung.objects.filter(pk=anbietung.pk).update(bewertung_bestaetigt_am=jetzt)
    Archivausgang.objects.filter(pk=eintrag.pk).update(
        status=eintrag.status,
        versuche=eintrag.versuche,
        letzter_versuch_am=eintrag.letzter_versuch_am,
        letzter_fehler=eintrag.letzter_fehler,
        naechster_versuch_am=eintrag.naechster_versuch_am,
        gesendet_am=eintrag.gesendet_am,
    )
    details: dict[str, object] = {
        "format": f"xdomea 3.0.0 {FORMAT[Art(eintrag.art)]}",
        "prozess_id": str(anbietung.prozess_id),
        "ausgang": eintrag.pk,
        "versuch": versuch,
        "gesendet": not fehler,
    }
    if fehler:
        details.update(fehler=eintrag.letzter_fehler, naechster_versuch_am=eintrag.naechster_versuch_am)
        ereignisse.zaehlen(FEHLER, nachricht=eintrag.art)
        logger.warning(
            "Aussonderung %s: Nachricht %s an das Staatsarchiv nicht zugestellt (Versuch %s, nächster %s): %s",
            anbietung.pk, eintrag.art, versuch, eintrag.naechster_versuch_am, eintrag.letzter_fehler,
        )  # fmt: skip
    protokollieren(
        aktion=Aktion.EXPORT, user=user, request=request, benutzername=benutzername, objekt=anbietung, details=details
    )
    return eintrag


def senden(
    *,
    anbietung: Anbietung,
    art: str,
    dateiname: str,
    inhalt: bytes,
    user: User | None = None,
    request: HttpRequest | None = None,
    benutzername: str = "",
) -> Archivausgang:
    """Record a message for the archive and make the first attempt. Call inside the use case's transaction: the
    message is kept (and retried) exactly when the use case commits."""
    eintrag = Archivausgang.objects.create(
        anbietung=anbietung,
        behoerde_id=anbietung.behoerde_id,
        art=art,
        dateiname=dateiname,
        # The 0503 carries every document of the files: written afresh per attempt instead of a second copy.
        inhalt=b"" if art == Art.AUSSONDERUNG else inhalt,
        naechster_versuch_am=timezone.now(),
    )
    benutzername = benutzername or ("" if user else SYSTEM)
    return _versuchen(eintrag, inhalt, user=user, request=request, benutzername=benutzername)


def zustellen(pk: int, *, user: User | None = None, request: HttpRequest | None = None) -> Archivausgang | None:
    """One more attempt for a waiting message. None when it has been sent meanwhile or another process is sending it
    right now (its row is locked): never two copies."""
    with transaction.atomic():
        eintrag = (
            Archivausgang.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("anbietung__behoerde")
            .filter(pk=pk, status=Archivausgang.Status.WARTET)
            .first()
        )
        if eintrag is None:
            return None
        inhalt = None if eintrag.art == Art.AUSSONDERUNG else bytes(eintrag.inhalt)
        return _versuchen(eintrag, inhalt, user=user, request=request, benutzername="" if user else SYSTEM)


def faellige_zustellen(*, grenze: int = 100) -> dict[str, int]:
    """Beat: every waiting message whose next attempt has come, oldest first."""
    ergebnis = {"zugestellt": 0, "nicht_zugestellt": 0}
    if not archiv.ist_konfiguriert():
        return ergebnis
    faellig = (
        Archivausgang.objects.filter(status=Archivausgang.Status.WARTET, naechster_versuch_am__lte=timezone.now())
        .order_by("naechster_versuch_am", "id")
        .values_list("pk", flat=True)[:grenze]
    )
    for pk in list(faellig):
        eintrag = zustellen(pk)
        if eintrag is not None:
            ergebnis["zugestellt" if eintrag.status == Archivausgang.Status.GESENDET else "nicht_zugestellt"] += 1
    return ergebnis


def eintrag_fuer(user: User, pk: int) -> Archivausgang:
    """A message of the officer's own authority; 404 for any other (and for every other role)."""
    return eigenes_objekt(Archivausgang.objects.select_related("anbietung"), user, pk)


def erneut_senden(*, pk: int, user: User, request: HttpRequest | None = None) -> Archivausgang:
    """The records officer's "Jetzt erneut senden": an attempt now, audited under her name."""
    eintrag = eintrag_fuer(user, pk)
    if eintrag.status == Archivausgang.Status.GESENDET:
        raise ValidationError("Diese Nachricht hat das Staatsarchiv bereits angenommen.")
    ergebnis = zustellen(eintrag.pk, user=user, request=request)
    if ergebnis is None:
        eintrag.refresh_from_db()
        if eintrag.status == Archivausgang.Status.GESENDET:
            return eintrag
        raise ValidationError("Die Nachricht wird gerade gesendet. Bitte laden Sie die Seite in einer Minute neu.")
    return ergebnis

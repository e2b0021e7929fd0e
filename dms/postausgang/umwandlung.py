"""The approved letter's conversion to PDF/A and its filing, in the background (task `dms.postausgang.umwandeln`).

The approval (`services.schreiben_freigeben`) only sets `umwandlung` and queues the task, so the caseworker never
waits for LibreOffice. The task makes the PDF/A, checks it (`dms.pdfa.pdfa_pruefen`) and files it in the same
transaction that sets `freigegeben`; only then may the letter be sent. A failed or timed-out conversion ends as
`umwandlungsfehler` with a German message on the letter; anyone who may change the file can retry it. Idempotent: a
task for a letter that is no longer `umwandlung` does nothing.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dms import services as dms_services
from dms.audit import Aktion, protokollieren
from dms.models import Akte, Dokument, Register
from dms.pdfa import pdfa_pruefen

from .models import Ausgangsschreiben
from .services import SYSTEM, S, _name, _verlauf, pdf_erzeugen, umwandlung_einreihen

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("dms.postausgang")


def _pdfa_erzeugen(s: Ausgangsschreiben) -> bytes:
    """The PDF/A, or ValidationError with a German sentence (also when the result is no valid PDF/A)."""
    pdf = pdf_erzeugen(vorlage=s.vorlage, felder=s.felder)
    befunde = pdfa_pruefen(pdf)
    if befunde:
        logger.warning("Schreiben %s: Ergebnis ist kein gültiges PDF/A: %s", s.pk, "; ".join(befunde[:5]))
        raise ValidationError(
            "Das umgewandelte Schreiben ist kein gültiges PDF/A und wird weder abgelegt noch versendet. Bitte "
            "wenden Sie sich an den IT-Betrieb (Briefvorlage prüfen)."
        )
    return pdf


def _fehlgeschlagen(schreiben_id: int, meldung: str) -> Ausgangsschreiben | None:
    with transaction.atomic():
        s = Ausgangsschreiben.objects.select_for_update().select_related("akte").get(pk=schreiben_id)
        if s.status != S.UMWANDLUNG:
            return s
        s.status = S.UMWANDLUNGSFEHLER
        s.umwandlung_meldung = meldung[:2000]
        _verlauf(s, S.UMWANDLUNGSFEHLER, meldung)
        s.save()
        protokollieren(
            aktion=Aktion.AENDERN, benutzername=SYSTEM, objekt=s, akte=s.akte,
            details={"status": S.UMWANDLUNGSFEHLER, "versuch": s.umwandlung_versuche},
        )  # fmt: skip
    return s


def schreiben_umwandeln(*, schreiben_id: int) -> Ausgangsschreiben | None:
    """The task's body: PDF/A from the approved letter, checked, filed as `richtung=ausgang`; or the failure."""
    s = (
        Ausgangsschreiben.objects.select_related("akte", "vorlage", "verfasst_von", "freigegeben_von")
        .filter(pk=schreiben_id)
        .first()
    )
    if s is None or s.status != S.UMWANDLUNG:
        return s  # done already, edited, or deleted: nothing to do
    Ausgangsschreiben.objects.filter(pk=s.pk).update(umwandlung_versuche=F("umwandlung_versuche") + 1)
    try:
        return _ablegen(schreiben_id, _pdfa_erzeugen(s))
    except ValidationError as exc:
        return _fehlgeschlagen(s.pk, " ".join(exc.messages))
    except PermissionDenied as exc:  # the approver may no longer change the file: never filed in her name
        return _fehlgeschlagen(s.pk, f"Das Schreiben konnte nicht abgelegt werden: {exc}")


def _ablegen(schreiben_id: int, pdf: bytes) -> Ausgangsschreiben:
    """File the checked PDF/A and set `freigegeben`, in one transaction."""
    with transaction.atomic():
        s = (
            Ausgangsschreiben.objects.select_for_update(of=("self",))
            .select_related("akte", "vorlage", "verfasst_von", "freigegeben_von")
            .get(pk=schreiben_id)
        )
        if s.status != S.UMWANDLUNG:
            return s
        register = Register.objects.aktiv().filter(nummer=s.vorlage.register_nummer).first()
        register = register or Register.objects.aktiv().get(nummer="12")
        freigeber = s.freigegeben_von
        dokument = dms_services.dokument_anlegen(
            akte=s.akte,
            register=register,
            vorgang=s.vorgang,
            datei=io.BytesIO(pdf),
            dateiname="schreiben.pdf",
            user=freigeber,
            titel=s.titel,
            art=s.vorlage.dokumentart,
            richtung=Dokument.Richtung.AUSGANG,
            eingangsdatum=timezone.localdate(),
            quelle=Dokument.Quelle.POSTAUSGANG,
            transfervermerk={
                "ausgangsschreiben": str(s.uuid),
                "vorlage": s.vorlage.name,
                "verfasst_von": s.verfasst_von.get_username(),
                "freigegeben_von": freigeber.get_username() if freigeber else "",
                "vier_augen": s.freigabe_noetig,
            },
        )
        s.status = S.FREIGEGEBEN
        s.dokument = dokument
        s.umwandlung_meldung = ""
        _verlauf(s, S.FREIGEGEBEN, "als PDF/A in der Akte abgelegt")
        s.save()
        protokollieren(
            aktion=Aktion.AENDERN, benutzername=SYSTEM, objekt=s, akte=s.akte,
            details={"status": S.FREIGEGEBEN, "dokument": dokument.pk, "versuch": s.umwandlung_versuche},
        )  # fmt: skip
    return s


def umwandlung_wiederholen(
    *, schreiben: Ausgangsschreiben, user: User, request: HttpRequest | None = None
) -> Ausgangsschreiben:
    """Retry a failed conversion (the approval stands: the content has not changed)."""
    if not Akte.objects.changeable_by(user).filter(pk=schreiben.akte_id).exists():
        raise PermissionDenied("Sie dürfen in dieser Akte nichts ändern.")
    with transaction.atomic():
        s = Ausgangsschreiben.objects.select_for_update().select_related("akte").get(pk=schreiben.pk)
        if s.status == S.UMWANDLUNG:
            return s  # a repeated click queues nothing twice
        if s.status != S.UMWANDLUNGSFEHLER:
            raise ValidationError("Für dieses Schreiben ist keine Umwandlung zu wiederholen.")
        s.status = S.UMWANDLUNG
        _verlauf(s, S.UMWANDLUNG, f"Umwandlung erneut angestoßen von {_name(user)}")
        s.save()
        protokollieren(
            aktion=Aktion.AENDERN, user=user, request=request, objekt=s, akte=s.akte,
            details={"status": S.UMWANDLUNG, "wiederholung": True},
        )  # fmt: skip
        sid = s.pk
        transaction.on_commit(lambda: umwandlung_einreihen(sid))
    return s


def haengende_umwandlungen() -> int:
    """Sweeper: a conversion not finished within POSTAUSGANG_UMWANDLUNG_FRIST (worker lost, queue down, task killed
    at its time limit) is shown as failed, so the caseworker sees it and can retry instead of waiting forever."""
    grenze = timezone.now() - timedelta(seconds=settings.POSTAUSGANG_UMWANDLUNG_FRIST)
    ids = list(
        Ausgangsschreiben.objects.filter(status=S.UMWANDLUNG, geaendert_am__lt=grenze).values_list("id", flat=True)[
            :200
        ]
    )
    for sid in ids:
        _fehlgeschlagen(
            sid,
            "Die Umwandlung in PDF/A wurde nicht abgeschlossen (Hintergrunddienst nicht erreichbar oder abgebrochen). "
            "Bitte versuchen Sie es erneut.",
        )
    return len(ids)

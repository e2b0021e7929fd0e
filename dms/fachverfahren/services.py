"""The Fachverfahren (ADVIS, OK.VISA, LaDiVA ...) pushes its decisions and letters into the right file.

A file is found by the person's AZR-Nummer or by the Fachverfahren's own case id stored on the file
(`Akte.fachverfahren_kennung`), always among the files the calling (technical) user may change. Each push names the
Fachverfahren's document reference: the same reference again is the same document (no duplicate; changed content
becomes a new version)."""

from __future__ import annotations

import logging
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from dms import dateien
from dms import services as dms_services
from dms.audit import Aktion, protokollieren
from dms.models import Akte, Dokument, Register

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("dms.fachverfahren")


def akte_finden(*, user: User, azr_nummer: str = "", kennung: str = "", aendern: bool = False) -> Akte:
    """The one file for an AZR-Nummer or case id that the user may see (or change); 404 otherwise, never a hint
    whether the number exists elsewhere."""
    qs = Akte.objects.changeable_by(user) if aendern else Akte.objects.visible_to(user)
    if kennung:
        qs = qs.filter(fachverfahren_kennung=kennung)
    elif azr_nummer:
        qs = qs.filter(person__azr_nummer=azr_nummer)
    else:
        raise ValidationError({"azr_nummer": ["Bitte AZR-Nummer oder Kennung des Fachverfahrens angeben."]})
    akte = qs.order_by("status", "-angelegt_am").first()  # 'aktiv' sorts first
    if akte is None:
        raise Http404("Keine Akte zu dieser Nummer gefunden.")
    return akte


def kennung_setzen(*, akte: Akte, kennung: str, user: User, request: HttpRequest | None = None) -> Akte:
    kennung = kennung.strip()[:100]
    if not kennung:
        raise ValidationError({"kennung": ["Die Kennung darf nicht leer sein."]})
    if Akte.objects.filter(behoerde_id=akte.behoerde_id, fachverfahren_kennung=kennung).exclude(pk=akte.pk).exists():
        raise ValidationError({"kennung": ["Diese Kennung ist bereits einer anderen Akte zugeordnet."]})
    try:
        with transaction.atomic():
            Akte.objects.filter(pk=akte.pk).update(fachverfahren_kennung=kennung)
            akte.refresh_from_db()
            protokollieren(
                aktion=Aktion.AENDERN,
                user=user,
                request=request,
                objekt=akte,
                details={"fachverfahren_kennung": kennung},
            )
    except IntegrityError as exc:
        raise ValidationError({"kennung": ["Diese Kennung ist bereits einer anderen Akte zugeordnet."]}) from exc
    return akte


def dokument_einstellen(
    *,
    user: User,
    datei: IO[bytes],
    dateiname: str,
    referenz: str,
    request: HttpRequest | None = None,
    azr_nummer: str = "",
    kennung: str = "",
    titel: str = "",
    art: str = "bescheid",
    richtung: str = Dokument.Richtung.AUSGANG,
    register_nummer: str = "",
) -> tuple[Dokument, bool]:
    """File a document pushed by the Fachverfahren; returns (document, created)."""
    referenz = referenz.strip()[:200]
    if not referenz:
        raise ValidationError(
            {"referenz": ["Die Referenz des Fachverfahrens ist erforderlich (Schutz vor Dubletten)."]}
        )
    if richtung not in Dokument.Richtung.values:
        raise ValidationError({"richtung": ["Richtung muss eingang, ausgang oder intern sein."]})
    akte = akte_finden(user=user, azr_nummer=azr_nummer, kennung=kennung, aendern=True)
    info = dateien.datei_pruefen(datei, erlaubt=dateien.DOKUMENT_TYPEN)
    vorhanden = (
        Dokument.objects.filter(
            akte=akte, quelle=Dokument.Quelle.FACHVERFAHREN, versionen__transfervermerk__referenz=referenz
        )
        .distinct()
        .first()
    )
    vermerk = {"quelle": "fachverfahren", "referenz": referenz}
    if vorhanden is not None:
        if vorhanden.versionen.order_by("-nummer").values_list("sha256", flat=True).first() == info.sha256:
            logger.info("Fachverfahren: Referenz %s in Akte %s bereits abgelegt", referenz, akte.aktenzeichen)
            return vorhanden, False
        dms_services.dokument_version_hinzufuegen(
            dokument=vorhanden, datei=datei, dateiname=dateiname, user=user, request=request,
            erlaubt=dateien.DOKUMENT_TYPEN, transfervermerk=vermerk,
        )  # fmt: skip
        return vorhanden, False
    nummer = register_nummer or ("03" if art in ("bescheid", "antrag") else "12")
    register = Register.objects.aktiv().filter(nummer=nummer).first()
    if register is None:
        raise ValidationError({"register": ["Dieses Register gibt es im gültigen Aktenplan nicht."]})
    dokument = dms_services.dokument_anlegen(
        akte=akte,
        register=register,
        datei=datei,
        dateiname=dateiname,
        user=user,
        request=request,
        titel=titel or dateien.sicherer_dateiname(dateiname),
        art=art[:50],
        richtung=richtung,
        quelle=Dokument.Quelle.FACHVERFAHREN,
        erlaubt=dateien.DOKUMENT_TYPEN,
        transfervermerk=vermerk,
    )
    return dokument, True

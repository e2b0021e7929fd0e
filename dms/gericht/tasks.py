"""Celery tasks of the court capability (queue `default`): build a court submission or an inspection copy (each
takes an id and is idempotent, `services.auftrag_ausfuehren`); time-stamp a seal, embed its validation data and its
first archive time-stamp, catch up what was missed, renew archive time-stamps; finish a qualified confirmation."""

from __future__ import annotations

from celery import shared_task

from . import archiv, langzeit, qes, services, zeitstempel


@shared_task(name=services.AUFGABE_AKTENVORLAGE, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def aktenvorlage_erstellen(vorlage_id: int) -> None:
    services.aktenvorlage_erstellen(vorlage_id=vorlage_id)


@shared_task(
    name=zeitstempel.AUFGABE_ZEITSTEMPELN,
    autoretry_for=(zeitstempel.ZeitstempelFehler,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
    ignore_result=True,
)
def siegel_zeitstempeln(siegel_id: int) -> None:
    """The RFC 3161 time-stamp of one seal, after its commit, then its validation data (LTV); a TSA failure
    retries (then the beat job)."""
    zeitstempel.siegel_zeitstempeln(siegel_id)
    if langzeit.siegel_langzeitdaten(siegel_id):
        archiv.archiv_sichern(siegel_id)


@shared_task(name=zeitstempel.AUFGABE_NACHHOLEN, ignore_result=True)
def zeitstempel_nachholen() -> None:
    """Beat: time-stamps still missing, then validation data still missing."""
    zeitstempel.zeitstempel_nachholen()
    langzeit.langzeitdaten_nachholen()


@shared_task(name=archiv.AUFGABE_ERNEUERN, ignore_result=True)
def archivzeitstempel_erneuern() -> None:
    """Beat: the first archive time-stamp of seals that have none, renewal of chains that are due (TSA certificate
    expiring, hash algorithm no longer suitable); batched, audited, failures logged and counted."""
    archiv.archivzeitstempel_erneuern()


@shared_task(name=qes.AUFGABE_QES, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def qes_abschliessen(auftrag_id: int) -> None:
    """Embed, time-stamp, complete with validation data, check and store each signature of a qualified
    confirmation (idempotent: a document is confirmed once; what is done is skipped)."""
    qes.qes_abschliessen(auftrag_id=auftrag_id)


@shared_task(name=services.AUFGABE_EINSICHTSKOPIE, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def einsichtskopie_erstellen(kopie_id: int) -> None:
    services.einsichtskopie_erstellen(kopie_id=kopie_id)

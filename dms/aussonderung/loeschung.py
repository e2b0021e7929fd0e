"""Deletion by law with four eyes: requested by one records officer, approved (and carried out) by another.

What remains is the `Loeschung` record (Aktenzeichen, dates, legal basis, who, counts, the archive's decision) and an
audit trail whose entries about the person are pseudonymised (dms.protokoll.pseudonymisierung), so the chain and its
checkpoints still verify.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from dms.audit import Aktion, protokollieren
from dms.gespeicherte_suchen.services import gespeicherte_suchen_entfernen
from dms.models import Akte, DateiBEintrag, Dokument, Person
from dms.protokoll.pseudonymisierung import protokoll_pseudonymisieren

from .loeschen import Loeschumfang, groesse_ermitteln, umfang_loeschen, umfang_sammeln
from .models import Aktenschluss, Anbietungsposten, Loeschsperre, Loeschung
from .zugriff import akten_der_behoerde, eigenes_objekt, schriftgutverwaltung_pruefen

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("dms.aussonderung")


@dataclass(frozen=True)
class Loeschbilanz:
    dokumente: int
    seiten: int
    dateien: int
    bytes: int


def dokumente_loeschen(*, dokument_ids: Iterable[int]) -> tuple[Loeschbilanz, Loeschumfang]:
    """THE one place documents are really deleted: the rows, every version, every row of other apps that points at
    them (a scanned item, a letter), the stored originals, derived PDFs, thumbnails and cached page images (after the
    commit), and the search index entries (in the rows). Call inside the caller's transaction, after the audit trail
    has been pseudonymised (it finds the entries through these documents)."""
    ids = set(dokument_ids)
    with transaction.atomic():
        zahlen = Dokument.objects.filter(pk__in=ids).aggregate(seiten=Sum("seiten"))
        umfang = umfang_sammeln({Dokument: ids})
        dateien, groesse = groesse_ermitteln(umfang)
        umfang_loeschen(umfang)
    return Loeschbilanz(len(ids), zahlen["seiten"] or 0, dateien, groesse), umfang


def freigabe_pruefen(akte: Akte) -> tuple[Aktenschluss, Anbietungsposten]:
    """Refuse unless: retention ended, no legal hold, and the archive released the file (discarded it, confirmed
    taking it over, or let 6 months pass)."""
    schluss = Aktenschluss.objects.filter(akte=akte).first()
    if schluss is None or schluss.faellig_am > timezone.localdate():
        raise ValidationError(f"Die Aufbewahrungsfrist der Akte {akte.aktenzeichen} läuft noch; keine Löschung.")
    if Loeschsperre.objects.filter(akte=akte, aufgehoben_am__isnull=True).exists():
        raise ValidationError(f"Für die Akte {akte.aktenzeichen} besteht eine Löschsperre; keine Löschung.")
    posten = (
        Anbietungsposten.objects.select_related("anbietung")
        .filter(akte=akte)
        .order_by("-anbietung__angeboten_am")
        .first()
    )
    if posten is None or not posten.loeschung_freigegeben:
        raise ValidationError(
            f"Die Akte {akte.aktenzeichen} ist vom Staatsarchiv noch nicht freigegeben (Anbietung, Bewertung, "
            "Übernahme oder Ablauf von sechs Monaten); keine Löschung."
        )
    return schluss, posten


def _akte_fuer(user: User, akte_id: int) -> Akte:
    try:
        return akten_der_behoerde(user).select_related("person").get(pk=akte_id)
    except Akte.DoesNotExist as exc:
        raise Http404 from exc


def loeschung_beantragen(*, akte: Akte, user: User, request: HttpRequest | None = None) -> Loeschung:
    """First pair of eyes: checks the release and records the request; nothing is deleted yet."""
    behoerde_id = schriftgutverwaltung_pruefen(user)
    with transaction.atomic():
        akte = _akte_fuer(user, akte.pk)
        schluss, posten = freigabe_pruefen(akte)
        if Loeschung.objects.filter(akte=akte, status=Loeschung.Status.BEANTRAGT).exists():
            raise ValidationError(f"Für die Akte {akte.aktenzeichen} ist die Löschung bereits beantragt.")
        loeschung = Loeschung.objects.create(
            behoerde_id=behoerde_id,
            akte=akte,
            akte_uuid=akte.uuid,
            aktenzeichen=akte.aktenzeichen,
            grund=schluss.grund,
            ereignis_am=schluss.datum,
            faellig_am=schluss.faellig_am,
            rechtsgrundlage=schluss.rechtsgrundlage,
            regel_version=schluss.regel_version,
            archiv_entscheidung=posten.entscheidung,
            archiv_freigabe_durch_fristablauf=posten.anbietung.bewertet_durch_fristablauf,
            prozess_id=posten.anbietung.prozess_id,
            beantragt_von=user,
        )
        protokollieren(
            aktion=Aktion.LOESCHEN,
            user=user,
            request=request,
            objekt=loeschung,
            details={"aussonderung": "loeschung_beantragt"},
        )
    return loeschung


def loeschung_fuer(user: User, loeschung_id: int) -> Loeschung:
    return eigenes_objekt(Loeschung.objects.all(), user, loeschung_id)


def suchbegriffe(akte: Akte) -> list[str]:
    """Everything a colleague may have typed into the search to find this person or file."""
    p = akte.person
    namen = [
        p.familienname,
        p.vornamen,
        p.geburtsname,
        f"{p.familienname}, {p.vornamen}",
        f"{p.vornamen} {p.familienname}",
    ]
    return [
        b for b in [*namen, *p.namensvarianten, p.azr_nummer or "", akte.aktenzeichen, *akte.fruehere_aktenzeichen] if b
    ]


def loeschung_genehmigen(*, loeschung: Loeschung, user: User, request: HttpRequest | None = None) -> Loeschung:
    """Second pair of eyes: re-checks everything and deletes the file for good."""
    loeschung = loeschung_fuer(user, loeschung.pk)
    with transaction.atomic():
        loeschung = Loeschung.objects.select_for_update().get(pk=loeschung.pk)
        if loeschung.status != Loeschung.Status.BEANTRAGT or loeschung.akte_id is None:
            raise ValidationError("Diese Löschung ist bereits durchgeführt.")
        if loeschung.beantragt_von_id == user.pk:
            raise ValidationError("Vier-Augen-Prinzip: Die Löschung muss eine zweite Person genehmigen.")
        akte = Akte.objects.select_for_update().select_related("person").get(pk=_akte_fuer(user, loeschung.akte_id).pk)
        schluss, _ = freigabe_pruefen(akte)
        bilanz = akte_loeschen(akte=akte, user=user, request=request, rechtsgrundlage=schluss.rechtsgrundlage)
        ps_name, ps_anzahl = bilanz[1]
        Loeschung.objects.filter(pk=loeschung.pk).update(
            status=Loeschung.Status.DURCHGEFUEHRT,
            genehmigt_von=user,
            durchgefuehrt_am=timezone.now(),
            anzahl_dokumente=bilanz[0].dokumente,
            anzahl_seiten=bilanz[0].seiten,
            anzahl_dateien=bilanz[0].dateien,
            bytes_geloescht=bilanz[0].bytes,
            pseudonym=ps_name,
            protokoll_eintraege=ps_anzahl,
        )
        loeschung.refresh_from_db()
        # Written after the pseudonymisation and without the file: this entry names only the deletion record.
        protokollieren(
            aktion=Aktion.LOESCHEN,
            user=user,
            request=request,
            objekt=loeschung,
            details={
                "aussonderung": "loeschung_durchgefuehrt",
                "dokumente": bilanz[0].dokumente,
                "dateien": bilanz[0].dateien,
                "rechtsgrundlage": loeschung.rechtsgrundlage,
            },
        )
        pk = loeschung.pk
        transaction.on_commit(lambda: Loeschung.objects.filter(pk=pk).update(speicher_bereinigt=True))
    logger.info(
        "Aussonderung: Akte gelöscht (Löschnachweis %s, %s Dokumente)", loeschung.pk, loeschung.anzahl_dokumente
    )
    return loeschung


def akte_loeschen(
    *, akte: Akte, user: User | None, rechtsgrundlage: str, request: HttpRequest | None = None
) -> tuple[Loeschbilanz, tuple[str, int]]:
    """Pseudonymise the audit trail, then delete documents, procedures, the file and (if it has no other file) the
    person. Inside the caller's transaction; storage is emptied after the commit."""
    begriffe = suchbegriffe(akte)
    ps = protokoll_pseudonymisieren(
        akte_id=akte.pk, suchbegriffe=begriffe, rechtsgrundlage=rechtsgrundlage, user=user, request=request
    )
    # Notes (dms/notizen) go with their file and documents below (umfang_sammeln finds them by their keys);
    # saved searches are the users' own rows with no key to the file: those for the person's names go here.
    gespeicherte_suchen_entfernen(suchbegriffe=begriffe, user=user, request=request)
    bilanz, _ = dokumente_loeschen(dokument_ids=Dokument.objects.filter(akte=akte).values_list("pk", flat=True))
    wurzeln: dict[type[models.Model], set[int]] = {Akte: {akte.pk}}
    if not Akte.objects.filter(person_id=akte.person_id).exclude(pk=akte.pk).exists():
        wurzeln[Person] = {akte.person_id}
    rest = umfang_sammeln(wurzeln)
    dateien, groesse = groesse_ermitteln(rest)
    umfang_loeschen(rest)
    gesamt = Loeschbilanz(bilanz.dokumente, bilanz.seiten, bilanz.dateien + dateien, bilanz.bytes + groesse)
    return gesamt, (ps.pseudonym, ps.anzahl)


def datei_b_bereinigen(*, heute: object | None = None) -> int:
    """Beat: delete Datei-B entries whose deletion date has come (§§ 67, 68 AufenthV); the audit keeps only a count."""
    stichtag = heute or timezone.localdate()
    with transaction.atomic():
        faellig = DateiBEintrag.objects.filter(loeschen_am__lte=stichtag)
        je_behoerde: dict[int, int] = {}
        for behoerde_id in faellig.values_list("behoerde_id", flat=True):
            je_behoerde[behoerde_id] = je_behoerde.get(behoerde_id, 0) + 1
        anzahl, _ = faellig.delete()
        for behoerde_id, n in je_behoerde.items():
            protokollieren(
                aktion=Aktion.LOESCHEN,
                benutzername="System (Aussonderung)",
                details={"aussonderung": "datei_b_geloescht", "behoerde": behoerde_id, "anzahl": n},
            )
    return anzahl

"""The archive's per-file import result (xdomea 0506 AussonderungImportBestaetigen) and its receipt of the hand-over
(0507 AussonderungEmpfangBestaetigen).

Archive law allows deleting a file the archive takes only once the archive has confirmed taking over THAT file: a
0506 entry with Erfolgreich=1 releases it (`Anbietungsposten.archiviert`), an entry with Erfolgreich=0 keeps it, with
the archive's reason shown to the records officer, who may offer it again. The 0507 only says the 0503 arrived; it
releases nothing. A message naming a file that was not handed over in this process is refused whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from dms.audit import Aktion, protokollieren

from .models import Aktenschluss, Anbietung, Anbietungsposten

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from .nachrichten import Importergebnis

KEIN_GRUND = "Das Staatsarchiv hat keinen Grund angegeben."


def aussonderung_empfangen(anbietung: Anbietung) -> None:
    """0507: the archive received our 0503. Recorded once; a repeat changes nothing."""
    if anbietung.uebergeben_am is None:
        raise ValidationError(
            "Das Staatsarchiv bestätigt den Empfang einer Aussonderung (0507), die noch nicht übergeben wurde; "
            "die Nachricht wurde nicht verarbeitet."
        )
    if anbietung.aussonderung_empfangen_am is None:
        Anbietung.objects.filter(pk=anbietung.pk).update(aussonderung_empfangen_am=timezone.now())
        anbietung.refresh_from_db()


def _pruefen(anbietung: Anbietung, ergebnisse: dict[str, Importergebnis]) -> dict[str, Anbietungsposten]:
    """Refuse the whole message (nothing changed, nothing released) for anything that does not fit."""
    if anbietung.uebergeben_am is None:
        raise ValidationError(
            "Zu dieser Anbietung wurde noch keine Aussonderung (0503) übergeben; die Importbestätigung (0506) wurde "
            "nicht verarbeitet, keine Akte wurde zur Löschung freigegeben."
        )
    posten = {str(p.akte_uuid): p for p in anbietung.posten.filter(uebergeben=True)}
    fremd = sorted(set(ergebnisse) - set(posten))
    if fremd:
        raise ValidationError(
            "Die Importbestätigung (0506) des Staatsarchivs nennt Schriftgutobjekte, die mit dieser Aussonderung "
            f"nicht übergeben wurden ({', '.join(fremd[:3])}{' …' if len(fremd) > 3 else ''}). Sie wurde nicht "
            "verarbeitet, keine Akte wurde zur Löschung freigegeben. Bitte klären Sie das mit dem Staatsarchiv."
        )
    for uid, ergebnis in ergebnisse.items():
        p = posten[uid]
        # Only a take-over the archive itself confirmed (0506) is final; a release of the old rule is not.
        if p.archiviert and p.uebernahme_gemeldet_am is not None and not ergebnis.erfolgreich:
            raise ValidationError(
                f"Die Importbestätigung (0506) meldet für die Akte {p.aktenzeichen} einen Fehler, obwohl das "
                "Staatsarchiv die Übernahme bereits bestätigt hat; sie wurde nicht verarbeitet. Bitte klären Sie das "
                "mit dem Staatsarchiv."
            )
    return posten


def uebernahme_eintragen(
    *,
    anbietung: Anbietung,
    ergebnisse: dict[str, Importergebnis],
    user: User | None,
    request: HttpRequest | None,
    benutzername: str,
) -> dict[str, int]:
    """0506: per file, taken over (released for deletion) or failed (kept, with the archive's reason). Idempotent:
    a file reported again with the same result is left as it is. Call inside the caller's transaction."""
    posten = _pruefen(anbietung, ergebnisse)
    jetzt = timezone.now()
    zahlen = {"uebernommen": 0, "fehlgeschlagen": 0, "unveraendert": 0}
    for uid, ergebnis in sorted(ergebnisse.items()):
        p = posten[uid]
        meldung = "" if ergebnis.erfolgreich else (ergebnis.meldung or KEIN_GRUND)
        if p.uebernahme_gemeldet_am is not None and (p.archiviert, p.archiv_meldung) == (ergebnis.erfolgreich, meldung):
            zahlen["unveraendert"] += 1
            continue
        Anbietungsposten.objects.filter(pk=p.pk).update(
            archiviert=ergebnis.erfolgreich,
            uebernahme_fehlgeschlagen=not ergebnis.erfolgreich,
            archiv_meldung=meldung,
            archivkennung=ergebnis.archivkennung,
            uebernahme_gemeldet_am=jetzt,
        )
        if p.akte_id is not None:
            neu = Aktenschluss.Status.FREIGEGEBEN if ergebnis.erfolgreich else Aktenschluss.Status.FEHLGESCHLAGEN
            Aktenschluss.objects.filter(akte_id=p.akte_id).update(status=neu)
        schritt = "uebernahme_bestaetigt" if ergebnis.erfolgreich else "uebernahme_fehlgeschlagen"
        zahlen["uebernommen" if ergebnis.erfolgreich else "fehlgeschlagen"] += 1
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            benutzername=benutzername,
            objekt=p.akte if p.akte_id is not None else anbietung,
            details={
                "aussonderung": schritt,
                "xdomea": "0506",
                "prozess_id": str(anbietung.prozess_id),
                "aktenzeichen": p.aktenzeichen,
            },
        )
    offen = anbietung.posten.filter(uebergeben=True, uebernahme_gemeldet_am__isnull=True).exists()
    if not offen and anbietung.status == Anbietung.Status.UEBERGEBEN:
        Anbietung.objects.filter(pk=anbietung.pk).update(status=Anbietung.Status.ABGESCHLOSSEN, abgeschlossen_am=jetzt)
    anbietung.refresh_from_db()
    return zahlen

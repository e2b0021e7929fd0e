"""Reading the audit trail as the Revision: which entries belong to her authority, and the filters (person, file,
user, action, period) the page `/protokoll/` and the API `/api/v1/protokoll/` share."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from dms.access import zugang
from dms.eingaben import id_lesen
from dms.models import Akte, Person, Protokolleintrag
from dms.permissions_matrix import darf
from dms.queries import akte_schnellsuche_q

FILTER = ("person", "aktenzeichen", "user", "aktion", "von", "bis")


def protokoll_der_behoerde(user: Any) -> QuerySet[Protokolleintrag]:
    """Entries by the authority's users, about its files (also reads by inspecting authorities), failed logins."""
    z = zugang(user)
    if z.behoerde_id is None or not darf(user, "protokoll_lesen"):
        return Protokolleintrag.objects.none()
    eigene_akten = Akte.objects.filter(behoerde_id=z.behoerde_id).values("pk")
    eigene_namen = get_user_model().objects.filter(mitgliedschaft__behoerde_id=z.behoerde_id).values("username")
    return Protokolleintrag.objects.filter(
        Q(behoerde_id_wert=z.behoerde_id)
        | Q(akte_id_wert__in=eigene_akten)
        | Q(behoerde_id_wert__isnull=True, benutzername__in=eigene_namen)
    )


def _datum(params: Any, name: str) -> dt.date | None:
    wert = str(params.get(name) or "").strip()
    if not wert:
        return None
    try:
        return dt.date.fromisoformat(wert)
    except ValueError as exc:
        raise ValidationError({name: ["Bitte ein Datum im Format JJJJ-MM-TT angeben."]}) from exc


def datum_iso(wert: str, name: str) -> str:
    """A date typed on the page (TT.MM.JJJJ, as Germans write it) as the filters' ISO form; empty stays empty."""
    wert = wert.strip()
    if not wert:
        return ""
    try:
        return dt.datetime.strptime(wert, "%d.%m.%Y").date().isoformat()
    except ValueError as exc:
        raise ValidationError(
            {name: [f"„{wert}“ ist kein Datum. Bitte als TT.MM.JJJJ angeben, z. B. 01.12.2026."]}
        ) from exc


def _person_q(user: Any, person: str) -> Q:
    """Entries about the person's files or the person herself (name, AZR-Nummer or date of birth), own authority."""
    behoerde_id = zugang(user).behoerde_id or 0
    akten = Akte.objects.filter(behoerde_id=behoerde_id).filter(akte_schnellsuche_q(person))
    personen = Person.objects.filter(behoerde_id=behoerde_id, pk__in=akten.values("person_id")).values_list(
        "pk", flat=True
    )[:500]
    return Q(akte_id_wert__in=akten.values("pk")) | Q(objekt_typ="person", objekt_id__in=[str(p) for p in personen])


def protokoll_filtern(qs: QuerySet[Protokolleintrag], params: Any, user: Any = None) -> QuerySet[Protokolleintrag]:
    """Apply the filters; a malformed value is a ValidationError naming the field, never a 500 or a full list."""
    if benutzer := str(params.get("user") or "").strip():
        if benutzer.isdigit():
            # any digits, "²" too: an id or nothing, never a name (dms.eingaben.id_lesen)
            qs = qs.filter(user_id=uid) if (uid := id_lesen(benutzer)) is not None else qs.none()
        else:
            qs = qs.filter(benutzername__iexact=benutzer)
    if az := str(params.get("aktenzeichen") or "").strip():
        qs = qs.filter(aktenzeichen__iexact=az)
    if (person := str(params.get("person") or "").strip()[:100]) and user is not None:
        qs = qs.filter(_person_q(user, person))
    if aktion := str(params.get("aktion") or "").strip():
        if aktion not in Protokolleintrag.Aktion.values:
            raise ValidationError(
                {"aktion": [f"Unbekannte Aktion. Erlaubt: {', '.join(Protokolleintrag.Aktion.values)}"]}
            )
        qs = qs.filter(aktion=aktion)
    tz = timezone.get_current_timezone()
    if von := _datum(params, "von"):
        qs = qs.filter(zeitpunkt__gte=dt.datetime.combine(von, dt.time.min, tzinfo=tz))
    if bis := _datum(params, "bis"):
        qs = qs.filter(zeitpunkt__lte=dt.datetime.combine(bis, dt.time.max, tzinfo=tz))
    return qs.order_by("-id")


def details_json(details: Any) -> str:
    """The entry's details as JSON (the CSV's column, the page's readable form source), German characters kept."""
    return json.dumps(details if details is not None else {}, ensure_ascii=False, sort_keys=True, default=str)


def details_lesbar(details: Any) -> list[tuple[str, str]]:
    """The details as (key, value) pairs for a person to read: nested values as compact JSON."""
    if not isinstance(details, dict):
        return [("", details_json(details))] if details else []
    paare = []
    for schluessel, wert in sorted(details.items()):
        if isinstance(wert, (dict, list)):
            text = details_json(wert)
        elif wert is True:
            text = "ja"
        elif wert is False:
            text = "nein"
        else:
            text = "" if wert is None else str(wert)
        paare.append((str(schluessel).replace("_", " "), text))
    return paare

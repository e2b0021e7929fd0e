"""The audit trail as a page for the Revision: filters (person, file, user, action, period), readable German rows,
pages of 100, and the CSV export of exactly what is filtered (the API's export, audited there)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Protokolleintrag
from dms.permissions_matrix import darf
from dms.protokoll.abfrage import FILTER, datum_iso, details_lesbar, protokoll_der_behoerde, protokoll_filtern

from .common import fehlertexte

SEITE = 100
OBJEKTE = {
    "akte": "Akte",
    "dokument": "Dokument",
    "dokumentversion": "Dokumentversion",
    "vorgang": "Vorgang",
    "person": "Person",
    "posteingang": "Posteingang",
    "user": "Benutzer",
    "mitgliedschaft": "Mitgliedschaft",
    "team": "Team",
    "vertretung": "Vertretung",
    "akteneinsicht": "Akteneinsicht",
}


@login_required
@require_GET
def protokoll(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not darf(request.user, "protokoll_lesen"):
        raise PermissionDenied("Nur die Revision (Datenschutz) darf das Protokoll lesen.")
    filter_ = {f: (request.GET.get(f) or "").strip()[:100] for f in FILTER}
    fehler: list[str] = []
    iso: dict[str, str] = {}
    try:
        iso = {**filter_, "von": datum_iso(filter_["von"], "von"), "bis": datum_iso(filter_["bis"], "bis")}
        qs = protokoll_filtern(protokoll_der_behoerde(request.user), iso, request.user)
    except ValidationError as exc:
        fehler = fehlertexte(exc)
        qs = Protokolleintrag.objects.none()
    seite = Paginator(qs.select_related("im_auftrag_von"), SEITE).get_page(request.GET.get("seite"))
    gesetzt = {k: v for k, v in filter_.items() if v}
    export = {k: v for k, v in (iso if not fehler else {}).items() if v}
    # One entry per search, never one per row (the API does the same).
    protokollieren(aktion=Aktion.SUCHE, request=request, details={"protokoll": gesetzt})
    zeilen: list[dict[str, Any]] = [
        {
            "e": e,
            "objekt": OBJEKTE.get(e.objekt_typ, e.objekt_typ),
            "details": details_lesbar(e.details),
        }
        for e in seite.object_list
    ]
    kontext = {
        "filter": filter_,
        "fehler": fehler,
        "seite": seite,
        "zeilen": zeilen,
        "aktionen": Protokolleintrag.Aktion.choices,
        "export_url": reverse("api-protokoll-export") + ("?" + urlencode(export) if export else ""),
        "abfrage": urlencode(gesetzt),
    }
    return render(request, "dms/protokoll.html", kontext)

"""GET /api/v1/suche/?q= : files, documents and notes the caller may see, grouped by file, with highlighted snippets;
then items waiting in the in-trays she sees (`{"posteingang": {"id", "status", "eingegangen_am"}, "snippet"}`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedRequest
from dms.suche import Filter, protokoll_details, suchen


class SucheView(APIView):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Volltext, Name, Aktenzeichen, AZR-Nummer oder Geburtsdatum"),
            OpenApiParameter("register", str, description="Registernummer, z. B. 03"),
            OpenApiParameter("vorgangsart", str, description="Schlüssel der Vorgangsart"),
            OpenApiParameter("von", str, description="Eingangsdatum ab (YYYY-MM-DD)"),
            OpenApiParameter("bis", str, description="Eingangsdatum bis (YYYY-MM-DD)"),
        ],
        responses={200: dict},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        q = (request.query_params.get("q") or "").strip()
        if not q:
            return Response({"q": ["Bitte geben Sie einen Suchbegriff an."]}, status=400)
        ergebnis = suchen(request.user, q, Filter.aus(request.query_params))
        protokollieren(
            aktion=Aktion.SUCHE,
            request=request,
            details=protokoll_details(
                q, len(ergebnis.gruppen), notizen=ergebnis.notizen_gesamt, weitere=len(ergebnis.weitere), api=True
            ),
        )
        results: list[dict[str, Any]] = [
            {
                "akte": {
                    "id": g.akte.pk,
                    "aktenzeichen": g.akte.aktenzeichen,
                    "person": str(g.akte.person),
                    "status": g.akte.status,
                },
                "grund": g.grund,
                "dokumente": [
                    {
                        "id": d.id,
                        "titel": d.titel,
                        "register": d.register,
                        "eingangsdatum": d.eingangsdatum,
                        "snippet": str(d.snippet),
                    }
                    for d in g.dokumente
                ],
                "notizen": [
                    {
                        "id": n.id,
                        "dokument": n.dokument_id,
                        "verfasst_von": n.verfasst_von,
                        "angelegt_am": n.angelegt_am,
                        "snippet": str(n.snippet),
                    }
                    for n in g.notizen
                ],
            }
            for g in ergebnis.gruppen
        ]
        results += [
            {
                t.art: {"id": t.id, "status": t.status, "eingegangen_am": t.eingegangen_am},
                "titel": t.titel,
                "snippet": str(t.snippet),
            }
            for t in ergebnis.weitere
        ]
        return Response(
            {
                "count": len(results),
                "next": None,
                "previous": None,
                "dokumente_gesamt": ergebnis.dokumente_gesamt,
                "begrenzt": ergebnis.begrenzt,
                "notizen_gesamt": ergebnis.notizen_gesamt,
                "results": results,
            }
        )

"""API of the electronic intake: signed submissions of online services (FIT-Connect-style receiver)."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import plattform, services

logger = logging.getLogger("scanning.eingang")


class PlattformDrossel(AnonRateThrottle):
    rate = "120/min"


class EinreichungView(APIView):
    """POST a submission: JSON `{"dienst", "postleitzahl"?, "daten", "anlagen": [{"dateiname", "art", "inhalt"}]}`
    (`inhalt` base64); 202 with the in-tray item. No login: the platform's signature is the authentication."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [PlattformDrossel]

    @extend_schema(
        parameters=[
            OpenApiParameter("X-Plattform", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Zeitstempel", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Einreichung", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Signatur", str, OpenApiParameter.HEADER, required=True),
        ],
        request=inline_serializer(
            "Einreichung",
            {
                "dienst": serializers.CharField(),
                "postleitzahl": serializers.CharField(required=False),
                "daten": serializers.DictField(),
                "anlagen": serializers.ListField(child=serializers.DictField(), required=False),
            },
        ),
        responses={202: inline_serializer("Eingangsbestaetigung", {"posteingang": serializers.IntegerField()})},
    )
    def post(self, request: Request) -> Response:
        body = request.body
        einreichung = request.headers.get("X-Einreichung", "")
        try:
            quelle = plattform.pruefen(
                kennung=request.headers.get("X-Plattform", ""),
                zeitstempel=request.headers.get("X-Zeitstempel", ""),
                einreichung=einreichung,
                signatur=request.headers.get("X-Signatur", ""),
                body=body,
            )
        except plattform.SignaturFehler as exc:
            logger.warning("Einreichung %r abgewiesen: %s", einreichung[:100], exc.meldung)
            return Response({"detail": exc.meldung}, status=status.HTTP_401_UNAUTHORIZED)
        try:
            nutzlast = json.loads(body)
            if not isinstance(nutzlast, dict) or not isinstance(nutzlast.get("daten"), dict):
                raise ValueError("daten")
            anlagen = [
                services.Anlage(
                    dateiname=str(a.get("dateiname") or "anlage"),
                    daten=base64.b64decode(str(a.get("inhalt") or ""), validate=True),
                    art=str(a.get("art") or ""),
                )
                for a in nutzlast.get("anlagen") or []
            ]
        except (ValueError, TypeError, AttributeError, binascii.Error):
            return Response(
                {"detail": "Ungültige Einreichung: JSON mit „daten“ (Objekt) und Anlagen in Base64 erwartet."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        daten: dict[str, Any] = dict(nutzlast["daten"])
        if "postleitzahl" in nutzlast:
            daten.setdefault("postleitzahl", str(nutzlast["postleitzahl"]))
        try:
            antrag = services.onlineantrag_annehmen(
                dienst=str(nutzlast.get("dienst") or "sonstiger")[:40],
                daten=daten,
                anlagen=anlagen,
                einreichung=einreichung,
                plattform=quelle,
                request=request,
            )
        except services.Wiederholung as exc:
            logger.warning("Einreichung %s von %s wiederholt: abgewiesen", einreichung, quelle.kennung)
            return Response(exc.message_dict, status=status.HTTP_409_CONFLICT)
        except services.Zustaendigkeitsfehler as exc:
            return Response(exc.message_dict, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        except ValidationError as exc:
            logger.info("Einreichung %s abgewiesen: %s", einreichung, exc.messages)
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"posteingang": antrag.posteingang_id, "behoerde": antrag.behoerde.kuerzel, "einreichung": einreichung},
            status=status.HTTP_202_ACCEPTED,
        )

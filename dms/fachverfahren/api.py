"""API for the Fachverfahren: push documents into a file by AZR-Nummer or case id; link a case id to a file."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.api.serializers import DokumentSerializer
from dms.api.views import DarfAendern, mit_aktueller_sha
from dms.http import AuthenticatedRequest
from dms.models import Dokument

from . import services


class EinstellenSerializer(serializers.Serializer):
    datei = serializers.FileField()
    referenz = serializers.CharField(max_length=200)
    azr_nummer = serializers.RegexField(r"^\d{12}$", required=False, allow_blank=True)
    kennung = serializers.CharField(max_length=100, required=False, allow_blank=True)
    titel = serializers.CharField(max_length=300, required=False, allow_blank=True)
    art = serializers.CharField(max_length=50, required=False, default="bescheid")
    richtung = serializers.ChoiceField(choices=Dokument.Richtung.choices, default=Dokument.Richtung.AUSGANG)
    register = serializers.CharField(max_length=5, required=False, allow_blank=True)


class VerknuepfenSerializer(serializers.Serializer):
    azr_nummer = serializers.RegexField(r"^\d{12}$")
    kennung = serializers.CharField(max_length=100)


class DokumentEinstellenView(APIView):
    """POST multipart: a decision or letter of the Fachverfahren into the file (201 new, 200 already there)."""

    permission_classes = [permissions.IsAuthenticated, DarfAendern]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": EinstellenSerializer}, responses={201: DokumentSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        eingabe = EinstellenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        d: dict[str, Any] = eingabe.validated_data
        dokument, neu = services.dokument_einstellen(
            user=request.user,
            request=request,
            datei=d["datei"],
            dateiname=d["datei"].name or "dokument",
            referenz=d["referenz"],
            azr_nummer=d.get("azr_nummer", ""),
            kennung=d.get("kennung", ""),
            titel=d.get("titel", ""),
            art=d.get("art") or "bescheid",
            richtung=d["richtung"],
            register_nummer=d.get("register", ""),
        )
        dokument = mit_aktueller_sha(Dokument.objects.filter(pk=dokument.pk)).select_related("register").get()
        return Response(
            DokumentSerializer(dokument).data, status=status.HTTP_201_CREATED if neu else status.HTTP_200_OK
        )


class VerknuepfenView(APIView):
    """POST {"azr_nummer", "kennung"}: store the Fachverfahren's case id on the file (for deep links and pushes)."""

    permission_classes = [permissions.IsAuthenticated, DarfAendern]
    parser_classes = [JSONParser]

    @extend_schema(request=VerknuepfenSerializer, responses={200: None})
    def post(self, request: AuthenticatedRequest) -> Response:
        eingabe = VerknuepfenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        akte = services.akte_finden(user=request.user, azr_nummer=eingabe.validated_data["azr_nummer"], aendern=True)
        akte = services.kennung_setzen(akte=akte, kennung=eingabe.validated_data["kennung"], user=request.user,
                                       request=request)  # fmt: skip
        return Response({"akte": akte.pk, "aktenzeichen": akte.aktenzeichen, "kennung": akte.fachverfahren_kennung})

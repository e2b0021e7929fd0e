"""REST API of the Postausgang: /api/v1/postausgang/ (draft -> freigeben -> versenden) and the provider's callback."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.access import zugang
from dms.api.serializers import AenderbareAkteField, AenderbarerVorgangField
from dms.api.views import DarfAendern, datei_antwort
from dms.eingaben import id_lesen
from dms.http import AuthenticatedRequest

from . import anbieter, services, umwandlung
from .models import Ausgangsschreiben, Briefvorlage

logger = logging.getLogger("dms.postausgang")


@extend_schema_field(OpenApiTypes.INT)
class EigeneVorlageField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Briefvorlage.objects.fuer_behoerde(zugang(request.user if request else None).behoerde_id)


class BriefvorlageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Briefvorlage
        fields = ["id", "name", "betreff", "vier_augen", "register_nummer", "dokumentart", "felder"]


class AusgangsschreibenSerializer(serializers.ModelSerializer):
    status_anzeige = serializers.CharField(source="get_status_display", read_only=True)
    verfasst_von = serializers.CharField(source="verfasst_von.username", read_only=True)
    freigegeben_von = serializers.CharField(source="freigegeben_von.username", read_only=True, default=None)

    class Meta:
        model = Ausgangsschreiben
        fields = [
            "id",
            "akte",
            "vorgang",
            "vorlage",
            "felder",
            "status",
            "status_anzeige",
            "freigabe_noetig",
            "verfasst_von",
            "freigegeben_von",
            "freigegeben_am",
            "dokument",
            "versandweg",
            "sendungsnummer",
            "umwandlung_meldung",
            "umwandlung_versuche",
            "anbieter_meldung",
            "versandversuche",
            "statusverlauf",
            "angelegt_am",
        ]
        read_only_fields = fields


class AnlegenSerializer(serializers.Serializer):
    akte = AenderbareAkteField()
    vorlage = EigeneVorlageField()
    vorgang = AenderbarerVorgangField(required=False, allow_null=True)
    felder = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=20000), required=False)


class AendernSerializer(serializers.Serializer):
    felder = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=20000))


class VersendenSerializer(serializers.Serializer):
    weg = serializers.ChoiceField(
        choices=Ausgangsschreiben.Versandweg.choices, default=Ausgangsschreiben.Versandweg.HYBRIDPOST
    )


class BriefvorlageViewSet(viewsets.ReadOnlyModelViewSet):
    """The authority's active letter templates (maintained by its admin in Django admin)."""

    serializer_class = BriefvorlageSerializer

    def get_queryset(self) -> QuerySet[Briefvorlage]:
        z = zugang(self.request.user)
        if not z.hat_aktenzugang:
            return Briefvorlage.objects.none()
        return Briefvorlage.objects.fuer_behoerde(z.behoerde_id).order_by("name", "id")


class AusgangsschreibenViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated, DarfAendern]
    serializer_class = AusgangsschreibenSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Ausgangsschreiben]:
        qs = Ausgangsschreiben.objects.visible_to(self.request.user).select_related("verfasst_von", "freigegeben_von")
        params = self.request.query_params
        if (akte := params.get("akte")) is not None:
            qs = qs.filter(akte_id=aid) if (aid := id_lesen(akte)) is not None else qs.none()
        if st := params.get("status"):
            qs = qs.filter(status=st) if st in Ausgangsschreiben.Status.values else qs.none()
        return qs.order_by("-angelegt_am", "-id")

    @extend_schema(request=AnlegenSerializer, responses={201: AusgangsschreibenSerializer})
    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        eingabe = AnlegenSerializer(data=request.data, context=self.get_serializer_context())
        eingabe.is_valid(raise_exception=True)
        d = eingabe.validated_data
        s = services.schreiben_anlegen(
            akte=d["akte"],
            vorlage=d["vorlage"],
            vorgang=d.get("vorgang"),
            felder=d.get("felder"),
            user=request.user,
            request=request,
        )
        return Response(AusgangsschreibenSerializer(s).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AendernSerializer, responses={200: AusgangsschreibenSerializer})
    def partial_update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        eingabe = AendernSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        s = services.schreiben_aendern(
            schreiben=self.get_object(), felder=eingabe.validated_data["felder"], user=request.user, request=request
        )
        return Response(AusgangsschreibenSerializer(s).data)

    @extend_schema(request=None, responses={200: AusgangsschreibenSerializer})
    @action(detail=True, methods=["post"])
    def freigeben(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        s = services.schreiben_freigeben(schreiben=self.get_object(), user=request.user, request=request)
        return Response(AusgangsschreibenSerializer(s).data)

    @extend_schema(request=None, responses={200: AusgangsschreibenSerializer})
    @action(detail=True, methods=["post"])
    def umwandeln(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Retry the PDF/A conversion of a letter whose conversion failed (status `umwandlungsfehler`)."""
        s = umwandlung.umwandlung_wiederholen(schreiben=self.get_object(), user=request.user, request=request)
        return Response(AusgangsschreibenSerializer(s).data)

    @extend_schema(request=VersendenSerializer, responses={200: AusgangsschreibenSerializer})
    @action(detail=True, methods=["post"])
    def versenden(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        eingabe = VersendenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        s = services.schreiben_versenden(
            schreiben=self.get_object(), weg=eingabe.validated_data["weg"], user=request.user, request=request
        )
        return Response(AusgangsschreibenSerializer(s).data)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request: AuthenticatedRequest, pk: str | None = None) -> Any:
        """The filed PDF/A of an approved letter (for local printing)."""
        s = self.get_object()
        if s.dokument is None:
            raise Http404
        version = s.dokument.versionen.order_by("nummer").first()
        if version is None:
            raise Http404
        return datei_antwort(request, s.dokument, version, original=True)


class RueckmeldungView(APIView):
    """Status callback of the hybrid-mail provider, signed with HMAC-SHA256 (header X-Hybridpost-Signatur)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=inline_serializer(
            "Rueckmeldung",
            {
                "sendungsnummer": serializers.CharField(),
                "status": serializers.CharField(),
                "grund": serializers.CharField(),
            },
        ),
        responses={204: None},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        body = request.body
        if not anbieter.signatur_gueltig(body, request.headers.get("X-Hybridpost-Signatur", "")):
            logger.warning("Hybridpost-Rueckmeldung mit ungueltiger Signatur von %s", request.META.get("REMOTE_ADDR"))
            return Response({"detail": "Signatur fehlt oder ist ungültig."}, status=status.HTTP_403_FORBIDDEN)
        try:
            daten = json.loads(body)
            nummer, st = str(daten["sendungsnummer"]), str(daten["status"])
            grund = str(daten.get("grund") or "")
        except (ValueError, KeyError, TypeError):
            return Response({"detail": "Ungültige Rückmeldung (JSON mit sendungsnummer und status erwartet)."}, 400)
        try:
            services.rueckmeldung_verarbeiten(sendungsnummer=nummer, status=st, grund=grund)
        except Ausgangsschreiben.DoesNotExist:
            return Response({"detail": "Unbekannte Sendungsnummer."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)

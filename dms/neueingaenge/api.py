"""GET /api/v1/neueingaenge/ and POST /api/v1/neueingaenge/{dokument}/gelesen/."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.http import AuthenticatedRequest
from dms.models import Dokument

from . import services
from .models import Neueingang
from .queries import neueingaenge_fuer


class NeueingangSerializer(serializers.ModelSerializer):
    dokument = serializers.IntegerField(source="dokument_id", read_only=True)
    akte = serializers.IntegerField(source="akte_id", read_only=True)
    aktenzeichen = serializers.CharField(source="akte.aktenzeichen", read_only=True)
    titel = serializers.CharField(source="dokument.titel", read_only=True)
    eingangsdatum = serializers.DateField(source="dokument.eingangsdatum", read_only=True)

    class Meta:
        model = Neueingang
        fields = ["dokument", "akte", "aktenzeichen", "titel", "eingangsdatum", "quelle", "eingestellt_am"]


class NeueingaengeView(generics.ListAPIView):
    """New documents in files the caller is responsible for or substitutes for (or her team holds), unread."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    serializer_class = NeueingangSerializer

    def get_queryset(self) -> QuerySet[Neueingang]:
        return (
            neueingaenge_fuer(self.request.user).select_related("akte", "dokument").order_by("-eingestellt_am", "-id")
        )


class NeueingangGelesenView(APIView):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    @extend_schema(request=None, responses={204: None})
    def post(self, request: AuthenticatedRequest, dokument: int) -> Response:
        gefunden = get_object_or_404(Dokument.objects.visible_to(request.user).select_related("akte"), pk=dokument)
        services.neueingang_gelesen(dokument=gefunden, user=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

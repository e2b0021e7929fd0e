"""GET, POST /api/v1/wiedervorlagen/: the caller's (and substituted colleagues') open resubmissions, due first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response

from dms.api.serializers import AenderbareAkteField
from dms.api.views import DarfAendern
from dms.http import AuthenticatedRequest
from dms.models import Akte, Dokument, Vorgang

from . import services
from .models import Wiedervorlage
from .queries import offene_wiedervorlagen


class AenderbarerGegenstandField(serializers.PrimaryKeyRelatedField):
    modell: Any = None

    def get_queryset(self) -> Any:
        user = self.context["request"].user
        return self.modell.objects.filter(akte__in=Akte.objects.changeable_by(user))


class VorgangFeld(AenderbarerGegenstandField):
    modell = Vorgang


class DokumentFeld(AenderbarerGegenstandField):
    modell = Dokument


class WiedervorlageSerializer(serializers.ModelSerializer):
    akte = AenderbareAkteField(required=False)
    vorgang = VorgangFeld(required=False, allow_null=True)
    dokument = DokumentFeld(required=False, allow_null=True)
    zustaendig = serializers.IntegerField(source="zustaendig_id", read_only=True)

    class Meta:
        model = Wiedervorlage
        fields = ["id", "akte", "vorgang", "dokument", "faellig_am", "notiz", "zustaendig", "erledigt_am"]
        read_only_fields = ["erledigt_am"]


class WiedervorlagenView(generics.ListCreateAPIView):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    serializer_class = WiedervorlageSerializer
    permission_classes = [permissions.IsAuthenticated, DarfAendern]

    def get_queryset(self) -> QuerySet[Wiedervorlage]:
        return offene_wiedervorlagen(self.request.user)

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        eingabe = WiedervorlageSerializer(data=request.data, context=self.get_serializer_context())
        eingabe.is_valid(raise_exception=True)
        daten = eingabe.validated_data
        wv = services.wiedervorlage_anlegen(
            user=request.user,
            akte=daten.get("akte"),
            vorgang=daten.get("vorgang"),
            dokument=daten.get("dokument"),
            faellig_am=daten["faellig_am"],
            notiz=daten.get("notiz", ""),
            request=request,
        )
        return Response(
            WiedervorlageSerializer(wv, context=self.get_serializer_context()).data, status.HTTP_201_CREATED
        )

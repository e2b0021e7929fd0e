"""POST /api/v1/dokumente/{id}/umlegen/: move a misfiled document into another file of the same authority."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dms import services
from dms.http import AuthenticatedRequest
from dms.models import Akte, Dokument, Register, Vorgang

from . import serializers as s
from .views import DarfAendern, mit_aktueller_sha


class UmlegenSerializer(serializers.Serializer):
    akte = serializers.IntegerField(min_value=1)
    register = s.RegisterNummerField(slug_field="nummer", queryset=Register.objects.aktiv(), required=False)
    vorgang = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    grund = serializers.CharField(max_length=500, allow_blank=False, trim_whitespace=True)


class DokumentUmlegenView(APIView):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfAendern]

    @extend_schema(request=UmlegenSerializer, responses={200: s.DokumentSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        dokument = get_object_or_404(Dokument.objects.visible_to(request.user).select_related("register"), pk=pk)
        eingabe = UmlegenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        daten: dict[str, Any] = dict(eingabe.validated_data)
        # A target the caller may not see is "not found", like any other object outside her view.
        ziel = get_object_or_404(Akte.objects.visible_to(request.user), pk=daten["akte"])
        vorgang = None
        if daten.get("vorgang"):
            vorgang = Vorgang.objects.filter(akte=ziel, pk=daten["vorgang"]).first()
            if vorgang is None:
                raise serializers.ValidationError({"vorgang": ["Der Vorgang gehört nicht zur Zielakte."]})
        dokument = services.dokument_umlegen(
            dokument=dokument,
            akte=ziel,
            register=daten.get("register"),
            vorgang=vorgang,
            grund=daten["grund"],
            user=request.user,
            request=request,
        )
        antwort = mit_aktueller_sha(Dokument.objects.filter(pk=dokument.pk)).select_related("register").get()
        return Response(s.DokumentSerializer(antwort).data)

"""Posteingang API: POST a scan (201 at once, OCR in the background), list, detail, quarantined original."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.eingaben import datum_lesen
from dms.http import AuthenticatedRequest
from dms.models import Akte, Behoerde, Register, Vorgang
from dms.queries import besetzte_teams, eigene_behoerde_id

from .. import services
from ..models import Posteingang
from ..postkorb import services as sammel
from . import serializers as s


class HatAktenzugang(permissions.BasePermission):
    message = "Ihre Rolle hat keinen Zugang zum Posteingang."

    def has_permission(self, request: Request, view: Any) -> bool:
        return zugang(request.user).hat_postzugang


def posteingang_filtern(qs: QuerySet[Posteingang], params: Any) -> QuerySet[Posteingang]:
    """?status= ?von=YYYY-MM-DD ?bis=YYYY-MM-DD ?quelle= ; malformed values give an empty list, never an error."""
    if st := params.get("status"):
        qs = qs.filter(status=st) if st in Posteingang.Status.values else qs.none()
    if quelle := params.get("quelle"):
        qs = qs.filter(quelle=quelle)
    for feld, lookup in (("von", "eingegangen_am__date__gte"), ("bis", "eingegangen_am__date__lte")):
        if wert := params.get(feld):
            try:
                qs = qs.filter(**{lookup: datum_lesen(wert)})
            except ValueError:
                qs = qs.none()
    return qs


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=Posteingang.Status.values),
        OpenApiParameter("von", str, description="YYYY-MM-DD"),
        OpenApiParameter("bis", str, description="YYYY-MM-DD"),
        OpenApiParameter("quelle", str),
    ]
)
class PosteingangViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, HatAktenzugang]
    serializer_class = s.PosteingangSerializer
    parser_classes = [MultiPartParser]  # scanners post files; nothing here takes JSON

    def get_queryset(self) -> QuerySet[Posteingang]:
        qs = Posteingang.objects.visible_to(self.request.user).select_related("hochgeladen_von")
        return posteingang_filtern(qs, self.request.query_params).prefetch_related("teile").order_by("-id")

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        p = self.get_object()
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=p, akte=p.akte)
        return Response(s.PosteingangSerializer(p, context=self.get_serializer_context()).data)

    @extend_schema(
        request={"multipart/form-data": s.PosteingangUploadSerializer}, responses={201: s.PosteingangSerializer}
    )
    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        upload = s.PosteingangUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        datei = upload.validated_data["datei"]
        if meldung := services.zu_gross(datei.size):
            return Response({"datei": [meldung]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        behoerde = Behoerde.objects.get(pk=eigene_behoerde_id(request.user))
        p = services.posteingang_annehmen(
            behoerde=behoerde,
            datei=datei,
            dateiname=datei.name or "scan",
            quelle=Posteingang.Quelle.API,
            user=request.user,
            request=request,
        )
        return Response(
            s.PosteingangSerializer(p, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.SammelZuordnenSerializer, responses={200: s.SammelergebnisSerializer})
    @action(detail=False, methods=["post"], url_path="sammel-zuordnen", parser_classes=[JSONParser])
    def sammel_zuordnen(self, request: AuthenticatedRequest) -> Response:
        """File several in-tray items into one file; one German result per item (each its own transaction)."""
        d = _gueltig(s.SammelZuordnenSerializer, request)
        akte = get_object_or_404(Akte.objects.visible_to(request.user), pk=d["akte"])
        register = Register.objects.aktiv().filter(nummer=d["register"]).first()
        if register is None:
            raise ValidationError({"register": ["Dieses Register gibt es nicht."]})
        vorgang = get_object_or_404(Vorgang.objects.filter(akte=akte), pk=d["vorgang"]) if d.get("vorgang") else None
        return _ergebnisse(
            sammel.posteingaenge_zuordnen(
                ids=d["ids"], akte=akte, register=register, vorgang=vorgang, user=request.user, request=request
            )
        )

    @extend_schema(request=s.SammelWeiterleitenSerializer, responses={200: s.SammelergebnisSerializer})
    @action(detail=False, methods=["post"], url_path="sammel-weiterleiten", parser_classes=[JSONParser])
    def sammel_weiterleiten(self, request: AuthenticatedRequest) -> Response:
        """Forward several in-tray items to one staffed team of the own authority."""
        d = _gueltig(s.SammelWeiterleitenSerializer, request)
        team = get_object_or_404(besetzte_teams(eigene_behoerde_id(request.user)), pk=d["team"])
        return _ergebnisse(
            sammel.posteingaenge_weiterleiten(
                ids=d["ids"], team=team, notiz=d["hinweis"].strip(), user=request.user, request=request
            )
        )

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def original(self, request: AuthenticatedRequest, pk: str | None = None) -> FileResponse:
        """The original bytes, unchanged (also for items in quarantine); always a download, never rendered."""
        p = self.get_object()
        return original_antwort(request, p)


def _gueltig(serializer: type[serializers.Serializer], request: AuthenticatedRequest) -> dict[str, Any]:
    daten = serializer(data=request.data)
    daten.is_valid(raise_exception=True)
    return dict(daten.validated_data)


def _ergebnisse(ergebnisse: list[sammel.Einzelergebnis]) -> Response:
    """One German line per item of a bulk action."""
    return Response(s.SammelergebnisSerializer({"ergebnisse": ergebnisse}).data)


def original_antwort(request: Any, p: Posteingang) -> FileResponse:
    services.posteingang_original_gelesen(posteingang=p, user=request.user, request=request)
    response = FileResponse(
        p.original.open("rb"), content_type="application/octet-stream", as_attachment=True, filename=p.dateiname
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

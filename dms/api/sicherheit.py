"""The audit trail for the data-protection officer (role revision): search and CSV export of her authority's entries."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, renderers, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedRequest
from dms.models import Protokolleintrag
from dms.permissions_matrix import darf
from dms.protokoll import abfrage
from dms.protokoll.abfrage import protokoll_der_behoerde

FILTER_PARAMETER = [
    OpenApiParameter("person", str, description="Name, AZR-Nummer oder Geburtsdatum (TT.MM.JJJJ) der Person"),
    OpenApiParameter("user", str, description="Benutzer-ID oder Benutzername"),
    OpenApiParameter("aktenzeichen", str),
    OpenApiParameter("aktion", str, enum=Protokolleintrag.Aktion.values),
    OpenApiParameter("von", str, description="YYYY-MM-DD (ab Tagesbeginn)"),
    OpenApiParameter("bis", str, description="YYYY-MM-DD (bis Tagesende)"),
]


class DarfProtokollLesen(permissions.BasePermission):
    message = "Nur die Revision (Datenschutz) darf das Protokoll lesen."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and darf(request.user, "protokoll_lesen"))


class ProtokolleintragSerializer(serializers.ModelSerializer):
    aktion_text = serializers.CharField(source="get_aktion_display", read_only=True)
    akte = serializers.IntegerField(source="akte_id_wert", read_only=True, allow_null=True)
    behoerde = serializers.IntegerField(source="behoerde_id_wert", read_only=True, allow_null=True)

    class Meta:
        model = Protokolleintrag
        fields = [
            "id",
            "zeitpunkt",
            "user",
            "benutzername",
            "im_auftrag_von",
            "behoerde",
            "aktion",
            "aktion_text",
            "objekt_typ",
            "objekt_id",
            "akte",
            "aktenzeichen",
            "ip_adresse",
            "details",
            "vorheriger_hash",
            "hash",
        ]
        read_only_fields = fields


def protokoll_filtern(qs: QuerySet[Protokolleintrag], params: Any, user: Any = None) -> QuerySet[Protokolleintrag]:
    """The shared filters (dms.protokoll.abfrage); a malformed value is a 400 naming the field."""
    try:
        return abfrage.protokoll_filtern(qs, params, user)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@extend_schema(parameters=FILTER_PARAMETER)
class ProtokollListe(generics.ListAPIView):
    """Search the audit trail of the own authority (role revision only)."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    serializer_class = ProtokolleintragSerializer
    permission_classes = [permissions.IsAuthenticated, DarfProtokollLesen]

    def get_queryset(self) -> QuerySet[Protokolleintrag]:
        return protokoll_filtern(
            protokoll_der_behoerde(self.request.user), self.request.query_params, self.request.user
        )

    def list(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        response = super().list(request, *args, **kwargs)
        # One entry per search, never one per row.
        protokollieren(aktion=Aktion.SUCHE, request=request, details={"protokoll": dict(request.query_params.items())})
        return response


CSV_SPALTEN = [
    "id",
    "zeitpunkt",
    "benutzername",
    "user_id",
    "im_auftrag_von_id",
    "aktion",
    "objekt_typ",
    "objekt_id",
    "aktenzeichen",
    "ip_adresse",
    "details",
    "hash",
]


def _csv_zelle(wert: Any) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell never starts with = + - @ or a control char."""
    text = "" if wert is None else str(wert)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


class CsvRenderer(renderers.BaseRenderer):
    """Lets clients ask for text/csv explicitly (the view streams the body itself)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return str(data or "").encode()


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_zeilen(qs: QuerySet[Protokolleintrag]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(CSV_SPALTEN)
    for e in qs.iterator(chunk_size=2000):
        werte = {
            **{s: getattr(e, s, "") for s in CSV_SPALTEN},
            "zeitpunkt": timezone.localtime(e.zeitpunkt).isoformat(),
            "details": abfrage.details_json(e.details),
        }
        yield writer.writerow([_csv_zelle(werte[s]) for s in CSV_SPALTEN])


@extend_schema(parameters=FILTER_PARAMETER, responses={(200, "text/csv"): OpenApiTypes.STR})
class ProtokollExport(APIView):
    """The same entries as CSV (semicolon, UTF-8 with BOM for spreadsheet programs); the export itself is audited."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfProtokollLesen]
    renderer_classes = [renderers.JSONRenderer, CsvRenderer]

    def get(self, request: AuthenticatedRequest) -> StreamingHttpResponse:
        qs = protokoll_filtern(protokoll_der_behoerde(request.user), request.query_params, request.user)
        protokollieren(
            aktion=Aktion.EXPORT, request=request, details={"protokoll_export": dict(request.query_params.items())}
        )
        response = StreamingHttpResponse(_csv_zeilen(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="protokoll.csv"'
        return response

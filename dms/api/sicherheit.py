"""The audit trail for the data-protection officer (role revision): search and CSV export of her authority's entries."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, renderers, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.eingaben import id_lesen
from dms.http import AuthenticatedRequest
from dms.models import Akte, Protokolleintrag
from dms.permissions_matrix import darf

FILTER_PARAMETER = [
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


def _datum(params: Any, name: str) -> dt.date | None:
    wert = params.get(name)
    if not wert:
        return None
    try:
        return dt.date.fromisoformat(str(wert).strip())
    except ValueError as exc:
        raise ValidationError({name: ["Bitte ein Datum im Format JJJJ-MM-TT angeben."]}) from exc


def protokoll_der_behoerde(user: Any) -> QuerySet[Protokolleintrag]:
    """Entries by the authority's users, about its files (also reads by inspecting authorities), failed logins."""
    z = zugang(user)
    if z.behoerde_id is None or not darf(user, "protokoll_lesen"):
        return Protokolleintrag.objects.none()
    eigene_akten = Akte.objects.filter(behoerde_id=z.behoerde_id).values("pk")
    eigene_namen = get_user_model().objects.filter(mitgliedschaft__behoerde_id=z.behoerde_id).values("username")
    return Protokolleintrag.objects.filter(
        Q(behoerde_id_wert=z.behoerde_id)
        | Q(akte_id_wert__in=eigene_akten)
        | Q(behoerde_id_wert__isnull=True, benutzername__in=eigene_namen)
    )


def protokoll_filtern(qs: QuerySet[Protokolleintrag], params: Any) -> QuerySet[Protokolleintrag]:
    """Apply the filters; a malformed value is a 400 with the field, never a 500 or a silent full list."""
    if benutzer := (params.get("user") or "").strip():
        if benutzer.isdigit():  # any digits, "²" too: an id or nothing, never a name
            qs = qs.filter(user_id=uid) if (uid := id_lesen(benutzer)) is not None else qs.none()
        else:
            qs = qs.filter(benutzername__iexact=benutzer)
    if az := (params.get("aktenzeichen") or "").strip():
        qs = qs.filter(aktenzeichen__iexact=az)
    if aktion := (params.get("aktion") or "").strip():
        if aktion not in Protokolleintrag.Aktion.values:
            raise ValidationError(
                {"aktion": [f"Unbekannte Aktion. Erlaubt: {', '.join(Protokolleintrag.Aktion.values)}"]}
            )
        qs = qs.filter(aktion=aktion)
    tz = timezone.get_current_timezone()
    if von := _datum(params, "von"):
        qs = qs.filter(zeitpunkt__gte=dt.datetime.combine(von, dt.time.min, tzinfo=tz))
    if bis := _datum(params, "bis"):
        qs = qs.filter(zeitpunkt__lte=dt.datetime.combine(bis, dt.time.max, tzinfo=tz))
    return qs.order_by("-id")


@extend_schema(parameters=FILTER_PARAMETER)
class ProtokollListe(generics.ListAPIView):
    """Search the audit trail of the own authority (role revision only)."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    serializer_class = ProtokolleintragSerializer
    permission_classes = [permissions.IsAuthenticated, DarfProtokollLesen]

    def get_queryset(self) -> QuerySet[Protokolleintrag]:
        return protokoll_filtern(protokoll_der_behoerde(self.request.user), self.request.query_params)

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
            "details": e.details,
        }
        yield writer.writerow([_csv_zelle(werte[s]) for s in CSV_SPALTEN])


@extend_schema(parameters=FILTER_PARAMETER, responses={(200, "text/csv"): OpenApiTypes.STR})
class ProtokollExport(APIView):
    """The same entries as CSV (semicolon, UTF-8 with BOM for spreadsheet programs); the export itself is audited."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfProtokollLesen]
    renderer_classes = [renderers.JSONRenderer, CsvRenderer]

    def get(self, request: AuthenticatedRequest) -> StreamingHttpResponse:
        qs = protokoll_filtern(protokoll_der_behoerde(request.user), request.query_params)
        protokollieren(
            aktion=Aktion.EXPORT, request=request, details={"protokoll_export": dict(request.query_params.items())}
        )
        response = StreamingHttpResponse(_csv_zeilen(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="protokoll.csv"'
        return response

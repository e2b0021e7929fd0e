"""API for hand-overs between authorities (Aktenabgabe), the sender's Datei B, and xdomea export/import."""

from __future__ import annotations

import tempfile
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dms import services
from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedRequest
from dms.models import Akte, Aktenabgabe, Behoerde, DateiBEintrag, Team
from dms.queries import eigene_behoerde_id
from dms.services.abgabe import BereitsEntschieden
from dms.xdomea.export import ExportFehler, akte_exportieren
from dms.xdomea.import_ import ImportAbgelehnt, paket_importieren

from .views import DarfAendern


class EntscheidungKonflikt(APIException):
    status_code = 409
    default_code = "bereits_entschieden"


class ExportKonflikt(APIException):
    """The stored file could not be written into a package (e.g. a stored file is missing or altered)."""

    status_code = 409
    default_detail = "Die Akte konnte nicht exportiert werden."
    default_code = "export_fehlgeschlagen"


class AktenabgabeSerializer(serializers.ModelSerializer):
    von_behoerde: serializers.SlugRelatedField[Behoerde] = serializers.SlugRelatedField(
        slug_field="kuerzel", read_only=True
    )
    an_behoerde: serializers.SlugRelatedField[Behoerde] = serializers.SlugRelatedField(
        slug_field="kuerzel", read_only=True
    )
    richtung = serializers.SerializerMethodField()

    class Meta:
        model = Aktenabgabe
        fields = [
            "id",
            "richtung",
            "status",
            "von_behoerde",
            "an_behoerde",
            "grund",
            "bemerkung",
            "neue_anschrift",
            "aktenzeichen_alt",
            "aktenzeichen_neu",
            "person_name",
            "person_geburtsdatum",
            "azr_nummer",
            "anzahl_dokumente",
            "angeboten_am",
            "entschieden_am",
            "ablehnungsgrund",
        ]

    def get_richtung(self, abgabe: Aktenabgabe) -> str:
        request = self.context.get("request")
        eigene = zugang(request.user).behoerde_id if request else None
        return "eingehend" if abgabe.an_behoerde_id == eigene else "ausgehend"


class AbgabeAnbietenSerializer(serializers.Serializer):
    akte = serializers.IntegerField()
    ziel_behoerde = serializers.SlugRelatedField(slug_field="kuerzel", queryset=Behoerde.objects.filter(aktiv=True))
    grund = serializers.ChoiceField(choices=Aktenabgabe.Grund.choices, default=Aktenabgabe.Grund.FORTZUG)
    neue_anschrift = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    bemerkung = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AnnehmenSerializer(serializers.Serializer):
    team = serializers.IntegerField(required=False, allow_null=True)


class AblehnenSerializer(serializers.Serializer):
    ablehnungsgrund = serializers.CharField(max_length=500)


class DateiBEintragSerializer(serializers.ModelSerializer):
    ziel_behoerde: serializers.SlugRelatedField[Behoerde] = serializers.SlugRelatedField(
        slug_field="kuerzel", read_only=True
    )

    class Meta:
        model = DateiBEintrag
        fields = [
            "id",
            "familienname",
            "vornamen",
            "geburtsdatum",
            "azr_nummer",
            "aktenzeichen",
            "ziel_behoerde",
            "ziel_aktenzeichen",
            "anlass",
            "abgegeben_am",
            "loeschen_am",
        ]


@extend_schema(
    parameters=[
        OpenApiParameter("richtung", str, description="eingehend | ausgehend"),
        OpenApiParameter("status", str, description="angeboten | angenommen | abgelehnt | zurueckgezogen"),
    ]
)
class AktenabgabeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Hand-overs the caller's authority sends or receives; the receiver sees the offer, not the file, until then."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfAendern]
    serializer_class = AktenabgabeSerializer

    def get_queryset(self) -> QuerySet[Aktenabgabe]:
        qs = Aktenabgabe.objects.visible_to(self.request.user).select_related("von_behoerde", "an_behoerde")
        richtung = self.request.query_params.get("richtung")
        if richtung == "eingehend":
            qs = qs.eingehend(self.request.user)
        elif richtung == "ausgehend":
            qs = qs.ausgehend(self.request.user)
        status_filter = self.request.query_params.get("status")
        if status_filter:
            qs = qs.filter(status=status_filter)
        return qs.order_by("-angeboten_am", "-id")

    @extend_schema(request=AbgabeAnbietenSerializer, responses={201: AktenabgabeSerializer})
    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        eingabe = AbgabeAnbietenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        daten = eingabe.validated_data
        akte = get_object_or_404(Akte.objects.changeable_by(request.user), pk=daten["akte"])
        abgabe = services.abgabe_anbieten(
            akte=akte,
            ziel_behoerde=daten["ziel_behoerde"],
            user=request.user,
            request=request,
            grund=daten["grund"],
            neue_anschrift=daten["neue_anschrift"],
            bemerkung=daten["bemerkung"],
        )
        return Response(self.get_serializer(abgabe).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        abgabe = self.get_object()
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=abgabe, akte=abgabe.akte)
        return Response(self.get_serializer(abgabe).data)

    def _entscheiden(self, request: AuthenticatedRequest, funktion: Any, **kwargs: Any) -> Any:
        abgabe = self.get_object()
        try:
            return funktion(abgabe=abgabe, user=request.user, request=request, **kwargs)
        except BereitsEntschieden as exc:
            raise EntscheidungKonflikt(str(exc)) from exc

    @extend_schema(request=AnnehmenSerializer, responses={200: AktenabgabeSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def annehmen(self, request: AuthenticatedRequest, pk: str) -> Response:
        self.get_object()  # 404 before looking at the input
        eingabe = AnnehmenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        team_id = eingabe.validated_data.get("team")
        team = None
        if team_id is not None:
            team = get_object_or_404(Team.objects.filter(behoerde_id=eigene_behoerde_id(request.user)), pk=team_id)
        akte = self._entscheiden(request, services.abgabe_annehmen, team=team)
        abgabe = Aktenabgabe.objects.get(pk=pk)
        daten = {**self.get_serializer(abgabe).data, "akte": akte.pk, "aktenzeichen": akte.aktenzeichen}
        return Response(daten)

    @extend_schema(request=AblehnenSerializer, responses={200: AktenabgabeSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def ablehnen(self, request: AuthenticatedRequest, pk: str) -> Response:
        self.get_object()  # 404 before looking at the input
        eingabe = AblehnenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        abgabe = self._entscheiden(request, services.abgabe_ablehnen, grund=eingabe.validated_data["ablehnungsgrund"])
        return Response(self.get_serializer(abgabe).data)

    @extend_schema(request=None, responses={200: AktenabgabeSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def zurueckziehen(self, request: AuthenticatedRequest, pk: str) -> Response:
        abgabe = self._entscheiden(request, services.abgabe_zurueckziehen)
        return Response(self.get_serializer(abgabe).data)


class DateiBViewSet(viewsets.ReadOnlyModelViewSet):
    """The sending authority's minimal records of handed-over files (§§ 67, 68 AufenthV)."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = DateiBEintragSerializer

    def get_queryset(self) -> QuerySet[DateiBEintrag]:
        return DateiBEintrag.objects.visible_to(self.request.user).select_related("ziel_behoerde")

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        eintrag = self.get_object()
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=eintrag, details={"datei_b": eintrag.aktenzeichen})
        return Response(self.get_serializer(eintrag).data)


class _TempZip(FileResponse):
    """Streams the package and removes the temporary directory when the response is closed."""

    def __init__(self, *args: Any, verzeichnis: tempfile.TemporaryDirectory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verzeichnis = verzeichnis

    def close(self) -> None:
        super().close()
        self._verzeichnis.cleanup()


class XdomeaExportView(APIView):
    """GET or POST /api/v1/akten/{id}/xdomea-export/: the file as an xdomea 3.0.0 `Abgabe.Abgabe.0401` zip (audited)."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfAendern]

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("empfaenger", str, description="Kürzel der empfangenden Behörde (optional)")],
        responses={(200, "application/zip"): bytes},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> FileResponse:
        return self._exportieren(request, pk)

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("empfaenger", str, description="Kürzel der empfangenden Behörde (optional)")],
        responses={(200, "application/zip"): bytes},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> FileResponse:
        return self._exportieren(request, pk)

    def _exportieren(self, request: AuthenticatedRequest, pk: int) -> FileResponse:
        # Only the holding authority exports (a copy of the whole file); others get 404.
        if not zugang(request.user).darf_aendern:
            raise Http404
        akte = get_object_or_404(Akte.objects.changeable_by(request.user), pk=pk)
        empfaenger = None
        # The body is optional; anything but a JSON object (e.g. `[]`) carries no recipient.
        daten = request.data if isinstance(request.data, dict) else {}
        kuerzel = request.query_params.get("empfaenger") or daten.get("empfaenger")
        if kuerzel:
            empfaenger = get_object_or_404(Behoerde.objects.filter(aktiv=True), kuerzel=str(kuerzel).upper())
        verzeichnis = tempfile.TemporaryDirectory(prefix="xdomea-export-")
        try:
            ergebnis = akte_exportieren(
                akte=akte, ziel=verzeichnis.name, user=request.user, request=request, empfaenger=empfaenger
            )
        except ExportFehler as exc:
            verzeichnis.cleanup()
            raise ExportKonflikt(str(exc)) from exc
        except BaseException:
            verzeichnis.cleanup()
            raise
        datei = open(ergebnis.pfad, "rb")  # noqa: SIM115 - closed by the response
        antwort = _TempZip(
            datei,
            verzeichnis=verzeichnis,
            content_type="application/zip",
            as_attachment=True,
            filename=ergebnis.pfad.name,
        )
        antwort["X-Xdomea-ProzessID"] = ergebnis.prozess_id
        antwort["X-Content-SHA256"] = ergebnis.sha256
        return antwort


class XdomeaImportView(APIView):
    """POST /api/v1/xdomea/import/ (multipart `paket`): import a 0401 package into the caller's authority."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfAendern]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"paket": {"type": "string", "format": "binary"}}}
        },
        responses={201: OpenApiResponse(description="akte, aktenzeichen, importbestaetigung (0402)"), 400: None},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        paket = request.FILES.get("paket")
        if paket is None:
            return Response({"paket": ["Bitte laden Sie ein xdomea-Paket (ZIP) hoch."]}, status=400)
        behoerde = Behoerde.objects.get(pk=eigene_behoerde_id(request.user))
        # Uploaded files above FILE_UPLOAD_MAX_MEMORY_SIZE are on disk already; smaller ones are read from memory.
        quelle: Any = paket.temporary_file_path() if hasattr(paket, "temporary_file_path") else paket
        try:
            ergebnis = paket_importieren(paket=quelle, behoerde=behoerde, user=request.user, request=request)
        except ImportAbgelehnt as exc:
            quittung = exc.quittung.decode("utf-8") if exc.quittung else None
            return Response({"detail": exc.grund, "importbestaetigung": quittung}, status=400)
        return Response(
            {
                "akte": ergebnis.akte.pk,
                "aktenzeichen": ergebnis.akte.aktenzeichen,
                "fruehere_aktenzeichen": ergebnis.akte.fruehere_aktenzeichen,
                "dokumente": ergebnis.dokumente,
                "dateien": ergebnis.dateien,
                "prozess_id": ergebnis.prozess_id,
                "importbestaetigung": ergebnis.quittung.decode("utf-8"),
            },
            status=status.HTTP_201_CREATED,
        )

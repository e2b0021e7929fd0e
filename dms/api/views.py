"""API viewsets for authorities, persons, files, procedures and documents. Every queryset starts at visible_to."""

from __future__ import annotations

from typing import Any

from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from dms import services
from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.eingaben import id_lesen
from dms.http import AuthenticatedRequest
from dms.models import Akte, Behoerde, Dokument, DokumentVersion, Person, Vorgang
from dms.queries import akten_filtern, eigene_behoerde_id, register_uebersicht

from . import serializers as s


def version_fehlt() -> Response:
    """A change without the version the client loaded could overwrite someone else's: refused."""
    return Response(
        {"version": ["Bitte senden Sie die geladene Version mit (Schutz vor Überschreiben)."]},
        status=status.HTTP_400_BAD_REQUEST,
    )


class DarfAendern(permissions.BasePermission):
    """Reading needs file access; writing needs a role that may change files (docs/permissions.md)."""

    message = "Ihre Rolle darf hier nichts ändern."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return zugang(request.user).darf_aendern


class BehoerdeViewSet(viewsets.ReadOnlyModelViewSet):
    """The authorities of the Land (public directory data, no personal data)."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    queryset = Behoerde.objects.filter(aktiv=True).order_by("kuerzel")
    serializer_class = s.BehoerdeSerializer


class PersonViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    serializer_class = s.PersonSerializer
    permission_classes = [permissions.IsAuthenticated, DarfAendern]

    def get_queryset(self) -> QuerySet[Person]:
        # Own authority's persons without a file yet, plus persons of visible files (never of restricted ones).
        return Person.objects.visible_to(self.request.user).order_by("familienname", "id")

    def perform_create(self, serializer: s.PersonSerializer) -> None:
        behoerde = Behoerde.objects.get(pk=eigene_behoerde_id(self.request.user))
        serializer.instance = services.person_anlegen(
            behoerde=behoerde, user=self.request.user, request=self.request, **serializer.validated_data
        )


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Name, Aktenzeichen oder AZR-Nummer"),
        OpenApiParameter("aktenzeichen", str),
        OpenApiParameter("azr_nummer", str),
        OpenApiParameter("familienname", str),
        OpenApiParameter("geburtsdatum", str, description="YYYY-MM-DD"),
    ]
)
class AkteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfAendern]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Akte]:
        qs = Akte.objects.visible_to(self.request.user).select_related("behoerde")
        return akten_filtern(qs, self.request.query_params).order_by("-angelegt_am", "-id")

    def get_serializer_class(self) -> type:
        if self.action == "retrieve":
            return s.AkteDetailSerializer
        if self.action == "partial_update":
            return s.AkteUpdateSerializer
        return s.AkteSerializer

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        akte = self.get_object()
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=akte)
        context = {**self.get_serializer_context(), "register_uebersicht": register_uebersicht(akte)}
        return Response(s.AkteDetailSerializer(akte, context=context).data)

    def perform_create(self, serializer: s.AkteSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.akte_anlegen(
            person=data["person"],
            user=self.request.user,
            request=self.request,
            team=data.get("team"),
            sachbearbeitung=data.get("sachbearbeitung"),
            medium=data.get("medium", Akte.Medium.ELEKTRONISCH),
            vertraulichkeit=data.get("vertraulichkeit", Akte.Vertraulichkeit.VS_NFD),
            gesperrt=data.get("gesperrt", False),
        )

    def partial_update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        akte = get_object_or_404(Akte.objects.changeable_by(request.user), pk=kwargs["pk"])
        serializer = s.AkteUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            return version_fehlt()
        version = data.pop("version")
        akte = services.akte_aendern(akte=akte, erwartete_version=version, user=request.user, request=request, **data)
        return Response(s.AkteSerializer(akte, context=self.get_serializer_context()).data)


class VorgangViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfAendern]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Vorgang]:
        qs = (
            Vorgang.objects.visible_to(self.request.user)
            .select_related("vorgangsart", "akte")
            .annotate(
                naechste_wiedervorlage=Min(
                    "wiedervorlagen__faellig_am", filter=Q(wiedervorlagen__erledigt_am__isnull=True)
                )
            )
        )
        akte = self.request.query_params.get("akte")
        if akte:
            qs = qs.filter(akte_id=aid) if (aid := id_lesen(akte)) is not None else qs.none()
        return qs.order_by("akte_id", "nummer")

    def get_serializer_class(self) -> type:
        return s.VorgangUpdateSerializer if self.action == "partial_update" else s.VorgangSerializer

    def perform_create(self, serializer: s.VorgangSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.vorgang_anlegen(
            akte=data["akte"],
            vorgangsart=data["vorgangsart"],
            user=self.request.user,
            request=self.request,
            betreff=data.get("betreff", ""),
            sachbearbeitung=data.get("sachbearbeitung"),
        )

    def partial_update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        vorgang = get_object_or_404(
            Vorgang.objects.filter(akte__in=Akte.objects.changeable_by(request.user)).select_related("akte"),
            pk=kwargs["pk"],
        )
        serializer = s.VorgangUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            return version_fehlt()
        version = data.pop("version")
        vorgang = services.vorgang_aendern(
            vorgang=vorgang, erwartete_version=version, user=request.user, request=request, **data
        )
        return Response(s.VorgangSerializer(vorgang, context=self.get_serializer_context()).data)


def mit_aktueller_sha(qs: QuerySet[Dokument]) -> QuerySet[Dokument]:
    neueste = DokumentVersion.objects.filter(dokument=OuterRef("pk")).order_by("-nummer")
    return qs.annotate(aktuelle_sha256=Subquery(neueste.values("sha256")[:1]))


@extend_schema(parameters=[OpenApiParameter("akte", int), OpenApiParameter("q", str)])
class DokumentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfAendern]

    def get_queryset(self) -> QuerySet[Dokument]:
        qs: QuerySet[Dokument] = Dokument.objects.visible_to(self.request.user).select_related("register")
        if self.action == "list":
            qs = qs.filter(ersetzt_am__isnull=True)  # merged into another document: reachable by id only
        akte = self.request.query_params.get("akte")
        if akte is not None:
            qs = qs.filter(akte_id=aid) if (aid := id_lesen(akte)) is not None else qs.none()
        q = self.request.query_params.get("q")
        if q:
            from dms.suche import dokumente_volltext

            qs = dokumente_volltext(qs, q)
        return mit_aktueller_sha(qs).order_by("-angelegt_am", "-id")

    def get_serializer_class(self) -> type:
        return s.DokumentUploadSerializer if self.action == "create" else s.DokumentSerializer

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        dokument = self.get_object()
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=dokument, akte=dokument.akte)
        return Response(s.DokumentSerializer(dokument).data)

    @extend_schema(request={"multipart/form-data": s.DokumentUploadSerializer}, responses={201: s.DokumentSerializer})
    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        serializer = s.DokumentUploadSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["datei"]
        dokument = services.dokument_anlegen(
            akte=data["akte"],
            register=data["register"],
            vorgang=data.get("vorgang"),
            datei=upload,
            dateiname=upload.name or "datei",
            titel=data.get("titel", ""),
            art=data.get("art", ""),
            richtung=data.get("richtung", Dokument.Richtung.EINGANG),
            eingangsdatum=data.get("eingangsdatum"),
            user=request.user,
            request=request,
        )
        dokument = mit_aktueller_sha(Dokument.objects.filter(pk=dokument.pk)).select_related("register").get()
        return Response(s.DokumentSerializer(dokument).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("original", bool, description="1: die Originalbytes unverändert"),
            OpenApiParameter("version", int, description="eine frühere Version (Nummer); ohne: die aktuelle"),
        ],
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=True, methods=["get"])
    def datei(self, request: AuthenticatedRequest, pk: str | None = None) -> FileResponse:
        dokument = self.get_object()
        version = version_waehlen(dokument, request.query_params.get("version"))
        original = request.query_params.get("original") in {"1", "true", "ja"}
        return datei_antwort(request, dokument, version, original=original)


def version_waehlen(dokument: Dokument, nummer: str | None) -> DokumentVersion:
    """The version `nummer` (from a query parameter) of the document, the current one without it; else 404.
    Earlier versions stay downloadable after page edits and new uploads."""
    versionen = dokument.versionen.order_by("-nummer")
    if nummer is None or nummer == "":
        version = versionen.first()
    else:
        wert = id_lesen(nummer)
        version = versionen.filter(nummer=wert).first() if wert is not None else None
    if version is None:
        raise Http404
    return version


class PdfNochNichtFertig(APIException):
    status_code = 409
    default_detail = "Das durchsuchbare PDF wird noch erzeugt. Bitte versuchen Sie es gleich noch einmal."
    default_code = "pdf_in_arbeit"


def datei_antwort(request: Any, dokument: Dokument, version: DokumentVersion, *, original: bool) -> FileResponse:
    """Serve the original bytes or the searchable PDF of a version, with an audit entry (shared with the pages)."""
    if original or not version.pdf:
        if not original and version.mime_type != "application/pdf":
            raise PdfNochNichtFertig
        datei, mime, name = version.original, version.mime_type, version.dateiname
    else:
        datei, mime, name = version.pdf, "application/pdf", f"{dokument.titel[:100]}.pdf"
    protokollieren(
        aktion=Aktion.HERUNTERLADEN,
        request=request,
        objekt=dokument,
        akte=dokument.akte,
        details={"version": version.nummer, "original": original},
    )
    response = FileResponse(datei.open("rb"), content_type=mime, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

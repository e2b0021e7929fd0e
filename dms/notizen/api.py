"""Notes over the API.

GET, POST /api/v1/akten/{id}/notizen/       every note of the file (those on its documents too), newest first
GET, POST /api/v1/dokumente/{id}/notizen/   the document's notes
GET, PATCH, DELETE /api/v1/notizen/{id}/    one note; PATCH and DELETE only by its author. PATCH needs the `version`
                                            it was loaded with (400 without, 409 with the saved note when stale);
                                            DELETE takes it as `?version=` (optional; stale: 409)

A file or document the caller may not see (another authority, a restricted file she is not named on) is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response

from dms.access import zugang
from dms.api.errors import konflikt_antwort
from dms.api.views import DarfAendern, version_fehlt
from dms.audit import Aktion, protokollieren
from dms.eingaben import id_lesen
from dms.http import AuthenticatedRequest
from dms.models import Akte, Dokument
from dms.services.fehler import Konflikt

from . import services
from .models import TEXT_LAENGE, Notiz
from .queries import notizen_der_akte, notizen_des_dokuments


class NotizSerializer(serializers.ModelSerializer):
    text = serializers.CharField(max_length=TEXT_LAENGE)
    verfasst_von = serializers.CharField(source="verfasst_von.get_username", read_only=True)
    eigene = serializers.SerializerMethodField()

    class Meta:
        model = Notiz
        fields = ["id", "akte", "dokument", "text", "verfasst_von", "angelegt_am", "geaendert_am", "version", "eigene"]
        read_only_fields = ["akte", "dokument", "angelegt_am", "geaendert_am", "version"]

    def get_eigene(self, notiz: Notiz) -> bool:
        return bool(notiz.verfasst_von_id == self.context["request"].user.pk)


class NotizAenderungSerializer(serializers.Serializer):
    """PATCH: the new text and the `version` the client loaded (a concurrent change is a 409, never overwritten)."""

    text = serializers.CharField(max_length=TEXT_LAENGE)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class _NotizenListe(generics.ListCreateAPIView):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    serializer_class = NotizSerializer
    permission_classes = [permissions.IsAuthenticated, DarfAendern]

    def gegenstand(self) -> tuple[Akte, Dokument | None]:
        raise NotImplementedError

    def list(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        akte, dokument = self.gegenstand()
        antwort = super().list(request, *args, **kwargs)
        protokollieren(
            aktion=Aktion.LESEN,
            request=request,
            objekt=dokument or akte,
            akte=akte,
            details={"notizen": True, "api": True},
        )
        return antwort

    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        akte, dokument = self.gegenstand()
        eingabe = NotizSerializer(data=request.data, context=self.get_serializer_context())
        eingabe.is_valid(raise_exception=True)
        notiz = services.notiz_anlegen(
            user=request.user,
            text=eingabe.validated_data["text"],
            akte=None if dokument else akte,
            dokument=dokument,
            request=request,
        )
        return Response(NotizSerializer(notiz, context=self.get_serializer_context()).data, status.HTTP_201_CREATED)


class AkteNotizenView(_NotizenListe):
    def gegenstand(self) -> tuple[Akte, Dokument | None]:
        return get_object_or_404(Akte.objects.visible_to(self.request.user), pk=self.kwargs["pk"]), None

    def get_queryset(self) -> QuerySet[Notiz]:
        return notizen_der_akte(self.request.user, self.gegenstand()[0])


class DokumentNotizenView(_NotizenListe):
    def gegenstand(self) -> tuple[Akte, Dokument | None]:
        dokument = get_object_or_404(
            Dokument.objects.visible_to(self.request.user).select_related("akte"), pk=self.kwargs["pk"]
        )
        return dokument.akte, dokument

    def get_queryset(self) -> QuerySet[Notiz]:
        return notizen_des_dokuments(self.request.user, self.gegenstand()[1])  # type: ignore[arg-type]


class NotizView(generics.RetrieveUpdateDestroyAPIView):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    serializer_class = NotizSerializer
    permission_classes = [permissions.IsAuthenticated, DarfAendern]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Notiz]:
        if not zugang(self.request.user).hat_aktenzugang:
            return Notiz.objects.none()
        return Notiz.objects.visible_to(self.request.user).select_related("akte", "verfasst_von")

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        notiz = self.get_object()
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=notiz, akte=notiz.akte, details={"api": True})
        return Response(NotizSerializer(notiz, context=self.get_serializer_context()).data)

    def partial_update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        notiz = self.get_object()
        eingabe = NotizAenderungSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        if "version" not in eingabe.validated_data:
            return version_fehlt()
        try:
            notiz = services.notiz_aendern(
                notiz=notiz,
                user=request.user,
                text=eingabe.validated_data["text"],
                erwartete_version=eingabe.validated_data["version"],
                request=request,
            )
        except Konflikt as exc:
            return self._konflikt(exc)
        return Response(NotizSerializer(notiz, context=self.get_serializer_context()).data)

    def destroy(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        notiz = self.get_object()
        version = request.query_params.get("version")
        erwartet = id_lesen(version) if version is not None else None
        if version is not None and erwartet is None:
            return Response({"version": ["Bitte geben Sie die Version als Zahl an."]}, status.HTTP_400_BAD_REQUEST)
        try:
            services.notiz_loeschen(notiz=notiz, user=request.user, erwartete_version=erwartet, request=request)
        except Konflikt as exc:
            return self._konflikt(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _konflikt(self, exc: Konflikt) -> Response:
        """409 with the saved note (the other tab's or device's text), so the client can show both."""
        return konflikt_antwort(exc, aktuell=NotizSerializer(exc.aktuell, context=self.get_serializer_context()).data)

"""POST /api/v1/dokumente/{id}/seiten/: page editing as a new version (docs/schreibtisch.md, "Seiten bearbeiten")."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.api import serializers as s
from dms.api.views import DarfAendern
from dms.http import AuthenticatedRequest
from dms.models import Dokument, Register, Vorgang
from dms.services.fehler import Konflikt

from . import services
from .services import MAX_ID, Ergebnis

AKTIONEN = ("drehen", "loeschen", "reihenfolge", "teilen", "zusammenfuehren")


class SeitenSerializer(serializers.Serializer):
    aktion = serializers.ChoiceField(
        choices=AKTIONEN,
        error_messages={"invalid_choice": "Unbekannte Aktion „{input}“; möglich: " + ", ".join(AKTIONEN) + "."},
    )
    seiten = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=100_000), required=False, default=list, max_length=10_000
    )
    grad = serializers.IntegerField(required=False)
    grund = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    # The version number the editor saw; a stale one is a 409.
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    # zusammenfuehren: the other document of the same file, and where its pages go: after page `nach_seite` of this
    # one (0: before the first page; left out: at the end). teilen: optional title, register, procedure of the new one.
    dokument = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    nach_seite = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    titel = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    register = s.RegisterNummerField(slug_field="nummer", queryset=Register.objects.aktiv(), required=False)
    vorgang = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


def _ausfuehren(request: AuthenticatedRequest, dokument: Dokument, daten: dict[str, Any]) -> Ergebnis:
    aktion = daten["aktion"]
    gemeinsam: dict[str, Any] = {
        "dokument": dokument,
        "user": request.user,
        "request": request,
        "erwartete_version": daten.get("version"),
    }
    seiten: list[int] = daten["seiten"]
    if aktion == "drehen":
        if "grad" not in daten:
            raise serializers.ValidationError({"grad": ["Bitte geben Sie an, um wie viel Grad gedreht wird."]})
        return services.seiten_drehen(seiten=seiten, grad=daten["grad"], **gemeinsam)
    if aktion == "loeschen":
        return services.seiten_loeschen(seiten=seiten, grund=daten["grund"], **gemeinsam)
    if aktion == "reihenfolge":
        return services.seiten_umordnen(seiten=seiten, **gemeinsam)
    if aktion == "teilen":
        if len(seiten) != 1:
            raise serializers.ValidationError(
                {"seiten": ["Bitte geben Sie genau eine Seite an: die erste Seite des neuen Dokuments."]}
            )
        vorgang = None
        if daten.get("vorgang"):
            vorgang = Vorgang.objects.filter(akte_id=dokument.akte_id, pk=daten["vorgang"]).first()
            if vorgang is None:
                raise serializers.ValidationError({"vorgang": ["Der Vorgang gehört nicht zu dieser Akte."]})
        return services.dokument_teilen(
            ab_seite=seiten[0], titel=daten["titel"], register=daten.get("register"), vorgang=vorgang, **gemeinsam
        )
    if not daten.get("dokument"):
        raise serializers.ValidationError({"dokument": ["Bitte geben Sie das Dokument an, das hinzukommen soll."]})
    # Another file's document, one the caller may not see, or none at all: one answer, so nothing leaks.
    anderes = Dokument.objects.visible_to(request.user).filter(pk=daten["dokument"], akte_id=dokument.akte_id).first()
    if anderes is None:
        raise serializers.ValidationError({"dokument": ["In dieser Akte gibt es kein solches Dokument."]})
    return services.dokumente_zusammenfuehren(anderes=anderes, nach_seite=daten.get("nach_seite"), **gemeinsam)


class DokumentSeitenView(APIView):
    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    permission_classes = [permissions.IsAuthenticated, DarfAendern]

    @extend_schema(
        request=SeitenSerializer,
        responses={
            200: inline_serializer(
                "SeitenErgebnis",
                {
                    "dokument": serializers.IntegerField(),
                    "version": serializers.IntegerField(),
                    "seiten": serializers.IntegerField(),
                    "blaetter": serializers.ListField(child=serializers.IntegerField()),
                    "neues_dokument": serializers.IntegerField(allow_null=True),
                },
            )
        },
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        dokument = get_object_or_404(Dokument.objects.visible_to(request.user).select_related("akte"), pk=pk)
        eingabe = SeitenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        try:
            ergebnis = _ausfuehren(request, dokument, dict(eingabe.validated_data))
        except Konflikt as exc:
            return Response(
                {"detail": str(exc), "aktuelle_version": exc.aktuell.nummer}, status=status.HTTP_409_CONFLICT
            )
        return Response(
            {
                "dokument": ergebnis.dokument.pk,
                "version": ergebnis.version.nummer,
                "seiten": ergebnis.version.seiten,
                "blaetter": ergebnis.version.blattnummern,
                "neues_dokument": ergebnis.neues_dokument.pk if ergebnis.neues_dokument else None,
            }
        )

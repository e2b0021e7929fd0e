"""Subsidy API: the calculator under the active programme, and the applications the caller may see."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedRequest
from dms.models import Behoerde
from foerderung.berechnung import MAX_ANZAHL, foerderbetrag
from foerderung.models import Foerderantrag, Foerderprogramm
from foerderung.queries import aktives_programm

_GANZZAHL = re.compile(r"^\s*-?\d+\s*$")


def _anzahl(params: Any, name: str, bezeichnung: str) -> tuple[int | None, str | None]:
    roh = params.get(name)
    if roh is None or roh == "":
        return None, f"Bitte geben Sie {bezeichnung} an (?{name}=...)."
    if len(roh) > 20 or not _GANZZAHL.match(roh):
        return None, f"{bezeichnung[0].upper()}{bezeichnung[1:]} muss eine ganze Zahl sein."
    wert = int(roh)
    if wert < 0:
        return None, f"{bezeichnung[0].upper()}{bezeichnung[1:]} darf nicht negativ sein."
    if wert > MAX_ANZAHL:
        return None, f"{bezeichnung[0].upper()}{bezeichnung[1:]} ist unplausibel groß (höchstens {MAX_ANZAHL})."
    return wert, None


BerechnungSerializer = inline_serializer(
    "Foerderberechnung",
    {
        "akten": serializers.IntegerField(),
        "blatt": serializers.IntegerField(),
        "betrag_akten": serializers.CharField(),
        "betrag_blatt": serializers.CharField(),
        "betrag": serializers.CharField(),
    },
)


class BerechnungView(APIView):
    """The amount for N files and M sheets under the active programme (amounts as strings, two decimals)."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    @extend_schema(
        parameters=[
            OpenApiParameter("akten", int, required=True, description="Zahl der Akten"),
            OpenApiParameter("blatt", int, required=True, description="Zahl der Blätter"),
        ],
        responses={200: BerechnungSerializer},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        akten, fehler_akten = _anzahl(request.query_params, "akten", "die Zahl der Akten")
        blatt, fehler_blatt = _anzahl(request.query_params, "blatt", "die Zahl der Blätter")
        fehler = {k: [v] for k, v in (("akten", fehler_akten), ("blatt", fehler_blatt)) if v}
        if fehler:
            return Response(fehler, status=400)
        programm = aktives_programm()
        if programm is None:
            return Response({"detail": "Es gibt derzeit kein aktives Förderprogramm."}, status=404)
        assert akten is not None and blatt is not None
        b = foerderbetrag(akten=akten, blatt=blatt, satz_akte=programm.satz_akte, satz_blatt=programm.satz_blatt)
        return Response(
            {
                "akten": b.akten,
                "blatt": b.blatt,
                "betrag_akten": f"{b.betrag_akten:.2f}",
                "betrag_blatt": f"{b.betrag_blatt:.2f}",
                "betrag": f"{b.betrag:.2f}",
            }
        )


class FoerderantragSerializer(serializers.ModelSerializer):
    behoerde: serializers.SlugRelatedField[Behoerde] = serializers.SlugRelatedField(
        slug_field="kuerzel", read_only=True
    )
    programm: serializers.StringRelatedField[Foerderprogramm] = serializers.StringRelatedField()
    betrag_akten = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    betrag_blatt = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    betrag = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    bewilligt = serializers.SerializerMethodField()

    class Meta:
        model = Foerderantrag
        fields = [
            "id",
            "programm",
            "behoerde",
            "akten_geplant",
            "blatt_geplant",
            "betrag_akten",
            "betrag_blatt",
            "betrag",
            "eingereicht_am",
            "status",
            "bewilligt",
        ]

    def get_bewilligt(self, obj: Foerderantrag) -> str | None:
        bescheid = getattr(obj, "bescheid", None)
        return f"{bescheid.betrag:.2f}" if bescheid is not None else None


class FoerderantragViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications: the Land sees all, an authority its own; others get an empty list and 404."""

    request: AuthenticatedRequest  # IsAuthenticated runs first (dms.http)

    serializer_class = FoerderantragSerializer

    def get_queryset(self) -> QuerySet[Foerderantrag]:
        return (
            Foerderantrag.objects.visible_to(self.request.user)
            .select_related("behoerde", "programm", "bescheid")
            .order_by("behoerde__kuerzel", "id")
        )

    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        antrag = self.get_object()
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=antrag)
        return Response(self.get_serializer(antrag).data)

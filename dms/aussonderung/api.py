"""REST API of the Aussonderung (/api/v1/aussonderung/...): the due list, closing, legal holds, offers and answers
of the state archive, four-eyes deletion, the Land's figures. Wire names are German snake_case."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.access import zugang
from dms.api.serializers import SichtbareAkteField
from dms.audit import Aktion, protokollieren
from dms.eingaben import id_lesen
from dms.http import AuthenticatedRequest
from dms.models import Akte
from dms.permissions_matrix import darf
from dms.xdomea.export import paketname

from . import anbietung as anbietung_services
from . import ausgang as ausgang_services
from . import loeschung as loeschung_services
from . import services
from .models import (
    Abschlussgrund,
    Aktenschluss,
    Anbietung,
    Anbietungsposten,
    Archivausgang,
    Loeschsperre,
    Loeschung,
)
from .nachrichten import ANBIETEVERZEICHNIS, anbieteverzeichnis
from .queries import faellige, land_zahlen
from .zugriff import akten_der_behoerde, schriftgutverwaltung_pruefen


class IstSchriftgutverwaltung(permissions.BasePermission):
    message = "Nur die Schriftgutverwaltung der Behörde darf Akten aussondern."

    def has_permission(self, request: Any, view: Any) -> bool:
        if darf(request.user, "aussonderung"):
            return True
        if getattr(view, "kwargs", {}).get("pk") is not None:
            raise Http404  # an object outside what the caller may see is a 404, never a 403
        return False


class SperreSerializer(serializers.ModelSerializer):
    art_anzeige = serializers.CharField(source="get_art_display", read_only=True)
    gesetzt_von = serializers.CharField(source="gesetzt_von.username", read_only=True)
    aufgehoben_von = serializers.CharField(source="aufgehoben_von.username", read_only=True, default=None)

    class Meta:
        model = Loeschsperre
        fields = [
            "id", "akte", "art", "art_anzeige", "grund", "gesetzt_von", "gesetzt_am",
            "aufgehoben_von", "aufgehoben_am", "aufhebungsgrund",
        ]  # fmt: skip
        read_only_fields = ["akte", "gesetzt_am", "aufgehoben_am", "aufhebungsgrund"]


class FaelligSerializer(serializers.ModelSerializer):
    aktenzeichen = serializers.CharField(source="akte.aktenzeichen")
    grund_anzeige = serializers.CharField(source="get_grund_display")
    ereignis_am = serializers.DateField(source="datum")
    status_anzeige = serializers.CharField(source="get_status_display")
    loeschsperre = serializers.SerializerMethodField()
    loeschsperren = serializers.SerializerMethodField()
    archiv_meldung = serializers.CharField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Aktenschluss
        fields = [
            "akte", "aktenzeichen", "grund", "grund_anzeige", "ereignis_am", "einreisesperre_bis", "haftung_bis",
            "faellig_am", "rechtsgrundlage", "regel_version", "status", "status_anzeige", "archiv_meldung",
            "loeschsperre", "loeschsperren",
        ]  # fmt: skip

    def get_loeschsperre(self, obj: Aktenschluss) -> bool:
        return bool(getattr(obj.akte, "aktive_sperren", []))

    @extend_schema(responses=SperreSerializer(many=True))
    def get_loeschsperren(self, obj: Aktenschluss) -> list[dict[str, Any]]:
        return SperreSerializer(getattr(obj.akte, "aktive_sperren", []), many=True).data  # type: ignore[return-value]


class FaelligListe(generics.ListAPIView):
    """`GET /api/v1/aussonderung/`: files whose retention ended, by reason, oldest first; legal holds shown."""

    request: AuthenticatedRequest
    serializer_class = FaelligSerializer
    permission_classes = [permissions.IsAuthenticated, IstSchriftgutverwaltung]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Aktenschluss.objects.none()
        grund = self.request.query_params.get("grund") or None
        if grund and grund not in Abschlussgrund.values:
            return Aktenschluss.objects.none()
        return faellige(self.request.user, grund=grund)


class AbschlussSerializer(serializers.ModelSerializer):
    akte = SichtbareAkteField()

    class Meta:
        model = Aktenschluss
        fields = ["akte", "grund", "datum", "einreisesperre_bis", "haftung_bis", "faellig_am", "rechtsgrundlage",
                  "regel_version", "status"]  # fmt: skip
        read_only_fields = ["faellig_am", "rechtsgrundlage", "regel_version", "status"]


class AbschlussView(APIView):
    """`POST /api/v1/aussonderung/abschluss/`: why and when the file ended; answers its retention date and basis."""

    request: AuthenticatedRequest

    @extend_schema(request=AbschlussSerializer, responses={201: AbschlussSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        z = zugang(request.user)
        if not (z.darf_aendern or darf(request.user, "aussonderung")):
            return Response({"detail": "Ihre Rolle darf hier nichts ändern."}, status=status.HTTP_403_FORBIDDEN)
        eingabe = AbschlussSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        d = eingabe.validated_data
        schluss = services.aktenschluss_setzen(
            akte=d["akte"],
            user=request.user,
            grund=d["grund"],
            datum=d["datum"],
            einreisesperre_bis=d.get("einreisesperre_bis"),
            haftung_bis=d.get("haftung_bis"),
            request=request,
        )
        return Response(AbschlussSerializer(schluss).data, status=status.HTTP_201_CREATED)


@extend_schema_field(OpenApiTypes.INT)
class EigeneAkteField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        request = self.context["request"]
        return akten_der_behoerde(request.user)


class SperreAnlegenSerializer(serializers.Serializer):
    akte = EigeneAkteField()
    art = serializers.ChoiceField(choices=Loeschsperre.Art.choices)
    grund = serializers.CharField(max_length=500)


class GrundSerializer(serializers.Serializer):
    grund = serializers.CharField(max_length=500)


class SperreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Legal holds of the officer's authority: set (POST), lift (`aufheben`), list with history."""

    request: AuthenticatedRequest
    serializer_class = SperreSerializer
    permission_classes = [permissions.IsAuthenticated, IstSchriftgutverwaltung]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Loeschsperre.objects.none()
        akten = akten_der_behoerde(self.request.user).values("pk")
        qs = Loeschsperre.objects.filter(akte__in=akten).select_related("gesetzt_von", "aufgehoben_von")
        if (akte_id := id_lesen(self.request.query_params.get("akte"))) is not None:
            qs = qs.filter(akte_id=akte_id)
        return qs

    @extend_schema(request=SperreAnlegenSerializer, responses={201: SperreSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        eingabe = SperreAnlegenSerializer(data=request.data, context={"request": request})
        eingabe.is_valid(raise_exception=True)
        d = eingabe.validated_data
        sperre = services.sperre_setzen(
            akte=d["akte"], user=request.user, art=d["art"], grund=d["grund"], request=request
        )
        return Response(SperreSerializer(sperre).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GrundSerializer, responses=SperreSerializer)
    @action(detail=True, methods=["post"])
    def aufheben(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        eingabe = GrundSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        sperre = services.sperre_aufheben(
            sperre=self.get_object(), user=request.user, grund=eingabe.validated_data["grund"], request=request
        )
        return Response(SperreSerializer(sperre).data)


class PostenSerializer(serializers.ModelSerializer):
    class Meta:
        model = Anbietungsposten
        fields = [
            "akte",
            "akte_uuid",
            "aktenzeichen",
            "entscheidung",
            "uebergeben",
            "archiviert",
            "uebernahme_fehlgeschlagen",
            "archiv_meldung",
            "archivkennung",
            "uebernahme_gemeldet_am",
            "loeschung_freigegeben",
        ]


class AusgangSerializer(serializers.ModelSerializer):
    art_anzeige = serializers.CharField(source="get_art_display", read_only=True)

    class Meta:
        model = Archivausgang
        fields = [
            "id", "anbietung", "art", "art_anzeige", "status", "versuche", "letzter_fehler", "letzter_versuch_am",
            "naechster_versuch_am", "angelegt_am", "gesendet_am",
        ]  # fmt: skip


class AnbietungSerializer(serializers.ModelSerializer):
    status_anzeige = serializers.CharField(source="get_status_display", read_only=True)
    posten = PostenSerializer(many=True, read_only=True)
    ausgang = AusgangSerializer(many=True, read_only=True)

    class Meta:
        model = Anbietung
        fields = [
            "id", "prozess_id", "status", "status_anzeige", "angeboten_am", "frist_bis", "erinnert_am",
            "empfang_bestaetigt_am", "bewertet_am", "bewertet_durch_fristablauf", "bewertung_bestaetigt_am",
            "uebergeben_am", "aussonderung_empfangen_am", "abgeschlossen_am", "posten", "ausgang",
        ]  # fmt: skip


class AnbietenSerializer(serializers.Serializer):
    akten = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=5000)


class AntwortSerializer(serializers.Serializer):
    datei = serializers.FileField(
        help_text="Die Nachricht des Staatsarchivs: 0502, 0504, 0506 oder 0507 (ZIP oder XML)."
    )


class AnbietungViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Offers to the state archive: POST offers files (0501); `uebergeben` sends the archive's choice (0503);
    `antwort` imports the archive's 0502, 0504, 0506 or 0507; `anbieteverzeichnis` downloads the 0501."""

    request: AuthenticatedRequest
    serializer_class = AnbietungSerializer
    permission_classes = [permissions.IsAuthenticated, IstSchriftgutverwaltung]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Anbietung.objects.none()
        behoerde_id = schriftgutverwaltung_pruefen(self.request.user)
        return Anbietung.objects.filter(behoerde_id=behoerde_id).prefetch_related(
            "posten", Prefetch("ausgang", queryset=Archivausgang.objects.defer("inhalt"))
        )

    @extend_schema(request=AnbietenSerializer, responses={201: AnbietungSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        eingabe = AnbietenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        a = anbietung_services.akten_anbieten(akten=eingabe.validated_data["akten"], user=request.user, request=request)
        return Response(AnbietungSerializer(self.get_queryset().get(pk=a.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AnbietungSerializer)
    @action(detail=True, methods=["post"])
    def uebergeben(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        a = anbietung_services.akten_uebergeben(anbietung=self.get_object(), user=request.user, request=request)
        return Response(AnbietungSerializer(self.get_queryset().get(pk=a.pk)).data)

    @extend_schema(request={"multipart/form-data": AntwortSerializer}, responses=AnbietungSerializer)
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def antwort(self, request: AuthenticatedRequest) -> Response:
        eingabe = AntwortSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        inhalt = eingabe.validated_data["datei"].read(64 * 1024 * 1024 + 1)
        if len(inhalt) > 64 * 1024 * 1024:
            return Response({"datei": ["Die Datei ist zu groß."]}, status=status.HTTP_400_BAD_REQUEST)
        a = anbietung_services.antwort_verarbeiten(inhalt=inhalt, user=request.user, request=request)
        return Response(AnbietungSerializer(self.get_queryset().get(pk=a.pk)).data)

    @extend_schema(responses={(200, "application/zip"): bytes})
    @action(detail=True, methods=["get"])
    def anbieteverzeichnis(self, request: AuthenticatedRequest, pk: str | None = None) -> HttpResponse:
        a = self.get_object()
        akten = list(
            akten_der_behoerde(request.user)
            .filter(pk__in=a.posten.values("akte_id"))
            .select_related("behoerde", "aktenschluss")
            .order_by("aktenzeichen")
        )
        if not akten:
            raise Http404
        inhalt = anbieteverzeichnis(akten[0].behoerde, str(a.prozess_id), akten)
        protokollieren(
            aktion=Aktion.EXPORT, request=request, objekt=a, details={"xdomea": "0501", "prozess_id": str(a.prozess_id)}
        )
        antwort = HttpResponse(inhalt, content_type="application/zip")
        antwort["Content-Disposition"] = (
            f'attachment; filename="{paketname(str(a.prozess_id), ANBIETEVERZEICHNIS)}.zip"'
        )
        return antwort


class AusgangViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Messages to the state archive (0505, 0503) of the own authority, `?status=wartet` for those not yet taken;
    `senden` makes an attempt now (the records officer's "Jetzt erneut senden")."""

    request: AuthenticatedRequest
    serializer_class = AusgangSerializer
    permission_classes = [permissions.IsAuthenticated, IstSchriftgutverwaltung]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Archivausgang.objects.none()
        qs = Archivausgang.objects.filter(behoerde_id=schriftgutverwaltung_pruefen(self.request.user)).defer("inhalt")
        status_filter = self.request.query_params.get("status")
        if status_filter in Archivausgang.Status.values:
            qs = qs.filter(status=status_filter)
        return qs.order_by("-angelegt_am", "-id")

    @extend_schema(request=None, responses=AusgangSerializer)
    @action(detail=True, methods=["post"])
    def senden(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        eintrag = ausgang_services.erneut_senden(pk=self.get_object().pk, user=request.user, request=request)
        return Response(AusgangSerializer(self.get_queryset().get(pk=eintrag.pk)).data)


class LoeschungSerializer(serializers.ModelSerializer):
    status_anzeige = serializers.CharField(source="get_status_display", read_only=True)
    grund_anzeige = serializers.CharField(source="get_grund_display", read_only=True)
    beantragt_von = serializers.CharField(source="beantragt_von.username", read_only=True)
    genehmigt_von = serializers.CharField(source="genehmigt_von.username", read_only=True, default=None)

    class Meta:
        model = Loeschung
        fields = [
            "id", "uuid", "akte", "aktenzeichen", "status", "status_anzeige", "grund", "grund_anzeige", "ereignis_am",
            "faellig_am", "rechtsgrundlage", "regel_version", "archiv_entscheidung",
            "archiv_freigabe_durch_fristablauf", "prozess_id", "beantragt_von", "beantragt_am", "genehmigt_von",
            "durchgefuehrt_am", "anzahl_dokumente", "anzahl_seiten", "anzahl_dateien", "bytes_geloescht",
            "speicher_bereinigt", "pseudonym", "protokoll_eintraege",
        ]  # fmt: skip


class LoeschantragSerializer(serializers.Serializer):
    akte = EigeneAkteField()


class LoeschungViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deletion with four eyes: POST requests it, `genehmigen` (another officer) deletes; GET is the record."""

    request: AuthenticatedRequest
    serializer_class = LoeschungSerializer
    permission_classes = [permissions.IsAuthenticated, IstSchriftgutverwaltung]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Loeschung.objects.none()
        behoerde_id = schriftgutverwaltung_pruefen(self.request.user)
        return Loeschung.objects.filter(behoerde_id=behoerde_id).select_related("beantragt_von", "genehmigt_von")

    @extend_schema(request=LoeschantragSerializer, responses={201: LoeschungSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        eingabe = LoeschantragSerializer(data=request.data, context={"request": request})
        eingabe.is_valid(raise_exception=True)
        akte: Akte = eingabe.validated_data["akte"]
        loeschung = loeschung_services.loeschung_beantragen(akte=akte, user=request.user, request=request)
        return Response(LoeschungSerializer(loeschung).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LoeschungSerializer)
    @action(detail=True, methods=["post"])
    def genehmigen(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        loeschung = loeschung_services.loeschung_genehmigen(
            loeschung=self.get_object(), user=request.user, request=request
        )
        return Response(LoeschungSerializer(self.get_queryset().get(pk=loeschung.pk)).data)


class LandZahlenView(APIView):
    """`GET /api/v1/aussonderung/land/`: per authority how many files are due, offered, archived, deleted."""

    request: AuthenticatedRequest

    @extend_schema(
        responses=inline_serializer(
            "AussonderungLandZahlen",
            {
                "behoerde": serializers.IntegerField(),
                "kuerzel": serializers.CharField(),
                "name": serializers.CharField(),
                "faellig": serializers.IntegerField(),
                "angeboten": serializers.IntegerField(),
                "archiviert": serializers.IntegerField(),
                "geloescht": serializers.IntegerField(),
            },
            many=True,
        )
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if not darf(request.user, "aussonderung_uebersicht"):
            return Response({"detail": "Nur für das Land."}, status=status.HTTP_403_FORBIDDEN)
        return Response(land_zahlen())

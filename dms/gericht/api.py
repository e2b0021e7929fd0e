"""REST API of the court capability: table of contents, court submission, inspection copy, qualified confirmation
of scans (docs/gericht.md)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedRequest
from dms.models import Akte

from . import services
from .csc import SignaturdienstFehler
from .inhalt import inhaltsverzeichnis
from .models import Aktenvorlage, Bestaetigungsauftrag, Bestaetigungsposten, Einsichtskopie
from .qes import HOECHSTENS, offene_versionen, qes_anfordern, sichtbarer_auftrag


class EintragSerializer(serializers.Serializer):
    dokument = serializers.IntegerField(allow_null=True)
    titel = serializers.CharField()
    datum = serializers.DateField(allow_null=True)
    art = serializers.CharField()
    register = serializers.CharField(allow_null=True)
    vorgang = serializers.CharField(allow_null=True)
    blatt_von = serializers.IntegerField(allow_null=True)
    blatt_bis = serializers.IntegerField(allow_null=True)
    blaetter = serializers.CharField()
    luecke = serializers.BooleanField()


def _sichtbare_akte(request: AuthenticatedRequest, pk: int) -> Akte:
    return get_object_or_404(Akte.objects.visible_to(request.user), pk=pk)


def _aenderbare_akte(request: AuthenticatedRequest, pk: int) -> Akte:
    """Compiling a copy for a court or a lawyer is the responsible caseworkers' job: outside it a 404 when the file
    is invisible, a 403 when it is visible but not changeable."""
    akte = _sichtbare_akte(request, pk)
    if not Akte.objects.changeable_by(request.user).filter(pk=akte.pk).exists():
        raise PermissionDenied("Ihre Rolle darf für diese Akte keine Abschrift erstellen.")
    return akte


class InhaltsverzeichnisView(APIView):
    """GET /api/v1/akten/{id}/inhaltsverzeichnis/: documents oldest first with their sheets; gaps as entries with
    `dokument: null`, `luecke: true` and the note as `titel`."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=EintragSerializer(many=True))
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        akte = _sichtbare_akte(request, pk)
        verzeichnis = inhaltsverzeichnis(akte)
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=akte, details={"inhaltsverzeichnis": True})
        zeilen: list[dict[str, Any]] = [
            {
                "dokument": e.dokument,
                "titel": e.titel,
                "datum": e.datum,
                "art": e.art,
                "register": e.register,
                "vorgang": e.vorgang,
                "blatt_von": e.blatt_von,
                "blatt_bis": e.blatt_bis,
                "blaetter": e.blattangabe,
                "luecke": False,
            }
            for e in verzeichnis.eintraege
        ]
        zeilen += [
            {
                "dokument": None,
                "titel": luecke.text,
                "datum": timezone.localdate(luecke.entfernt_am),
                "art": "",
                "register": None,
                "vorgang": None,
                "blatt_von": luecke.von,
                "blatt_bis": luecke.bis,
                "blaetter": luecke.blaetter,
                "luecke": True,
            }
            for luecke in verzeichnis.luecken
        ]
        return Response(EintragSerializer(zeilen, many=True).data)


class AuftragSerializer(serializers.ModelSerializer):
    """A background PDF job: `url` polls it, `datei` is the PDF's URL once `status` is `fertig` (else null)."""

    url = serializers.SerializerMethodField()
    datei = serializers.SerializerMethodField()
    routen: tuple[str, str] = ("", "")

    def get_url(self, obj: Aktenvorlage | Einsichtskopie) -> str:
        return reverse(self.routen[0], args=[obj.pk], request=self.context.get("request"))

    def get_datei(self, obj: Aktenvorlage | Einsichtskopie) -> str | None:
        if not obj.ist_fertig:
            return None
        return reverse(self.routen[1], args=[obj.pk], request=self.context.get("request"))


class AktenvorlageSerializer(AuftragSerializer):
    routen = ("api-aktenvorlage", "api-aktenvorlage-datei")

    class Meta:
        model = Aktenvorlage
        fields = [
            "id",
            "akte",
            "anlass",
            "empfaenger",
            "gericht_aktenzeichen",
            "vorgaenge",
            "status",
            "fortschritt",
            "seiten",
            "sha256",
            "manifest",
            "angelegt_am",
            "fertig_am",
            "url",
            "datei",
        ]
        read_only_fields = fields


class AktenvorlageAnlegenSerializer(serializers.Serializer):
    anlass = serializers.CharField(max_length=300)
    empfaenger = serializers.CharField(max_length=300)
    gericht_aktenzeichen = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    vorgaenge = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class AktenvorlageAnlegenView(APIView):
    """POST /api/v1/akten/{id}/aktenvorlage/: 201 with the job; the PDF is built by a Celery task."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AktenvorlageAnlegenSerializer, responses={201: AktenvorlageSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        akte = _aenderbare_akte(request, pk)
        eingabe = AktenvorlageAnlegenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        vorlage = services.aktenvorlage_anfordern(
            akte=akte, user=request.user, request=request, **eingabe.validated_data
        )
        daten = AktenvorlageSerializer(vorlage, context={"request": request}).data
        return Response(daten, status=status.HTTP_201_CREATED, headers={"Location": daten["url"]})


_Auftrag = TypeVar("_Auftrag", Aktenvorlage, Einsichtskopie)


def _sichtbarer_auftrag(modell: type[_Auftrag], request: AuthenticatedRequest, pk: int) -> _Auftrag:
    """A court submission or inspection copy of a file the caller may see (otherwise 404)."""
    return get_object_or_404(
        modell.objects.filter(akte__in=Akte.objects.visible_to(request.user)).select_related("akte"), pk=pk
    )


class AktenvorlageView(APIView):
    """GET /api/v1/aktenvorlagen/{id}/: status and progress of a court submission."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=AktenvorlageSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        vorlage = _sichtbarer_auftrag(Aktenvorlage, request, pk)
        return Response(AktenvorlageSerializer(vorlage, context={"request": request}).data)


class AktenvorlageDateiView(APIView):
    """GET /api/v1/aktenvorlagen/{id}/datei/: the finished PDF (audited as a download of the whole file)."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: AuthenticatedRequest, pk: int) -> FileResponse:
        vorlage = _sichtbarer_auftrag(Aktenvorlage, request, pk)
        if not vorlage.ist_fertig:
            raise Http404
        return services.pdf_antwort(request, vorlage.akte, vorlage.datei, f"Aktenvorlage-{vorlage.pk}.pdf", vorlage)


class SchwaerzungSerializer(serializers.Serializer):
    dokument = serializers.IntegerField()
    seite = serializers.IntegerField(min_value=1)
    rechteck = serializers.ListField(
        child=serializers.FloatField(min_value=0), min_length=4, max_length=4, required=False, allow_null=True
    )
    grund = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AkteneinsichtAnlegenSerializer(serializers.Serializer):
    dokumente = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    schwaerzungen = SchwaerzungSerializer(many=True, required=False, default=list)
    empfaenger = serializers.CharField(max_length=300)
    grund = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EinsichtskopieSerializer(AuftragSerializer):
    routen = ("api-einsichtskopie", "api-einsichtskopie-datei")

    class Meta:
        model = Einsichtskopie
        fields = [
            "id",
            "akte",
            "empfaenger",
            "dokumente",
            "schwaerzungen",
            "zurueckgehalten",
            "status",
            "fortschritt",
            "seiten",
            "sha256",
            "angelegt_am",
            "fertig_am",
            "url",
            "datei",
        ]
        read_only_fields = fields


class AkteneinsichtAnlegenView(APIView):
    """POST /api/v1/akten/{id}/akteneinsicht/: 201 with the job (`url` to poll, `datei` once finished); the
    redacted copy is built by a Celery task like a court submission."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AkteneinsichtAnlegenSerializer, responses={201: EinsichtskopieSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        akte = _aenderbare_akte(request, pk)
        eingabe = AkteneinsichtAnlegenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        kopie = services.einsichtskopie_anfordern(
            akte=akte, user=request.user, request=request, **eingabe.validated_data
        )
        daten = EinsichtskopieSerializer(kopie, context={"request": request}).data
        return Response(daten, status=status.HTTP_201_CREATED, headers={"Location": daten["url"]})


class EinsichtskopieView(APIView):
    """GET /api/v1/einsichtskopien/{id}/: status and progress of an inspection copy."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=EinsichtskopieSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(
            EinsichtskopieSerializer(
                _sichtbarer_auftrag(Einsichtskopie, request, pk), context={"request": request}
            ).data
        )


class EinsichtskopieDateiView(APIView):
    """GET /api/v1/einsichtskopien/{id}/datei/: the redacted PDF (404 until it is finished)."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: AuthenticatedRequest, pk: int) -> FileResponse:
        kopie = _sichtbarer_auftrag(Einsichtskopie, request, pk)
        if not kopie.ist_fertig:
            raise Http404
        return services.pdf_antwort(request, kopie.akte, kopie.datei, f"Akteneinsicht-{kopie.pk}.pdf", kopie)


class QesAnlegenSerializer(serializers.Serializer):
    dokumente = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=HOECHSTENS)
    verglichen = serializers.BooleanField()
    pin = serializers.CharField(max_length=64, required=False, allow_blank=True, default="", write_only=True)
    otp = serializers.CharField(max_length=64, required=False, allow_blank=True, default="", write_only=True)

    def validate_verglichen(self, wert: bool) -> bool:
        if not wert:
            raise serializers.ValidationError(
                "Bitte bestätigen Sie, dass Sie die Scans mit den Originalen verglichen haben."
            )
        return wert


class QesPostenSerializer(serializers.ModelSerializer):
    """One document of the job: `status` wartet | fertig | fehler, `fehler` the German reason, `nachweis` the
    certificate's URL once confirmed."""

    dokument = serializers.IntegerField(source="version.dokument_id")
    version = serializers.IntegerField(source="version.nummer")
    titel = serializers.CharField(source="version.dokument.titel")
    nachweis = serializers.SerializerMethodField()

    class Meta:
        model = Bestaetigungsposten
        fields = ["dokument", "version", "titel", "status", "fehler", "siegel", "nachweis"]
        read_only_fields = fields

    def get_nachweis(self, obj: Bestaetigungsposten) -> str | None:
        if obj.siegel_id is None:
            return None
        return reverse("siegel-nachweis", args=[obj.siegel_id], request=self.context.get("request"))


class QesAuftragSerializer(serializers.ModelSerializer):
    """A qualified confirmation being finished in the background: poll `url` until `status` is `fertig`."""

    url = serializers.SerializerMethodField()
    dokumente = serializers.SerializerMethodField()

    class Meta:
        model = Bestaetigungsauftrag
        fields = [
            "id",
            "akte",
            "name",
            "status",
            "fortschritt",
            "fehler",
            "angelegt_am",
            "fertig_am",
            "url",
            "dokumente",
        ]
        read_only_fields = fields

    def get_url(self, obj: Bestaetigungsauftrag) -> str:
        return reverse("api-qes-auftrag", args=[obj.pk], request=self.context.get("request"))

    @extend_schema_field(QesPostenSerializer(many=True))
    def get_dokumente(self, obj: Bestaetigungsauftrag) -> list[dict[str, Any]]:
        posten = self.context["posten"]
        return list(QesPostenSerializer(posten, many=True, context=self.context).data)


class QesAnlegenView(APIView):
    """POST /api/v1/akten/{id}/uebereinstimmung/ `{"dokumente": [ids], "verglichen": true, "pin", "otp"}`: the
    caller certifies with her qualified signature that the scans match their originals. The trust service is asked
    in the request (a wrong PIN: 400 with the German reason); 202 with the job and `Location` to poll; the
    signatures are embedded, time-stamped, completed with validation data and checked by a Celery task."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=QesAnlegenSerializer, responses={202: QesAuftragSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        akte = _aenderbare_akte(request, pk)
        eingabe = QesAnlegenSerializer(data=request.data)
        eingabe.is_valid(raise_exception=True)
        ids = sorted(set(eingabe.validated_data["dokumente"]))
        versionen = offene_versionen(request.user, akte, ids)
        fehlend = sorted(set(ids) - {v.dokument_id for v in versionen})
        if fehlend:
            raise serializers.ValidationError(
                {"dokumente": [f"Kein unbestätigter Scan dieser Akte: {', '.join(map(str, fehlend))}."]}
            )
        try:
            auftrag = qes_anfordern(
                versionen=versionen,
                user=request.user,
                pin=eingabe.validated_data["pin"],
                otp=eingabe.validated_data["otp"],
                request=request,
            )
        except SignaturdienstFehler as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        _auftrag, posten = sichtbarer_auftrag(request.user, auftrag.pk)
        kontext = {"request": request, "posten": posten}
        daten = QesAuftragSerializer(auftrag, context=kontext).data
        return Response(daten, status=status.HTTP_202_ACCEPTED, headers={"Location": daten["url"]})


class QesAuftragView(APIView):
    """GET /api/v1/uebereinstimmungen/{id}/: status, progress and per document the outcome (404 unless the file
    and at least one of its documents are visible to the caller)."""

    request: AuthenticatedRequest
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=QesAuftragSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        auftrag, posten = sichtbarer_auftrag(request.user, pk)
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=auftrag, akte=auftrag.akte)
        return Response(QesAuftragSerializer(auftrag, context={"request": request, "posten": posten}).data)

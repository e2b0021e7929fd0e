"""Serializers of the e-file API. Related objects are looked up only among what the caller may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dms.models import Akte, Behoerde, Dokument, Person, Register, Team, Vorgang, Vorgangsart
from dms.queries import eigene_behoerde_id
from dms.services.akten import PERSON_FELDER

User = get_user_model()


def _request_user(serializer: serializers.BaseSerializer[Any] | None) -> Any:
    request = serializer.context.get("request") if serializer is not None else None
    return request.user if request is not None else None


@extend_schema_field(OpenApiTypes.INT)
class SichtbareAkteField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return Akte.objects.visible_to(_request_user(self.parent))


@extend_schema_field(OpenApiTypes.INT)
class AenderbareAkteField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return Akte.objects.changeable_by(_request_user(self.parent))


@extend_schema_field(OpenApiTypes.INT)
class AenderbarerVorgangField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return Vorgang.objects.filter(akte__in=Akte.objects.changeable_by(_request_user(self.parent)))


class EigenePersonField(serializers.PrimaryKeyRelatedField):
    """Own authority's persons the caller may see: a person hidden by a restricted file cannot be named (a new
    file for her would show her data)."""

    def get_queryset(self) -> Any:
        user = _request_user(self.parent)
        return Person.objects.visible_to(user).filter(behoerde_id=eigene_behoerde_id(user))


class EigenesTeamField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return Team.objects.filter(behoerde_id=eigene_behoerde_id(_request_user(self.parent)))


class EigenerBenutzerField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return User.objects.filter(mitgliedschaft__behoerde_id=eigene_behoerde_id(_request_user(self.parent)))


class BehoerdeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Behoerde
        fields = ["id", "kuerzel", "name", "art"]


class PersonSerializer(serializers.ModelSerializer):
    geburtsdatum = serializers.DateField(required=False, allow_null=True, format="%Y-%m-%d", input_formats=["%Y-%m-%d"])
    staatsangehoerigkeiten = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=10
    )
    namensvarianten = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=20)
    azr_nummer = serializers.RegexField(
        r"^\d{12}$",
        required=False,
        allow_null=True,
        allow_blank=True,
        error_messages={"invalid": "Die AZR-Nummer besteht aus genau 12 Ziffern."},
    )

    class Meta:
        model = Person
        fields = ["id", *PERSON_FELDER]
        # The DB-level unique check is done by the service with a German message.
        validators: list[Any] = []


class RegisterEintragSerializer(serializers.Serializer):
    nummer = serializers.CharField()
    titel = serializers.CharField()
    anzahl = serializers.IntegerField()
    dokumente = serializers.ListField(child=serializers.IntegerField())


class AkteSerializer(serializers.ModelSerializer):
    person = EigenePersonField()
    team = EigenesTeamField(required=False, allow_null=True)
    sachbearbeitung = EigenerBenutzerField(required=False, allow_null=True)
    behoerde: serializers.SlugRelatedField[Behoerde] = serializers.SlugRelatedField(
        slug_field="kuerzel", read_only=True
    )

    class Meta:
        model = Akte
        fields = [
            "id",
            "aktenzeichen",
            "person",
            "behoerde",
            "status",
            "medium",
            "vertraulichkeit",
            "team",
            "sachbearbeitung",
            "gesperrt",
            "version",
            "angelegt_am",
        ]
        read_only_fields = ["aktenzeichen", "status", "version", "angelegt_am"]


class AkteUpdateSerializer(serializers.ModelSerializer):
    """PATCH: the `version` the client loaded is required, so a concurrent change is detected (409)."""

    version = serializers.IntegerField(min_value=1)
    team = EigenesTeamField(required=False, allow_null=True)
    sachbearbeitung = EigenerBenutzerField(required=False, allow_null=True)

    class Meta:
        model = Akte
        fields = ["status", "medium", "vertraulichkeit", "team", "sachbearbeitung", "gesperrt", "version"]


class AkteDetailSerializer(AkteSerializer):
    register = serializers.SerializerMethodField()
    person_daten = PersonSerializer(source="person", read_only=True)

    class Meta(AkteSerializer.Meta):
        fields = [*AkteSerializer.Meta.fields, "fruehere_aktenzeichen", "person_daten", "register"]

    def get_register(self, akte: Akte) -> list[dict[str, Any]]:
        # Filled by the view with two queries in total, whatever the number of documents.
        return self.context["register_uebersicht"]


class VorgangSerializer(serializers.ModelSerializer):
    akte = AenderbareAkteField()
    vorgangsart = serializers.SlugRelatedField(slug_field="schluessel", queryset=Vorgangsart.objects.filter(aktiv=True))
    sachbearbeitung = EigenerBenutzerField(required=False, allow_null=True)
    wiedervorlage = serializers.SerializerMethodField(
        help_text="Die nächste offene Wiedervorlage des Vorgangs (nur lesend; anlegen über /api/v1/wiedervorlagen/)."
    )

    class Meta:
        model = Vorgang
        fields = [
            "id",
            "akte",
            "vorgangsart",
            "aktenzeichen",
            "betreff",
            "status",
            "sachbearbeitung",
            "wiedervorlage",
            "version",
        ]
        read_only_fields = ["aktenzeichen", "status", "version"]

    def get_wiedervorlage(self, vorgang: Vorgang) -> date | None:
        if hasattr(vorgang, "naechste_wiedervorlage"):  # annotated by the viewset's list
            return vorgang.naechste_wiedervorlage
        return vorgang.wiedervorlagen.offen().order_by("faellig_am").values_list("faellig_am", flat=True).first()


class VorgangUpdateSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(min_value=1)
    sachbearbeitung = EigenerBenutzerField(required=False, allow_null=True)

    class Meta:
        model = Vorgang
        fields = ["betreff", "status", "sachbearbeitung", "version"]


class DokumentSerializer(serializers.ModelSerializer):
    akte: serializers.PrimaryKeyRelatedField[Akte] = serializers.PrimaryKeyRelatedField(read_only=True)
    register: serializers.SlugRelatedField[Register] = serializers.SlugRelatedField(slug_field="nummer", read_only=True)
    sha256 = serializers.SerializerMethodField()

    class Meta:
        model = Dokument
        fields = [
            "id",
            "akte",
            "vorgang",
            "register",
            "titel",
            "art",
            "richtung",
            "eingangsdatum",
            "quelle",
            "seiten",
            "blatt",
            "sha256",
            "ocr_status",
        ]

    def get_sha256(self, dokument: Dokument) -> str | None:
        if hasattr(dokument, "aktuelle_sha256"):  # annotated by every list/detail queryset: no query per row
            return dokument.aktuelle_sha256
        version = dokument.aktuelle_version
        return version.sha256 if version else None


class RegisterNummerField(serializers.SlugRelatedField):
    """A register by its number; a NUL byte (multipart fields pass the NUL middleware) is 'not found', not a 500."""

    def to_internal_value(self, data: Any) -> Any:
        if "\x00" in str(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value="?")
        return super().to_internal_value(data)


class DokumentUploadSerializer(serializers.Serializer):
    datei = serializers.FileField(allow_empty_file=True)
    akte = AenderbareAkteField()
    register = RegisterNummerField(slug_field="nummer", queryset=Register.objects.aktiv())
    vorgang = AenderbarerVorgangField(required=False, allow_null=True)
    titel = serializers.CharField(max_length=300, required=False, allow_blank=True)
    art = serializers.CharField(max_length=50, required=False, allow_blank=True)
    richtung = serializers.ChoiceField(choices=Dokument.Richtung.choices, required=False)
    eingangsdatum = serializers.DateField(required=False)

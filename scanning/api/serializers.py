"""Serializers of the Posteingang API (fields as in /work/shared/API.md, plus a few more)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import Posteingang


class PosteingangSerializer(serializers.ModelSerializer):
    status_anzeige = serializers.CharField(source="get_status_display", read_only=True)
    eingeliefert_von = serializers.CharField(source="eingeliefert_von_anzeige", read_only=True)
    teile = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()

    class Meta:
        model = Posteingang
        fields = [
            "id",
            "status",
            "status_anzeige",
            "fehler",
            "hinweis",
            "quelle",
            "dateiname",
            "mime_type",
            "sha256",
            "groesse",
            "eingegangen_am",
            "eingeliefert_von",
            "verarbeitet_am",
            "seiten",
            "blatt",
            "leere_seiten",
            "textquelle",
            "akte",
            "vorgang",
            "dokument",
            "automatisch_zugeordnet",
            "team",
            "zugewiesen_an",
            "vorschlaege",
            "erkannte_merkmale",
            "dokumentart",
            "register_nummer",
            "parent",
            "teile",
            "duplikat_von",
            "original_url",
        ]
        read_only_fields = fields

    def get_teile(self, obj: Posteingang) -> list[int]:
        # Prefetched in the viewset (no query per row).
        return [t.pk for t in obj.teile.all()]

    def get_original_url(self, obj: Posteingang) -> str:
        return f"/api/v1/posteingang/{obj.pk}/original/"


class PosteingangUploadSerializer(serializers.Serializer):
    datei = serializers.FileField(allow_empty_file=True, help_text="PDF, TIFF, PNG oder JPEG (am Inhalt erkannt).")

    def to_representation(self, instance: Any) -> Any:
        return PosteingangSerializer(instance).data

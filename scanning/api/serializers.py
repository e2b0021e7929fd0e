"""Serializers of the Posteingang API (fields as in /work/shared/API.md, plus a few more)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dms.eingaben import id_lesen
from dms.models import Akte

from ..models import Posteingang


class PosteingangSerializer(serializers.ModelSerializer):
    """Every object the item names is shown only when the reader may see it (request in the context).

    Suggestions are stored when the pipeline runs; a file restricted, handed over or out of reach since then must
    vanish from them, and so must links to other items (a duplicate, the parent, the parts) the reader may not see.
    Without a request (internal use) nothing is shown of them.
    """

    status_anzeige = serializers.CharField(source="get_status_display", read_only=True)
    eingeliefert_von = serializers.CharField(source="eingeliefert_von_anzeige", read_only=True)
    teile = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()
    vorschlaege = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()  # type: ignore[assignment]  # the wire name; DRF pops it
    duplikat_von = serializers.SerializerMethodField()

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

    def _alle(self) -> list[Posteingang]:
        """The items this serializer (or its list) renders: the visibility of their links is asked once."""
        parent = getattr(self, "parent", None)
        menge = parent.instance if parent is not None else self.instance
        if isinstance(menge, Posteingang):
            return [menge]
        return list(menge or [])

    def _sichtbar(self) -> tuple[set[int], set[int]]:
        """(visible Akte ids among all suggestions, visible Posteingang ids among all links), cached per render."""
        cache: tuple[set[int], set[int]] | None = getattr(self.root, "_sichtbar_cache", None)
        if cache is not None:
            return cache
        request = self.context.get("request")
        akten: set[int] = set()
        eintraege: set[int] = set()
        if request is not None:
            alle = self._alle()
            akte_ids = {
                i for p in alle for v in (p.vorschlaege or []) if isinstance(v, dict) and (i := id_lesen(v.get("akte")))
            }
            link_ids = {i for p in alle for i in (p.parent_id, p.duplikat_von_id) if i} | {
                t.pk for p in alle for t in p.teile.all()
            }
            akten = set(Akte.objects.visible_to(request.user).filter(pk__in=akte_ids).values_list("pk", flat=True))
            eintraege = set(
                Posteingang.objects.visible_to(request.user).filter(pk__in=link_ids).values_list("pk", flat=True)
            )
        self.root._sichtbar_cache = (akten, eintraege)  # type: ignore[attr-defined]
        return akten, eintraege

    def get_vorschlaege(self, obj: Posteingang) -> list[dict[str, Any]]:
        akten, _ = self._sichtbar()
        return [v for v in (obj.vorschlaege or []) if isinstance(v, dict) and id_lesen(v.get("akte")) in akten]

    def get_parent(self, obj: Posteingang) -> int | None:
        return obj.parent_id if obj.parent_id in self._sichtbar()[1] else None

    def get_duplikat_von(self, obj: Posteingang) -> int | None:
        return obj.duplikat_von_id if obj.duplikat_von_id in self._sichtbar()[1] else None

    def get_teile(self, obj: Posteingang) -> list[int]:
        # Prefetched in the viewset (no query per row).
        sichtbar = self._sichtbar()[1]
        return [t.pk for t in obj.teile.all() if t.pk in sichtbar]

    def get_original_url(self, obj: Posteingang) -> str:
        return f"/api/v1/posteingang/{obj.pk}/original/"


class PosteingangUploadSerializer(serializers.Serializer):
    datei = serializers.FileField(allow_empty_file=True, help_text="PDF, TIFF, PNG oder JPEG (am Inhalt erkannt).")

    def to_representation(self, instance: Any) -> Any:
        return PosteingangSerializer(instance, context=self.context).data


class SammelSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=100,
        help_text="Posteingänge des Postkorbs; nicht sichtbare gelten als nicht gefunden.",
    )


class SammelZuordnenSerializer(SammelSerializer):
    akte = serializers.IntegerField(min_value=1)
    register = serializers.CharField(max_length=10)
    vorgang = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class SammelWeiterleitenSerializer(SammelSerializer):
    team = serializers.IntegerField(min_value=1, help_text="Ein besetztes Team der eigenen Behörde.")
    hinweis = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EinzelergebnisSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    meldung = serializers.CharField()


class SammelergebnisSerializer(serializers.Serializer):
    ergebnisse = EinzelergebnisSerializer(many=True)

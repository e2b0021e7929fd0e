"""Admin of the Land-wide data: authorities, Aktenplan with registers, catalogues (read-only for authority admins)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from dms.models import (
    Aktenplan,
    Behoerde,
    Dokumentart,
    Register,
    Vorgangsart,
)

from .basis import (
    BehoerdeMixin,
)


@admin.register(Behoerde)
class BehoerdeAdmin(BehoerdeMixin, admin.ModelAdmin):
    list_display = ["kuerzel", "name", "art", "typ", "aktiv", "vom_land_gepflegt", "totp_pflicht"]
    list_filter = ["vom_land_gepflegt", "art", "typ", "aktiv"]
    search_fields = ["kuerzel", "name"]
    ordering = ["kuerzel"]
    HINWEIS = (
        "Die Liste der Ausländerbehörden wird vom Land (HMdIS) gepflegt. "
        "Änderungen nur in Abstimmung mit dem Land; sie werden bei „landesdaten_laden“ wieder überschrieben."
    )
    fieldsets = [
        (None, {"fields": ["kuerzel", "name", "art", "typ", "aktiv", "totp_pflicht"]}),
        ("Landesdaten", {"fields": ["vom_land_gepflegt"], "description": HINWEIS}),
    ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": self.HINWEIS})


class RegisterInline(admin.TabularInline):
    model = Register
    extra = 0
    fields = ["nummer", "titel", "aufbewahrung_jahre", "aussonderungsart"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # documents reference registers; a new plan version replaces them


@admin.register(Aktenplan)
class AktenplanAdmin(BehoerdeMixin, admin.ModelAdmin):
    list_display = ["version", "bezeichnung", "gueltig_ab", "aktiv"]
    list_filter = ["aktiv"]
    search_fields = ["version", "bezeichnung"]
    inlines = [RegisterInline]


@admin.register(Register)
class RegisterAdmin(BehoerdeMixin, admin.ModelAdmin):
    list_display = ["nummer", "titel", "aktenplan", "aufbewahrung_jahre", "aussonderungsart"]
    list_filter = ["aktenplan", "aussonderungsart"]
    search_fields = ["nummer", "titel"]
    list_select_related = ["aktenplan"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        # Autocomplete offers only registers of the active plan.
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(aktenplan__aktiv=True)
        return super().get_search_results(request, queryset, search_term)


@admin.register(Vorgangsart)
class VorgangsartAdmin(BehoerdeMixin, admin.ModelAdmin):
    list_display = ["bezeichnung", "schluessel", "register", "aktiv"]
    list_filter = ["aktiv"]
    search_fields = ["bezeichnung", "schluessel"]
    list_select_related = ["register"]
    autocomplete_fields = ["register"]


@admin.register(Dokumentart)
class DokumentartAdmin(BehoerdeMixin, admin.ModelAdmin):
    list_display = ["bezeichnung", "schluessel", "register_nummer", "rang"]
    search_fields = ["bezeichnung", "schluessel"]

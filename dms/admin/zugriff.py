"""Admin of inspection grants, named releases of restricted files, the audit trail and the file-number counters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.http import HttpRequest

from dms.audit import Aktion
from dms.http import angemeldeter_benutzer
from dms.models import (
    Akte,
    AkteFreigabe,
    Akteneinsicht,
    AktenzeichenZaehler,
    Protokolleintrag,
)

from .basis import (
    BehoerdeMixin,
    LeseAdmin,
    ProtokollierendMixin,
)


@admin.register(Akteneinsicht)
class AkteneinsichtAdmin(ProtokollierendMixin, BehoerdeMixin, admin.ModelAdmin):
    behoerde_lookup = "akte__behoerde_id"
    akte_lookup = "akte"
    fremde_erlaubt = frozenset({"behoerde", "user"})
    protokoll_aktion = Aktion.BERECHTIGUNG
    list_display = ["akte", "behoerde", "user", "bis", "erteilt_von", "erteilt_am", "widerrufen_am"]
    list_filter = ["bis", "widerrufen_am"]
    search_fields = ["^akte__aktenzeichen", "behoerde__kuerzel", "user__username"]
    list_select_related = ["akte", "behoerde", "user", "erteilt_von"]
    autocomplete_fields = ["akte", "behoerde", "user"]
    readonly_fields = ["erteilt_von", "erteilt_am"]
    ordering = ["-id"]

    def _akte(self, obj: Akteneinsicht) -> Akte | None:
        return obj.akte

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke with "widerrufen am", so the grant stays on record

    def save_model(self, request: HttpRequest, obj: Akteneinsicht, form: Any, change: bool) -> None:
        if not change:
            obj.erteilt_von = angemeldeter_benutzer(request)
        super().save_model(request, obj, form, change)


class AkteFreigabeForm(forms.ModelForm):
    class Meta:
        model = AkteFreigabe
        fields = ["content_object", "user", "permission"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        feld = self.fields.get("permission")
        if isinstance(feld, forms.ModelChoiceField):
            feld.queryset = Permission.objects.filter(codename="view_gesperrte_akte")


@admin.register(AkteFreigabe)
class AkteFreigabeAdmin(ProtokollierendMixin, BehoerdeMixin, admin.ModelAdmin):
    form = AkteFreigabeForm
    behoerde_lookup = "content_object__behoerde_id"
    protokoll_aktion = Aktion.BERECHTIGUNG
    list_display = ["content_object", "user", "permission"]
    search_fields = ["^content_object__aktenzeichen", "user__username"]
    list_select_related = ["content_object", "user", "permission"]
    autocomplete_fields = ["content_object", "user"]
    ordering = ["-id"]

    def _akte(self, obj: AkteFreigabe) -> Akte | None:
        return obj.content_object


@admin.register(Protokolleintrag)
class ProtokolleintragAdmin(LeseAdmin):
    """The audit trail: append-only (a database trigger refuses changes), so no add, change or delete here."""

    behoerde_lookup = "behoerde_id_wert"
    matrix_aktion = "protokoll_lesen"  # Revision only (docs/permissions.md): never the authority admin
    list_display = ["zeitpunkt", "benutzername", "aktion", "objekt_typ", "objekt_id", "aktenzeichen", "ip_adresse"]
    list_filter = ["aktion"]
    search_fields = ["=aktenzeichen", "=benutzername", "=objekt_id"]
    ordering = ["-id"]
    exclude = ["user", "im_auftrag_von"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


@admin.register(AktenzeichenZaehler)
class AktenzeichenZaehlerAdmin(LeseAdmin):
    behoerde_lookup = "behoerde_id"
    list_display = ["behoerde", "jahr", "letzte_nummer"]
    list_filter = ["jahr"]
    list_select_related = ["behoerde"]
    search_fields = ["behoerde__kuerzel"]

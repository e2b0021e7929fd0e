"""Admin of teams, memberships, substitutes and users, limited to the admin's own authority."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from dms.audit import Aktion
from dms.http import angemeldeter_benutzer
from dms.models import (
    Mitgliedschaft,
    Rolle,
    Team,
    Vertretung,
)

from .basis import (
    BehoerdeMixin,
    ProtokollierendMixin,
    User,
)


@admin.register(Team)
class TeamAdmin(ProtokollierendMixin, BehoerdeMixin, admin.ModelAdmin):
    behoerde_lookup = "behoerde_id"
    list_display = ["name", "behoerde", "buchstaben_von", "buchstaben_bis", "ist_standard"]
    list_filter = ["ist_standard", "behoerde"]
    search_fields = ["name", "behoerde__kuerzel"]
    list_select_related = ["behoerde"]


@admin.register(Mitgliedschaft)
class MitgliedschaftAdmin(ProtokollierendMixin, BehoerdeMixin, admin.ModelAdmin):
    behoerde_lookup = "behoerde_id"
    protokoll_aktion = Aktion.BERECHTIGUNG
    list_display = ["user", "behoerde", "rolle", "team"]
    list_filter = ["rolle", "behoerde"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "behoerde__kuerzel"]
    list_select_related = ["user", "behoerde", "team"]
    autocomplete_fields = ["user", "team"]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Only the Land grants the ministry role.
        if db_field.name == "rolle" and not request.user.is_superuser:
            kwargs["choices"] = [c for c in Rolle.choices if c[0] != Rolle.LAND]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Vertretung)
class VertretungAdmin(ProtokollierendMixin, BehoerdeMixin, admin.ModelAdmin):
    behoerde_lookup = "vertretene_person__mitgliedschaft__behoerde_id"
    protokoll_aktion = Aktion.BERECHTIGUNG
    list_display = ["vertretene_person", "vertretung", "von", "bis", "angelegt_von"]
    list_filter = ["von", "bis"]
    search_fields = ["vertretene_person__username", "vertretung__username", "vertretene_person__last_name"]
    list_select_related = ["vertretene_person", "vertretung", "angelegt_von"]
    autocomplete_fields = ["vertretene_person", "vertretung"]
    readonly_fields = ["angelegt_von", "angelegt_am"]

    def save_model(self, request: HttpRequest, obj: Vertretung, form: Any, change: bool) -> None:
        if not change:
            obj.angelegt_von = angemeldeter_benutzer(request)
        super().save_model(request, obj, form, change)


class MitgliedschaftInline(BehoerdeMixin, admin.StackedInline):
    model = Mitgliedschaft
    behoerde_lookup = "behoerde_id"
    can_delete = False
    extra = 0


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class BenutzerAdmin(BehoerdeMixin, UserAdmin):
    behoerde_lookup = "mitgliedschaft__behoerde_id"
    list_display = ["username", "first_name", "last_name", "behoerde", "rolle", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "mitgliedschaft__rolle", "mitgliedschaft__behoerde"]
    list_select_related = ["mitgliedschaft__behoerde"]
    inlines = [MitgliedschaftInline]
    ordering = ["username"]

    @admin.display(description="Behörde", ordering="mitgliedschaft__behoerde__kuerzel")
    def behoerde(self, user: Any) -> str:
        m = getattr(user, "mitgliedschaft", None)
        return m.behoerde.kuerzel if m else "–"

    @admin.display(description="Rolle")
    def rolle(self, user: Any) -> str:
        m = getattr(user, "mitgliedschaft", None)
        return m.get_rolle_display() if m else "–"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        # No superuser, staff, group or permission fields for an authority admin (no privilege escalation).
        return [(None, {"fields": ["username", "first_name", "last_name", "email", "is_active", "last_login"]})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["username", "last_login"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser  # new users: `manage.py benutzer_anlegen`

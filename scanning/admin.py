from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Posteingang


@admin.register(Posteingang)
class PosteingangAdmin(admin.ModelAdmin):
    """Read-only view for operators; changes go through the services (audit trail)."""

    list_display = ("id", "behoerde", "eingegangen_am", "quelle", "dateiname", "status", "akte")
    list_filter = ("status", "quelle", "behoerde")
    search_fields = ("dateiname", "sha256")
    readonly_fields = [f.name for f in Posteingang._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


from .eingang import admin as _eingang_admin  # noqa: E402, F401  (mailboxes, platforms, postcodes)

"""Admin of the electronic intake: mailboxes (per authority), sending platforms and postcodes (Land data)."""

from __future__ import annotations

from django.contrib import admin

from dms.admin.basis import BehoerdeMixin, ProtokollierendMixin

from .models import EingangsMail, Plattform, Postfach, Zustaendigkeit


@admin.register(Postfach)
class PostfachAdmin(BehoerdeMixin, ProtokollierendMixin, admin.ModelAdmin):
    behoerde_lookup = "behoerde_id"
    list_display = ("name", "behoerde", "benutzer", "host", "aktiv", "zuletzt_abgerufen", "letzter_fehler")
    readonly_fields = ("zuletzt_abgerufen", "letzter_fehler")


@admin.register(EingangsMail)
class EingangsMailAdmin(BehoerdeMixin, admin.ModelAdmin):
    behoerde_lookup = "behoerde_id"
    list_display = ("eingegangen_am", "absender", "betreff", "posteingang")
    readonly_fields = [f.name for f in EingangsMail._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Plattform)
class PlattformAdmin(BehoerdeMixin, ProtokollierendMixin, admin.ModelAdmin):
    behoerde_lookup = None  # Land-wide: changed by the Land's operators (superusers) only
    list_display = ("name", "kennung", "aktiv")


@admin.register(Zustaendigkeit)
class ZustaendigkeitAdmin(BehoerdeMixin, admin.ModelAdmin):
    behoerde_lookup = None  # Land data (fixtures/postleitzahlen.json)
    list_display = ("postleitzahl", "ort", "behoerde")
    search_fields = ("postleitzahl", "ort")

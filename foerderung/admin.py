from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Foerderantrag, Foerderprogramm, Verwendungsnachweis, Zuwendungsbescheid


@admin.register(Foerderprogramm)
class FoerderprogrammAdmin(admin.ModelAdmin):
    list_display = ["name", "budget", "satz_akte", "satz_blatt", "antragsfrist", "aktiv"]


@admin.register(Foerderantrag)
class FoerderantragAdmin(admin.ModelAdmin):
    """Read-only: applications are made through the service (amount computed, deadline checked)."""

    list_display = ["behoerde", "programm", "akten_geplant", "blatt_geplant", "betrag", "eingereicht_am", "status"]
    list_filter = ["programm", "status"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Zuwendungsbescheid)
class ZuwendungsbescheidAdmin(FoerderantragAdmin):
    list_display = ["nummer", "antrag", "datum", "betrag", "ausgezahlt"]
    list_filter = ["programm"]


@admin.register(Verwendungsnachweis)
class VerwendungsnachweisAdmin(FoerderantragAdmin):
    list_display = ["antrag", "stichtag", "akten", "blatt", "nachgewiesen", "auszahlung", "rueckforderung"]
    list_filter = []

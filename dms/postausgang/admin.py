"""Letter templates in Django admin: the authority's admin maintains her own authority's templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from dms.admin.basis import BehoerdeMixin, ProtokollierendMixin
from dms.http import angemeldeter_benutzer
from dms.models import Behoerde
from dms.queries import eigene_behoerde_id

from . import services
from .felder import FELDER, VorlagenFehler, vorlage_pruefen
from .models import Ausgangsschreiben, Briefvorlage


class BriefvorlageForm(forms.ModelForm):
    class Meta:
        model = Briefvorlage
        fields = ["behoerde", "name", "datei", "betreff", "standardtext", "vier_augen", "register_nummer",
                  "dokumentart", "aktiv"]  # fmt: skip
        help_texts = {
            "datei": "Word-Datei (.docx) mit Briefkopf und Feldern: " + ", ".join("{{ " + f + " }}" for f in FELDER)
        }

    def clean_datei(self) -> Any:
        datei = self.cleaned_data.get("datei")
        if datei is not None and hasattr(datei, "read") and "datei" in self.changed_data:
            try:
                vorlage_pruefen(datei)
            except VorlagenFehler as exc:
                raise forms.ValidationError(exc.meldung) from exc
            datei.seek(0)
        return datei


@admin.register(Briefvorlage)
class BriefvorlageAdmin(BehoerdeMixin, ProtokollierendMixin, admin.ModelAdmin):
    form = BriefvorlageForm
    behoerde_lookup = "behoerde_id"
    list_display = ("name", "behoerde", "vier_augen", "aktiv")
    list_filter = ("aktiv", "vier_augen")
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            if "datei" in form.changed_data:
                obj.felder = vorlage_pruefen(form.cleaned_data["datei"])
            super().save_model(request, obj, form, change)
            return
        d = form.cleaned_data
        user = angemeldeter_benutzer(request)
        behoerde = d["behoerde"] if user.is_superuser else Behoerde.objects.get(pk=eigene_behoerde_id(user))
        neu = services.vorlage_anlegen(
            behoerde=behoerde, name=d["name"], datei=d["datei"], user=user, request=request,
            vier_augen=d["vier_augen"], standardtext=d["standardtext"], betreff=d["betreff"],
            register_nummer=d["register_nummer"], dokumentart=d["dokumentart"],
        )  # fmt: skip
        obj.pk = obj.id = neu.pk


@admin.register(Ausgangsschreiben)
class AusgangsschreibenAdmin(BehoerdeMixin, admin.ModelAdmin):
    """Read-only for operators (dispatch status, provider messages); changes go through the services."""

    behoerde_lookup = "akte__behoerde_id"
    akte_lookup = "akte"
    list_display = ("id", "akte", "vorlage", "status", "sendungsnummer", "versandversuche", "geaendert_am")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Ausgangsschreiben._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""Admin of persons, files, procedures and documents; writes go through dms.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest

from dms import services
from dms.http import angemeldeter_benutzer
from dms.models import (
    Akte,
    Dokument,
    DokumentVersion,
    Person,
    Vorgang,
)
from dms.namen import name_normalisieren
from dms.services.akten import AKTE_AENDERBAR, PERSON_FELDER, VORGANG_AENDERBAR

from .basis import (
    BehoerdeMixin,
    LeseAdmin,
    VersionForm,
    uebernehmen,
)


@admin.register(Person)
class PersonAdmin(BehoerdeMixin, admin.ModelAdmin):
    behoerde_lookup = "behoerde_id"
    list_display = ["familienname", "vornamen", "geburtsdatum", "azr_nummer", "behoerde"]
    list_filter = ["behoerde", "geschlecht"]
    search_fields = ["familienname", "vornamen", "geburtsname", "=azr_nummer"]
    list_select_related = ["behoerde"]
    ordering = ["-id"]
    fields = ["behoerde", *PERSON_FELDER, "angelegt_am", "geaendert_am"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        # A person whose file carries a Sperrvermerk stays hidden unless the admin is named on that file.
        verborgen = Akte.objects.filter(person=OuterRef("pk"), gesperrt=True).exclude(
            pk__in=Akte.objects.visible_to(request.user).values("pk")
        )
        return qs.filter(~Exists(verborgen))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["behoerde", "angelegt_am", "geaendert_am"] if obj else ["angelegt_am", "geaendert_am"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        qs, doppelt = super().get_search_results(request, queryset, search_term)
        # Spelling-tolerant: "Muller", "Müller" and "Mueller" find the same person, also via name variants.
        schluessel = name_normalisieren(search_term)
        if schluessel:
            qs = qs | queryset.filter(Q(namen_normalisiert__contains=[schluessel]))
        return qs, doppelt

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deletion only through the Aussonderung process

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        if change:
            daten = {f: form.cleaned_data[f] for f in form.changed_data if f in PERSON_FELDER}
            if daten:
                uebernehmen(
                    obj,
                    services.person_aendern(person=obj, user=angemeldeter_benutzer(request), request=request, **daten),
                )
            return
        daten = {f: form.cleaned_data[f] for f in PERSON_FELDER if f in form.cleaned_data}
        person = services.person_anlegen(
            behoerde=obj.behoerde, user=angemeldeter_benutzer(request), request=request, **daten
        )
        uebernehmen(obj, person)


@admin.register(Akte)
class AkteAdmin(BehoerdeMixin, admin.ModelAdmin):
    form = VersionForm
    behoerde_lookup = "behoerde_id"
    akte_lookup = "pk"
    list_display = [
        "aktenzeichen",
        "person",
        "behoerde",
        "status",
        "team",
        "sachbearbeitung",
        "gesperrt",
        "angelegt_am",
    ]
    list_filter = ["status", "medium", "gesperrt", "behoerde"]
    search_fields = ["^aktenzeichen", "person__familienname", "=person__azr_nummer"]
    list_select_related = ["person", "behoerde", "team", "sachbearbeitung"]
    autocomplete_fields = ["person", "team", "sachbearbeitung"]
    ordering = ["-id"]
    NUR_LESEN = [
        "aktenzeichen",
        "behoerde",
        "person",
        "fruehere_aktenzeichen",
        "angelegt_am",
        "geaendert_am",
        "version",
    ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["person", *[f for f in AKTE_AENDERBAR if f != "status"], "erwartete_version"]
        return [*self.NUR_LESEN, *AKTE_AENDERBAR, "erwartete_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.NUR_LESEN if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deletion only through the Aussonderung process

    def save_model(self, request: HttpRequest, obj: Akte, form: Any, change: bool) -> None:
        d = form.cleaned_data
        if change:
            aenderungen = {f: d[f] for f in form.changed_data if f in AKTE_AENDERBAR}
            if aenderungen:
                akte = services.akte_aendern(
                    akte=obj,
                    erwartete_version=d["erwartete_version"],
                    user=angemeldeter_benutzer(request),
                    request=request,
                    **aenderungen,
                )
                uebernehmen(obj, akte)
            return
        akte = services.akte_anlegen(
            person=d["person"],
            user=angemeldeter_benutzer(request),
            request=request,
            team=d.get("team"),
            sachbearbeitung=d.get("sachbearbeitung"),
            medium=d.get("medium") or Akte.Medium.ELEKTRONISCH,
            vertraulichkeit=d.get("vertraulichkeit") or Akte.Vertraulichkeit.VS_NFD,
            gesperrt=bool(d.get("gesperrt")),
        )
        uebernehmen(obj, akte)


@admin.register(Vorgang)
class VorgangAdmin(BehoerdeMixin, admin.ModelAdmin):
    form = VersionForm
    behoerde_lookup = "akte__behoerde_id"
    akte_lookup = "akte"
    list_display = ["aktenzeichen", "vorgangsart", "status", "sachbearbeitung", "begonnen_am"]
    list_filter = ["status", "vorgangsart"]
    search_fields = ["^aktenzeichen", "akte__person__familienname", "betreff"]
    list_select_related = ["vorgangsart", "sachbearbeitung"]
    autocomplete_fields = ["akte", "vorgangsart", "sachbearbeitung"]
    ordering = ["-id"]
    NUR_LESEN = ["aktenzeichen", "akte", "vorgangsart", "begonnen_am", "abgeschlossen_am", "version"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["akte", "vorgangsart", *[f for f in VORGANG_AENDERBAR if f != "status"], "erwartete_version"]
        return [*self.NUR_LESEN, *VORGANG_AENDERBAR, "erwartete_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.NUR_LESEN if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Vorgang, form: Any, change: bool) -> None:
        d = form.cleaned_data
        if change:
            aenderungen = {f: d[f] for f in form.changed_data if f in VORGANG_AENDERBAR}
            if aenderungen:
                vorgang = services.vorgang_aendern(
                    vorgang=obj,
                    erwartete_version=d["erwartete_version"],
                    user=angemeldeter_benutzer(request),
                    request=request,
                    **aenderungen,
                )
                uebernehmen(obj, vorgang)
            return
        vorgang = services.vorgang_anlegen(
            akte=d["akte"],
            vorgangsart=d["vorgangsart"],
            user=angemeldeter_benutzer(request),
            request=request,
            betreff=d.get("betreff") or "",
            sachbearbeitung=d.get("sachbearbeitung"),
        )
        uebernehmen(obj, vorgang)


VERSION_FELDER = (
    "nummer",
    "dateiname",
    "mime_type",
    "groesse",
    "sha256",
    "seiten",
    "blatt",
    "angelegt_am",
    "angelegt_von",
)
DOKUMENT_FELDER = (
    "titel", "akte", "register", "vorgang", "art", "richtung", "eingangsdatum", "quelle", "ocr_status",
    "seiten", "blatt", "angelegt_am", "angelegt_von", "text",
)  # fmt: skip


class DokumentVersionInline(admin.TabularInline):
    """Originals are immutable: versions are shown, never edited or removed."""

    model = DokumentVersion
    extra = 0
    can_delete = False
    fields = VERSION_FELDER
    readonly_fields = VERSION_FELDER
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dokument)
class DokumentAdmin(BehoerdeMixin, admin.ModelAdmin):
    behoerde_lookup = "akte__behoerde_id"
    akte_lookup = "akte"
    list_display = ["titel", "akte", "register", "art", "richtung", "eingangsdatum", "ocr_status", "seiten"]
    list_filter = ["ocr_status", "richtung", "quelle", "register"]
    search_fields = ["titel", "^akte__aktenzeichen"]
    list_select_related = ["akte", "register"]
    autocomplete_fields = ["register", "vorgang"]
    ordering = ["-id"]
    inlines = [DokumentVersionInline]
    fields = DOKUMENT_FELDER
    readonly_fields = [f for f in DOKUMENT_FELDER if f not in ("register", "vorgang")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # documents are uploaded into a file (page, API, Poststelle), never created empty

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Dokument, form: Any, change: bool) -> None:
        d = form.cleaned_data
        if not {"register", "vorgang"} & set(form.changed_data):
            return
        alt = Dokument.objects.get(pk=obj.pk)
        dokument = services.dokument_ablage_aendern(
            dokument=alt,
            user=angemeldeter_benutzer(request),
            request=request,
            register=d.get("register"),
            vorgang=d.get("vorgang"),
            vorgang_entfernen=d.get("vorgang") is None,
        )
        uebernehmen(obj, dokument)


@admin.register(DokumentVersion)
class DokumentVersionAdmin(LeseAdmin):
    behoerde_lookup = "dokument__akte__behoerde_id"
    akte_lookup = "dokument__akte"
    list_display = ["dokument", "nummer", "dateiname", "mime_type", "groesse", "sha256", "angelegt_am"]
    search_fields = ["=sha256", "dateiname"]
    list_select_related = ["dokument"]
    ordering = ["-id"]
    # No file links: a storage URL (S3: presigned) would bypass the access-checked, audited download.
    exclude = ["text", "original", "pdf"]

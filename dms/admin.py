"""Django admin for every model of the e-file (German), fast with 100,000 files.

- Superusers see everything; a user with the role `behoerdenadmin` sees only her own authority's objects
  (`BehoerdeMixin`, the single place of that rule). Land-wide data is read-only for her.
- Persons, files, procedures and documents are written through `dms.services` (audit entry, numbering, locking).
- No COUNT(*) over huge tables: `SchaetzenderPaginator` and `show_full_result_count = False`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import cached_property

from dms import services
from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.models import (
    Akte,
    AkteFreigabe,
    Akteneinsicht,
    Aktenplan,
    AktenzeichenZaehler,
    Behoerde,
    Dokument,
    Dokumentart,
    DokumentVersion,
    Mitgliedschaft,
    Person,
    Protokolleintrag,
    Register,
    Rolle,
    Team,
    Vertretung,
    Vorgang,
    Vorgangsart,
)
from dms.namen import normalize_name
from dms.services.akten import AKTE_AENDERBAR, PERSON_FELDER, VORGANG_AENDERBAR

User = get_user_model()

BEHOERDENADMIN_GRUPPE = "Behördenadministration"


class SchaetzenderPaginator(Paginator):
    """Counting a table of millions of rows costs seconds; an unfiltered list uses PostgreSQL's estimate,
    a filtered one counts at most OBERGRENZE rows (beyond that: refine with search or filters)."""

    SCHWELLE = 10_000
    OBERGRENZE = 100_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not isinstance(qs, QuerySet):
            return super().count
        if not qs.query.where:
            schaetzung = tabellen_schaetzung(qs.model._meta.db_table)
            if schaetzung > self.SCHWELLE:
                return schaetzung
        return qs.order_by()[: self.OBERGRENZE].count()


def tabellen_schaetzung(tabelle: str) -> int:
    """PostgreSQL's row estimate from the last ANALYZE (-1 / 0 when never analysed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [tabelle])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def ist_behoerdenadmin(request: HttpRequest) -> bool:
    z = zugang(request.user)
    return z.rolle == Rolle.BEHOERDENADMIN and z.behoerde_id is not None


class BehoerdeMixin:
    """Per-authority restriction of every admin page, in one place.

    `behoerde_lookup` is the lookup from the model to its authority's id (e.g. "akte__behoerde_id");
    None marks Land-wide data: visible to every admin, changeable by superusers only.
    """

    behoerde_lookup: str | None = None
    # Lookup to the Akte for file content (persons' data, documents): additionally limited to the files the admin
    # may see under the normal rules, so a restricted file (Sperrvermerk) stays hidden unless she is named on it.
    akte_lookup: str | None = None
    # Foreign keys that may point to another authority's rows (e.g. the recipient of an inspection grant).
    fremde_erlaubt: frozenset[str] = frozenset()
    list_per_page = 50
    show_full_result_count = False
    paginator = SchaetzenderPaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser or self.behoerde_lookup is None:
            return qs
        if not ist_behoerdenadmin(request):
            return qs.none()
        qs = qs.filter(**{self.behoerde_lookup: zugang(request.user).behoerde_id})
        if self.akte_lookup:
            qs = qs.filter(**{f"{self.akte_lookup}__in": Akte.objects.visible_to(request.user).values("pk")})
        return qs

    def _darf(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        return self.behoerde_lookup is not None and ist_behoerdenadmin(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return (request.user.is_superuser or ist_behoerdenadmin(request)) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        erlaubt = request.user.is_superuser or ist_behoerdenadmin(request)
        return erlaubt and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._darf(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._darf(request, obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._darf(request, obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser and db_field.name not in self.fremde_erlaubt and "queryset" not in kwargs:
            eigene = _eigene_auswahl(db_field.related_model, zugang(request.user).behoerde_id)
            if eigene is not None:
                kwargs["queryset"] = eigene
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A refusal by a service (German message) after the form was valid: nothing was saved (atomic).
        try:
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        except services.Konflikt as exc:
            self.message_user(request, str(exc), level=messages.ERROR)  # type: ignore[attr-defined]
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)  # type: ignore[attr-defined]
        return HttpResponseRedirect(request.get_full_path())


def _eigene_auswahl(model: type[models.Model], behoerde_id: int | None) -> QuerySet[Any] | None:
    """The choices a non-superuser may pick for a foreign key: only her authority's rows."""
    if model is Behoerde:
        return Behoerde.objects.filter(pk=behoerde_id)
    if model in (Team, Person, Akte):
        return model._default_manager.filter(behoerde_id=behoerde_id)
    if model is User:
        return User.objects.filter(mitgliedschaft__behoerde_id=behoerde_id)
    if model is Vorgang:
        return Vorgang.objects.filter(akte__behoerde_id=behoerde_id)
    return None


class ProtokollierendMixin:
    """Admin writes that no service covers still leave an audit entry, in the same transaction."""

    protokoll_aktion: str | None = None

    def _akte(self, obj: Any) -> Akte | None:
        return None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        aktion = self.protokoll_aktion or (Aktion.AENDERN if change else Aktion.ANLEGEN)
        details = {"admin": True, "felder": sorted(form.changed_data)}
        protokollieren(aktion=aktion, request=request, objekt=obj, akte=self._akte(obj), details=details)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        akte = self._akte(obj)
        protokollieren(aktion=Aktion.LOESCHEN, request=request, objekt=obj, akte=akte, details={"admin": True})
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class LeseAdmin(BehoerdeMixin, admin.ModelAdmin):
    """Read-only for everyone (audit trail, counters, immutable versions)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _uebernehmen(ziel: models.Model, quelle: models.Model) -> None:
    """Copy the row a service saved into the admin's instance (the admin logs and redirects with it)."""
    for feld in type(quelle)._meta.concrete_fields:
        setattr(ziel, feld.attname, getattr(quelle, feld.attname))
    ziel._state.adding = False


class VersionForm(forms.ModelForm):
    """Carries the version the editor loaded, so a concurrent save is refused (optimistic locking)."""

    erwartete_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["erwartete_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        daten = super().clean()
        if self.instance.pk:
            aktuell = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
            if daten.get("erwartete_version") != aktuell.first():
                raise ValidationError(str(services.Konflikt(None)))
        return daten


# --- Land-wide data -------------------------------------------------------------------------------------------


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


# --- Organisation ---------------------------------------------------------------------------------------------


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
            obj.angelegt_von = request.user
        super().save_model(request, obj, form, change)


# --- Persons, files, procedures, documents ----------------------------------------------------------------------


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
        schluessel = normalize_name(search_term)
        if schluessel:
            qs = qs | queryset.filter(Q(namen_normalisiert__contains=[schluessel]))
        return qs, doppelt

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deletion only through the Aussonderung process

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        if change:
            daten = {f: form.cleaned_data[f] for f in form.changed_data if f in PERSON_FELDER}
            if daten:
                _uebernehmen(obj, services.person_aendern(person=obj, user=request.user, request=request, **daten))
            return
        daten = {f: form.cleaned_data[f] for f in PERSON_FELDER if f in form.cleaned_data}
        person = services.person_anlegen(behoerde=obj.behoerde, user=request.user, request=request, **daten)
        _uebernehmen(obj, person)


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
                    user=request.user,
                    request=request,
                    **aenderungen,
                )
                _uebernehmen(obj, akte)
            return
        akte = services.akte_anlegen(
            person=d["person"],
            user=request.user,
            request=request,
            team=d.get("team"),
            sachbearbeitung=d.get("sachbearbeitung"),
            medium=d.get("medium") or Akte.Medium.ELEKTRONISCH,
            vertraulichkeit=d.get("vertraulichkeit") or Akte.Vertraulichkeit.VS_NFD,
            gesperrt=bool(d.get("gesperrt")),
        )
        _uebernehmen(obj, akte)


@admin.register(Vorgang)
class VorgangAdmin(BehoerdeMixin, admin.ModelAdmin):
    form = VersionForm
    behoerde_lookup = "akte__behoerde_id"
    akte_lookup = "akte"
    list_display = ["aktenzeichen", "vorgangsart", "status", "sachbearbeitung", "wiedervorlage", "begonnen_am"]
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
                    user=request.user,
                    request=request,
                    **aenderungen,
                )
                _uebernehmen(obj, vorgang)
            return
        vorgang = services.vorgang_anlegen(
            akte=d["akte"],
            vorgangsart=d["vorgangsart"],
            user=request.user,
            request=request,
            betreff=d.get("betreff") or "",
            sachbearbeitung=d.get("sachbearbeitung"),
            wiedervorlage=d.get("wiedervorlage"),
            wiedervorlage_grund=d.get("wiedervorlage_grund") or "",
        )
        _uebernehmen(obj, vorgang)


class DokumentVersionInline(admin.TabularInline):
    """Originals are immutable: versions are shown, never edited or removed."""

    model = DokumentVersion
    extra = 0
    can_delete = False
    fields = ["nummer", "dateiname", "mime_type", "groesse", "sha256", "seiten", "blatt", "angelegt_am", "angelegt_von"]
    readonly_fields = fields
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
    fields = [
        "titel", "akte", "register", "vorgang", "art", "richtung", "eingangsdatum", "quelle", "ocr_status",
        "seiten", "blatt", "angelegt_am", "angelegt_von", "text",
    ]  # fmt: skip
    readonly_fields = [f for f in fields if f not in ("register", "vorgang")]

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
            user=request.user,
            request=request,
            register=d.get("register"),
            vorgang=d.get("vorgang"),
            vorgang_entfernen=d.get("vorgang") is None,
        )
        _uebernehmen(obj, dokument)


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


# --- Access grants and the audit trail --------------------------------------------------------------------------


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
            obj.erteilt_von = request.user
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


# --- Users: the same per-authority restriction, no privilege fields for authority admins -------------------------


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


# Model permissions of the group every `behoerdenadmin` belongs to (objects are still limited to her authority).
BEHOERDENADMIN_RECHTE: dict[str, tuple[str, ...]] = {
    "behoerde": ("view",),
    "aktenplan": ("view",),
    "register": ("view",),
    "vorgangsart": ("view",),
    "dokumentart": ("view",),
    "team": ("view", "add", "change", "delete"),
    "mitgliedschaft": ("view", "add", "change"),
    "vertretung": ("view", "add", "change", "delete"),
    "person": ("view", "add", "change"),
    "akte": ("view", "add", "change"),
    "vorgang": ("view", "add", "change"),
    "dokument": ("view", "change"),
    "dokumentversion": ("view",),
    "akteneinsicht": ("view", "add", "change"),
    "aktefreigabe": ("view", "add", "change", "delete"),
    "protokolleintrag": ("view",),
    "aktenzeichenzaehler": ("view",),
}


def behoerdenadmin_gruppe() -> Group:
    """The group with the admin rights of an authority admin (created or brought up to date, idempotent)."""
    gruppe, _ = Group.objects.get_or_create(name=BEHOERDENADMIN_GRUPPE)
    codenames = [f"{recht}_{model}" for model, rechte in BEHOERDENADMIN_RECHTE.items() for recht in rechte]
    rechte = list(Permission.objects.filter(content_type__app_label="dms", codename__in=codenames))
    rechte += list(Permission.objects.filter(content_type__app_label="auth", codename="view_user"))
    gruppe.permissions.set(rechte)
    return gruppe

"""Shared admin pieces: the per-authority restriction, estimated counts, audited saves, the authority-admin group."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import cached_property

from dms import services
from dms.access import zugang
from dms.audit import Aktion, protokollieren
from dms.models import (
    Akte,
    Behoerde,
    Person,
    Rolle,
    Team,
    Vorgang,
)
from dms.permissions_matrix import darf

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
    # The action of the role matrix (dms/permissions_matrix.py) this admin page belongs to: the admin obeys the same
    # matrix as pages and API (issue 10, item 10). The audit trail is `protokoll_lesen`, which only Revision has.
    matrix_aktion: str = "verwaltung"
    # Lookup to the Akte for file content (persons' data, documents): additionally limited to the files the admin
    # may see under the normal rules, so a restricted file (Sperrvermerk) stays hidden unless she is named on it.
    akte_lookup: str | None = None
    # Foreign keys that may point to another authority's rows (e.g. the recipient of an inspection grant).
    fremde_erlaubt: frozenset[str] = frozenset()
    list_per_page = 50
    show_full_result_count = False
    paginator: type[Paginator] = SchaetzenderPaginator

    def _zugelassen(self, request: HttpRequest) -> bool:
        """An authority admin whose role the matrix gives this page's action."""
        return ist_behoerdenadmin(request) and darf(request.user, self.matrix_aktion)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return qs
        if not self._zugelassen(request):
            return qs.none()
        if self.behoerde_lookup is None:
            return qs
        qs = qs.filter(**{self.behoerde_lookup: zugang(request.user).behoerde_id})
        if self.akte_lookup:
            qs = qs.filter(**{f"{self.akte_lookup}__in": Akte.objects.visible_to(request.user).values("pk")})
        return qs

    def _darf(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        return self.behoerde_lookup is not None and self._zugelassen(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return (request.user.is_superuser or self._zugelassen(request)) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        erlaubt = request.user.is_superuser or self._zugelassen(request)
        return erlaubt and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._darf(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._darf(request, obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._darf(request, obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser and db_field.name not in self.fremde_erlaubt and "queryset" not in kwargs:
            eigene = eigene_auswahl(db_field.related_model, zugang(request.user).behoerde_id)
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


def eigene_auswahl(model: type[models.Model], behoerde_id: int | None) -> QuerySet[Any] | None:
    """The choices a non-superuser may pick for a foreign key: only her authority's rows (none without one)."""
    if behoerde_id is None:
        return model._default_manager.none()
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


def uebernehmen(ziel: models.Model, quelle: models.Model) -> None:
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
        daten = super().clean() or {}
        if self.instance.pk:
            aktuell = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
            if daten.get("erwartete_version") != aktuell.first():
                raise ValidationError(str(services.Konflikt(None)))
        return daten


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
    "aktenzeichenzaehler": ("view",),
    "briefvorlage": ("view", "add", "change"),  # letter templates of the Postausgang
    "ausgangsschreiben": ("view",),
}


def behoerdenadmin_gruppe() -> Group:
    """The group with the admin rights of an authority admin (created or brought up to date, idempotent)."""
    gruppe, _ = Group.objects.get_or_create(name=BEHOERDENADMIN_GRUPPE)
    codenames = [f"{recht}_{model}" for model, rechte in BEHOERDENADMIN_RECHTE.items() for recht in rechte]
    rechte = list(Permission.objects.filter(content_type__app_label="dms", codename__in=codenames))
    rechte += list(Permission.objects.filter(content_type__app_label="auth", codename="view_user"))
    gruppe.permissions.set(rechte)
    return gruppe

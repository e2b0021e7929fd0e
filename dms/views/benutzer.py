"""User administration for the authority admin (role behoerdenadmin, right `verwaltung`): list her authority's
users, add one, change name/role/team, deactivate a leaver, reset a password. Writes: dms.services.benutzer.
Users of other authorities are a 404; roles beyond the admin's own rights are not offered and refused."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Rolle, Team
from dms.permissions_matrix import darf
from dms.queries import eigene_behoerde_id
from dms.services import benutzer as dienste

from .common import form_fehler_uebernehmen
from .formulare import auswahlfeld, kern

User = get_user_model()


class BenutzerForm(forms.Form):
    username = forms.RegexField(
        label="Benutzername",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text="Buchstaben, Ziffern und . @ + - _, z. B. m.mustermann.of",
        error_messages={"invalid": "Nur Buchstaben, Ziffern und . @ + - _ sind erlaubt."},
    )
    vorname = forms.CharField(label="Vorname", max_length=150)
    nachname = forms.CharField(label="Nachname", max_length=150)
    email = forms.EmailField(label="E-Mail", required=False)
    rolle = forms.ChoiceField(label="Rolle")
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False, empty_label="– kein –")
    aktiv = forms.BooleanField(label="Konto aktiv (abwählen, wenn die Person die Behörde verlässt)", required=False)

    def __init__(self, *args: Any, admin: Any, neu: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rollen = dienste.vergebbare_rollen(admin)
        self.fields["rolle"].choices = [(r, Rolle(r).label) for r in rollen]  # type: ignore[attr-defined]
        auswahlfeld(self, "team").queryset = Team.objects.filter(behoerde_id=eigene_behoerde_id(admin)).order_by("name")
        if neu:
            del self.fields["aktiv"]
        else:
            del self.fields["username"]
        kern(self)


def _angaben(form: BenutzerForm) -> dict[str, Any]:
    return {k: form.cleaned_data[k] for k in ("vorname", "nachname", "email", "rolle", "team")}


def _nur_verwaltung(request: AuthenticatedHttpRequest) -> None:
    if not darf(request.user, "verwaltung"):
        raise PermissionDenied("Nur die Administration Ihrer Behörde verwaltet Benutzer.")


@login_required
def benutzerverwaltung(request: AuthenticatedHttpRequest) -> HttpResponse:
    _nur_verwaltung(request)
    behoerde_id = eigene_behoerde_id(request.user)
    benutzer = (
        User.objects.filter(mitgliedschaft__behoerde_id=behoerde_id, is_superuser=False)
        .select_related("mitgliedschaft__team")
        .order_by("-is_active", "last_name", "username")
    )
    vergebbar = set(dienste.vergebbare_rollen(request.user))
    zeilen = [{"u": u, "m": u.mitgliedschaft, "verwaltbar": u.mitgliedschaft.rolle in vergebbar} for u in benutzer]
    protokollieren(aktion=Aktion.LESEN, request=request, details={"benutzerliste": behoerde_id})
    return render(request, "dms/benutzer_liste.html", {"zeilen": zeilen})


@login_required
def benutzer_neu(request: AuthenticatedHttpRequest) -> HttpResponse:
    _nur_verwaltung(request)
    form = BenutzerForm(request.POST or None, admin=request.user, neu=True)
    if request.method == "POST" and form.is_valid():
        try:
            user, passwort = dienste.benutzer_einrichten(
                admin=request.user, request=request, username=form.cleaned_data["username"], **_angaben(form)
            )
        except ValidationError as exc:
            form_fehler_uebernehmen(form, exc)
        else:
            return _passwort_zeigen(request, user, passwort, neu=True)
    return render(request, "dms/benutzer_form.html", {"form": form, "neu": True})


def _ziel(request: AuthenticatedHttpRequest, pk: int) -> Any:
    """A user the admin may manage, else 404 (other authorities, Land/Revision users and superusers are invisible)."""
    ziel = User.objects.filter(pk=pk).first()
    if ziel is None:
        raise Http404
    try:
        dienste.verwaltbare_mitgliedschaft(request.user, ziel)
    except PermissionDenied as exc:
        raise Http404 from exc
    return ziel


@login_required
def benutzer_bearbeiten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ziel = _ziel(request, pk)  # first: another authority's user is a 404 for everyone
    _nur_verwaltung(request)
    m = ziel.mitgliedschaft
    if request.method == "POST" and request.POST.get("aktion") == "passwort":
        passwort = dienste.passwort_zuruecksetzen(admin=request.user, request=request, ziel=ziel)
        return _passwort_zeigen(request, ziel, passwort, neu=False)
    anfang = {
        "vorname": ziel.first_name,
        "nachname": ziel.last_name,
        "email": ziel.email,
        "rolle": m.rolle,
        "team": m.team_id,
        "aktiv": ziel.is_active,
    }
    form = BenutzerForm(request.POST or None, initial=anfang, admin=request.user, neu=False)
    if request.method == "POST" and form.is_valid():
        try:
            dienste.benutzer_aendern(
                admin=request.user, request=request, ziel=ziel, aktiv=form.cleaned_data["aktiv"], **_angaben(form)
            )
        except ValidationError as exc:
            form_fehler_uebernehmen(form, exc)
        else:
            messages.success(request, f"Die Angaben zu {ziel.get_username()} wurden gespeichert.")
            return redirect("benutzerverwaltung")
    else:
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=ziel)
    return render(request, "dms/benutzer_form.html", {"form": form, "neu": False, "ziel": ziel})


def _passwort_zeigen(request: AuthenticatedHttpRequest, user: Any, passwort: str, *, neu: bool) -> HttpResponse:
    """The initial password, once, on a page that is never cached; it is stored only as a hash."""
    antwort = render(request, "dms/benutzer_passwort.html", {"ziel": user, "passwort": passwort, "neu": neu})
    antwort["Cache-Control"] = "no-store"
    return antwort

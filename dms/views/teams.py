"""Teams and letter ranges for the authority admin (right `verwaltung`): list her authority's teams with their
members and team leads, what the letter ranges leave open, create and change a team. Writes:
dms.services.organisation.team_speichern. Teams of other authorities are a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from dms.audit import Aktion, protokollieren
from dms.http import AuthenticatedHttpRequest
from dms.models import Rolle, Team
from dms.queries import eigene_behoerde_id
from dms.services.organisation import buchstaben_pruefen, team_speichern

from .common import form_fehler_uebernehmen
from .formulare import kern

User = get_user_model()


class MitgliederFeld(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.username}) – {obj.mitgliedschaft.get_rolle_display()}"


class TeamForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    buchstaben_von = forms.CharField(
        label="Buchstaben von",
        max_length=3,
        required=False,
        help_text="Anfang des Buchstabenbereichs der Familiennamen, z. B. A (leer: kein Bereich).",
    )
    buchstaben_bis = forms.CharField(
        label="Buchstaben bis", max_length=3, required=False, help_text="Ende des Bereichs einschließlich, z. B. K."
    )
    ist_standard = forms.BooleanField(
        label="Standardteam (erhält Post, für die kein Buchstabenbereich passt)", required=False
    )
    mitglieder = MitgliederFeld(
        label="Mitglieder",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Jede Person gehört zu höchstens einem Team; wer hier angekreuzt wird, wechselt in dieses Team.",
    )

    def __init__(self, *args: Any, behoerde_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        feld = self.fields["mitglieder"]
        assert isinstance(feld, forms.ModelMultipleChoiceField)
        feld.queryset = (
            User.objects.filter(is_active=True, is_superuser=False, mitgliedschaft__behoerde_id=behoerde_id)
            .exclude(mitgliedschaft__rolle__in=[Rolle.LAND, Rolle.REVISION])
            .select_related("mitgliedschaft")
            .order_by("last_name", "username")
        )
        kern(self)
        feld.widget.attrs["class"] = "kern-form-check__checkbox"


def _nur_verwaltung(request: AuthenticatedHttpRequest) -> int:
    from dms.permissions_matrix import darf

    behoerde_id = eigene_behoerde_id(request.user)
    if behoerde_id is None or not darf(request.user, "verwaltung"):
        raise PermissionDenied("Nur die Administration Ihrer Behörde pflegt Teams und Buchstabenbereiche.")
    return behoerde_id


@login_required
def teams(request: AuthenticatedHttpRequest) -> HttpResponse:
    behoerde_id = _nur_verwaltung(request)
    liste = list(Team.objects.filter(behoerde_id=behoerde_id).order_by("buchstaben_von", "name"))
    mitglieder: dict[int, list[Any]] = {t.pk: [] for t in liste}
    for u in (
        User.objects.filter(mitgliedschaft__team__in=liste, is_active=True)
        .select_related("mitgliedschaft")
        .order_by("last_name", "username")
    ):
        mitglieder.setdefault(u.mitgliedschaft.team_id or 0, []).append(u)
    pruefung = buchstaben_pruefen([(t.name, t.buchstaben_von, t.buchstaben_bis) for t in liste])
    standard = next((t.name for t in liste if t.ist_standard), None)
    zeilen = [
        {
            "team": t,
            "mitglieder": mitglieder[t.pk],
            "leitung": [u for u in mitglieder[t.pk] if u.mitgliedschaft.rolle == Rolle.TEAMLEITUNG],
            # Mail only reaches a team with someone who can act on it (dms.queries.besetzte_teams)
            "besetzt": any(
                u.mitgliedschaft.rolle in {Rolle.SACHBEARBEITUNG, Rolle.TEAMLEITUNG, Rolle.BEHOERDENADMIN}
                for u in mitglieder[t.pk]
            ),
        }
        for t in liste
    ]
    protokollieren(aktion=Aktion.LESEN, request=request, details={"teamliste": behoerde_id})
    return render(
        request,
        "dms/teams_liste.html",
        {
            "zeilen": zeilen,
            "luecken": pruefung.hinweise(standard),
            "ueberschneidungen": pruefung.ueberschneidungen,
            "standard": standard,
        },
    )


def _formular(request: AuthenticatedHttpRequest, behoerde_id: int, team: Team | None) -> HttpResponse:
    anfang = {}
    if team is not None:
        anfang = {
            "name": team.name,
            "buchstaben_von": team.buchstaben_von,
            "buchstaben_bis": team.buchstaben_bis,
            "ist_standard": team.ist_standard,
            "mitglieder": list(User.objects.filter(mitgliedschaft__team=team).values_list("pk", flat=True)),
        }
    form = TeamForm(request.POST or None, initial=anfang, behoerde_id=behoerde_id)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            gespeichert = team_speichern(
                admin=request.user,
                request=request,
                team=team,
                name=d["name"],
                buchstaben_von=d["buchstaben_von"],
                buchstaben_bis=d["buchstaben_bis"],
                ist_standard=d["ist_standard"],
                mitglieder=list(d["mitglieder"]),
            )
        except ValidationError as exc:
            form_fehler_uebernehmen(form, exc)
        else:
            messages.success(request, f"Das Team „{gespeichert.name}“ wurde gespeichert.")
            return redirect("teams")
    elif team is not None and request.method != "POST":
        protokollieren(aktion=Aktion.LESEN, request=request, objekt=team)
    return render(request, "dms/team_form.html", {"form": form, "team": team})


@login_required
def team_neu(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _formular(request, _nur_verwaltung(request), None)


@login_required
def team_bearbeiten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk, behoerde_id=eigene_behoerde_id(request.user))  # others: 404 first
    return _formular(request, _nur_verwaltung(request), team)

"""Pages: taking in a walk-in (duplicate check first), correcting person data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dms.access import zugang
from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Person
from dms.queries import eigene_behoerde_id
from dms.services import Konflikt, akte_anlegen
from dms.views.common import fehler_melden, form_fehler_uebernehmen
from dms.views.formulare import DatumFeld, DatumInput, kern

from .queries import moegliche_dubletten
from .services import person_korrigieren, vorsprache_aufnehmen


def _liste(text: str) -> list[str]:
    return [t.strip()[:100] for t in text.replace("\n", ",").split(",") if t.strip()][:20]


class PersonForm(forms.Form):
    familienname = forms.CharField(label="Familienname", max_length=200)
    vornamen = forms.CharField(label="Vornamen", max_length=200, required=False)
    geburtsname = forms.CharField(label="Geburtsname", max_length=200, required=False)
    geburtsdatum = DatumFeld(label="Geburtsdatum", required=False, widget=DatumInput({"autocomplete": "bday"}))
    geburtsort = forms.CharField(label="Geburtsort", max_length=200, required=False)
    staatsangehoerigkeiten = forms.CharField(
        label="Staatsangehörigkeiten", required=False, help_text="Mehrere durch Komma getrennt."
    )
    geschlecht = forms.ChoiceField(label="Geschlecht", choices=Person.Geschlecht.choices, initial="x")
    azr_nummer = forms.CharField(label="AZR-Nummer", max_length=12, required=False, help_text="12 Ziffern.")
    namensvarianten = forms.CharField(
        label="Namensvarianten",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Andere Schreibweisen, durch Komma getrennt (z. B. Mohammed, Muhammad).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern(self)

    def personendaten(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        d["staatsangehoerigkeiten"] = _liste(d["staatsangehoerigkeiten"])
        d["namensvarianten"] = _liste(d["namensvarianten"])
        d["azr_nummer"] = d["azr_nummer"].strip() or None
        return d


class PersonKorrekturForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _darf_aendern(request: AuthenticatedHttpRequest) -> None:
    if not zugang(request.user).darf_aendern:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def vorsprache(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A walk-in: check for the person first (AZR-Nummer, names and variants, date of birth), then person + file."""
    _darf_aendern(request)
    dubletten: list[Person] = []
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        daten = form.personendaten()
        dubletten = list(
            moegliche_dubletten(
                request.user,
                familienname=daten["familienname"],
                geburtsname=daten["geburtsname"],
                geburtsdatum=daten["geburtsdatum"],
                azr_nummer=daten["azr_nummer"],
                namensvarianten=daten["namensvarianten"],
            )
        )
        if not dubletten or request.POST.get("trotzdem") == "1":
            try:
                akte = vorsprache_aufnehmen(user=request.user, request=request, **daten)
            except ValidationError as exc:
                form_fehler_uebernehmen(form, exc)
            else:
                messages.success(request, f"Person und Akte {akte.aktenzeichen} wurden angelegt.")
                return redirect("akte", pk=akte.pk)
    return render(request, "dms/vorsprache.html", {"form": form, "dubletten": dubletten})


@login_required
@require_POST
def akte_fuer_person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new file for a person already known to the authority (found by the duplicate check)."""
    _darf_aendern(request)
    person = get_object_or_404(
        Person.objects.visible_to(request.user).filter(behoerde_id=eigene_behoerde_id(request.user)), pk=pk
    )
    try:
        akte = akte_anlegen(person=person, user=request.user, request=request, sachbearbeitung=request.user)
    except ValidationError as exc:
        fehler_melden(request, exc)
        return redirect("vorsprache")
    messages.success(request, f"Akte {akte.aktenzeichen} wurde angelegt.")
    return redirect("akte", pk=akte.pk)


def _initial(person: Person) -> dict[str, Any]:
    return {
        **{f: getattr(person, f) for f in ("familienname", "vornamen", "geburtsname", "geburtsort", "geschlecht")},
        "geburtsdatum": person.geburtsdatum,
        "azr_nummer": person.azr_nummer or "",
        "staatsangehoerigkeiten": ", ".join(person.staatsangehoerigkeiten),
        "namensvarianten": ", ".join(person.namensvarianten),
        "version": person.version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def person_bearbeiten(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a person's data from her file (`?akte=` leads back there); 409 with the current state on a clash."""
    _darf_aendern(request)
    person = get_object_or_404(
        Person.objects.visible_to(request.user).filter(behoerde_id=eigene_behoerde_id(request.user)), pk=pk
    )
    akte = Akte.objects.visible_to(request.user).filter(person=person).order_by("-angelegt_am").first()
    konflikt = None
    status = 200
    if request.method == "POST":
        form = PersonKorrekturForm(request.POST)
        if form.is_valid():
            try:
                person_korrigieren(
                    person=person,
                    erwartete_version=form.cleaned_data["version"],
                    user=request.user,
                    request=request,
                    **form.personendaten(),
                )
            except Konflikt as exc:
                konflikt = str(exc)
                person.refresh_from_db()
                form = PersonKorrekturForm(data={**request.POST.dict(), "version": person.version})
                form.is_valid()
            except ValidationError as exc:
                form_fehler_uebernehmen(form, exc)
            else:
                messages.success(request, "Die Personendaten wurden gespeichert.")
                return redirect("akte", pk=akte.pk) if akte else redirect("arbeitsplatz")
        status = 409 if konflikt else 400
    else:
        form = PersonKorrekturForm(initial=_initial(person))
    ctx = {"form": form, "person": person, "akte": akte, "konflikt": konflikt}
    return render(request, "dms/person_bearbeiten.html", ctx, status=status)

"""Forms of the caseworker pages. They validate input only; every write goes through dms.services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import ModelChoiceIterator

from dms.eingaben import DATUM_FEHLER, DATUM_FORMATE
from dms.models import Akte, Dokument, Register, Team, Vorgang, Vorgangsart
from dms.queries import kollegen, kollegen_fuer_post

User = get_user_model()


DATUM_HINWEIS = "Format: TT.MM.JJJJ"
DATUM_MUSTER = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}"
"""TT.MM.JJJJ (ISO still accepted, as dms.eingaben.datum_lesen reads it)."""


class DatumInput(forms.DateInput):
    """A German date field: a text input shown and typed as TT.MM.JJJJ.

    Never the browser's own date input: that shows the browser's locale order, MM/DD/YYYY in an English browser."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        basis = {
            "inputmode": "numeric",
            "pattern": DATUM_MUSTER,
            "placeholder": "TT.MM.JJJJ",
            "autocomplete": "off",
            "size": "10",
            "maxlength": "10",
            "title": DATUM_HINWEIS,
        }
        super().__init__(attrs={**basis, **(attrs or {})}, format="%d.%m.%Y")


class DatumFeld(forms.DateField):
    """Every date of every form: DatumInput, the hint "Format: TT.MM.JJJJ", TT.MM.JJJJ or ISO, a German error."""

    widget = DatumInput
    input_formats = list(DATUM_FORMATE)
    default_error_messages = {"invalid": DATUM_FEHLER}

    def __init__(self, *, help_text: str = DATUM_HINWEIS, **kwargs: Any) -> None:
        super().__init__(help_text=help_text, **kwargs)


def kern(form: forms.Form) -> forms.Form:
    """Give every widget the KERN input class so templates stay simple."""
    for feld in form.fields.values():
        w = feld.widget
        if isinstance(w, forms.Select):
            w.attrs.setdefault("class", "kern-form-input__select")
        elif isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "kern-form-check__checkbox")
        else:
            w.attrs.setdefault("class", "kern-form-input__input")
    return form


class EinmalAbfragen(ModelChoiceIterator):
    """Choices from the queryset's own cache: one query per field, however often the page renders or tests it
    (Django's iterator queries again on every pass)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def auswahlfeld(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """A form's choice field by name, typed, to set its queryset per request."""
    feld = form.fields[name]
    assert isinstance(feld, forms.ModelChoiceField)
    feld.iterator = EinmalAbfragen
    return feld


class BenutzerFeld(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class AkteBearbeitenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Status", choices=Akte.Status.choices)
    medium = forms.ChoiceField(label="Medium", choices=Akte.Medium.choices)
    vertraulichkeit = forms.ChoiceField(label="Vertraulichkeitsstufe", choices=Akte.Vertraulichkeit.choices)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False, empty_label="– kein –")
    sachbearbeitung = BenutzerFeld(
        label="Sachbearbeitung", queryset=User.objects.none(), required=False, empty_label="– niemand –"
    )

    def __init__(self, *args: Any, behoerde_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "team").queryset = Team.objects.filter(behoerde_id=behoerde_id)
        auswahlfeld(self, "sachbearbeitung").queryset = kollegen(behoerde_id)
        kern(self)


class HochladenForm(forms.Form):
    datei = forms.FileField(label="Datei (PDF, TIFF, PNG oder JPEG)")
    titel = forms.CharField(label="Titel", max_length=300, required=False)
    register = forms.ModelChoiceField(label="Register", queryset=Register.objects.none(), empty_label=None)
    vorgang = forms.ModelChoiceField(label="Vorgang", queryset=Vorgang.objects.none(), required=False)
    richtung = forms.ChoiceField(label="Richtung", choices=Dokument.Richtung.choices)
    eingangsdatum = DatumFeld(label="Eingangsdatum", required=False)

    def __init__(self, *args: Any, akte: Akte, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "register").queryset = Register.objects.aktiv().order_by("nummer")
        auswahlfeld(self, "vorgang").queryset = Vorgang.objects.filter(akte=akte).select_related("vorgangsart")
        kern(self)


class VermerkForm(forms.Form):
    titel = forms.CharField(label="Betreff des Vermerks", max_length=200)
    text = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    register = forms.ModelChoiceField(label="Register", queryset=Register.objects.none(), empty_label=None)
    vorgang = forms.ModelChoiceField(label="Vorgang", queryset=Vorgang.objects.none(), required=False)

    def __init__(self, *args: Any, akte: Akte, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "register").queryset = Register.objects.aktiv().order_by("nummer")
        auswahlfeld(self, "vorgang").queryset = Vorgang.objects.filter(akte=akte).select_related("vorgangsart")
        kern(self)


class AblageForm(forms.Form):
    register = forms.ModelChoiceField(label="Register", queryset=Register.objects.none(), empty_label=None)
    vorgang = forms.ModelChoiceField(
        label="Vorgang", queryset=Vorgang.objects.none(), required=False, empty_label="– keinem Vorgang –"
    )

    def __init__(self, *args: Any, akte: Akte, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "register").queryset = Register.objects.aktiv().order_by("nummer")
        auswahlfeld(self, "vorgang").queryset = Vorgang.objects.filter(akte=akte).select_related("vorgangsart")
        kern(self)


class VorgangAnlegenForm(forms.Form):
    vorgangsart = forms.ModelChoiceField(
        label="Vorgangsart (Landeskatalog)", queryset=Vorgangsart.objects.none(), empty_label=None
    )
    betreff = forms.CharField(label="Betreff", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "vorgangsart").queryset = Vorgangsart.objects.filter(aktiv=True).order_by("bezeichnung")
        kern(self)


class VorgangForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    betreff = forms.CharField(label="Betreff", max_length=300, required=False)
    status = forms.ChoiceField(label="Status", choices=Vorgang.Status.choices)
    sachbearbeitung = BenutzerFeld(
        label="Sachbearbeitung", queryset=User.objects.none(), required=False, empty_label="– niemand –"
    )

    def __init__(self, *args: Any, behoerde_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "sachbearbeitung").queryset = kollegen(behoerde_id)
        kern(self)


class AbwesenheitForm(forms.Form):
    von = DatumFeld(label="abwesend von")
    bis = DatumFeld(label="abwesend bis (einschließlich)")
    vertretung = BenutzerFeld(label="Vertretung", queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args: Any, user: Any, behoerde_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "vertretung").queryset = kollegen_fuer_post(behoerde_id).exclude(pk=user.pk)
        kern(self)

    def clean(self) -> dict[str, Any]:
        daten = super().clean() or {}
        if daten.get("von") and daten.get("bis") and daten["bis"] < daten["von"]:
            self.add_error("bis", "Das Ende der Abwesenheit liegt vor ihrem Beginn.")
        return daten

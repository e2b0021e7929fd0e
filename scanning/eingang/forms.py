"""The public form for the Verpflichtungserklärung (no login). Validates input; the service stores it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from dms.views.formulare import DatumFeld, DatumInput, kern

NACHWEISE = [
    ("einkommen", "Einkommensnachweise der letzten drei Monate", True),
    ("wohnraum", "Nachweis über ausreichenden Wohnraum (z. B. Mietvertrag)", False),
    ("pass", "Kopie des Passes oder Personalausweises der verpflichtungsgebenden Person", True),
]


def datum(label: str, autocomplete: str = "off") -> forms.DateField:
    """A date as plain text TT.MM.JJJJ: native date pickers differ per browser and are hard to use with a keyboard
    and screen readers for dates such as a birthday (GOV.UK and KERN advise text fields)."""
    return DatumFeld(label=label, widget=DatumInput({"autocomplete": autocomplete}))


class VerpflichtungserklaerungForm(forms.Form):
    vg_familienname = forms.CharField(label="Familienname", max_length=100)
    vg_vornamen = forms.CharField(label="Vornamen", max_length=100)
    vg_geburtsdatum = datum("Geburtsdatum", "bday")
    vg_staatsangehoerigkeit = forms.CharField(label="Staatsangehörigkeit", max_length=100)
    vg_strasse = forms.CharField(label="Straße und Hausnummer", max_length=200)
    postleitzahl = forms.RegexField(
        label="Postleitzahl",
        regex=r"^\d{5}$",
        error_messages={"invalid": "Bitte geben Sie eine fünfstellige Postleitzahl an."},
        help_text="Ihr Antrag geht an die Ausländerbehörde Ihres Wohnorts.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    vg_ort = forms.CharField(
        label="Ort", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    vg_email = forms.EmailField(label="E-Mail-Adresse", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    vg_telefon = forms.CharField(label="Telefon", max_length=40, required=False)
    vg_nettoeinkommen = forms.DecimalField(
        label="Monatliches Nettoeinkommen in Euro", min_value=0, max_digits=9, decimal_places=2
    )
    gast_familienname = forms.CharField(label="Familienname", max_length=100)
    gast_vornamen = forms.CharField(label="Vornamen", max_length=100)
    gast_geburtsdatum = datum("Geburtsdatum")
    gast_staatsangehoerigkeit = forms.CharField(label="Staatsangehörigkeit", max_length=100)
    gast_passnummer = forms.CharField(label="Passnummer", max_length=40)
    gast_wohnort = forms.CharField(label="Wohnort im Ausland", max_length=200)
    aufenthalt_von = datum("Aufenthalt von")
    aufenthalt_bis = datum("Aufenthalt bis")
    aufenthalt_zweck = forms.CharField(label="Zweck des Aufenthalts", max_length=300)
    nachweis_einkommen = forms.FileField(label=NACHWEISE[0][1], help_text="PDF, JPEG oder PNG, höchstens 10 MB.")
    nachweis_wohnraum = forms.FileField(label=NACHWEISE[1][1], required=False, help_text="PDF, JPEG oder PNG.")
    nachweis_pass = forms.FileField(label=NACHWEISE[2][1], help_text="PDF, JPEG oder PNG.")
    einwilligung = forms.BooleanField(
        label="Ich versichere, dass meine Angaben richtig sind, und weiß, dass ich nach § 68 AufenthG für die "
        "Kosten des Lebensunterhalts der eingeladenen Person hafte."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern(self)
        for name, feld in self.fields.items():
            if feld.help_text:
                feld.widget.attrs["aria-describedby"] = f"id_{name}_hinweis"
            if isinstance(feld, forms.FileField):
                feld.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

    def clean(self) -> dict[str, Any]:
        daten = super().clean() or {}
        von, bis = daten.get("aufenthalt_von"), daten.get("aufenthalt_bis")
        if von and bis:
            if bis < von:
                self.add_error("aufenthalt_bis", "Das Ende des Aufenthalts liegt vor dem Beginn.")
            elif (bis - von).days > 365:
                self.add_error("aufenthalt_bis", "Eine Verpflichtungserklärung gilt für höchstens ein Jahr Aufenthalt.")
            if von < dt.date.today():
                self.add_error("aufenthalt_von", "Der Aufenthalt darf nicht in der Vergangenheit beginnen.")
        return daten

    def antragsdaten(self) -> dict[str, str]:
        """The answers as JSON-safe strings (dates as DD.MM.YYYY)."""
        aus = {}
        for k, v in self.cleaned_data.items():
            if k.startswith("nachweis_") or k == "einwilligung":
                continue
            aus[k] = f"{v:%d.%m.%Y}" if isinstance(v, dt.date) else str(v)
        return aus

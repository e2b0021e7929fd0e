"""Forms of the subsidy pages (German labels and messages)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from dms.models import Behoerde
from dms.views.formulare import DatumFeld

from .berechnung import MAX_ANZAHL


class AntragForm(forms.Form):
    akten_geplant = forms.IntegerField(label="Geplante Akten", min_value=0, max_value=MAX_ANZAHL)
    blatt_geplant = forms.IntegerField(label="Geplante Blätter", min_value=0, max_value=MAX_ANZAHL)


class LandAntragForm(AntragForm):
    """The Land records a paper application with its date of receipt."""

    behoerde = forms.ModelChoiceField(label="Behörde", queryset=Behoerde.objects.filter(aktiv=True))
    eingereicht_am = DatumFeld(label="Eingangsdatum")


class BescheidForm(forms.Form):
    nummer = forms.CharField(label="Bescheidnummer", max_length=50)
    datum = DatumFeld(label="Bescheiddatum")
    betrag = forms.DecimalField(label="Bewilligter Betrag (EUR)", max_digits=14, decimal_places=2, min_value=0)
    ausgezahlt = forms.DecimalField(
        label="Bereits ausgezahlt (EUR)", max_digits=14, decimal_places=2, min_value=0, initial=Decimal("0.00")
    )

"""Issue 13: every date shown as TT.MM.JJJJ and typed as TT.MM.JJJJ (ISO still read for the API and old clients),
in one German text field instead of `<input type="date">` (which an English browser shows as MM/DD/YYYY)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django import forms
from django.test import Client

from dms.models import Rolle
from dms.views.formulare import DatumFeld
from tests import factories as f

WURZEL = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("eingabe", "datum"),
    [("03.04.2026", dt.date(2026, 4, 3)), ("3.4.2026", dt.date(2026, 4, 3)), ("2026-04-03", dt.date(2026, 4, 3))],
)
def test_the_date_field_reads_german_and_iso(eingabe, datum):
    assert DatumFeld().clean(eingabe) == datum


@pytest.mark.parametrize("eingabe", ["04/03/2026", "31.02.2026", "3. April 2026", "morgen"])
def test_the_date_field_refuses_anything_else_in_german(eingabe):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"im Format TT\.MM\.JJJJ"):
        DatumFeld().clean(eingabe)


def test_the_widget_is_a_german_text_field_with_a_hint():
    class Formular(forms.Form):
        datum = DatumFeld(label="Datum")

    form = Formular(initial={"datum": dt.date(2026, 4, 3)})
    html = str(form["datum"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html and 'placeholder="TT.MM.JJJJ"' in html
    assert 'value="03.04.2026"' in html and "pattern=" in html and 'aria-describedby="id_datum_helptext"' in html
    assert form.fields["datum"].help_text == "Format: TT.MM.JJJJ"


def test_no_template_or_form_uses_the_browsers_date_input():
    treffer = []
    for ordner in ("templates", "dms", "scanning", "foerderung"):
        for datei in (WURZEL / ordner).rglob("*"):
            if datei.suffix in {".html", ".py"} and "migrations" not in datei.parts:
                text = datei.read_text(encoding="utf-8")
                if re.search(r'type="date"|"type": "date"|input_type = "date"|date:.Y-m-d.', text):
                    treffer.append(str(datei.relative_to(WURZEL)))
    assert treffer == []


@pytest.mark.django_db
def test_an_english_browser_gets_german_dates_and_messages():
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory()
    vorgang = f.VorgangFactory(akte=akte, sachbearbeitung=sb)
    c = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    c.force_login(sb)
    daten = {"vorgang": vorgang.pk, "weiter": f"/vorgaenge/{vorgang.pk}/", "notiz": "Pass"}
    r = c.post("/wiedervorlagen/neu/", {**daten, "faellig_am": "04/03/2027"}, follow=True)
    assert "Format TT.MM.JJJJ" in r.content.decode() and not vorgang.wiedervorlagen.exists()
    r = c.post("/wiedervorlagen/neu/", {**daten, "faellig_am": "03.04.2027"}, follow=True)
    assert vorgang.wiedervorlagen.get().faellig_am == dt.date(2027, 4, 3)  # 3 April, not 4 March
    assert "Wiedervorlage zum 03.04.2027 angelegt." in r.content.decode()
    # Django's own texts in German too (LANGUAGES has German only)
    r = c.post("/abwesenheit/", {"von": "", "bis": ""})
    assert "Dieses Feld ist zwingend erforderlich." in r.content.decode()
    assert "This field is required" not in r.content.decode()

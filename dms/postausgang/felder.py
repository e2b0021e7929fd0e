"""Template fields: which exist, how they fill from the file, and rendering a DOCX template (docxtpl).

Templates are Jinja inside Word; a broken or unknown field is refused with a German sentence when the admin uploads
the template, and again (never a crash) when a letter is rendered.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import IO, Any

from docxtpl import DocxTemplate, Listing
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

# Field -> German label (the form shows these; templates may use exactly these names).
FELDER: dict[str, str] = {
    "anrede": "Anrede",
    "name": "Name",
    "vornamen": "Vornamen",
    "familienname": "Familienname",
    "geburtsdatum": "Geburtsdatum",
    "anschrift": "Anschrift",
    "aktenzeichen": "Aktenzeichen",
    "vorgang_aktenzeichen": "Aktenzeichen des Vorgangs",
    "azr_nummer": "AZR-Nummer",
    "datum": "Datum",
    "sachbearbeitung": "Sachbearbeitung",
    "behoerde": "Behörde",
    "betreff": "Betreff",
    "text": "Text",
}
MEHRZEILIG = frozenset({"anschrift", "text"})


class VorlagenFehler(Exception):
    """A template or field the letter cannot be made from; `meldung` is German."""

    def __init__(self, meldung: str) -> None:
        self.meldung = meldung
        super().__init__(meldung)


def _umgebung() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def vorlage_pruefen(datei: IO[bytes]) -> list[str]:
    """The fields a DOCX template uses; VorlagenFehler for a broken field or an unknown one."""
    datei.seek(0)
    try:
        tpl = DocxTemplate(io.BytesIO(datei.read()))
        verwendet = sorted(tpl.get_undeclared_template_variables(_umgebung()))
    except TemplateSyntaxError as exc:
        raise VorlagenFehler(
            f"Die Vorlage enthält ein fehlerhaftes Feld ({exc.message}). Bitte korrigieren Sie die Feldklammern "
            "{{ … }} in Word und laden Sie die Vorlage erneut hoch."
        ) from exc
    except Exception as exc:  # python-docx raises many types for a file that is not a DOCX
        raise VorlagenFehler(
            "Die Datei ist keine lesbare Word-Vorlage (DOCX). Bitte speichern Sie sie in Word als .docx."
        ) from exc
    unbekannt = [f for f in verwendet if f not in FELDER]
    if unbekannt:
        raise VorlagenFehler(
            "Die Vorlage verwendet unbekannte Felder: "
            + ", ".join("{{ " + f + " }}" for f in unbekannt)
            + ". Erlaubt sind: "
            + ", ".join(FELDER)
            + "."
        )
    return verwendet


def anrede(geschlecht: str, familienname: str) -> str:
    if geschlecht == "m":
        return f"Sehr geehrter Herr {familienname},"
    if geschlecht == "w":
        return f"Sehr geehrte Frau {familienname},"
    return "Sehr geehrte Damen und Herren,"


def felder_aus_akte(
    *,
    familienname: str,
    vornamen: str,
    geschlecht: str,
    geburtsdatum: dt.date | None,
    anschrift: str,
    aktenzeichen: str,
    azr_nummer: str,
    behoerde: str,
    sachbearbeitung: str,
    vorgang_aktenzeichen: str = "",
    heute: dt.date | None = None,
) -> dict[str, str]:
    """The fields as plain strings (pure: the caller loads the file)."""
    name = f"{vornamen} {familienname}".strip()
    return {
        "anrede": anrede(geschlecht, familienname),
        "name": name,
        "vornamen": vornamen,
        "familienname": familienname,
        "geburtsdatum": f"{geburtsdatum:%d.%m.%Y}" if geburtsdatum else "",
        "anschrift": anschrift.strip(),
        "aktenzeichen": aktenzeichen,
        "vorgang_aktenzeichen": vorgang_aktenzeichen,
        "azr_nummer": azr_nummer,
        "datum": f"{heute or dt.date.today():%d.%m.%Y}",
        "sachbearbeitung": sachbearbeitung,
        "behoerde": behoerde,
    }


def text_fuellen(vorlage_text: str, felder: dict[str, str]) -> str:
    """Fill fields inside the template's standard text (e.g. "Ihr Antrag vom {{ datum }}")."""
    try:
        return _umgebung().from_string(vorlage_text).render(**felder)
    except TemplateError as exc:
        raise VorlagenFehler(f"Der Standardtext der Vorlage enthält ein fehlerhaftes Feld: {exc}") from exc


def docx_erzeugen(vorlage: IO[bytes], felder: dict[str, Any]) -> bytes:
    """Render the template with the letter's fields (multi-line fields keep their line breaks)."""
    vorlage.seek(0)
    kontext: dict[str, Any] = {}
    for schluessel in FELDER:
        wert = str(felder.get(schluessel, "") or "")
        # Listing escapes XML itself and turns \n into line breaks.
        kontext[schluessel] = Listing(wert) if schluessel in MEHRZEILIG else wert
    try:
        tpl = DocxTemplate(io.BytesIO(vorlage.read()))
        tpl.render(kontext, _umgebung(), autoescape=True)
    except UndefinedError as exc:
        raise VorlagenFehler(f"Die Vorlage verwendet ein unbekanntes Feld ({exc.message}).") from exc
    except TemplateError as exc:
        raise VorlagenFehler(f"Die Vorlage enthält ein fehlerhaftes Feld ({exc}).") from exc
    aus = io.BytesIO()
    tpl.save(aus)
    return aus.getvalue()

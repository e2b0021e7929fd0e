"""Pages of the court capability: the file's table of contents with its gaps, the background jobs (court
submissions, inspection copies) with their progress, and the redaction editor of an inspection copy (choose
documents, draw boxes over the page images with the mouse or enter them with the keyboard, a reason per box)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dms.http import AuthenticatedHttpRequest
from dms.models import Akte, Vorgang
from dms.views.common import darf_aendern, fehler_melden, fehlertexte, sichtbare_akte

from . import services
from .inhalt import Eintrag, inhaltsverzeichnis
from .models import Aktenvorlage, Einsichtskopie
from .schwaerzung import PUNKTE_JE_MM, aus_millimetern

# Reasons a caseworker may give for a box (§ 29 Abs. 2, § 30 HVwVfG); the first is preselected.
GRUENDE = [
    "Daten Dritter (berechtigte Interessen Dritter, § 29 Abs. 2 HVwVfG)",
    "Interner Sicherheitsvermerk (Nachteile für das Wohl des Landes, § 29 Abs. 2 HVwVfG)",
    "Ordnungsgemäße Aufgabenerfüllung der Behörde (§ 29 Abs. 2 HVwVfG)",
    "Gesetzlich geheim zu halten (§ 30 HVwVfG)",
]


def _auftraege(akte: Akte) -> dict[str, Any]:
    vorlagen = list(Aktenvorlage.objects.filter(akte=akte).select_related("erstellt_von")[:20])
    kopien = list(Einsichtskopie.objects.filter(akte=akte).select_related("erstellt_von")[:20])
    return {
        "akte": akte,
        "vorlagen": vorlagen,
        "kopien": kopien,
        "laeuft": any(a.laeuft for a in [*vorlagen, *kopien]),
    }


@login_required
@require_GET
def inhalt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk)
    ctx = {
        **_auftraege(akte),
        "verzeichnis": inhaltsverzeichnis(akte),
        "vorgaenge": Vorgang.objects.filter(akte=akte).order_by("nummer"),
        "darf_aendern": darf_aendern(request, akte),
    }
    return render(request, "dms/gericht/inhaltsverzeichnis.html", ctx)


@login_required
@require_GET
def auftraege(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The jobs' list alone (htmx polls it while a job runs; it says when one is finished)."""
    akte = sichtbare_akte(request, pk, lesen_protokollieren=False)
    return render(request, "dms/gericht/teile/auftraege.html", _auftraege(akte))


@login_required
@require_POST
def aktenvorlage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    akte = sichtbare_akte(request, pk, aendern=True, lesen_protokollieren=False)
    try:
        services.aktenvorlage_anfordern(
            akte=akte,
            user=request.user,
            request=request,
            anlass=request.POST.get("anlass", "").strip() or "Vorlage an das Gericht (§ 99 VwGO)",
            empfaenger=request.POST.get("empfaenger", "").strip() or "Verwaltungsgericht",
            gericht_aktenzeichen=request.POST.get("gericht_aktenzeichen", ""),
            vorgaenge=[int(v) for v in request.POST.getlist("vorgaenge") if v.isdigit()],
        )
        messages.success(request, "Die Aktenvorlage wird erstellt. Sie erscheint hier, sobald sie fertig ist.")
    except ValidationError as exc:
        fehler_melden(request, exc)
    return redirect("akte-inhaltsverzeichnis", pk=akte.pk)


@dataclass
class Seite:
    """One page in the editor; its size as shown (points) converts the editor's millimetres."""

    dokument: int
    seite: int
    blatt: int | None
    breite_pt: float
    hoehe_pt: float

    @property
    def wert(self) -> str:
        return f"{self.dokument}:{self.seite}"

    @property
    def breite_mm(self) -> str:
        return f"{self.breite_pt / PUNKTE_JE_MM:.1f}"

    @property
    def hoehe_mm(self) -> str:
        return f"{self.hoehe_pt / PUNKTE_JE_MM:.1f}"


@dataclass
class Kasten:
    """One box of the editor as the form carries it: millimetres from the top left of the page as shown."""

    seite: str
    links: str
    oben: str
    breite: str
    hoehe: str
    grund: str


def _seiten(eintraege: list[Eintrag]) -> dict[int, list[Seite]]:
    seiten = services.seiten_der_dokumente([e.dokument for e in eintraege])
    return {
        dokument: [Seite(dokument, n, blatt, b, h) for n, (b, h, blatt) in enumerate(liste, 1)]
        for dokument, liste in seiten.items()
    }


def _zahl(text: str) -> float:
    return float(text.strip().replace(",", "."))


def _kaesten(post: Any) -> list[Kasten]:
    spalten = [post.getlist(f"b_{n}") for n in ("seite", "links", "oben", "breite", "hoehe", "grund")]
    if len({len(s) for s in spalten}) > 1:
        raise ValidationError("Die Liste der Bereiche ist unvollständig. Bitte die Seite neu laden.")
    return [Kasten(*zeile) for zeile in zip(*spalten, strict=True)]


def _schwaerzungen(kaesten: list[Kasten], seiten: dict[int, list[Seite]]) -> list[dict[str, Any]]:
    """The editor's boxes (mm from the top left of the page as shown) as the service's redactions (points from the
    lower left, the API's unit)."""
    nach_wert = {s.wert: s for liste in seiten.values() for s in liste}
    ergebnis = []
    for n, k in enumerate(kaesten, 1):
        seite = nach_wert.get(k.seite)
        if seite is None:
            raise ValidationError(f"Bereich {n}: Diese Seite gehört zu keinem gewählten Dokument.")
        try:
            werte = [_zahl(v) for v in (k.links, k.oben, k.breite, k.hoehe)]
        except ValueError as exc:
            raise ValidationError(f"Bereich {n}: Bitte Zahlen in Millimetern angeben (z. B. 25,5).") from exc
        if min(werte) < 0 or werte[2] <= 0 or werte[3] <= 0:
            raise ValidationError(f"Bereich {n}: Breite und Höhe müssen größer als 0 mm sein.")
        if k.grund not in GRUENDE:
            raise ValidationError(f"Bereich {n}: Bitte einen Grund wählen.")
        rechteck = aus_millimetern(*werte, seite=(seite.breite_pt, seite.hoehe_pt))
        ergebnis.append({"dokument": seite.dokument, "seite": seite.seite, "rechteck": rechteck, "grund": k.grund})
    return ergebnis


@login_required
@require_http_methods(["GET", "POST"])
def akteneinsicht(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the redaction editor for the chosen documents (`?dokumente=`); POST: request the inspection copy."""
    akte = sichtbare_akte(request, pk, aendern=True, lesen_protokollieren=request.method == "GET")
    daten = request.POST if request.method == "POST" else request.GET
    gewaehlt = {int(d) for d in daten.getlist("dokumente") if d.isdigit()}
    eintraege = [e for e in inhaltsverzeichnis(akte).eintraege if e.dokument in gewaehlt]
    if not eintraege:
        messages.error(request, "Bitte mindestens ein Dokument für die Einsicht wählen.")
        return redirect("akte-inhaltsverzeichnis", pk=akte.pk)
    seiten = _seiten(eintraege)
    kaesten: list[Kasten] = []
    fehler: list[str] = []
    if request.method == "POST":
        try:
            kaesten = _kaesten(request.POST)
            services.einsichtskopie_anfordern(
                akte=akte,
                user=request.user,
                request=request,
                dokumente=sorted(gewaehlt),
                empfaenger=request.POST.get("empfaenger", "").strip() or "Bevollmächtigte",
                schwaerzungen=_schwaerzungen(kaesten, seiten),
                grund=request.POST.get("grund", ""),
            )
            messages.success(request, "Die Einsichtskopie wird erstellt. Sie erscheint hier, sobald sie fertig ist.")
            return redirect("akte-inhaltsverzeichnis", pk=akte.pk)
        except ValidationError as exc:
            fehler = fehlertexte(exc)
    ctx = {
        "akte": akte,
        "dokumente": [(e, seiten[e.dokument]) for e in eintraege],
        "alle_seiten": [s for liste in seiten.values() for s in liste],
        "kaesten": kaesten,
        "gruende": GRUENDE,
        "fehler": fehler,
        "empfaenger": request.POST.get("empfaenger", ""),
        "grund": request.POST.get("grund", ""),
    }
    return render(request, "dms/gericht/akteneinsicht.html", ctx, status=400 if fehler else 200)

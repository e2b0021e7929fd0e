"""Reports of the legacy-file digitisation: progress figures, forecast, server-side SVG charts, hand-over list PDF.

The forecast and the charts are pure functions over plain values (tested table-driven); the queries come first.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .models import Digitalisierungslos, LosAkte

# ---------------------------------------------------------------- pure calculations


def wochenbeginn(tag: date) -> date:
    return tag - timedelta(days=tag.weekday())


def wochen_reihe(werte: dict[date, int], *, bis: date, wochen: int) -> list[tuple[date, int]]:
    """The last `wochen` calendar weeks up to `bis` (Mondays), missing weeks as 0.

    >>> wochen_reihe({date(2026, 7, 20): 5}, bis=date(2026, 7, 29), wochen=2)
    [(datetime.date(2026, 7, 20), 5), (datetime.date(2026, 7, 27), 0)]
    """
    letzte = wochenbeginn(bis)
    return [(letzte - timedelta(weeks=i), werte.get(letzte - timedelta(weeks=i), 0)) for i in range(wochen - 1, -1, -1)]


def prognose_fertig(*, rest: int, durchsatz: list[int], heute: date, fenster: int = 4) -> date | None:
    """Finishing date at the mean throughput of the last `fenster` weeks; None when nothing moves.

    The current, unfinished week counts too (a conservative estimate early in the week).
    """
    if rest <= 0:
        return heute
    letzte = durchsatz[-fenster:]
    if not letzte or sum(letzte) == 0:
        return None
    je_woche = sum(letzte) / len(letzte)
    return heute + timedelta(days=math.ceil(rest / je_woche * 7))


def _zahl(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def fortschritt_svg(zeilen: list[tuple[str, int, int]], *, breite: int = 560) -> SafeString:
    """Horizontal progress bars: (label, done, planned) each; percentage and numbers written next to the bar."""
    hoehe = 34 * len(zeilen) + 10
    teile = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {breite} {hoehe}" width="{breite}" height="{hoehe}" '
        f'role="img" aria-label="Fortschritt">'
    ]
    balken = breite - 200
    for i, (label, fertig, geplant) in enumerate(zeilen):
        y = 8 + 34 * i
        anteil = min(fertig / geplant, 1.0) if geplant else 0.0
        text = f"{_zahl(fertig)} von {_zahl(geplant)} ({anteil * 100:.0f} %)" if geplant else f"{_zahl(fertig)}"
        teile.append(f'<text x="0" y="{y + 15}" font-size="13" fill="#1b1b1b">{escape(label)}</text>')
        teile.append(f'<rect x="90" y="{y}" width="{balken}" height="20" fill="#e3e8ee" rx="3"/>')
        teile.append(f'<rect x="90" y="{y}" width="{balken * anteil:.1f}" height="20" fill="#004b87" rx="3"/>')
        teile.append(f'<text x="{90 + balken + 8}" y="{y + 15}" font-size="12" fill="#1b1b1b">{escape(text)}</text>')
    teile.append("</svg>")
    return mark_safe("".join(teile))  # noqa: S308 - every text is escaped above


def wochen_svg(reihe: list[tuple[date, int]], *, einheit: str = "Akten", breite: int = 560) -> SafeString:
    """Weekly throughput as columns, with the week (KW) under each and the value on top."""
    hoehe, unten, oben = 180, 30, 20
    n = max(len(reihe), 1)
    spalte = (breite - 40) / n
    hoechst = max((w for _, w in reihe), default=0) or 1
    teile = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {breite} {hoehe}" width="{breite}" height="{hoehe}" '
        f'role="img" aria-label="{escape(einheit)} je Woche">',
        f'<line x1="30" y1="{hoehe - unten}" x2="{breite}" y2="{hoehe - unten}" stroke="#888"/>',
    ]
    for i, (woche, wert) in enumerate(reihe):
        h = (hoehe - unten - oben) * wert / hoechst
        x = 34 + i * spalte
        teile.append(
            f'<rect x="{x:.1f}" y="{hoehe - unten - h:.1f}" width="{spalte * 0.7:.1f}" height="{h:.1f}" '
            'fill="#004b87"/>'
        )
        teile.append(
            f'<text x="{x + spalte * 0.35:.1f}" y="{hoehe - unten - h - 4:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#1b1b1b">{_zahl(wert)}</text>'
        )
        teile.append(
            f'<text x="{x + spalte * 0.35:.1f}" y="{hoehe - 12}" font-size="10" text-anchor="middle" '
            f'fill="#1b1b1b">KW {woche.isocalendar()[1]}</text>'
        )
    teile.append("</svg>")
    return mark_safe("".join(teile))  # noqa: S308 - only numbers and escaped text


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class Fortschritt:
    akten_geplant: int
    akten_fertig: int
    blatt_geplant: int
    blatt_fertig: int
    wochen: list[tuple[date, int]]
    prognose: date | None

    @property
    def diagramm(self) -> SafeString:
        return fortschritt_svg(
            [("Akten", self.akten_fertig, self.akten_geplant), ("Blätter", self.blatt_fertig, self.blatt_geplant)]
        )

    @property
    def wochen_diagramm(self) -> SafeString:
        return wochen_svg(self.wochen)


def fortschritt(
    lose_q: Q, *, akten_geplant: int | None = None, blatt_geplant: int | None = None, wochen: int = 12
) -> Fortschritt:
    """Progress of the lots matching `lose_q` (one lot or all of an authority): 3 aggregate queries."""
    la = LosAkte.objects.filter(los__in=Digitalisierungslos.objects.filter(lose_q))
    summen = la.aggregate(
        geplant=Count("id"), fertig=Count("id", filter=Q(importiert_am__isnull=False)), blatt=Sum("blatt")
    )
    if blatt_geplant is None:
        blatt_geplant = Digitalisierungslos.objects.filter(lose_q).aggregate(s=Sum("blatt_geplant"))["s"] or 0
    je_woche = {
        w["woche"].date() if hasattr(w["woche"], "date") else w["woche"]: w["n"]
        for w in la.filter(importiert_am__isnull=False)
        .annotate(woche=TruncWeek("importiert_am"))
        .values("woche")
        .annotate(n=Count("id"))
    }
    return _fortschritt_aus(summen, je_woche, akten_geplant=akten_geplant, blatt_geplant=blatt_geplant, wochen=wochen)


def _fortschritt_aus(
    summen: Mapping[str, Any], je_woche: dict[date, int], *, akten_geplant: int | None, blatt_geplant: int, wochen: int
) -> Fortschritt:
    heute = timezone.localdate()
    reihe = wochen_reihe(je_woche, bis=heute, wochen=wochen)
    geplant = akten_geplant if akten_geplant is not None else summen["geplant"]
    return Fortschritt(
        akten_geplant=geplant,
        akten_fertig=summen["fertig"],
        blatt_geplant=blatt_geplant,
        blatt_fertig=summen["blatt"] or 0,
        wochen=reihe,
        prognose=prognose_fertig(rest=geplant - summen["fertig"], durchsatz=[n for _, n in reihe], heute=heute),
    )


def fortschritt_je_behoerde(
    behoerde_ids: set[int], plaene: dict[int, tuple[int | None, int | None]], *, wochen: int = 12
) -> dict[int, Fortschritt]:
    """`fortschritt(Q(behoerde=…))` for many authorities at once: 3 grouped queries instead of 3 per authority.

    `plaene`: authority id -> (planned files, planned sheets) from the subsidy application, if any."""
    la = LosAkte.objects.filter(los__behoerde_id__in=behoerde_ids)
    summen = {
        z["los__behoerde_id"]: z
        for z in la.values("los__behoerde_id").annotate(
            geplant=Count("id"), fertig=Count("id", filter=Q(importiert_am__isnull=False)), blatt=Sum("blatt")
        )
    }
    blatt_lose = dict(
        Digitalisierungslos.objects.filter(behoerde_id__in=behoerde_ids)
        .values("behoerde_id")
        .annotate(s=Sum("blatt_geplant"))
        .values_list("behoerde_id", "s")
    )
    je_woche: dict[int, dict[date, int]] = {}
    for w in (
        la.filter(importiert_am__isnull=False)
        .annotate(woche=TruncWeek("importiert_am"))
        .values("los__behoerde_id", "woche")
        .annotate(n=Count("id"))
    ):
        tag = w["woche"].date() if hasattr(w["woche"], "date") else w["woche"]
        je_woche.setdefault(w["los__behoerde_id"], {})[tag] = w["n"]
    ergebnis = {}
    for bid in behoerde_ids:
        akten_plan, blatt_plan = plaene.get(bid, (None, None))
        ergebnis[bid] = _fortschritt_aus(
            summen.get(bid, {"geplant": 0, "fertig": 0, "blatt": 0}),
            je_woche.get(bid, {}),
            akten_geplant=akten_plan,
            blatt_geplant=blatt_plan if blatt_plan is not None else (blatt_lose.get(bid) or 0),
            wochen=wochen,
        )
    return ergebnis


# ---------------------------------------------------------------- hand-over list


def uebergabeliste_pdf(los: Digitalisierungslos, *, user: Any = None) -> bytes:
    """The list the provider signs on pick-up: one row per file with its Aktenzeichen as a Code 128 barcode.

    Person data only for files `user` may see (`Akte.objects.visible_to`); restricted ones show the Aktenzeichen
    only. Without a user no person data at all."""
    from reportlab.graphics.barcode import code128
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    puffer = io.BytesIO()
    doc = SimpleDocTemplate(
        puffer, pagesize=A4, title=f"Übergabeliste Los {los.nummer}", leftMargin=15 * mm, rightMargin=15 * mm
    )
    kopf: list[object] = ["Nr.", "Aktenzeichen", "Person", "Barcode"]
    zeilen: list[list[object]] = [kopf]
    from dms.models import Akte

    las = list(los.akten.select_related("akte__person").order_by("position"))
    sichtbar = (
        set(Akte.objects.visible_to(user).filter(pk__in=[la.akte_id for la in las]).values_list("pk", flat=True))
        if user is not None
        else set()
    )
    for la in las:
        p = la.akte.person
        if la.akte_id in sichtbar:
            person = escape(f"{p.familienname}, {p.vornamen}") + (
                f"<br/>*{p.geburtsdatum:%d.%m.%Y}" if p.geburtsdatum else ""
            )
        else:
            person = "– (gesperrte Akte)"
        zeilen.append(
            [
                str(la.position),
                la.akte.aktenzeichen,
                Paragraph(person, styles["Normal"]),
                code128.Code128(la.akte.aktenzeichen, barHeight=9 * mm, barWidth=0.3 * mm, humanReadable=False),
            ]
        )
    tabelle = Table(zeilen, colWidths=[12 * mm, 40 * mm, 60 * mm, 68 * mm], repeatRows=1)
    tabelle.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e8ee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    titel = escape(f"Übergabeliste Los {los.nummer} – {los.behoerde.name}")
    info = escape(
        f"{los.akten.count()} Akten · erstellt {timezone.localtime():%d.%m.%Y %H:%M} · "
        "Übergabe an den Scandienstleister: Datum, Name, Unterschrift ____________________________"
    )
    doc.build([Paragraph(titel, styles["Title"]), Paragraph(info, styles["Normal"]), Spacer(1, 5 * mm), tabelle])
    return puffer.getvalue()

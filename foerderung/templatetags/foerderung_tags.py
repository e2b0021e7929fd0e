from __future__ import annotations

from decimal import Decimal

from django import template

from foerderung.berechnung import euro as _euro

register = template.Library()


@register.filter
def euro(wert: Decimal | None) -> str:
    return "–" if wert is None else _euro(Decimal(wert))


@register.filter
def tausender(wert: int | None) -> str:
    return "–" if wert is None else f"{int(wert):,}".replace(",", ".")


@register.filter
def prozent(wert: Decimal | None) -> str:
    return "–" if wert is None else f"{wert} %".replace(".", ",")

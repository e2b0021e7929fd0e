"""The main menu per role (docs/rollen.md): each role sees only the pages it may use.

A menu entry is data: a German label, a URL name and a predicate over the user (mostly a cell of the permission
matrix; the apps above dms use their own access helpers, the same ones their views ask). dms owns the entries for
its own pages; the apps above it (the mail room, the subsidy) register theirs in `AppConfig.ready` through
`menuepunkt_registrieren`, so dms never imports them. The context processor `menue` gives every template the
entries of the signed-in user, in a fixed order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.urls import reverse

from .access import zugang
from .models import Rolle
from .permissions_matrix import EIGENES_TEAM, JA, NEIN, erlaubnis

Benutzer = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Menuepunkt:
    """One link of the main menu. `rang` orders the menu; `praefix` marks the entry current for sub-pages."""

    text: str
    url_name: str
    sichtbar: Callable[[Benutzer], bool]
    rang: int
    praefix: str = ""


def darf_menue(aktion: str, *werte: str) -> Callable[[Benutzer], bool]:
    """Visible when the role's cell for `aktion` is one of `werte` (default: anything but NEIN)."""

    def pruefen(user: Benutzer) -> bool:
        z = zugang(user)
        if z.behoerde_id is None:
            return False
        zelle = erlaubnis(z.rolle, aktion)
        return zelle in werte if werte else zelle != NEIN

    return pruefen


def _mitglied(user: Benutzer) -> bool:
    return zugang(user).behoerde_id is not None


def _land_uebersicht(user: Benutzer) -> bool:
    # The Land's figures of all authorities: a role without an authority of its own.
    return erlaubnis(zugang(user).rolle, "aussonderung_uebersicht") == JA


MENUE: list[Menuepunkt] = [
    Menuepunkt("Mein Arbeitsplatz", "arbeitsplatz", _mitglied, 10),
    Menuepunkt("Suche", "suche", darf_menue("akten_sehen"), 30, "/suche/"),
    Menuepunkt("Postausgang", "postausgang", darf_menue("akten_aendern"), 40, "/postausgang/"),
    Menuepunkt("Abwesenheit", "abwesenheit", darf_menue("vertretung_setzen"), 50, "/abwesenheit/"),
    Menuepunkt(
        "Vertretungen",
        "vertretungen",
        darf_menue("vertretung_setzen", EIGENES_TEAM, JA),
        55,
        "/sicherheit/vertretungen/",
    ),
    Menuepunkt("Akteneinsichten", "einsichten-uebersicht", darf_menue("akteneinsicht_erteilen"), 56, "/einsichten/"),
    Menuepunkt("Aktenabgaben", "abgaben", darf_menue("akten_aendern"), 60, "/abgaben/"),
    Menuepunkt("Aussonderung", "aussonderung", darf_menue("aussonderung"), 65, "/aussonderung/"),
    Menuepunkt("Aussonderung im Land", "aussonderung-land-seite", _land_uebersicht, 66, "/aussonderung/land/"),
    Menuepunkt("Benutzerverwaltung", "benutzerverwaltung", darf_menue("verwaltung"), 90, "/verwaltung/benutzer/"),
    Menuepunkt("Teams", "teams", darf_menue("verwaltung"), 91, "/verwaltung/teams/"),
    Menuepunkt("Protokoll", "protokoll", darf_menue("protokoll_lesen"), 95, "/protokoll/"),
]


def menuepunkt_registrieren(punkt: Menuepunkt) -> None:
    """Add an entry from an app above dms (called in its `AppConfig.ready`); registering twice changes nothing."""
    if all(p.url_name != punkt.url_name for p in MENUE):
        MENUE.append(punkt)


def menue_fuer(user: Benutzer) -> list[Menuepunkt]:
    """The entries this user may use, in menu order."""
    return sorted((p for p in MENUE if p.sichtbar(user)), key=lambda p: p.rang)


def menue(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `menue` (label, href, current) and `darf_suchen` for the header's search box."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    pfad = request.path
    aktuell_name = request.resolver_match.url_name if request.resolver_match else None
    punkte = menue_fuer(user)
    # The current entry: the page itself, else the longest prefix (/poststelle/altakten/ is "Altakten").
    passend = [p for p in punkte if aktuell_name == p.url_name.rsplit(":", 1)[-1]]
    if not passend:
        passend = sorted((p for p in punkte if p.praefix and pfad.startswith(p.praefix)), key=lambda p: -len(p.praefix))
    aktuell = passend[0] if passend else None
    eintraege = [{"text": p.text, "href": reverse(p.url_name), "aktuell": p is aktuell} for p in punkte]
    rolle = zugang(user).rolle
    return {
        "menue": eintraege,
        "darf_suchen": darf_menue("akten_sehen")(user),
        "rolle_text": str(Rolle(rolle).label) if rolle in Rolle.values else "",
    }

"""Walk every URL pattern of the project (pages, API, admin) and build concrete URLs from them.

Nothing here lists routes by hand: a route added next year is walked the day it is added. Only the small
allow-list below names routes that are public on purpose, each with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Routes reachable without login, on purpose. Key: the route's name (or path prefix), value: the reason.
OEFFENTLICH: dict[str, str] = {
    "login": "die Anmeldeseite selbst",
    "logout": "Abmelden ist ohne Sitzung wirkungslos (nur POST)",
    "api-token": "Token gegen Benutzername und Passwort (geschützt durch django-axes)",
    "zweiter-faktor": "leitet ohne Anmeldung selbst zur Anmeldung um",
    "admin:login": "Anmeldeseite der Verwaltung",
    "admin:logout": "Abmelden der Verwaltung",
    "admin:javascript-catalog": "Übersetzungen der Verwaltungsoberfläche, keine Daten",
    "/static/": "statische Dateien (CSS/JS), keine Daten",
    "favicon": "leitet auf das Symbol unter /static/ um, keine Daten",
    "/media-intern/": "nie direkt ausgeliefert (kein Muster), nur zur Sicherheit aufgeführt",
    "/online/": "öffentliche Online-Dienste für Bürgerinnen und Bürger (OZG), ohne Anmeldung; CSRF und Rate-Limit",
    "postausgang-rueckmeldung": "Statusmeldungen des Hybridpost-Dienstleisters, per HMAC-Signatur geprüft",
    "eingang-einreichung": "Einreichungen von Antragsplattformen, per Ed25519-Signatur der Plattform geprüft",
    "healthz": 'Lebenszeichen für Lastverteiler, antwortet nur {"status": "ok"}',
    "readyz": "Bereitschaft für Lastverteiler: nennt nur Komponenten (Datenbank, Redis, Speicher), keine Daten",
    "metriken": "Maschinenschnittstelle: ohne Betreiber-Anmeldung/METRICS_TOKEN 401, sonst 404 (tests/dms/betrieb)",
}

_GRUPPE = re.compile(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)")


@dataclass(frozen=True)
class Route:
    regex: str
    name: str | None
    gruppen: tuple[str, ...]
    callback: Callable

    @property
    def ist_api(self) -> bool:
        return self.regex.startswith("api/")

    @property
    def ist_admin(self) -> bool:
        return self.regex.startswith("admin/")

    @property
    def hat_ids(self) -> bool:
        return bool(self.gruppen)

    @property
    def oeffentlich(self) -> bool:
        return self.name in OEFFENTLICH or any(self.regex.startswith(p.strip("/")) for p in OEFFENTLICH if "/" in p)

    def url(self, wert: Callable[[str], str | int]) -> str | None:
        """The concrete path with each named group replaced; None when the pattern cannot be built safely."""
        pfad = _GRUPPE.sub(lambda m: str(wert(m[1])), self.regex)
        pfad = pfad.replace("\\Z", "").replace("\\.", ".").replace("\\-", "-").replace("/?", "/")
        pfad = pfad.replace("^", "").replace("$", "")
        if re.search(r"[()\[\]*+?|\\{}]", pfad):
            return None
        return "/" + pfad


def _regex(muster: URLPattern | URLResolver) -> str:
    return muster.pattern.regex.pattern


def alle_routen() -> list[Route]:
    routen: list[Route] = []

    def gehen(muster: list, prefix: str, namespace: str) -> None:
        for m in muster:
            teil = _regex(m).lstrip("^")
            if teil.endswith("\\Z"):
                teil = teil[:-2]
            if isinstance(m, URLResolver):
                ns = f"{namespace}{m.namespace}:" if m.namespace else namespace
                gehen(m.url_patterns, prefix + teil, ns)
            else:
                name = f"{namespace}{m.name}" if m.name else None
                regex = (prefix + teil).rstrip("$")
                gruppen = tuple(g[0] for g in _GRUPPE.findall(regex))
                routen.append(Route(regex=regex, name=name, gruppen=gruppen, callback=m.callback))

    gehen(get_resolver().url_patterns, "", "")
    # The DRF format-suffix twins (`.json`) duplicate other routes.
    return [r for r in routen if "format" not in r.gruppen]


def id_wert(pk: int) -> Callable[[str], str | int]:
    """Substitute `pk` for every id-like group; page numbers and similar get 1, free text a harmless word."""

    def wert(gruppe: str) -> str | int:
        if gruppe in {"seite", "page", "nummer"}:
            return 1
        if gruppe in {"app_label"}:
            return "dms"
        if gruppe in {"model_name"}:
            return "akte"
        if gruppe in {"einreichung"}:  # a uuid
            return f"00000000-0000-0000-0000-{pk:012d}"
        return pk

    return wert

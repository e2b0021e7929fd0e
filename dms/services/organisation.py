"""Organisation of an authority: its teams with their letter ranges (Buchstabenzuständigkeit) and members; the
authority admin's team pages (dms/views/teams.py) write through `team_speichern`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from dms.audit import Aktion, protokollieren
from dms.models import Behoerde, Mitgliedschaft, Team

from .fehler import feldfehler

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def team_einrichten(
    *,
    behoerde: Behoerde,
    name: str,
    buchstaben_von: str = "",
    buchstaben_bis: str = "",
    ist_standard: bool = False,
    user: User | None = None,
    benutzername: str = "",
) -> Team:
    """The team `name` of the authority with this letter range, created or brought up to date (idempotent)."""
    with transaction.atomic():
        team, neu = Team.objects.update_or_create(
            behoerde=behoerde,
            name=name,
            defaults={"buchstaben_von": buchstaben_von, "buchstaben_bis": buchstaben_bis, "ist_standard": ist_standard},
        )
        if neu:
            protokollieren(aktion=Aktion.ANLEGEN, user=user, benutzername=benutzername, objekt=team)
    return team


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Bereichspruefung:
    """What the letter ranges of an authority's teams leave open or claim twice (German sentences for the page)."""

    luecken: list[str]  # "C", "D–F": initials no team's range holds (that mail goes to the default team)
    ueberschneidungen: list[str]  # "Team A-K und Team H-M (H–K)"

    def hinweise(self, standardteam: str | None) -> list[str]:
        saetze = []
        if self.luecken:
            ziel = (
                f"an das Standardteam „{standardteam}“" if standardteam else "an kein Team (es gibt kein Standardteam)"
            )
            saetze.append(
                f"Für die Anfangsbuchstaben {', '.join(self.luecken)} ist kein Team zuständig; diese Post geht {ziel}."
            )
        return saetze


def ueberschneidung(a: tuple[str, str], b: tuple[str, str]) -> str | None:
    """The common part of two ranges (von, bis) of the same specificity, e.g. "H–K", else None."""
    if not a[0] or not b[0] or len(a[0]) != len(b[0]):
        return None
    anfang, ende = max(a[0], b[0]), min(a[1], b[1])
    if anfang > ende:
        return None
    return anfang if anfang == ende else f"{anfang}–{ende}"


def _abschnitte(buchstaben: list[str]) -> list[str]:
    """['C', 'D', 'E', 'F', 'X'] -> ['C–F', 'X'] (consecutive initials as one range)."""
    abschnitte: list[list[str]] = []
    for b in buchstaben:
        if abschnitte and ALPHABET.index(b) == ALPHABET.index(abschnitte[-1][-1]) + 1:
            abschnitte[-1].append(b)
        else:
            abschnitte.append([b])
    return [a[0] if len(a) == 1 else f"{a[0]}–{a[-1]}" for a in abschnitte]


def buchstaben_pruefen(teams: list[tuple[str, str, str]]) -> Bereichspruefung:
    """`teams`: (name, von, bis). Ranges of the same specificity (length of `von`) must not overlap; ranges of
    single initials should cover A–Z. Longer prefixes ("Sch"–"Schz") are deliberate exceptions inside a wider range:
    the most specific wins (dms.namen.team_fuer_name), so they are neither overlaps nor cover a whole initial."""
    abgedeckt: set[str] = set()
    ueberschneidungen = []
    bereiche = [(n, v.upper(), (b or v).upper()) for n, v, b in teams if v]
    for i, (name, von, bis) in enumerate(bereiche):
        if len(von) == 1:
            abgedeckt |= {c for c in ALPHABET if von <= c <= bis[0]}
        for name2, von2, bis2 in bereiche[i + 1 :]:
            if teil := ueberschneidung((von, bis), (von2, bis2)):
                ueberschneidungen.append(f"{name} und {name2} ({teil})")
    luecken = _abschnitte([c for c in ALPHABET if c not in abgedeckt])
    return Bereichspruefung(luecken=luecken, ueberschneidungen=ueberschneidungen)


def _bereich_lesen(von: str, bis: str) -> tuple[str, str]:
    von, bis = von.strip().upper(), bis.strip().upper()
    for feld, wert in (("buchstaben_von", von), ("buchstaben_bis", bis)):
        if wert and not (wert.isascii() and wert.isalpha() and len(wert) <= 3):
            raise feldfehler(feld, "Bitte 1 bis 3 Buchstaben A–Z angeben (ohne Umlaute: Ä wie AE, Ö wie OE).")
    if bis and not von:
        raise feldfehler("buchstaben_von", "Bitte auch den Anfang des Bereichs angeben.")
    bis = bis or von
    if von and bis < von:
        raise feldfehler("buchstaben_bis", f"Das Ende „{bis}“ liegt vor dem Anfang „{von}“.")
    return von, bis


def team_speichern(
    *,
    admin: User,
    request: HttpRequest | None = None,
    team: Team | None = None,
    name: str,
    buchstaben_von: str = "",
    buchstaben_bis: str = "",
    ist_standard: bool = False,
    mitglieder: list[Any],
) -> Team:
    """Create or change a team of the admin's own authority: name, letter range (no overlap with another team's
    range of the same length), default team (moves the flag), members (their one team each). One audit entry."""
    from dms.access import zugang

    behoerde_id = zugang(admin).behoerde_id
    if behoerde_id is None or (team is not None and team.behoerde_id != behoerde_id):
        raise PermissionDenied("Dieses Team gehört nicht zu Ihrer Behörde.")
    name = name.strip()
    if not name:
        raise feldfehler("name", "Bitte geben Sie einen Namen an.")
    von, bis = _bereich_lesen(buchstaben_von, buchstaben_bis)
    fremde = [u.get_username() for u in mitglieder if getattr(u, "mitgliedschaft", None) is None]
    fremde += [u.get_username() for u in mitglieder if u.mitgliedschaft.behoerde_id != behoerde_id]
    if fremde:
        raise feldfehler("mitglieder", f"Diese Benutzer gehören nicht zu Ihrer Behörde: {', '.join(fremde)}.")
    with transaction.atomic():
        andere = Team.objects.select_for_update().filter(behoerde_id=behoerde_id)
        if team is not None:
            andere = andere.exclude(pk=team.pk)
        if andere.filter(name__iexact=name).exists():
            raise feldfehler("name", "Ein Team dieses Namens gibt es in Ihrer Behörde schon.")
        konflikte = [
            f"{n} ({teil})"
            for n, v, b in andere.values_list("name", "buchstaben_von", "buchstaben_bis")
            if (teil := ueberschneidung((von, bis), (v.upper(), (b or v).upper())))
        ]
        if konflikte:
            raise feldfehler("buchstaben_von", f"Der Bereich überschneidet sich mit {', '.join(konflikte)}.")
        vorher = None
        if team is not None:
            vorher = {
                "name": team.name,
                "bereich": [team.buchstaben_von, team.buchstaben_bis],
                "standard": team.ist_standard,
                "mitglieder": sorted(team.mitglieder.values_list("user_id", flat=True)),
            }
        if ist_standard:
            andere.filter(ist_standard=True).update(ist_standard=False)
        if team is None:
            team = Team.objects.create(
                behoerde_id=behoerde_id, name=name, buchstaben_von=von, buchstaben_bis=bis, ist_standard=ist_standard
            )
        else:
            team.name, team.buchstaben_von, team.buchstaben_bis, team.ist_standard = name, von, bis, ist_standard
            team.save(update_fields=["name", "buchstaben_von", "buchstaben_bis", "ist_standard"])
        neu_ids = {u.pk for u in mitglieder}
        Mitgliedschaft.objects.filter(team=team).exclude(user_id__in=neu_ids).update(team=None)
        Mitgliedschaft.objects.filter(user_id__in=neu_ids, behoerde_id=behoerde_id).update(team=team)
        nachher = {"name": name, "bereich": [von, bis], "standard": ist_standard, "mitglieder": sorted(neu_ids)}
        protokollieren(
            aktion=Aktion.ANLEGEN if vorher is None else Aktion.AENDERN,
            user=admin,
            request=request,
            objekt=team,
            details={"nachher": nachher} if vorher is None else {"vorher": vorher, "nachher": nachher},
        )
    return team

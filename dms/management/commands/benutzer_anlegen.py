"""`manage.py benutzer_anlegen`: a user of an authority with a role (idempotent: an existing user is updated)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dms.access import zugang_vergessen
from dms.audit import Aktion, protokollieren
from dms.models import Behoerde, Mitgliedschaft, Rolle, Team

ROLLEN = ", ".join(Rolle.values)


def benutzer_anlegen(
    *,
    behoerde: str,
    rolle: str,
    username: str,
    password: str,
    team: str | None = None,
    vorname: str = "",
    nachname: str = "",
    passwort_pruefen: bool = True,
) -> tuple[Any, bool]:
    """Create or update the user; returns (user, created). Raises CommandError with a German message."""
    from dms.admin import BEHOERDENADMIN_GRUPPE, behoerdenadmin_gruppe

    username = (username or "").strip()
    if not username:
        raise CommandError("Bitte geben Sie einen Benutzernamen an (--username).")
    if rolle not in Rolle.values:
        raise CommandError(f"Unbekannte Rolle „{rolle}“. Erlaubt sind: {ROLLEN}.")
    b = Behoerde.objects.filter(kuerzel__iexact=(behoerde or "").strip()).first()
    if b is None:
        bekannte = ", ".join(Behoerde.objects.order_by("kuerzel").values_list("kuerzel", flat=True))
        raise CommandError(f"Die Behörde „{behoerde}“ gibt es nicht. Bekannte Kürzel: {bekannte}.")
    if not b.aktiv:
        raise CommandError(f"Die Behörde {b.kuerzel} ist nicht aktiv.")
    t = None
    if team:
        t = Team.objects.filter(behoerde=b, name__iexact=team.strip()).first()
        if t is None:
            teams = ", ".join(Team.objects.filter(behoerde=b).values_list("name", flat=True)) or "keine"
            raise CommandError(f"Das Team „{team}“ gibt es in der Behörde {b.kuerzel} nicht. Vorhanden: {teams}.")
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if passwort_pruefen:
        try:
            validate_password(password, user=user or User(username=username, first_name=vorname, last_name=nachname))
        except ValidationError as exc:
            raise CommandError("Das Passwort ist nicht sicher genug: " + " ".join(exc.messages)) from exc
    with transaction.atomic():
        created = user is None
        if user is None:
            user = User(username=username)
        if user.is_superuser:
            raise CommandError(f"„{username}“ ist ein Superuser; dessen Rechte ändert dieser Befehl nicht.")
        user.first_name = vorname or user.first_name
        user.last_name = nachname or user.last_name
        user.is_active = True
        # Only authority admins use Django admin; their rights come from one group, objects stay per authority.
        user.is_staff = rolle == Rolle.BEHOERDENADMIN
        user.set_password(password)
        user.save()
        Mitgliedschaft.objects.update_or_create(user=user, defaults={"behoerde": b, "rolle": rolle, "team": t})
        if rolle == Rolle.BEHOERDENADMIN:
            user.groups.add(behoerdenadmin_gruppe())
        else:
            user.groups.remove(*user.groups.filter(name=BEHOERDENADMIN_GRUPPE))
        zugang_vergessen(user)
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            benutzername="manage.py benutzer_anlegen",
            objekt=user,
            details={"behoerde": b.kuerzel, "rolle": rolle, "team": t.name if t else None, "neu": created},
        )
    return user, created


class Command(BaseCommand):
    help = (
        "Legt einen Benutzer einer Behörde mit einer Rolle an oder aktualisiert ihn (Passwort, Rolle, Team). "
        f"Rollen: {ROLLEN}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--behoerde", required=True, help="Kürzel der Behörde, z. B. OF")
        parser.add_argument("--rolle", required=True, help=f"Rolle: {ROLLEN}")
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--team", default=None, help="Name eines Teams der Behörde (optional)")
        parser.add_argument("--vorname", default="")
        parser.add_argument("--nachname", default="")

    def handle(self, *args: Any, **o: Any) -> None:
        user, created = benutzer_anlegen(
            behoerde=o["behoerde"],
            rolle=o["rolle"],
            username=o["username"],
            password=o["password"],
            team=o["team"],
            vorname=o["vorname"],
            nachname=o["nachname"],
        )
        verb = "angelegt" if created else "aktualisiert"
        self.stdout.write(
            self.style.SUCCESS(f"Benutzer {user.username} ({o['rolle']}, {o['behoerde'].upper()}) {verb}.")
        )

"""`manage.py benutzer_anlegen`: a user of an authority with a role (idempotent: an existing user is updated)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dms.services.benutzer import ERLAUBTE_ROLLEN, benutzer_anlegen


class Command(BaseCommand):
    help = (
        "Legt einen Benutzer einer Behörde mit einer Rolle an oder aktualisiert ihn (Passwort, Rolle, Team). "
        f"Rollen: {ERLAUBTE_ROLLEN}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--behoerde", required=True, help="Kürzel der Behörde, z. B. OF")
        parser.add_argument("--rolle", required=True, help=f"Rolle: {ERLAUBTE_ROLLEN}")
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--team", default=None, help="Name eines Teams der Behörde (optional)")
        parser.add_argument("--vorname", default="")
        parser.add_argument("--nachname", default="")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            user, created = benutzer_anlegen(
                behoerde=o["behoerde"],
                rolle=o["rolle"],
                username=o["username"],
                password=o["password"],
                team=o["team"],
                vorname=o["vorname"],
                nachname=o["nachname"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "angelegt" if created else "aktualisiert"
        self.stdout.write(
            self.style.SUCCESS(f"Benutzer {user.username} ({o['rolle']}, {o['behoerde'].upper()}) {verb}.")
        )

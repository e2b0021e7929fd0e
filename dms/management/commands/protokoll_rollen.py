"""`python manage.py protokoll_rollen --app-rolle akte_app`: the SQL for a production application role that cannot
rewrite the audit trail (print it, or run it as the owner with --ausfuehren)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from dms.protokoll.rollen import rollen_sql


class Command(BaseCommand):
    help = (
        "Gibt das SQL für die Anwendungsrolle aus (nicht Eigentümerin des Protokolls: kein DELETE, TRUNCATE, "
        "ALTER oder Abschalten des Triggers); mit --ausfuehren führt die Eigentümerrolle es gleich aus."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-rolle", required=True, help="Name der Rolle, unter der die Anwendung läuft")
        parser.add_argument("--schema", default="public")
        parser.add_argument("--ohne-login", action="store_true", help="Rolle als NOLOGIN anlegen (Gruppenrolle)")
        parser.add_argument("--ausfuehren", action="store_true", help="gleich ausführen (als Eigentümerrolle)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sql = rollen_sql(
                app_rolle=options["app_rolle"],
                datenbank=connection.settings_dict["NAME"],
                schema=options["schema"],
                anmelden=not options["ohne_login"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["ausfuehren"]:
            self.stdout.write(sql)
            return
        with connection.cursor() as cursor:
            cursor.execute(sql)
        self.stdout.write(
            f"Rolle {options['app_rolle']} eingerichtet: Protokoll nur lesen, anhängen, pseudonymisieren."
        )

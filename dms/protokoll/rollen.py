"""Database roles for production: the application runs as a role that does NOT own the audit table.

The owner role (it runs `migrate`) owns every table, so only it could disable the trigger. The application role gets
the ordinary rights on every table, but on `dms_protokolleintrag` only SELECT, INSERT and UPDATE of exactly the
columns a pseudonymisation changes (the trigger checks the rest). It cannot DELETE, TRUNCATE, ALTER or disable
triggers there. Printed by `python manage.py protokoll_rollen`, run by the owner (docs/operations.md).
"""

from __future__ import annotations

import re

PROTOKOLL_TABELLE = "dms_protokolleintrag"
PSEUDONYMISIERBARE_SPALTEN = ("aktenzeichen", "details", "personenbezug_salz", "pseudonymisiert_durch")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def rollen_sql(*, app_rolle: str, datenbank: str, schema: str = "public", anmelden: bool = True) -> str:
    """The SQL (idempotent) that creates the application role if missing and sets its rights. Run as the owner."""
    for name in (app_rolle, datenbank, schema):
        if not _NAME.match(name):
            raise ValueError(f"Ungültiger Name {name!r}: nur Kleinbuchstaben, Ziffern und _ (PostgreSQL-Bezeichner).")
    login = "LOGIN" if anmelden else "NOLOGIN"
    spalten = ", ".join(PSEUDONYMISIERBARE_SPALTEN)
    # Every name interpolated below was checked against _NAME; identifiers cannot be bound as parameters.
    return f"""-- Application role for the Elektronische Ausländerakte (docs/operations.md, "Database roles").
-- Run as the OWNER role (the one that runs `manage.py migrate`), after every migrate.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{app_rolle}') THEN
        CREATE ROLE {app_rolle} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    IF (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = '{app_rolle}') THEN
        RAISE EXCEPTION 'Rolle {app_rolle} ist Superuser oder umgeht RLS: nicht als Anwendungsrolle geeignet';
    END IF;
    IF pg_has_role('{app_rolle}', (SELECT tableowner FROM pg_tables
                                   WHERE schemaname = '{schema}' AND tablename = '{PROTOKOLL_TABELLE}'), 'MEMBER') THEN
        RAISE EXCEPTION 'Rolle {app_rolle} ist Mitglied der Eigentümerrolle des Protokolls: nicht geeignet';
    END IF;
END
$$;
GRANT CONNECT ON DATABASE {datenbank} TO {app_rolle};
GRANT USAGE ON SCHEMA {schema} TO {app_rolle};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app_rolle};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {app_rolle};
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {app_rolle};
REVOKE ALL ON {schema}.{PROTOKOLL_TABELLE} FROM {app_rolle};
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {app_rolle};
GRANT SELECT, INSERT ON {schema}.{PROTOKOLL_TABELLE} TO {app_rolle};
GRANT UPDATE ({spalten}) ON {schema}.{PROTOKOLL_TABELLE} TO {app_rolle};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app_rolle};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app_rolle};
"""  # noqa: S608

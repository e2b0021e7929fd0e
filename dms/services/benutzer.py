"""Users of an authority: creating or updating one with a role and team (the command, demo data, benchmarks)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from dms.access import zugang_vergessen
from dms.audit import Aktion, protokollieren
from dms.models import Behoerde, Mitgliedschaft, Rolle, Team

ERLAUBTE_ROLLEN = ", ".join(Rolle.values)


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
    benutzername: str = "manage.py benutzer_anlegen",
) -> tuple[Any, bool]:
    """Create or update a user of an authority with a role (idempotent); returns (user, created).

    Only authority admins use Django admin: their rights come from one group, objects stay per authority.
    Raises ValidationError with a German message."""
    # dms.admin registers ModelAdmins that import these services: imported when needed, inside the app.
    from dms.admin import BEHOERDENADMIN_GRUPPE, behoerdenadmin_gruppe

    username = (username or "").strip()
    if not username:
        raise ValidationError("Bitte geben Sie einen Benutzernamen an (--username).")
    if rolle not in Rolle.values:
        raise ValidationError(f"Unbekannte Rolle „{rolle}“. Erlaubt sind: {ERLAUBTE_ROLLEN}.")
    b = Behoerde.objects.filter(kuerzel__iexact=(behoerde or "").strip()).first()
    if b is None:
        bekannte = ", ".join(Behoerde.objects.order_by("kuerzel").values_list("kuerzel", flat=True))
        raise ValidationError(f"Die Behörde „{behoerde}“ gibt es nicht. Bekannte Kürzel: {bekannte}.")
    if not b.aktiv:
        raise ValidationError(f"Die Behörde {b.kuerzel} ist nicht aktiv.")
    t = None
    if team:
        t = Team.objects.filter(behoerde=b, name__iexact=team.strip()).first()
        if t is None:
            teams = ", ".join(Team.objects.filter(behoerde=b).values_list("name", flat=True)) or "keine"
            raise ValidationError(f"Das Team „{team}“ gibt es in der Behörde {b.kuerzel} nicht. Vorhanden: {teams}.")
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if passwort_pruefen:
        try:
            validate_password(password, user=user or User(username=username, first_name=vorname, last_name=nachname))
        except ValidationError as exc:
            raise ValidationError("Das Passwort ist nicht sicher genug: " + " ".join(exc.messages)) from exc
    with transaction.atomic():
        created = user is None
        if user is None:
            user = User(username=username)
        if user.is_superuser:
            raise ValidationError(f"„{username}“ ist ein Superuser; dessen Rechte ändert dieser Befehl nicht.")
        user.first_name = vorname or user.first_name
        user.last_name = nachname or user.last_name
        user.is_active = True
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
            benutzername=benutzername,
            objekt=user,
            details={"behoerde": b.kuerzel, "rolle": rolle, "team": t.name if t else None, "neu": created},
        )
    return user, created

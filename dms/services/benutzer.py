"""Users of an authority: creating or updating one with a role and team (the command, demo data, benchmarks), and the
authority admin's own administration of her users (create, change role/team, deactivate, reset the password)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from dms.access import zugang, zugang_vergessen
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


# --- The authority admin's user administration (page /verwaltung/benutzer/, docs/rollen.md) ----------------------

# How much a matrix cell allows, to compare two roles: a role may be given only by someone whose every cell allows
# at least as much (an authority admin never creates a Land or Revision user: they read what she may not).
_UMFANG = {"nein": 0, "nur für sich selbst": 1, "eigenes Team": 2, "namentlich": 2, "ja": 3}


def vergebbare_rollen(admin: Any) -> list[str]:
    """The roles this user may give in her authority: only with the right `verwaltung`, never more than her own."""
    from dms.permissions_matrix import AKTIONEN, MATRIX, darf

    z = zugang(admin)
    if z.behoerde_id is None or z.rolle not in MATRIX or not darf(admin, "verwaltung"):
        return []
    eigene = MATRIX[z.rolle]
    return [r for r in Rolle.values if all(_UMFANG[MATRIX[r][a]] <= _UMFANG[eigene[a]] for a in AKTIONEN)]


def verwaltbare_mitgliedschaft(admin: Any, ziel: Any) -> Mitgliedschaft:
    """The target's membership if the admin may manage her: same authority, a role the admin could give, no
    superuser. Anything else is PermissionDenied (the page turns it into a 404: other authorities stay invisible)."""
    z = zugang(admin)
    m = Mitgliedschaft.objects.filter(user_id=ziel.pk).first()
    if z.behoerde_id is None or m is None or m.behoerde_id != z.behoerde_id or ziel.is_superuser:
        raise PermissionDenied("Dieser Benutzer gehört nicht zu Ihrer Behörde.")
    if m.rolle not in vergebbare_rollen(admin):
        raise PermissionDenied("Benutzer dieser Rolle verwaltet das Land.")
    return m


def _team_pruefen(behoerde_id: int, team: Team | None) -> None:
    if team is not None and team.behoerde_id != behoerde_id:
        raise ValidationError({"team": ["Das Team gehört nicht zu Ihrer Behörde."]})


def _rolle_pruefen(admin: Any, rolle: str) -> None:
    if rolle not in vergebbare_rollen(admin):
        raise ValidationError({"rolle": ["Diese Rolle dürfen Sie nicht vergeben."]})


def _gruppe_setzen(user: Any, rolle: str) -> None:
    from dms.admin import BEHOERDENADMIN_GRUPPE, behoerdenadmin_gruppe

    user.is_staff = rolle == Rolle.BEHOERDENADMIN
    if rolle == Rolle.BEHOERDENADMIN:
        user.groups.add(behoerdenadmin_gruppe())
    else:
        user.groups.remove(*user.groups.filter(name=BEHOERDENADMIN_GRUPPE))


def einmalpasswort() -> str:
    """A random initial password (shown once to the admin, passed on by her; 20 characters, all classes)."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3)) + "-Aa1"


def benutzer_einrichten(
    *,
    admin: Any,
    request: HttpRequest | None = None,
    username: str,
    vorname: str,
    nachname: str,
    email: str = "",
    rolle: str,
    team: Team | None = None,
) -> tuple[Any, str]:
    """A new user of the admin's own authority with a role she may give; returns (user, initial password)."""
    z = zugang(admin)
    if z.behoerde_id is None:
        raise PermissionDenied("Sie gehören keiner Behörde an.")
    _rolle_pruefen(admin, rolle)
    _team_pruefen(z.behoerde_id, team)
    username = username.strip()
    User = get_user_model()
    passwort = einmalpasswort()
    with transaction.atomic():
        # Never take over an existing account (possibly of another authority): user names are unique per Land.
        if User.objects.select_for_update().filter(username__iexact=username).exists():
            raise ValidationError({"username": ["Diesen Benutzernamen gibt es schon. Bitte wählen Sie einen anderen."]})
        user = User(username=username, first_name=vorname.strip(), last_name=nachname.strip(), email=email.strip())
        user.set_password(passwort)
        user.save()
        _gruppe_setzen(user, rolle)
        user.save(update_fields=["is_staff"])
        # The initial password is known to the admin: the user chooses her own at the first login.
        Mitgliedschaft.objects.create(
            user=user, behoerde_id=z.behoerde_id, rolle=rolle, team=team, passwort_wechsel_noetig=True
        )
        protokollieren(
            aktion=Aktion.ANLEGEN,
            user=admin,
            request=request,
            objekt=user,
            details={"rolle": rolle, "team": team.pk if team else None},
        )
    return user, passwort


def benutzer_aendern(
    *,
    admin: Any,
    request: HttpRequest | None = None,
    ziel: Any,
    vorname: str,
    nachname: str,
    email: str = "",
    rolle: str,
    team: Team | None,
    aktiv: bool,
) -> Any:
    """Name, role, team and active flag of a user of the admin's authority. Deactivating ends every session at the
    next request (Django refuses inactive users) and keeps the user and her audit trail."""
    m = verwaltbare_mitgliedschaft(admin, ziel)
    _rolle_pruefen(admin, rolle)
    _team_pruefen(m.behoerde_id, team)
    if ziel.pk == admin.pk and (not aktiv or rolle != m.rolle):
        raise ValidationError(
            "Ihre eigene Rolle und Ihr eigenes Konto ändern Sie nicht selbst; bitte eine zweite Administration fragen."
        )
    with transaction.atomic():
        vorher = {"rolle": m.rolle, "team": m.team_id, "aktiv": ziel.is_active}
        ziel.first_name, ziel.last_name, ziel.email = vorname.strip(), nachname.strip(), email.strip()
        ziel.is_active = aktiv
        _gruppe_setzen(ziel, rolle)
        ziel.save(update_fields=["first_name", "last_name", "email", "is_active", "is_staff"])
        m.rolle, m.team = rolle, team
        m.save(update_fields=["rolle", "team"])
        zugang_vergessen(ziel)
        nachher = {"rolle": rolle, "team": team.pk if team else None, "aktiv": aktiv}
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=admin,
            request=request,
            objekt=ziel,
            details={"vorher": vorher, "nachher": nachher},
        )
    return ziel


def passwort_zuruecksetzen(*, admin: Any, request: HttpRequest | None = None, ziel: Any) -> str:
    """A new random password for a user of the admin's authority (shown once); lifts a lock-out after failed
    logins. The user must choose her own at the next login (dms.middleware.PasswortWechselMiddleware); the second
    factor stays as it is."""
    from axes.utils import reset as sperre_aufheben

    m = verwaltbare_mitgliedschaft(admin, ziel)
    passwort = einmalpasswort()
    with transaction.atomic():
        ziel.set_password(passwort)
        ziel.save(update_fields=["password"])
        m.passwort_wechsel_noetig = True
        m.save(update_fields=["passwort_wechsel_noetig"])
        aufgehoben = sperre_aufheben(username=ziel.get_username())
        protokollieren(
            aktion=Aktion.BERECHTIGUNG,
            user=admin,
            request=request,
            objekt=ziel,
            details={
                "passwort_zurueckgesetzt": True,
                "wechsel_bei_anmeldung": True,
                "sperre_aufgehoben": bool(aufgehoben),
            },
        )
    return passwort


def muss_passwort_wechseln(user: Any) -> bool:
    """Whether the user still has the password the admin gave her (read once at login, kept in the session)."""
    return Mitgliedschaft.objects.filter(user_id=user.pk, passwort_wechsel_noetig=True).exists()


def eigenes_passwort_setzen(*, user: Any, request: HttpRequest | None = None, passwort: str) -> None:
    """The user's own new password (already checked against the password rules by the form); lifts the duty to
    change it."""
    validate_password(passwort, user)
    with transaction.atomic():
        war_pflicht = muss_passwort_wechseln(user)
        user.set_password(passwort)
        user.save(update_fields=["password"])
        Mitgliedschaft.objects.filter(user_id=user.pk).update(passwort_wechsel_noetig=False)
        protokollieren(
            aktion=Aktion.AENDERN,
            user=user,
            request=request,
            objekt=user,
            details={"passwort_geaendert": True, "nach_zuruecksetzen": war_pflicht},
        )

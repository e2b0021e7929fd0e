"""Security pages: second factor (TOTP) set-up and check, substitutes (Vertretung) and inspection grants."""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from dms.access import zugang
from dms.http import AuthenticatedHttpRequest
from dms.middleware import PASSWORT_WECHSEL
from dms.models import Akte, Akteneinsicht, Behoerde
from dms.permissions_matrix import darf
from dms.queries import kollegen_fuer_post, kollegen_mit_aktenzugang
from dms.services import anmeldung, berechtigungen
from dms.services import benutzer as benutzer_svc

from .common import form_fehler_uebernehmen
from .formulare import BenutzerFeld, DatumFeld, auswahlfeld, kern

User = get_user_model()


def _sicheres_ziel(request: HttpRequest, ziel: str | None) -> str:
    if ziel and url_has_allowed_host_and_scheme(ziel, allowed_hosts={request.get_host()}, require_https=False):
        return ziel
    return "/"


class TokenForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        label="Einmalcode aus der App",
        error_messages={"invalid": "Bitte geben Sie den sechsstelligen Code ein."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def zweiter_faktor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up (first time) or check the TOTP second factor, then continue where the user wanted to go."""
    ziel = _sicheres_ziel(request, request.GET.get("next") or request.POST.get("next"))
    geraet = anmeldung.totp_geraet(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if geraet.verify_token(form.cleaned_data["token"]):
            anmeldung.totp_geraet_bestaetigen(geraet=geraet)
            otp_login(request, geraet)
            return redirect(ziel)
        form.add_error("token", "Der Code ist falsch oder abgelaufen.")
    kontext: dict[str, Any] = {"form": form, "next": ziel, "einrichten": not geraet.confirmed}
    if not geraet.confirmed:
        # Shown only until the device is confirmed; the QR code is inline SVG (no external request, CSP-safe).
        kontext["qr_svg"] = segno.make(geraet.config_url, error="m").svg_inline(scale=4)
        kontext["schluessel"] = _base32(geraet.bin_key)
    return render(request, "sicherheit/zweiter_faktor.html", kontext)


class PasswortForm(forms.Form):
    """The own new password: the current one (the one the admin gave), the new one twice, the project's rules."""

    alt = forms.CharField(
        label="Bisheriges Passwort", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    neu = forms.CharField(
        label="Neues Passwort",
        strip=False,
        help_text="Mindestens 12 Zeichen, nicht nur Ziffern, kein gängiges Passwort und nicht Ihrem Namen ähnlich.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    neu2 = forms.CharField(
        label="Neues Passwort wiederholen",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        kern(self)

    def clean_alt(self) -> str:
        alt = str(self.cleaned_data["alt"])
        if not self.user.check_password(alt):
            raise ValidationError("Das bisherige Passwort stimmt nicht.")
        return alt

    def clean(self) -> dict[str, Any]:
        daten = super().clean() or {}
        neu, neu2 = daten.get("neu"), daten.get("neu2")
        if neu and neu2 and neu != neu2:
            self.add_error("neu2", "Die beiden neuen Passwörter stimmen nicht überein.")
        elif neu and neu == daten.get("alt"):
            self.add_error("neu", "Bitte wählen Sie ein anderes als das bisherige Passwort.")
        elif neu:
            try:
                password_validation.validate_password(neu, self.user)
            except ValidationError as exc:
                self.add_error("neu", exc)
        return daten


@login_required
def passwort_aendern(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose an own password; required after the admin created the user or reset her password."""
    pflicht = bool(request.session.get(PASSWORT_WECHSEL))
    form = PasswortForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        benutzer_svc.eigenes_passwort_setzen(user=request.user, request=request, passwort=form.cleaned_data["neu"])
        update_session_auth_hash(request, request.user)  # stays logged in; other sessions end
        request.session.pop(PASSWORT_WECHSEL, None)
        messages.success(request, "Ihr neues Passwort ist gespeichert.")
        return redirect("arbeitsplatz")
    return render(request, "sicherheit/passwort.html", {"form": form, "pflicht": pflicht})


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


# --- Substitutes -------------------------------------------------------------------------------------------------


class VertretungForm(forms.Form):
    abwesend = BenutzerFeld(queryset=User.objects.none(), label="abwesende Person", empty_label="– bitte wählen –")
    vertretung = BenutzerFeld(queryset=User.objects.none(), label="Vertretung", empty_label="– bitte wählen –")
    von = DatumFeld(label="von")
    bis = DatumFeld(label="bis")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "abwesend").queryset = kollegen_mit_aktenzugang(user)
        # Only who can act on mail and files may substitute (never Land or Revision, nor the Poststelle).
        auswahlfeld(self, "vertretung").queryset = kollegen_fuer_post(zugang(user).behoerde_id)
        kern(self)


@login_required
def vertretungen(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not darf(request.user, "vertretung_setzen"):
        raise PermissionDenied("Ihre Rolle darf keine Vertretungen festlegen.")
    form = VertretungForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            berechtigungen.vertretung_anlegen(user=request.user, request=request, **form.cleaned_data)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_fehler_uebernehmen(form, exc)
        else:
            messages.success(request, "Die Vertretung wurde angelegt.")
            return redirect("vertretungen")
    liste = (
        berechtigungen.vertretungen_sichtbar(request.user)
        .filter(bis__gte=timezone.localdate())
        .select_related("vertretene_person", "vertretung")
        .order_by("von", "id")
    )
    return render(request, "sicherheit/vertretungen.html", {"form": form, "vertretungen": liste})


@login_required
@require_POST
def vertretung_beenden(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    v = get_object_or_404(berechtigungen.vertretungen_sichtbar(request.user), pk=pk)
    try:
        berechtigungen.vertretung_beenden(vertretung=v, user=request.user, request=request)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, "Die Vertretung wurde beendet.")
    return redirect("vertretungen")


# --- Inspection grants -------------------------------------------------------------------------------------------


class EinsichtForm(forms.Form):
    behoerde = forms.ModelChoiceField(
        queryset=Behoerde.objects.none(), label="Behörde", required=False, empty_label="– keine –"
    )
    person = forms.CharField(label="oder Benutzername einer Person", required=False, max_length=150)
    bis = DatumFeld(label="bis einschließlich")
    grund = forms.CharField(label="Grund", max_length=300)

    def __init__(self, *args: Any, akte: Akte, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auswahlfeld(self, "behoerde").queryset = Behoerde.objects.filter(aktiv=True).exclude(pk=akte.behoerde_id)
        kern(self)

    def clean_person(self) -> Any:
        name = self.cleaned_data.get("person", "").strip()
        if not name:
            return None
        person = User.objects.filter(username=name, is_active=True).first()
        if person is None:
            raise ValidationError("Diese Person ist nicht bekannt.")
        return person


@login_required
def einsichten_uebersicht(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The valid grants on files the user may change; opening a file by its Aktenzeichen leads to its grant page."""
    if not darf(request.user, "akteneinsicht_erteilen"):
        raise PermissionDenied("Ihre Rolle darf keine Akteneinsicht erteilen.")
    akten = Akte.objects.changeable_by(request.user)
    aktenzeichen = (request.GET.get("aktenzeichen") or "").strip()[:60]
    if aktenzeichen:
        akte = akten.filter(aktenzeichen__iexact=aktenzeichen).first()
        if akte is not None:
            return redirect("akteneinsichten", akte_id=akte.pk)
    jetzt = timezone.now()
    einsichten = (
        Akteneinsicht.objects.filter(akte__in=akten, widerrufen_am__isnull=True, bis__gt=jetzt)
        .select_related("akte", "behoerde", "user", "erteilt_von")
        .order_by("bis", "id")[:200]
    )
    kontext = {"einsichten": einsichten, "aktenzeichen": aktenzeichen, "nicht_gefunden": bool(aktenzeichen)}
    return render(request, "sicherheit/einsichten_uebersicht.html", kontext)


@login_required
def akteneinsichten(request: AuthenticatedHttpRequest, akte_id: int) -> HttpResponse:
    """Grants on one file: list, grant and revoke (only for those who may change the file)."""
    akte = get_object_or_404(Akte.objects.changeable_by(request.user), pk=akte_id)
    if not darf(request.user, "akteneinsicht_erteilen"):
        raise PermissionDenied("Ihre Rolle darf keine Akteneinsicht erteilen.")
    form = EinsichtForm(request.POST or None, akte=akte)
    if request.method == "POST" and form.is_valid():
        try:
            berechtigungen.akteneinsicht_erteilen(
                akte=akte,
                user=request.user,
                request=request,
                behoerde=form.cleaned_data["behoerde"],
                person=form.cleaned_data["person"],
                bis=form.cleaned_data["bis"],
                grund=form.cleaned_data["grund"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_fehler_uebernehmen(form, exc)
        else:
            messages.success(request, "Die Akteneinsicht wurde erteilt.")
            return redirect("akteneinsichten", akte_id=akte.pk)
    einsichten = akte.einsichten.select_related("behoerde", "user", "erteilt_von").order_by("-erteilt_am")
    return render(
        request,
        "sicherheit/akteneinsichten.html",
        {"akte": akte, "form": form, "einsichten": einsichten, "jetzt": timezone.now()},
    )


@login_required
@require_POST
def akteneinsicht_widerrufen(request: AuthenticatedHttpRequest, akte_id: int, pk: int) -> HttpResponse:
    akte = get_object_or_404(Akte.objects.changeable_by(request.user), pk=akte_id)
    einsicht = get_object_or_404(Akteneinsicht.objects.filter(akte=akte), pk=pk)
    try:
        berechtigungen.akteneinsicht_widerrufen(einsicht=einsicht, user=request.user, request=request)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, "Die Akteneinsicht wurde widerrufen.")
    return redirect("akteneinsichten", akte_id=akte.pk)

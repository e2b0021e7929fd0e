"""The second factor (TOTP) of a user: the one device she sets up, confirmed by her first valid code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def totp_geraet(*, user: User) -> TOTPDevice:
    """Her confirmed device, else the one being set up, else a new unconfirmed one (shown as a QR code)."""
    with transaction.atomic():
        geraet = (
            TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
            or TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
        )
        if geraet is None:
            geraet = TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=False)
    return geraet


def totp_geraet_bestaetigen(*, geraet: TOTPDevice) -> None:
    """The first valid code confirms the device; from then on the QR code and key are never shown again."""
    if not geraet.confirmed:
        geraet.confirmed = True
        geraet.save(update_fields=["confirmed"])

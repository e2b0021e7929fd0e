"""FIT-Connect-style receiver: submissions of other online services, signed by the sending platform.

The platform signs `"<zeitstempel>\\n<einreichung>\\n<sha256 of the body>"` with its Ed25519 key and sends headers
X-Plattform, X-Zeitstempel (Unix seconds), X-Einreichung (its unique id) and X-Signatur (base64). We hold only its
public key. Refused: unknown/inactive platform, missing or wrong signature, a timestamp outside the window (replay of
an old message) and a submission id seen before (replay). See docs/eingang.md.
"""

from __future__ import annotations

import base64
import hashlib
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.conf import settings

from .models import Plattform


class SignaturFehler(Exception):
    def __init__(self, meldung: str) -> None:
        self.meldung = meldung
        super().__init__(meldung)


def signierter_text(zeitstempel: str, einreichung: str, body: bytes) -> bytes:
    return f"{zeitstempel}\n{einreichung}\n{hashlib.sha256(body).hexdigest()}".encode()


def pruefen(*, kennung: str, zeitstempel: str, einreichung: str, signatur: str, body: bytes) -> Plattform:
    if not (kennung and zeitstempel and einreichung and signatur):
        raise SignaturFehler(
            "Die Einreichung ist nicht signiert (X-Plattform, X-Zeitstempel, X-Einreichung und X-Signatur "
            "erforderlich)."
        )
    plattform = Plattform.objects.filter(kennung=kennung, aktiv=True).first()
    if plattform is None:
        raise SignaturFehler("Unbekannte oder gesperrte Plattform.")
    try:
        alter = abs(time.time() - int(zeitstempel))
    except ValueError as exc:
        raise SignaturFehler("X-Zeitstempel muss eine Unix-Zeit in Sekunden sein.") from exc
    if alter > settings.PLATTFORM_ZEITFENSTER:
        raise SignaturFehler("Die Einreichung ist zu alt oder ihre Uhrzeit weicht zu stark ab (Wiederholung?).")
    if len(einreichung) > 100:
        raise SignaturFehler("X-Einreichung ist zu lang (höchstens 100 Zeichen).")
    try:
        schluessel = load_pem_public_key(plattform.oeffentlicher_schluessel.encode())
        if not isinstance(schluessel, Ed25519PublicKey):
            raise SignaturFehler("Der hinterlegte Schlüssel der Plattform ist kein Ed25519-Schlüssel.")
        schluessel.verify(base64.b64decode(signatur, validate=True), signierter_text(zeitstempel, einreichung, body))
    except (InvalidSignature, ValueError) as exc:
        raise SignaturFehler("Die Signatur ist ungültig.") from exc
    return plattform

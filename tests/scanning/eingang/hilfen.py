"""Helpers: run the mail-item pipeline in-process (born-digital PDFs and mails need no OCR), a FAKE sending
platform (Ed25519-signed submissions, as an online service portal would send them; the real one is outside)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from scanning.eingang.models import Plattform
from scanning.eingang.plattform import signierter_text
from scanning.models import Posteingang
from scanning.pipeline import posteingang as schritte


def pipeline(p: Posteingang) -> Posteingang:
    for schritt in (schritte.vorpruefen, schritte.aufteilen, schritte.erkennen, schritte.zuordnen):
        schritt(p.pk)
    p.refresh_from_db()
    return p


class FakePlattform:
    """Signs submissions like a platform; `registrieren()` stores only its public key."""

    def __init__(self, kennung: str | None = None) -> None:
        self.kennung = kennung or f"portal-{uuid.uuid4().hex[:8]}"
        self.schluessel = Ed25519PrivateKey.generate()

    def registrieren(self) -> Plattform:
        pem = self.schluessel.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return Plattform.objects.create(
            kennung=self.kennung, name="Antragsportal (Test)", oeffentlicher_schluessel=pem.decode()
        )

    def senden(self, client: Any, nutzlast: dict[str, Any], *, einreichung: str | None = None,
               zeitstempel: int | None = None, signieren: bool = True, body: bytes | None = None) -> Any:  # fmt: skip
        body = body if body is not None else json.dumps(nutzlast).encode()
        einreichung = einreichung or str(uuid.uuid4())
        ts = str(zeitstempel if zeitstempel is not None else int(time.time()))
        kopf = {"HTTP_X_PLATTFORM": self.kennung, "HTTP_X_ZEITSTEMPEL": ts, "HTTP_X_EINREICHUNG": einreichung}
        if signieren:
            sig = self.schluessel.sign(signierter_text(ts, einreichung, body))
            kopf["HTTP_X_SIGNATUR"] = base64.b64encode(sig).decode()
        return client.post("/api/v1/eingang/einreichungen/", body, content_type="application/json", **kopf)


def anlage(daten: bytes, name: str = "nachweis.pdf", art: str = "Einkommensnachweis") -> dict[str, str]:
    return {"dateiname": name, "art": art, "inhalt": base64.b64encode(daten).decode()}

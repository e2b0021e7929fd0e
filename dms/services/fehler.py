"""Errors the use cases raise; views and the API turn them into German messages (API: 400/409 with the field)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class Konflikt(Exception):
    """Someone else saved the object since it was loaded (optimistic locking)."""

    def __init__(self, aktuell: Any) -> None:
        self.aktuell = aktuell
        super().__init__(
            "Die Daten wurden zwischenzeitlich von einer anderen Person geändert. "
            "Ihre Änderung wurde nicht gespeichert; bitte prüfen Sie den aktuellen Stand und speichern Sie erneut."
        )


def feldfehler(feld: str, meldung: str) -> ValidationError:
    return ValidationError({feld: [meldung]})

"""The storage backends with every failure counted (`akte_speicher_fehler` by operation and error type): a disk
that fills up or a bucket that refuses writes shows on the dashboard before users report it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.files.storage import FileSystemStorage

from . import ereignisse
from .metriken import SPEICHERFEHLER

F = TypeVar("F", bound=Callable[..., Any])


def _gezaehlt(vorgang: str) -> Callable[[F], F]:
    def deko(methode: F) -> F:
        @wraps(methode)
        def aufruf(*args: Any, **kwargs: Any) -> Any:
            try:
                return methode(*args, **kwargs)
            except Exception as exc:
                ereignisse.zaehlen(SPEICHERFEHLER, vorgang=vorgang, art=type(exc).__name__)
                raise

        return aufruf  # type: ignore[return-value]

    return deko


class DateisystemSpeicher(FileSystemStorage):
    _open = _gezaehlt("lesen")(FileSystemStorage._open)
    _save = _gezaehlt("schreiben")(FileSystemStorage._save)
    delete = _gezaehlt("loeschen")(FileSystemStorage.delete)


try:
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - django-storages[s3] is a dependency
    S3Storage = None  # type: ignore[assignment,misc]

if S3Storage is not None:

    class S3Speicher(S3Storage):
        _open = _gezaehlt("lesen")(S3Storage._open)
        _save = _gezaehlt("schreiben")(S3Storage._save)
        delete = _gezaehlt("loeschen")(S3Storage.delete)

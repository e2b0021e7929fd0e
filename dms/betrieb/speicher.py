"""The storage backends with every failure counted (`akte_speicher_fehler` by operation and error type): a disk
that fills up or a bucket that refuses writes shows on the dashboard before users report it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

from . import ereignisse
from .metriken import SPEICHERFEHLER


@contextmanager
def _gezaehlt(vorgang: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        ereignisse.zaehlen(SPEICHERFEHLER, vorgang=vorgang, art=type(exc).__name__)
        raise


class DateisystemSpeicher(FileSystemStorage):
    def _open(self, name: str, mode: str = "rb") -> Any:
        with _gezaehlt("lesen"):
            return super()._open(name, mode)  # type: ignore[misc]

    def _save(self, name: str, content: Any) -> str:
        with _gezaehlt("schreiben"):
            return super()._save(name, content)  # type: ignore[misc]

    def delete(self, name: str) -> None:
        with _gezaehlt("loeschen"):
            super().delete(name)


class S3Speicher(S3Storage):
    def _open(self, name: str, mode: str = "rb") -> Any:
        with _gezaehlt("lesen"):
            return super()._open(name, mode)

    def _save(self, name: str, content: Any) -> str:
        with _gezaehlt("schreiben"):
            return super()._save(name, content)

    def delete(self, name: str) -> None:
        with _gezaehlt("loeschen"):
            super().delete(name)

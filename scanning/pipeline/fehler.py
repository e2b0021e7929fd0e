"""The one exception of the pipeline for bad input: a German sentence for users, a short code for operators."""

from __future__ import annotations


class EingabeFehler(Exception):
    """The file cannot be processed. `meldung` says what is wrong and what to do (shown to the mail room)."""

    def __init__(self, code: str, meldung: str) -> None:
        self.code = code
        self.meldung = meldung
        super().__init__(f"{code}: {meldung}")

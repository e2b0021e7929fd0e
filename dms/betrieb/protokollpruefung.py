"""The last result of the audit-chain check (`protokoll_pruefen`), for `/metrics` and the restore drill.

The audit trail's own work (issue 18, audit engineer) records each check's result in a table. Until that table is
on main this returns None and `/metrics` omits the `akte_protokollkette_*` series; wiring it is this one function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Protokollpruefung:
    ok: bool
    befunde: int
    zeitpunkt: datetime


def letzte_protokollpruefung() -> Protokollpruefung | None:
    return None

"""The last result of the audit-chain check (`protokoll_pruefen`), for `/metrics` and the restore drill.

The audit trail's own work (issue 18, audit engineer, branch `protokoll`) records each check's result in the table
`ProtokollPruefung`. Until that table is on main this returns None and `/metrics` omits the `akte_protokollkette_*`
series; wiring it is this one function:

    from dms.models.protokoll import ProtokollPruefung
    p = ProtokollPruefung.objects.order_by("-zeitpunkt").first()
    return None if p is None else Protokollpruefung(ok=p.in_ordnung, befunde=p.befunde, zeitpunkt=p.zeitpunkt)
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

"""Helpers for the audit-trail tests: entries in two authorities' chains, and tampering as the table's owner."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from dms.audit import Aktion, protokollieren
from dms.models import Protokolleintrag
from tests import factories as f


def als_eigentuemer(sql: str, params: list | tuple = ()) -> None:
    """What the attacker did: as the role that owns the table, switch the trigger off, change rows, switch it on."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("ALTER TABLE dms_protokolleintrag DISABLE TRIGGER USER")
        cur.execute(sql, list(params))
        cur.execute("ALTER TABLE dms_protokolleintrag ENABLE TRIGGER USER")


def befunde() -> list:
    from dms.audit import kette_pruefen

    return list(kette_pruefen())


@pytest.fixture
def eintraege(sachbearbeitung, fremde_sachbearbeitung) -> dict[str, list[Protokolleintrag]]:
    """Five entries in OF's chain and three in HP's, about files, with personal details."""
    of_user, hp_user = sachbearbeitung, fremde_sachbearbeitung
    akte = f.AkteFactory(sachbearbeitung=of_user)
    fremde = f.AkteFactory(person=f.PersonFactory(behoerde=f.behoerde("HP")))
    return {
        "OF": [
            protokollieren(aktion=Aktion.LESEN, user=of_user, objekt=akte, details={"n": i, "grund": f"Vermerk {i}"})
            for i in range(5)
        ],
        "HP": [protokollieren(aktion=Aktion.LESEN, user=hp_user, objekt=fremde, details={"n": i}) for i in range(3)],
    }

"""A small, committed data set for the restore drill, written into a scratch database by a separate process:
`manage.py shell -c "from tests.dms.betrieb.bestand import anlegen; anlegen()"` prints the ids as JSON."""

from __future__ import annotations

import hashlib
import io
import json

from dms.models import Behoerde, Register
from dms.services import ableitungen_speichern, akte_anlegen, dokument_anlegen, person_anlegen
from scanning.models import Posteingang
from scanning.services import posteingang_annehmen
from tests import factories as f


def _pdf(text: str) -> bytes:
    return f.pdf_eine_seite(text.encode())


def anlegen(anzahl: int = 6) -> None:
    behoerde = Behoerde.objects.get(kuerzel="OF")
    register = Register.objects.aktiv().get(nummer="03")
    person = person_anlegen(behoerde=behoerde, user=None, familienname="Sicherungstest", vornamen="Ada")
    akte = akte_anlegen(person=person, user=None)
    dokumente = []
    for i in range(anzahl):
        d = dokument_anlegen(akte=akte, register=register, datei=io.BytesIO(_pdf(f"Dokument {i}")),
                             dateiname=f"brief-{i}.pdf", user=None, verarbeiten=False)  # fmt: skip
        pdf = _pdf(f"durchsuchbar {i}")
        version = d.versionen.get()
        ableitungen_speichern(version=version, text=f"Text {i}", seiten=1, blatt=1, pdf=io.BytesIO(pdf),
                              pdf_sha256=hashlib.sha256(pdf).hexdigest())  # fmt: skip
        dokumente.append(d.pk)
    p = posteingang_annehmen(behoerde=behoerde, datei=io.BytesIO(_pdf("Posteingang")), dateiname="scan.pdf",
                             quelle=Posteingang.Quelle.API, einreihen=False)  # fmt: skip
    print("BESTAND " + json.dumps({"akte": akte.pk, "dokumente": dokumente, "posteingang": p.pk}))

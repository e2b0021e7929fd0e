"""The restore drill: back up a live installation (scratch database + its own storage), restore into an EMPTY
database and EMPTY storage, then the integrity check and the audit-chain check pass and documents open through the
app. All steps are the operators' commands in separate processes, as on a real machine."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .hilfen import Datenbanken, db_url, django_ausfuehren, manage, umgebung

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def datenbanken() -> Iterator[Datenbanken]:
    d = Datenbanken()
    yield d
    d.aufraeumen()


def _bestand(env: dict[str, str]) -> dict:
    r = manage("shell", "-c", "from tests.dms.betrieb.bestand import anlegen; anlegen()", env=env)
    zeile = next((z for z in r.stdout.splitlines() if z.startswith("BESTAND ")), None)
    assert zeile is not None, r.stdout[-2000:] + r.stderr[-3000:]
    return json.loads(zeile.removeprefix("BESTAND "))


def test_backup_restore_into_empty_machine_then_checks_pass_and_documents_open(datenbanken, tmp_path):
    quelle = umgebung(DATABASE_URL=db_url(datenbanken.neu("quelle")), MEDIA_ROOT=str(tmp_path / "media-quelle"))
    assert manage("migrate", "--noinput", env=quelle).returncode == 0
    bestand = _bestand(quelle)

    r = manage("sicherung_erstellen", "--ziel", str(tmp_path / "sicherungen"), env=quelle)
    assert r.returncode == 0, r.stderr[-3000:]
    ordner = Path(r.stdout.strip().splitlines()[-1])
    manifest = json.loads((ordner / "manifest.json").read_text())
    assert manifest["vollstaendig"] and manifest["dateien"]["referenziert"] >= 2 * len(bestand["dokumente"]) + 1
    # The manifest names the newest applied migration, i.e. the newest file on disk (not a name fixed in this test).
    neueste = max(m.stem for m in (Path(__file__).parents[3] / "dms" / "migrations").glob("0*.py"))
    assert manifest["migrationen"]["dms"] == neueste

    ziel = umgebung(DATABASE_URL=db_url(datenbanken.neu("ziel")), MEDIA_ROOT=str(tmp_path / "media-ziel"))
    r = manage("sicherung_wiederherstellen", str(ordner), env=ziel)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "0 fehlen, 0 verändert" in r.stdout and "Protokollkette: 0 Befunde" in r.stdout
    assert "alles in Ordnung" in r.stdout

    # Documents open through the app on the restored machine, byte for byte.
    pruefung = django_ausfuehren(
        "import hashlib, json\n"
        "from django.test import Client\nfrom django.contrib.auth import get_user_model\n"
        "from dms.models import Dokument\nfrom tests import factories as f\nfrom dms.models import Rolle\n"
        "u = f.benutzer('OF', Rolle.SACHBEARBEITUNG)\nc = Client()\nc.force_login(u)\nergebnis = {}\n"
        f"for pk in {bestand['dokumente']!r}:\n"
        "    d = Dokument.objects.get(pk=pk)\n"
        "    r = c.get(f'/dokumente/{pk}/datei/?original=1', HTTP_HOST='127.0.0.1')\n"
        "    inhalt = b''.join(r.streaming_content) if r.streaming else r.content\n"
        "    ergebnis[pk] = [r.status_code, hashlib.sha256(inhalt).hexdigest() == d.versionen.get().sha256]\n"
        "print('GEOEFFNET', json.dumps(ergebnis))\n",
        ziel,
    )
    zeile = next((z for z in pruefung.stdout.splitlines() if z.startswith("GEOEFFNET ")), None)
    assert zeile is not None, pruefung.stdout[-2000:] + pruefung.stderr[-3000:]
    assert set(map(tuple, json.loads(zeile.removeprefix("GEOEFFNET ")).values())) == {(200, True)}

    # Never over live data: a second restore into the now filled database is refused.
    r = manage("sicherung_wiederherstellen", str(ordner), env=ziel)
    assert r.returncode != 0 and "nicht leer" in r.stderr


def test_backup_refuses_to_call_itself_complete_when_a_file_was_changed(datenbanken, tmp_path):
    media = tmp_path / "media"
    quelle = umgebung(DATABASE_URL=db_url(datenbanken.neu("kaputt")), MEDIA_ROOT=str(media))
    assert manage("migrate", "--noinput", env=quelle).returncode == 0
    _bestand(quelle)
    original = next(p for p in media.rglob("original") if p.parts[-4] == "dokumente")
    original.write_bytes(b"nachtraeglich veraendert")
    r = manage("sicherung_erstellen", "--ziel", str(tmp_path / "sicherungen"), env=quelle)
    assert r.returncode != 0 and "unvollständig" in r.stderr
    ordner = next((tmp_path / "sicherungen").iterdir())
    manifest = json.loads((ordner / "manifest.json").read_text())
    assert not manifest["vollstaendig"] and len(manifest["dateien"]["abweichend"]) == 1
    assert hashlib.sha256(b"nachtraeglich veraendert").hexdigest() not in json.dumps(manifest["dateien"]["fehlend"])
    leer = umgebung(DATABASE_URL=db_url(datenbanken.neu("nie")), MEDIA_ROOT=str(tmp_path / "leer"))
    r = manage("sicherung_wiederherstellen", str(ordner), env=leer)
    assert r.returncode != 0 and "unvollständig" in r.stderr

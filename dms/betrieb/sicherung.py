"""Backup and restore of database and storage, consistent with each other.

Why a backup is consistent:
1. One REPEATABLE READ transaction exports a snapshot; `pg_dump --snapshot` dumps exactly that state, and in the same
   transaction the list of every file the dumped rows refer to (with its recorded SHA-256) is written to a
   temporary list. Dump and list therefore describe the same instant T0.
2. Then the referenced files are copied, hashed while copying and compared with the checksum in the dump. Originals
   and derived files are written once under paths that never change (UUID paths, new versions get new paths), so a
   file referenced at T0 still has its T0 bytes when it is copied later. A missing or changed file fails the backup.
3. Last, everything else in the storage is copied (page-image caches, files written after T0): harmless extras.
The manifest records the dump's checksum and every file with its checksum; a restore checks both.

Restore goes only into an EMPTY database and an EMPTY storage (never over live data), then verifies: integrity check
of every file, audit-chain check, and a sample of documents opened and compared with their checksums.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from dms.dateien import sha256_und_groesse

from .dateien import alle_dateien

logger = logging.getLogger("dms.betrieb.sicherung")

FORMAT = 1
DUMP = "datenbank.dump"
MANIFEST = "manifest.json"
DATEILISTE = "dateien.jsonl"
DATEIEN = "dateien"
BLOCK = 1024 * 1024


class SicherungFehler(Exception):
    """A backup or restore that must not be trusted; the message says why (German, for the operator)."""


@dataclass
class Bericht:
    ziel: Path
    dateien: int = 0
    bytes: int = 0
    referenziert: int = 0
    fehlend: list[str] = field(default_factory=list)
    abweichend: list[str] = field(default_factory=list)
    sekunden_datenbank: float = 0.0
    sekunden_dateien: float = 0.0


def _pg_umgebung() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    argumente = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        argumente += ["-U", str(db["USER"])]
    umgebung = dict(os.environ)
    if db.get("PASSWORD"):
        umgebung["PGPASSWORD"] = str(db["PASSWORD"])
    return argumente, umgebung


def _sha256_datei(pfad: Path) -> str:
    with pfad.open("rb") as f:
        return sha256_und_groesse(f)[0]


def _kopieren(quelle: IO[bytes], ziel: Path) -> tuple[str, int]:
    """Copy in 1 MB blocks, hashing on the way (bounded memory)."""
    ziel.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    groesse = 0
    tmp = ziel.with_name(ziel.name + ".teil")
    with tmp.open("wb") as aus:
        for block in iter(lambda: quelle.read(BLOCK), b""):
            h.update(block)
            aus.write(block)
            groesse += len(block)
    tmp.replace(ziel)
    return h.hexdigest(), groesse


def speicher_pfade() -> Iterator[str]:
    """Every object in the storage (local files or S3 bucket), streamed."""
    if hasattr(default_storage, "bucket"):
        bucket = default_storage.bucket
        praefix = getattr(default_storage, "location", "") or ""
        for obj in bucket.objects.filter(Prefix=praefix):
            yield obj.key[len(praefix) :].lstrip("/") if praefix else obj.key
        return
    wurzel = Path(settings.MEDIA_ROOT)
    if not wurzel.is_dir():
        return
    for verzeichnis, _, namen in os.walk(wurzel):
        for name in sorted(namen):
            yield str((Path(verzeichnis) / name).relative_to(wurzel))


def _sicherer_zielpfad(basis: Path, pfad: str) -> Path:
    ziel = (basis / pfad).resolve()
    if not ziel.is_relative_to(basis.resolve()):
        raise SicherungFehler(f"Unzulässiger Speicherpfad in der Sicherung: {pfad!r}")
    return ziel


def _migrationsstand() -> dict[str, str]:
    stand: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name"):
        stand[app] = name
    return stand


def sicherung_erstellen(*, ziel: Path) -> Bericht:
    """Write `<ziel>/sicherung-<timestamp>/` with the dump, the files and the manifest; see the module docstring."""
    ordner = Path(ziel) / f"sicherung-{timezone.now():%Y%m%d-%H%M%S}"
    ordner.mkdir(parents=True, exist_ok=False)
    bericht = Bericht(ziel=ordner)
    dateien_ordner = ordner / DATEIEN
    referenzliste = ordner / ".referenziert.jsonl"
    argumente, umgebung = _pg_umgebung()
    start = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), now()")
            snapshot, zeitpunkt = cursor.fetchone()
        ergebnis = subprocess.run(
            ["pg_dump", *argumente, "-Fc", f"--snapshot={snapshot}", "-f", str(ordner / DUMP),
             str(settings.DATABASES["default"]["NAME"])],
            env=umgebung, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if ergebnis.returncode != 0:
            raise SicherungFehler(f"pg_dump ist gescheitert: {ergebnis.stderr.strip()[-500:]}")
        migrationen = _migrationsstand()
        with referenzliste.open("w", encoding="utf-8") as liste:
            for quelle, pk, datei in alle_dateien():
                liste.write(json.dumps([quelle, pk, datei.pfad, datei.sha256]) + "\n")
    bericht.sekunden_datenbank = time.monotonic() - start

    start = time.monotonic()
    with referenzliste.open(encoding="utf-8") as liste, (ordner / DATEILISTE).open("w", encoding="utf-8") as ausgabe:
        for zeile in liste:
            quelle, pk, pfad, erwartet = json.loads(zeile)
            bericht.referenziert += 1
            zielpfad = _sicherer_zielpfad(dateien_ordner, pfad)
            if zielpfad.exists():
                continue  # referenced twice
            try:
                with default_storage.open(pfad, "rb") as f:
                    sha, groesse = _kopieren(f, zielpfad)
            except FileNotFoundError:
                bericht.fehlend.append(f"{quelle} {pk}: {pfad}")
                continue
            if erwartet and sha != erwartet:
                bericht.abweichend.append(f"{quelle} {pk}: {pfad}")
            bericht.dateien += 1
            bericht.bytes += groesse
            ausgabe.write(json.dumps({"pfad": pfad, "sha256": sha, "groesse": groesse}) + "\n")
        # Everything else in the storage: caches and files written after the snapshot (harmless extras).
        for pfad in speicher_pfade():
            zielpfad = _sicherer_zielpfad(dateien_ordner, pfad)
            if zielpfad.exists():
                continue
            try:
                with default_storage.open(pfad, "rb") as f:
                    sha, groesse = _kopieren(f, zielpfad)
            except FileNotFoundError:
                continue  # deleted since listing (a cache file)
            bericht.dateien += 1
            bericht.bytes += groesse
            ausgabe.write(json.dumps({"pfad": pfad, "sha256": sha, "groesse": groesse}) + "\n")
    referenzliste.unlink()
    bericht.sekunden_dateien = time.monotonic() - start

    manifest = {
        "format": FORMAT,
        "erstellt_am": timezone.now().isoformat(),
        "stand_datenbank": zeitpunkt.isoformat(),
        "speicher": "s3" if hasattr(default_storage, "bucket") else "dateisystem",
        "datenbank": {"datei": DUMP, "sha256": _sha256_datei(ordner / DUMP), "groesse": (ordner / DUMP).stat().st_size},
        "migrationen": migrationen,
        "dateien": {
            "liste": DATEILISTE,
            "anzahl": bericht.dateien,
            "bytes": bericht.bytes,
            "referenziert": bericht.referenziert,
            "fehlend": bericht.fehlend,
            "abweichend": bericht.abweichend,
        },
        "vollstaendig": not bericht.fehlend and not bericht.abweichend,
    }
    (ordner / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    logger.info(
        "Sicherung erstellt",
        extra={"dateien": bericht.dateien, "bytes": bericht.bytes, "fehlend": len(bericht.fehlend),
               "abweichend": len(bericht.abweichend)},
    )  # fmt: skip
    if bericht.fehlend or bericht.abweichend:
        raise SicherungFehler(
            f"Sicherung {ordner} ist unvollständig: {len(bericht.fehlend)} referenzierte Dateien fehlen, "
            f"{len(bericht.abweichend)} weichen von ihrer Prüfsumme ab (Liste in {MANIFEST}). Bitte die "
            "Integritätsprüfung ansehen (manage.py integritaet_pruefen)."
        )
    return bericht


def manifest_lesen(ordner: Path) -> dict[str, Any]:
    pfad = Path(ordner) / MANIFEST
    if not pfad.is_file():
        raise SicherungFehler(f"{ordner} ist keine Sicherung: {MANIFEST} fehlt.")
    manifest: dict[str, Any] = json.loads(pfad.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise SicherungFehler(f"Unbekanntes Sicherungsformat {manifest.get('format')!r}.")
    return manifest


def _datenbank_ist_leer() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        zeile = cursor.fetchone()
    return bool(zeile) and zeile[0] == 0


@dataclass
class Wiederherstellung:
    dateien: int = 0
    bytes: int = 0
    sekunden_datenbank: float = 0.0
    sekunden_dateien: float = 0.0


def sicherung_wiederherstellen(*, quelle: Path, parallel: int = 2) -> Wiederherstellung:
    """Restore into the configured, EMPTY database and storage."""
    quelle = Path(quelle)
    manifest = manifest_lesen(quelle)
    if not manifest.get("vollstaendig"):
        raise SicherungFehler("Diese Sicherung ist als unvollständig markiert und wird nicht eingespielt.")
    dump = quelle / manifest["datenbank"]["datei"]
    if _sha256_datei(dump) != manifest["datenbank"]["sha256"]:
        raise SicherungFehler("Die Datenbanksicherung ist beschädigt (Prüfsumme weicht vom Manifest ab).")
    if not _datenbank_ist_leer():
        raise SicherungFehler(
            "Die Zieldatenbank ist nicht leer. Wiederhergestellt wird nur in eine leere Datenbank (createdb …)."
        )
    if next(iter(speicher_pfade()), None) is not None:
        raise SicherungFehler("Der Zielspeicher (MEDIA_ROOT oder Bucket) ist nicht leer.")
    ergebnis = Wiederherstellung()
    argumente, umgebung = _pg_umgebung()
    connection.close()  # pg_restore works on its own connections
    start = time.monotonic()
    lauf = subprocess.run(
        ["pg_restore", *argumente, "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={parallel}",
         "-d", str(settings.DATABASES["default"]["NAME"]), str(dump)],
        env=umgebung, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if lauf.returncode != 0:
        raise SicherungFehler(f"pg_restore ist gescheitert: {lauf.stderr.strip()[-500:]}")
    ergebnis.sekunden_datenbank = time.monotonic() - start

    start = time.monotonic()
    dateien_ordner = quelle / DATEIEN
    with (quelle / manifest["dateien"]["liste"]).open(encoding="utf-8") as liste:
        for zeile in liste:
            eintrag = json.loads(zeile)
            herkunft = _sicherer_zielpfad(dateien_ordner, eintrag["pfad"])
            if not hasattr(default_storage, "bucket"):
                with herkunft.open("rb") as f:
                    sha, _ = _kopieren(f, _sicherer_zielpfad(Path(settings.MEDIA_ROOT), eintrag["pfad"]))
            else:
                with herkunft.open("rb") as f:
                    gespeichert = default_storage.save(eintrag["pfad"], File(f))
                if gespeichert != eintrag["pfad"]:
                    raise SicherungFehler(f"Datei {eintrag['pfad']} wurde unter anderem Namen gespeichert.")
                sha = eintrag["sha256"]
            if sha != eintrag["sha256"]:
                raise SicherungFehler(f"Datei {eintrag['pfad']} in der Sicherung ist beschädigt.")
            ergebnis.dateien += 1
            ergebnis.bytes += int(eintrag["groesse"])
    ergebnis.sekunden_dateien = time.monotonic() - start
    logger.info("Sicherung wiederhergestellt", extra={"dateien": ergebnis.dateien, "bytes": ergebnis.bytes})
    return ergebnis


def stichprobe_oeffnen(anzahl: int = 20) -> list[str]:
    """Open a sample of documents (newest version's original and PDF) and compare with their checksums; returns
    what failed (empty: all fine)."""
    from dms.models import DokumentVersion

    fehler = []
    versionen = DokumentVersion.objects.order_by("?").values_list("pk", "original", "sha256", "pdf", "pdf_sha256")
    for pk, original, sha, pdf, pdf_sha in versionen[:anzahl]:
        for pfad, erwartet in ((original, sha), (pdf, pdf_sha)):
            if not pfad:
                continue
            try:
                with default_storage.open(pfad, "rb") as f:
                    gefunden, _ = sha256_und_groesse(f)
            except FileNotFoundError:
                fehler.append(f"Dokumentversion {pk}: {pfad} fehlt")
                continue
            if erwartet and gefunden != erwartet:
                fehler.append(f"Dokumentversion {pk}: {pfad} weicht ab")
    return fehler

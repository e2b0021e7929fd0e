"""Checkpoints (Ankerpunkte) of every chain head, written where the database role cannot rewrite them.

A checkpoint names, per chain, the number of entries, the last entry's id and its keyed hash, plus the time; it is
itself HMAC'd and chained to the previous checkpoint. Targets (AUDIT_ANCHOR_TARGETS): "datei" appends one JSON line to
AUDIT_ANCHOR_FILE; "s3" writes one object per checkpoint under Object Lock (COMPLIANCE) retention. With AUDIT_TSA_URL
each checkpoint also carries an RFC 3161 time-stamp token (dms/protokoll/zeitstempel.py).

Deleting the newest entries leaves a consistent chain in the database; only the checkpoint shows it (pruefung.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .kette import GENESIS_HASH, SchluesselFehlt, kanonisch, mac, schluessel, schreibschluessel
from .zeitstempel import ZeitstempelFehler, passt_zum_mac, zeitstempel_holen

logger = logging.getLogger("dms.protokoll")

FORMAT = 1
# Object keys sort newest first, so one listing call of one key finds the latest checkpoint.
_S3_HOECHSTE = 10**12 - 1


class AnkerFehler(RuntimeError):
    """A checkpoint could not be written to a target (the message names it, in German)."""


@dataclass(frozen=True)
class Kopf:
    anzahl: int
    letzte_id: int
    kopf: str


@dataclass
class Ankerpunkt:
    nummer: int
    zeit: str
    ketten: dict[int, Kopf]
    vorheriger: str
    schluessel_id: str
    mac: str = ""
    zeitstempel: dict[str, str] = field(default_factory=dict)

    def inhalt(self) -> dict[str, Any]:
        """What the MAC covers (everything but the MAC and the time-stamp, which is over the MAC)."""
        return {
            "format": FORMAT,
            "nummer": self.nummer,
            "zeit": self.zeit,
            "vorheriger": self.vorheriger,
            "schluessel_id": self.schluessel_id,
            "ketten": {
                str(k): {"anzahl": v.anzahl, "letzte_id": v.letzte_id, "kopf": v.kopf} for k, v in self.ketten.items()
            },
        }

    def als_json(self) -> str:
        daten = {**self.inhalt(), "mac": self.mac}
        if self.zeitstempel:
            daten["zeitstempel"] = self.zeitstempel
        return kanonisch(daten)

    @property
    def zeitpunkt(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.zeit)

    def ist_echt(self) -> bool:
        try:
            key = schluessel(self.schluessel_id)
        except SchluesselFehlt:
            return False
        return mac(key, kanonisch(self.inhalt())) == self.mac


def aus_json(zeile: str) -> Ankerpunkt:
    """Parse one checkpoint; ValueError (with a German reason) when it is not one."""
    try:
        daten = json.loads(zeile)
        return Ankerpunkt(
            nummer=int(daten["nummer"]),
            zeit=str(daten["zeit"]),
            ketten={
                int(k): Kopf(int(v["anzahl"]), int(v["letzte_id"]), str(v["kopf"])) for k, v in daten["ketten"].items()
            },
            vorheriger=str(daten["vorheriger"]),
            schluessel_id=str(daten["schluessel_id"]),
            mac=str(daten["mac"]),
            zeitstempel=dict(daten.get("zeitstempel") or {}),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"kein lesbarer Ankerpunkt ({exc.__class__.__name__})") from exc


# --- chain heads -----------------------------------------------------------------------------------------------------

# A skip scan over the (kette, nummer) index: one probe per chain, not a scan of the table.
_KOEPFE_SQL = """
WITH RECURSIVE k AS (
    (SELECT kette FROM dms_protokolleintrag ORDER BY kette LIMIT 1)
    UNION ALL
    SELECT (SELECT e.kette FROM dms_protokolleintrag e WHERE e.kette > k.kette ORDER BY e.kette LIMIT 1)
    FROM k WHERE k.kette IS NOT NULL
)
SELECT k.kette, h.nummer, h.id, h.hash FROM k
CROSS JOIN LATERAL (
    SELECT e.nummer, e.id, e.hash FROM dms_protokolleintrag e WHERE e.kette = k.kette ORDER BY e.nummer DESC LIMIT 1
) h
WHERE k.kette IS NOT NULL
"""


def kettenkoepfe() -> dict[int, Kopf]:
    """Every chain's head now (one statement, so one consistent snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute(_KOEPFE_SQL)
        return {int(k): Kopf(int(n), int(i), str(h)) for k, n, i, h in cursor.fetchall()}


# --- targets ---------------------------------------------------------------------------------------------------------


class Ziel:
    name = ""

    def letzter(self) -> Ankerpunkt | None:
        raise NotImplementedError

    def schreiben(self, anker: Ankerpunkt) -> None:
        raise NotImplementedError

    def alle(self, nur_neueste: int | None = None) -> Iterator[Ankerpunkt | str]:
        """The checkpoints in order (all, or the newest few), and for an unreadable one the reason (a str)."""
        raise NotImplementedError


class DateiZiel(Ziel):
    """An append-only JSON-lines file (opened for appending only; protect it with chattr +a or ship it off)."""

    name = "datei"

    def __init__(self, pfad: str) -> None:
        self.pfad = Path(pfad)

    def letzter(self) -> Ankerpunkt | None:
        try:
            zeile = _letzte_zeile(self.pfad)
        except OSError as exc:
            raise AnkerFehler(f"Ankerdatei {self.pfad} nicht lesbar: {exc.strerror or exc}") from exc
        return aus_json(zeile) if zeile else None

    def schreiben(self, anker: Ankerpunkt) -> None:
        try:
            self.pfad.parent.mkdir(parents=True, exist_ok=True)
            with self.pfad.open("a", encoding="utf-8") as datei:
                datei.write(anker.als_json() + "\n")
                datei.flush()
                os.fsync(datei.fileno())
        except OSError as exc:
            raise AnkerFehler(f"Ankerdatei {self.pfad} nicht beschreibbar: {exc.strerror or exc}") from exc

    def alle(self, nur_neueste: int | None = None) -> Iterator[Ankerpunkt | str]:
        if not self.pfad.exists():
            return
        try:
            if nur_neueste:
                zeilen: Iterable[tuple[int | None, str]] = ((None, z) for z in _letzte_zeilen(self.pfad, nur_neueste))
                yield from _lesen(zeilen)
                return
            with self.pfad.open(encoding="utf-8", errors="replace") as datei:
                yield from _lesen(enumerate(datei, start=1))
        except OSError as exc:
            raise AnkerFehler(f"Ankerdatei {self.pfad} nicht lesbar: {exc.strerror or exc}") from exc


def _lesen(zeilen: Iterable[tuple[int | None, str]]) -> Iterator[Ankerpunkt | str]:
    for zeilennummer, zeile in zeilen:
        if not zeile.strip():
            continue
        try:
            yield aus_json(zeile)
        except ValueError as exc:
            yield f"Ankerdatei Zeile {zeilennummer or 'am Ende'}: {exc}"


def _letzte_zeile(pfad: Path) -> str:
    zeilen = _letzte_zeilen(pfad, 1)
    return zeilen[-1] if zeilen else ""


def _letzte_zeilen(pfad: Path, anzahl: int) -> list[str]:
    """The last `anzahl` non-empty lines, read from the end (the file grows by one line per checkpoint)."""
    if not pfad.exists():
        return []
    with pfad.open("rb") as datei:
        datei.seek(0, os.SEEK_END)
        pos = datei.tell()
        block = b""
        while True:
            zeilen = [z for z in block.split(b"\n") if z.strip()]
            # The first piece may be cut off, so it only counts once the start of the file is reached.
            if pos == 0 or len(zeilen) > anzahl:
                ganze = zeilen if pos == 0 else zeilen[1:]
                return [z.decode("utf-8", errors="replace").strip() for z in ganze[-anzahl:]]
            schritt = min(65536, pos)
            pos -= schritt
            datei.seek(pos)
            block = datei.read(schritt) + block


class S3Ziel(Ziel):
    """One object per checkpoint in a bucket with Object Lock; retention COMPLIANCE, so nobody can delete it early."""

    name = "s3"

    def __init__(self) -> None:
        import boto3

        self.bucket = settings.AUDIT_ANCHOR_S3_BUCKET
        self.prefix = settings.AUDIT_ANCHOR_S3_PREFIX
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.AUDIT_ANCHOR_S3_ENDPOINT_URL,
            region_name=settings.AUDIT_ANCHOR_S3_REGION_NAME,
            aws_access_key_id=settings.AUDIT_ANCHOR_S3_ACCESS_KEY_ID,
            aws_secret_access_key=settings.AUDIT_ANCHOR_S3_SECRET_ACCESS_KEY,
        )

    def _key(self, nummer: int) -> str:
        return f"{self.prefix}{_S3_HOECHSTE - nummer:012d}-{nummer}.json"

    def _lesen(self, key: str) -> Ankerpunkt:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return aus_json(body.decode("utf-8", errors="replace"))

    def letzter(self) -> Ankerpunkt | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            antwort = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
            inhalt = antwort.get("Contents") or []
            return self._lesen(inhalt[0]["Key"]) if inhalt else None
        except (BotoCoreError, ClientError) as exc:
            raise AnkerFehler(f"Anker-Bucket {self.bucket} nicht lesbar: {exc}") from exc

    def schreiben(self, anker: Ankerpunkt) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        bis = timezone.now() + dt.timedelta(days=settings.AUDIT_ANCHOR_S3_RETENTION_DAYS)
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(anker.nummer),
                Body=(anker.als_json() + "\n").encode(),
                ContentType="application/json",
                ObjectLockMode="COMPLIANCE",
                ObjectLockRetainUntilDate=bis,
            )
        except (BotoCoreError, ClientError) as exc:
            raise AnkerFehler(f"Anker-Bucket {self.bucket} nicht beschreibbar: {exc}") from exc

    def alle(self, nur_neueste: int | None = None) -> Iterator[Ankerpunkt | str]:
        # The newest two suffice here (their link is checked); the full history is checked in the file target.
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            antwort = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=2)
            schluessel = [o["Key"] for o in antwort.get("Contents") or []]
            punkte = []
            for key in reversed(schluessel):
                try:
                    punkte.append(self._lesen(key))
                except ValueError as exc:
                    punkte.append(f"Anker-Objekt {key}: {exc}")  # type: ignore[arg-type]
        except (BotoCoreError, ClientError) as exc:
            raise AnkerFehler(f"Anker-Bucket {self.bucket} nicht lesbar: {exc}") from exc
        yield from punkte


def ziele() -> list[Ziel]:
    ergebnis: list[Ziel] = []
    for name in settings.AUDIT_ANCHOR_TARGETS:
        if name == "datei":
            ergebnis.append(DateiZiel(settings.AUDIT_ANCHOR_FILE))
        elif name == "s3":
            ergebnis.append(S3Ziel())
        elif name:
            raise AnkerFehler(f"Unbekanntes Ankerziel {name!r} in AUDIT_ANCHOR_TARGETS (erlaubt: datei, s3).")
    return ergebnis


# --- writing and reading ---------------------------------------------------------------------------------------------


def verankern() -> Ankerpunkt:
    """Write a checkpoint of every chain head to every configured target; AnkerFehler if any target failed.

    The checkpoint follows the latest one found in any target (number + 1, linked to its MAC).
    """
    alle_ziele = ziele()
    if not alle_ziele:
        raise AnkerFehler("Kein Ankerziel konfiguriert (AUDIT_ANCHOR_TARGETS).")
    vorher: Ankerpunkt | None = None
    for ziel in alle_ziele:
        try:
            letzter = ziel.letzter()
        except (AnkerFehler, ValueError) as exc:
            logger.error("Ankerziel %s: letzter Ankerpunkt nicht lesbar: %s", ziel.name, exc)
            continue
        if letzter is not None and letzter.ist_echt() and (vorher is None or letzter.nummer > vorher.nummer):
            vorher = letzter
    schluessel_id, key = schreibschluessel()
    anker = Ankerpunkt(
        nummer=(vorher.nummer + 1) if vorher else 1,
        zeit=timezone.now().isoformat(),
        ketten=kettenkoepfe(),
        vorheriger=vorher.mac if vorher else GENESIS_HASH,
        schluessel_id=schluessel_id,
    )
    anker.mac = mac(key, kanonisch(anker.inhalt()))
    if settings.AUDIT_TSA_URL:
        try:
            anker.zeitstempel = zeitstempel_holen(settings.AUDIT_TSA_URL, anker.mac)
        except ZeitstempelFehler as exc:
            raise AnkerFehler(str(exc)) from exc
    fehler = []
    for ziel in alle_ziele:
        try:
            ziel.schreiben(anker)
        except AnkerFehler as exc:
            fehler.append(str(exc))
    if fehler:
        raise AnkerFehler("; ".join(fehler))
    return anker


@dataclass
class AnkerStand:
    """What the targets hold: the latest genuine checkpoint (and the one before, where the checkpoints' sequence was
    read), and every problem found in the checkpoints themselves."""

    letzter: Ankerpunkt | None = None
    vorletzter: Ankerpunkt | None = None
    befunde: list[str] = field(default_factory=list)
    gelesen: int = 0


def anker_lesen(nur_neueste: bool = False) -> AnkerStand:
    """Read and check the checkpoints of every target: MAC, numbering, links, time-stamps; the newest genuine wins.

    `nur_neueste`: only the last two of each target (the quick check); else the whole file.
    """
    stand = AnkerStand()
    echte: list[Ankerpunkt] = []
    for ziel in ziele():
        vorher: Ankerpunkt | None = None
        try:
            for anker in ziel.alle(2 if nur_neueste else None):
                if isinstance(anker, str):
                    stand.befunde.append(anker)
                    continue
                stand.gelesen += 1
                if not anker.ist_echt():
                    stand.befunde.append(f"Ankerpunkt {anker.nummer} ({ziel.name}): Signatur (HMAC) passt nicht")
                    continue
                if anker.zeitstempel and not passt_zum_mac(anker.zeitstempel, anker.mac):
                    stand.befunde.append(f"Ankerpunkt {anker.nummer} ({ziel.name}): Zeitstempel gehört nicht dazu")
                if vorher is not None and (anker.nummer != vorher.nummer + 1 or anker.vorheriger != vorher.mac):
                    stand.befunde.append(
                        f"Ankerpunkt {anker.nummer} ({ziel.name}): folgt nicht auf Ankerpunkt {vorher.nummer} "
                        "(entfernt oder eingefügt)"
                    )
                elif vorher is None and anker.nummer == 1 and anker.vorheriger != GENESIS_HASH:
                    stand.befunde.append(f"Ankerpunkt 1 ({ziel.name}): Verkettung passt nicht")
                vorher = anker
                # Keep only the newest two: the file may hold years of checkpoints.
                echte.append(anker)
                echte = sorted({a.nummer: a for a in echte}.values(), key=lambda a: a.nummer)[-2:]
        except AnkerFehler as exc:
            stand.befunde.append(str(exc))
    if echte:
        stand.letzter = echte[-1]
        stand.vorletzter = echte[-2] if len(echte) > 1 else None
    return stand

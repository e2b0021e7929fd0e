"""Reading a scanning provider's delivery (docs/lieferformat.md): where it may lie, opening it, validating all of it.

`lieferung_pruefen` reads the manifest and every PDF: checksum, page count (pikepdf), matching Akte in the lot.
Any error -> the delivery is refused with every error by manifest line number; nothing is written.
Importing is a service (`scanning.altakten.services.positionen_importieren`): each file becomes the Akte's legacy
part (dms.services.dokument_anlegen, quelle=altakte, register 14) with its Transfervermerk, one short transaction per
file, skipping what is already there (sha256 + Akte), so a repeat or a resumed run changes nothing. OCR runs on the
low-priority queue `altakten`.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pikepdf
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from dms.dateien import datei_sha256
from dms.models import Akte, Dokument, DokumentVersion, Register
from dms.xdomea.paket import PaketFehler, zip_pruefen

from .models import Digitalisierungslos, LosAkte, Scanauftrag
from .verzeichnis import verzeichnis_lesen

logger = logging.getLogger("scanning.altakten.lieferung")

ALTAKTEN_QUEUE = "altakten"
ALTAKTEN_REGISTER = "14"  # Sonstiges: the legacy part of the file (docs/lieferformat.md)
MANIFEST = "manifest.csv"
PFLICHTSPALTEN = ("dateiname", "seiten", "blatt", "sha256", "scandatum", "operator", "scanner", "aufloesung_dpi")
MIN_DPI, MAX_DPI = 150, 1200
_SHA = re.compile(r"^[0-9a-f]{64}$")
_DATEINAME = re.compile(r"^[\w.\- ()]{1,200}\.pdf$", re.IGNORECASE)


@dataclass
class Position:
    zeile: int
    dateiname: str
    pfad: Path
    seiten: int
    blatt: int
    sha256: str
    scandatum: date
    operator: str
    scanner: str
    dpi: int
    bemerkung: str
    los_akte_id: int
    akte_id: int
    aktenzeichen: str
    schon_da: bool = False
    nachscan: bool = False
    abschnitte: list[dict[str, Any]] = field(default_factory=list)  # from dokumente.csv (format 2)


@dataclass
class Lieferpruefung:
    positionen: list[Position] = field(default_factory=list)
    fehler: list[dict[str, Any]] = field(default_factory=list)

    def fehler_in(self, zeile: int, meldung: str) -> None:
        self.fehler.append({"zeile": zeile, "meldung": meldung})

    @property
    def ok(self) -> bool:
        return not self.fehler


def lieferungen_wurzel() -> Path:
    return Path(settings.LIEFERUNGEN_PATH).resolve()


def behoerden_eingang(kuerzel: str) -> Path:
    """The authority's own subfolder of the shared inbox: `LIEFERUNGEN_PATH/<Kürzel>` (docs/lieferformat.md).

    Deliveries of other authorities are neither listed nor importable (they may hold other people's data)."""
    wurzel = lieferungen_wurzel()
    kuerzel = (kuerzel or "").strip()
    if not kuerzel or kuerzel in (".", "..") or "/" in kuerzel or "\\" in kuerzel:
        raise ValueError("Für diese Behörde gibt es keinen Eingangsordner für Lieferungen.")
    return wurzel / kuerzel


def lieferung_pfad(quelle: str, kuerzel: str) -> Path:
    """A delivery inside the authority's inbox subfolder; never a path outside it (no `..`, no symlink escape)."""
    ordner = behoerden_eingang(kuerzel)
    quelle = (quelle or "").strip()
    teile = Path(quelle).parts
    if not quelle or Path(quelle).is_absolute() or ".." in teile:
        raise ValueError("Die Lieferung muss im Eingangsordner für Lieferungen liegen.")
    ordner_echt = ordner.resolve()
    pfad = (ordner / quelle).resolve()
    if ordner_echt not in pfad.parents:
        raise ValueError("Die Lieferung muss im Eingangsordner für Lieferungen liegen.")
    return pfad


def eingang_auflisten(kuerzel: str, limit: int = 200) -> list[str]:
    """Deliveries (folders and ZIP files) in the authority's inbox subfolder, symlinks leading outside skipped."""
    try:
        ordner = behoerden_eingang(kuerzel)
    except ValueError:
        return []
    if not ordner.is_dir():
        return []
    namen = []
    for p in ordner.iterdir():
        if not (p.is_dir() or p.suffix.lower() == ".zip"):
            continue
        try:
            lieferung_pfad(p.name, kuerzel)
        except ValueError:
            continue
        namen.append(p.name)
    return sorted(namen)[:limit]


def _ordner_pruefen(ordner: Path) -> None:
    """Before anything is read: no links and no special files anywhere in a delivery folder (issue 10, item 7).

    A link could point into another authority's folder (or anywhere on the server); a FIFO or device would block
    or leak. Only plain files and folders are taken."""
    for wurzel, ordnernamen, dateinamen in os.walk(ordner, followlinks=False):
        for name in [*ordnernamen, *dateinamen]:
            art = os.lstat(Path(wurzel) / name).st_mode
            if stat.S_ISLNK(art):
                raise ValueError(
                    f"Die Lieferung enthält eine Verknüpfung („{name[:80]}“); Verknüpfungen werden nicht angenommen. "
                    "Bitte liefern Sie die Dateien selbst."
                )
            if not (stat.S_ISREG(art) or stat.S_ISDIR(art)):
                raise ValueError(f"Die Lieferung enthält eine Sonderdatei („{name[:80]}“); sie wird nicht angenommen.")


def _zip_pruefen(z: zipfile.ZipFile) -> None:
    """The xdomea import's safe-unpack rules before any byte is extracted: names, entry count, total size,
    compression ratio, encryption; plus no links (a symlink entry would be written as a file pointing elsewhere)."""
    try:
        zip_pruefen(z)
    except PaketFehler as exc:
        raise ValueError(exc.grund.replace("Das Paket", "Die Lieferung")) from exc
    for info in z.infolist():
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValueError(
                f"Die Lieferung enthält eine Verknüpfung („{info.filename[:80]}“); Verknüpfungen werden nicht "
                "angenommen."
            )


@contextmanager
def geoeffnet(pfad: Path) -> Iterator[Path]:
    """A folder after `_ordner_pruefen`; a zip after `_zip_pruefen`, extracted to a temporary folder (flat member
    names only: no zip-slip)."""
    if pfad.is_dir():
        _ordner_pruefen(pfad)
        yield pfad
        return
    if not zipfile.is_zipfile(pfad):
        raise ValueError("Die Lieferung ist weder ein Ordner noch eine ZIP-Datei.")
    ziel = Path(tempfile.mkdtemp(prefix="lieferung-"))
    try:
        with zipfile.ZipFile(pfad) as z:
            _zip_pruefen(z)
            for info in z.infolist():
                if info.is_dir():
                    continue
                name = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
                if not name or name.startswith(".") or ".." in name:
                    continue
                with z.open(info) as quelle, (ziel / name).open("wb") as aus:
                    shutil.copyfileobj(quelle, aus, 1024 * 1024)
        yield ziel
    finally:
        shutil.rmtree(ziel, ignore_errors=True)


def _seitenzahl(pfad: Path) -> int:
    with pikepdf.open(pfad) as pdf:
        return len(pdf.pages)


def _int(wert: str) -> int | None:
    wert = (wert or "").strip()
    # isascii: "²".isdigit() is True, but int("²") raises
    return int(wert) if wert.isascii() and wert.isdigit() and len(wert) < 10 else None


def _akte_finden(los: Digitalisierungslos, zeile: dict[str, str]) -> tuple[Akte | None, str | None]:
    """The Akte of a manifest line: by Aktenzeichen (also a former one), else by person data, within the lot."""
    im_los = Akte.objects.filter(digitalisierung__los=los)
    az = (zeile.get("aktenzeichen") or "").strip()
    if az:
        treffer = list(im_los.filter(Q(aktenzeichen__iexact=az) | Q(fruehere_aktenzeichen__contains=[az]))[:2])
        if not treffer:
            return None, f"Die Akte {az} gehört nicht zu Los {los.nummer}."
        return treffer[0], None
    name = (zeile.get("familienname") or "").strip()
    geb = (zeile.get("geburtsdatum") or "").strip()
    if not name or not geb:
        return None, "Weder Aktenzeichen noch Familienname und Geburtsdatum angegeben."
    try:
        geburtsdatum = date.fromisoformat(geb)
    except ValueError:
        return None, f"Geburtsdatum „{geb[:20]}“ ist kein Datum im Format JJJJ-MM-TT."
    qs = im_los.filter(person__familienname__iexact=name, person__geburtsdatum=geburtsdatum)
    if vornamen := (zeile.get("vornamen") or "").strip():
        qs = qs.filter(person__vornamen__iexact=vornamen)
    treffer = list(qs[:2])
    if not treffer:
        return None, f"Keine Akte in Los {los.nummer} zu {name[:60]}, geboren {geburtsdatum:%d.%m.%Y}."
    if len(treffer) > 1:
        return None, f"Mehrere Akten in Los {los.nummer} passen zu {name[:60]}; bitte Aktenzeichen angeben."
    return treffer[0], None


def _zeile_pruefen(
    los: Digitalisierungslos, ordner: Path, nr: int, z: dict[str, str], erg: Lieferpruefung, gesehen: dict[str, set]
) -> None:
    fehler_vorher = len(erg.fehler)
    name = (z.get("dateiname") or "").strip()
    if not _DATEINAME.match(name):
        erg.fehler_in(nr, f"Dateiname „{name[:80]}“ ist kein einfacher PDF-Dateiname.")
        return
    if name in gesehen["dateien"]:
        erg.fehler_in(nr, f"Die Datei {name} steht mehrfach im Manifest.")
    gesehen["dateien"].add(name)
    pfad = ordner / name
    seiten, blatt, dpi = _int(z.get("seiten", "")), _int(z.get("blatt", "")), _int(z.get("aufloesung_dpi", ""))
    sha = (z.get("sha256") or "").strip().lower()
    if seiten is None or seiten < 1:
        erg.fehler_in(nr, "Seiten muss eine ganze Zahl ab 1 sein.")
    if blatt is None or (seiten and not (seiten + 1) // 2 <= blatt <= seiten):
        erg.fehler_in(nr, "Blatt muss zwischen der halben und der vollen Seitenzahl liegen (Duplex/Simplex).")
    if dpi is None or not MIN_DPI <= dpi <= MAX_DPI:
        erg.fehler_in(nr, f"Auflösung muss zwischen {MIN_DPI} und {MAX_DPI} dpi liegen.")
    if not _SHA.match(sha):
        erg.fehler_in(nr, "SHA-256 muss aus 64 Hexadezimalzeichen bestehen.")
    try:
        scandatum = date.fromisoformat((z.get("scandatum") or "").strip()[:10])
        if scandatum > timezone.localdate():
            erg.fehler_in(nr, "Das Scandatum liegt in der Zukunft.")
    except ValueError:
        erg.fehler_in(nr, "Scandatum fehlt oder ist kein Datum im Format JJJJ-MM-TT.")
        scandatum = date.min
    operator, scanner = (z.get("operator") or "").strip(), (z.get("scanner") or "").strip()
    if not operator or not scanner:
        erg.fehler_in(nr, "Operator und Scanner müssen angegeben sein (Transfervermerk).")
    akte, fehler = _akte_finden(los, z)
    if fehler:
        erg.fehler_in(nr, fehler)
    elif akte is not None:
        if akte.pk in gesehen["akten"]:
            erg.fehler_in(nr, f"Die Akte {akte.aktenzeichen} steht mehrfach im Manifest.")
        gesehen["akten"].add(akte.pk)
    if pfad.is_symlink() or not pfad.is_file():  # a link swapped in after _ordner_pruefen is not followed either
        erg.fehler_in(nr, f"Die Datei {name} fehlt in der Lieferung.")
        return
    if len(erg.fehler) > fehler_vorher:
        return  # no need to read a file whose line is already wrong
    if pfad.stat().st_size > settings.MAX_UPLOAD_BYTES:
        erg.fehler_in(nr, f"{name} ist größer als {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB; bitte teilen.")
        return
    if datei_sha256(pfad) != sha:
        erg.fehler_in(nr, f"Die Prüfsumme von {name} stimmt nicht mit dem Manifest überein (Datei beschädigt?).")
        return
    try:
        tatsaechlich = _seitenzahl(pfad)
    except (pikepdf.PdfError, OSError):
        erg.fehler_in(nr, f"{name} ist kein lesbares PDF.")
        return
    if tatsaechlich != seiten:
        erg.fehler_in(nr, f"{name} hat {tatsaechlich} Seiten, im Manifest stehen {seiten}.")
        return
    assert akte is not None and seiten is not None and blatt is not None and dpi is not None
    los_akte = LosAkte.objects.only("pk").get(akte=akte)
    vorhanden = DokumentVersion.objects.filter(
        dokument__akte=akte, dokument__quelle=Dokument.Quelle.ALTAKTE, sha256=sha
    ).exists()
    andere = not vorhanden and Dokument.objects.filter(akte=akte, quelle=Dokument.Quelle.ALTAKTE).exists()
    if (
        andere
        and not Scanauftrag.objects.filter(
            los_akte=los_akte, art=Scanauftrag.Art.NACHSCAN, status=Scanauftrag.Status.OFFEN
        ).exists()
    ):
        erg.fehler_in(
            nr,
            f"Zur Akte {akte.aktenzeichen} liegt schon ein anderer Scan vor; dafür muss ein Nachscan beauftragt sein.",
        )
        return
    erg.positionen.append(
        Position(
            zeile=nr,
            dateiname=name,
            pfad=pfad,
            seiten=seiten,
            blatt=blatt,
            sha256=sha,
            scandatum=scandatum,
            operator=operator[:200],
            scanner=scanner[:200],
            dpi=dpi,
            bemerkung=(z.get("bemerkung") or "").strip()[:1000],
            los_akte_id=los_akte.pk,
            akte_id=akte.pk,
            aktenzeichen=akte.aktenzeichen,
            schon_da=vorhanden,
            nachscan=andere,
        )
    )


def lieferung_pruefen(los: Digitalisierungslos, ordner: Path) -> Lieferpruefung:
    """Validate the whole delivery; errors carry the manifest line number (line 1 is the header)."""
    erg = Lieferpruefung()
    manifest = ordner / MANIFEST
    if not manifest.is_file():
        erg.fehler_in(0, f"Die Lieferung enthält keine {MANIFEST}.")
        return erg
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        erg.fehler_in(0, f"{MANIFEST} ist nicht UTF-8-kodiert.")
        return erg
    leser = csv.DictReader(io.StringIO(text), delimiter=";")
    spalten = {(s or "").strip().lower() for s in (leser.fieldnames or [])}
    fehlend = [s for s in PFLICHTSPALTEN if s not in spalten]
    if fehlend:
        erg.fehler_in(1, f"Im Kopf von {MANIFEST} fehlen Spalten: {', '.join(fehlend)}.")
        return erg
    if "aktenzeichen" not in spalten and not {"familienname", "geburtsdatum"} <= spalten:
        erg.fehler_in(1, "Es fehlt die Spalte aktenzeichen oder die Spalten familienname und geburtsdatum.")
        return erg
    gesehen: dict[str, set] = {"dateien": set(), "akten": set()}
    for nr, roh in enumerate(leser, start=2):
        zeile = {(k or "").strip().lower(): (v if isinstance(v, str) else "") for k, v in roh.items()}
        if not any(v.strip() for v in zeile.values()):
            continue
        _zeile_pruefen(los, ordner, nr, zeile, erg, gesehen)
    if not erg.positionen and not erg.fehler:
        erg.fehler_in(0, f"{MANIFEST} enthält keine Dateien.")
    register = set(Register.objects.aktiv().values_list("nummer", flat=True))
    verzeichnis = verzeichnis_lesen(ordner, {p.dateiname: p.seiten for p in erg.positionen}, register)
    if verzeichnis is not None:
        erg.fehler.extend(verzeichnis.fehler)
        for p in erg.positionen:
            p.abschnitte = verzeichnis.abschnitte.get(p.dateiname, [])
    return erg

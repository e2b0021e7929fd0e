"""Office documents (DOCX, ODT, RTF) to PDF/A-2b with LibreOffice headless (Debian's libreoffice-writer-nogui).

The only place that starts LibreOffice: the Postausgang (letters from templates) and the pipeline's conversion step
(`scanning/pipeline/konvertieren.py`) both call `buero_zu_pdfa`. Every run gets its own throw-away user profile (two
conversions never share one, which LibreOffice does not survive), a time limit and a memory limit; a zip-based
document is checked for decompression bombs before LibreOffice sees it.
"""

from __future__ import annotations

import logging
import os
import resource
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("dms.konvertierung")

# PDF/A-2b ("SelectPdfVersion" 2), LibreOffice >= 7.4 takes the filter options as JSON.
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
# Zip bomb limits for DOCX/ODT: total unpacked size and compression ratio.
MAX_ENTPACKT = 300 * 1024 * 1024
MAX_VERHAELTNIS = 200


class KonvertierungFehler(Exception):
    """The document cannot be converted. `meldung` is a German sentence for users, `code` for operators."""

    def __init__(self, code: str, meldung: str) -> None:
        self.code = code
        self.meldung = meldung
        super().__init__(f"{code}: {meldung}")


def soffice_pfad() -> str:
    return shutil.which(getattr(settings, "SOFFICE_BINARY", "") or "soffice") or "soffice"


def zip_pruefen(pfad: Path) -> None:
    """Refuse a DOCX/ODT whose members unpack to more than MAX_ENTPACKT bytes or compress suspiciously well."""
    try:
        with zipfile.ZipFile(pfad) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise KonvertierungFehler(
            "buero_beschaedigt",
            "Das Dokument ist beschädigt (kein gültiges DOCX/ODT-Archiv). Bitte speichern Sie es erneut und laden "
            "Sie es noch einmal hoch.",
        ) from exc
    entpackt = sum(i.file_size for i in infos)
    gepackt = sum(i.compress_size for i in infos) or 1
    if entpackt > MAX_ENTPACKT or (entpackt / gepackt > MAX_VERHAELTNIS and entpackt > 10 * 1024 * 1024):
        raise KonvertierungFehler(
            "zip_bombe",
            "Das Dokument würde beim Öffnen auf ein Vielfaches seiner Größe anwachsen (Verdacht auf eine "
            "„ZIP-Bombe“) und wird zum Schutz des Systems nicht umgewandelt. Das Original ist unverändert gespeichert.",
        )


def _grenzen() -> None:  # pragma: no cover - runs in the child process
    speicher = int(getattr(settings, "SOFFICE_MAX_SPEICHER", 2 * 1024**3))
    resource.setrlimit(resource.RLIMIT_AS, (speicher, speicher))


def buero_zu_pdfa(quelle: Path, ziel: Path, *, endung: str, zeitlimit: int | None = None) -> Path:
    """Convert `quelle` (DOCX/ODT/RTF; `endung` tells LibreOffice which) to a PDF/A-2b at `ziel`."""
    if endung in ("docx", "odt"):
        zip_pruefen(quelle)
    zeitlimit = zeitlimit or int(getattr(settings, "SOFFICE_ZEITLIMIT", 120))
    with tempfile.TemporaryDirectory(prefix="soffice-") as tmp:
        arbeit = Path(tmp)
        eingabe = arbeit / f"dokument.{endung}"
        shutil.copyfile(quelle, eingabe)
        befehl = [
            soffice_pfad(),
            f"-env:UserInstallation=file://{arbeit / 'profil'}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            PDFA_FILTER,
            "--outdir",
            str(arbeit / "aus"),
            str(eingabe),
        ]
        umgebung = {**os.environ, "HOME": str(arbeit), "SAL_USE_VCLPLUGIN": "svp"}
        try:
            lauf = subprocess.run(
                befehl,
                capture_output=True,
                timeout=zeitlimit,
                env=umgebung,
                preexec_fn=_grenzen,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            logger.warning("LibreOffice: Zeitlimit (%s s) bei %s ueberschritten", zeitlimit, quelle.name)
            raise KonvertierungFehler(
                "umwandlung_zeitlimit",
                f"Das Dokument konnte nicht innerhalb von {zeitlimit} Sekunden in PDF umgewandelt werden. Das "
                "Original ist unverändert gespeichert; bitte speichern Sie es als PDF und laden Sie es erneut hoch.",
            ) from exc
        except OSError as exc:
            logger.error("LibreOffice nicht startbar (%s): %s", befehl[0], exc)
            raise KonvertierungFehler(
                "umwandlung_nicht_verfuegbar",
                "Die Umwandlung in PDF ist zurzeit nicht verfügbar. Das Original ist gespeichert; bitte wenden Sie "
                "sich an den IT-Betrieb.",
            ) from exc
        ergebnis = arbeit / "aus" / "dokument.pdf"
        if lauf.returncode != 0 or not ergebnis.exists() or ergebnis.stat().st_size == 0:
            logger.warning(
                "LibreOffice: Umwandlung fehlgeschlagen (rc=%s): %s",
                lauf.returncode,
                lauf.stderr.decode("utf-8", "replace")[-500:],
            )
            raise KonvertierungFehler(
                "umwandlung_fehlgeschlagen",
                "Das Dokument ließ sich nicht in PDF umwandeln (beschädigt oder kein Textdokument). Das Original ist "
                "unverändert gespeichert; bitte speichern Sie es als PDF und laden Sie es erneut hoch.",
            )
        tmp_ziel = ziel.with_suffix(".tmp")
        shutil.copyfile(ergebnis, tmp_ziel)
        tmp_ziel.replace(ziel)
    return ziel

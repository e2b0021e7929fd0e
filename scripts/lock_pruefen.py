"""Do pyproject.toml and the lock files agree? Fails with a clear message when a dependency range was changed
without `make lock` (stdlib only: runs before the virtualenv has anything installed).

The check is over the dependency lists (sorted, whitespace removed) and requires-python, not the whole file, so
editing tool settings in pyproject.toml never asks for a new lock."""

from __future__ import annotations

import hashlib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-dev.lock")


def eingabe_hash() -> str:
    projekt = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    teile = [f"python{projekt.get('requires-python', '')}"]
    teile += sorted("".join(d.split()).lower() for d in projekt.get("dependencies", []))
    for extra, deps in sorted(projekt.get("optional-dependencies", {}).items()):
        teile += sorted(f"[{extra}]" + "".join(d.split()).lower() for d in deps)
    return hashlib.sha256("\n".join(teile).encode()).hexdigest()


def main() -> int:
    if sys.argv[1:] == ["--eingabe"]:
        print(eingabe_hash())
        return 0
    erwartet = eingabe_hash()
    for name in LOCKS:
        pfad = ROOT / name
        gefunden = ""
        if pfad.exists():
            for zeile in pfad.read_text(encoding="utf-8").splitlines()[:5]:
                if zeile.startswith("# pyproject-sha256: "):
                    gefunden = zeile.split(": ", 1)[1].strip()
        if gefunden != erwartet:
            print(
                f"FEHLER: {name} passt nicht zu den Abhängigkeiten in pyproject.toml "
                f"({'fehlt' if not pfad.exists() else 'veraltet'}).\n"
                "  Nach jeder Änderung an dependencies/optional-dependencies: `make lock` ausführen und "
                "pyproject.toml zusammen mit requirements.lock und requirements-dev.lock committen "
                "(docs/operations.md, Abschnitt „Abhängigkeiten aktualisieren“).",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Locust scenario for bench/bench_last.py: caseworkers with a session login who open the desk, files, documents,
search and now and then upload a document, with 1-3 s think time.

Not run on its own: bench_last.py starts `locust -f bench/locust_sachbearbeitung.py --headless ...` with
BENCH_LAST_DATEN (a JSON file: accounts, password, file and document ids, search terms, register id),
BENCH_LAST_AUSGABE (every request is written there as one JSON line: start, name, milliseconds, ok) and
BENCH_LAST_NUTZER (when that many users have logged in, `<BENCH_LAST_AUSGABE>.bereit` appears). So the bench
computes percentiles over exactly its measuring window, after every login, and then stops locust with SIGTERM.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

DATEN: dict[str, Any] = json.loads(Path(os.environ["BENCH_LAST_DATEN"]).read_text())
AUSGABE = Path(os.environ["BENCH_LAST_AUSGABE"])
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BEREIT = Path(f"{AUSGABE}.bereit")
NUTZER = int(os.environ.get("BENCH_LAST_NUTZER", "0"))
_zeilen: list[str] = []
_angemeldet = 0


@events.request.add_listener
def _aufzeichnen(name: str, response_time: float, exception: Any, start_time: float | None = None, **_: Any) -> None:
    _zeilen.append(json.dumps({"t": start_time, "n": name, "ms": response_time, "ok": exception is None}))


@events.quitting.add_listener
def _schreiben(**_: Any) -> None:
    AUSGABE.write_text("\n".join(_zeilen) + "\n")


class Sachbearbeitung(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        nummer = random.randrange(len(DATEN["konten"]))
        antwort = self.client.get("/anmelden/", name="anmelden (Formular)")
        token = _CSRF.search(antwort.text)
        self.client.post(
            "/anmelden/",
            data={
                "username": DATEN["konten"][nummer],
                "password": DATEN["passwort"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "next": "/",
            },
            name="anmelden",
            allow_redirects=False,
        )
        global _angemeldet  # one counter per locust process (greenlets, no threads)
        _angemeldet += 1
        if _angemeldet == NUTZER:
            BEREIT.write_text("ok")  # the bench starts its measuring window after every user has logged in

    @task(3)
    def arbeitsplatz(self) -> None:
        self.client.get("/", name="arbeitsplatz")

    @task(3)
    def akte(self) -> None:
        self.client.get(f"/akten/{random.choice(DATEN['akten'])}/", name="akte")

    @task(2)
    def suche(self) -> None:
        self.client.get("/suche/", params={"q": random.choice(DATEN["suchbegriffe"])}, name="suche")

    @task(3)
    def dokument(self) -> None:
        self.client.get(f"/dokumente/{random.choice(DATEN['dokumente'])}/", name="dokument")

    @task(1)
    def hochladen(self) -> None:
        akte = random.choice(DATEN["akten"])
        with self.client.post(
            f"/akten/{akte}/hochladen/",
            data={
                "titel": "Lasttest",
                "register": DATEN["register"],
                "richtung": "eingang",
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            files={"datei": ("lasttest.pdf", DATEN_PDF, "application/pdf")},
            headers={"Referer": f"{self.host}/akten/{akte}/"},
            name="hochladen",
            allow_redirects=False,
            catch_response=True,
        ) as antwort:
            if antwort.status_code != 302:
                antwort.failure(f"Status {antwort.status_code}")


DATEN_PDF = bytes.fromhex(DATEN["pdf_hex"])

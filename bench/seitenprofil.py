"""Where a page view's Python CPU goes: real WSGI requests in this process, profiled with cProfile.

Calls Django's WSGI handler as gunicorn does (every middleware, the JSON request log to /dev/null, the latency
metric in multiprocess mode, django-axes on) for one logged-in caseworker on bench_last.py's database, first
unprofiled (CPU ms per request), then under cProfile with the CPU clock; writes `<page>.prof` per page into the
folder given by `--ausgabe` and prints the top functions. Run from the checkout whose code you want to profile
(another version: `cd /tmp/alt && /path/to/.venv/bin/python /path/to/bench/seitenprofil.py`):

    .venv/bin/python bench/seitenprofil.py [arbeitsplatz akte dokument suche] [-n 30] [--nur-cpu] [--sortierung tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEITEN = ("arbeitsplatz", "akte", "dokument", "suche")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seiten", nargs="*", default=list(SEITEN), choices=SEITEN)
    parser.add_argument("-n", type=int, default=30, help="Aufrufe je Seite")
    parser.add_argument("--nur-cpu", action="store_true", help="ohne Profil, nur CPU ms je Aufruf")
    parser.add_argument("--sortierung", default="cumulative")
    parser.add_argument("--zeilen", type=int, default=60)
    parser.add_argument("--ausgabe", default=tempfile.gettempdir())
    args = parser.parse_args()
    sys.path.insert(0, str(Path.cwd() / "bench"))  # the gemeinsam.py (and so the code) of the current checkout
    from gemeinsam import umgebung

    umgebung("akte_bench_last", "BENCH_LAST_DATABASE_URL")
    os.environ["AXES_ENABLED"] = "1"
    os.environ["DB_CONN_MAX_AGE"] = "600"
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="akte-seitenprofil-"))
    from auslaenderakte.wsgi import application

    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the life of the process
    from django.contrib.auth import get_user_model
    from django.test import Client, RequestFactory

    from dms.models import Akte, Dokument

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="last.sb00"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    akten = list(Akte.objects.filter(behoerde__kuerzel="OF", gesperrt=False).values_list("pk", flat=True)[:500])
    dokumente = list(Dokument.objects.filter(akte_id__in=akten).values_list("pk", flat=True)[:500])
    rnd = random.Random(3)
    urls = {
        "arbeitsplatz": lambda: ("/", ""),
        "akte": lambda: (f"/akten/{rnd.choice(akten)}/", ""),
        "dokument": lambda: (f"/dokumente/{rnd.choice(dokumente)}/", ""),
        "suche": lambda: ("/suche/", "q=Nowak"),
    }
    fabrik = RequestFactory()

    def holen(pfad: str, abfrage: str) -> None:
        umgebung_wsgi = fabrik._base_environ(
            PATH_INFO=pfad, QUERY_STRING=abfrage, REQUEST_METHOD="GET", HTTP_COOKIE=cookie, HTTP_HOST="localhost"
        )
        status: list[str] = []
        antwort: Any = application(umgebung_wsgi, lambda s, h, *a: status.append(s))
        b"".join(antwort)
        antwort.close()  # request_finished, as gunicorn does
        assert status[0].startswith("200"), (pfad, status)

    for name in args.seiten:
        for _ in range(5):
            holen(*urls[name]())
        start = time.process_time()
        for _ in range(args.n):
            holen(*urls[name]())
        print(f"=== {name}: {(time.process_time() - start) * 1000 / args.n:.1f} ms CPU je Aufruf", flush=True)
        if args.nur_cpu:
            continue
        profil = cProfile.Profile(time.process_time)
        profil.enable()
        for _ in range(args.n):
            holen(*urls[name]())
        profil.disable()
        text = io.StringIO()
        pstats.Stats(profil, stream=text).sort_stats(args.sortierung).print_stats(args.zeilen)
        print(text.getvalue())
        profil.dump_stats(str(Path(args.ausgabe) / f"{name}.prof"))


if __name__ == "__main__":
    main()

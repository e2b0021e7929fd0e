"""CPU per page view in-process, for comparing two versions of the code on the same database at the same time.

Measures, per caseworker page, the process CPU of the Django stack (test client: middleware, session, view,
template, audit entry) and the CPU of the PostgreSQL backend serving it (read from /proc via psutil), plus the
number of queries. Uses bench_last.py's database (`akte_bench_last`, run that first). To compare with an older
version, unpack it next to this checkout and run both alternately, so both see the same machine load:

    git archive main | tar -x -C /tmp/alt
    for i in 1 2; do
        .venv/bin/python bench/seitenkosten.py --quelle /tmp/alt; .venv/bin/python bench/seitenkosten.py
    done

Prints one JSON line per run: {"quelle": ..., "seite": {"cpu_ms": ..., "db_ms": ..., "abfragen": ...}, ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

HIER = Path(__file__).resolve().parent
SEITEN = ("arbeitsplatz", "akte", "dokument", "suche")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quelle", default=str(HIER.parent), help="Verzeichnis mit dem zu messenden Code")
    parser.add_argument("-n", type=int, default=30, help="Aufrufe je Seite")
    args = parser.parse_args()
    sys.path.insert(0, str(HIER))
    from gemeinsam import umgebung

    umgebung("akte_bench_last", "BENCH_LAST_DATABASE_URL")
    os.environ["AXES_ENABLED"] = "1"
    os.environ["DB_CONN_MAX_AGE"] = "600"  # one backend for the whole run, so its CPU counter covers it
    if not (Path(args.quelle) / "dms" / "__init__.py").exists():
        parser.error(f"kein Code unter {args.quelle}")
    sys.path.insert(0, args.quelle)  # before the project root gemeinsam added: the code under test wins
    import django
    from django.conf import settings

    _ = settings.INSTALLED_APPS  # loading the settings puts the project root first again (environ's .env lookup)
    sys.path.insert(0, args.quelle)
    django.setup()
    import logging

    import psutil
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from dms.models import Akte, Dokument

    logging.disable(logging.CRITICAL)
    rnd = random.Random(11)
    user = get_user_model().objects.get(username="last.sb00")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    akten = list(Akte.objects.filter(behoerde__kuerzel="OF", gesperrt=False).values_list("pk", flat=True)[:500])
    dokumente = list(Dokument.objects.filter(akte_id__in=akten).values_list("pk", flat=True)[:500])
    urls = {
        "arbeitsplatz": lambda: "/",
        "akte": lambda: f"/akten/{rnd.choice(akten)}/",
        "dokument": lambda: f"/dokumente/{rnd.choice(dokumente)}/",
        "suche": lambda: f"/suche/?q={rnd.choice(['Fiktionsbescheinigung', 'Nowak', 'Integrationskurs Zertifikat'])}",
    }
    import dms

    ergebnis: dict[str, object] = {"quelle": str(Path(dms.__file__).parent.parent)}
    for name in SEITEN:
        for _ in range(3):
            client.get(urls[name]())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = psutil.Process(cursor.fetchone()[0])
        abfragen: list[str] = []

        def zaehlen(execute, sql, params, many, context, abfragen=abfragen):
            abfragen.append(sql)
            return execute(sql, params, many, context)

        db0 = sum(backend.cpu_times()[:2])
        cpu0 = time.process_time()
        with connection.execute_wrapper(zaehlen):
            for _ in range(args.n):
                assert client.get(urls[name]()).status_code == 200
        cpu = (time.process_time() - cpu0) * 1000 / args.n
        db = (sum(backend.cpu_times()[:2]) - db0) * 1000 / args.n
        ergebnis[name] = {"cpu_ms": round(cpu, 1), "db_ms": round(db, 1), "abfragen": round(len(abfragen) / args.n, 1)}
    print(json.dumps(ergebnis, ensure_ascii=False))


if __name__ == "__main__":
    main()

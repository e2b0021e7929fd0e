"""Benchmark: letters generated and converted per minute on one worker; e-mails taken in per minute; the online
form's server time.

1. Letters: N letters (default 12) from a DOCX template, each rendered (docxtpl), converted with LibreOffice headless
   to PDF/A and filed (`schreiben_anlegen` + `schreiben_freigeben`), one after the other in this one process (= one
   worker). Also the conversion alone (`pdf_erzeugen`).
2. E-mails: M mails (default 60, every third with a PDF attachment) delivered to a private dovecot (Debian's
   dovecot-imapd, started here on a free port), then one poll (`postfach_abrufen`: fetch, store, commit, move) —
   the intake; and the conversion of the same mails to their PDF/A reading copy (`mail_zu_pdf`, the pipeline's part).
3. The online form: K submissions (default 20) of the Verpflichtungserklärung with two proofs through Django's test
   client (server time only, no network), median and p95.

Runs on its own database (default `akte_bench_postausgang`; override with BENCH_POSTAUSGANG_DATABASE_URL) and writes
the section `<!-- bench:postausgang -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_postausgang.py [--briefe 12] [--mails 60] [--formulare 20]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gemeinsam import abschnitt_schreiben, maschine, median_p95, umgebung

BENCH_DB = "akte_bench_postausgang"


def briefe_messen(anzahl: int) -> dict[str, float]:
    from dms.models import Rolle
    from dms.postausgang import services
    from tests import factories as f
    from tests.dms.postausgang.vorlagen import vorlage_docx

    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    vorlage = services.vorlage_anlegen(
        behoerde=f.behoerde("OF"), name=f"Bench {time.time_ns()}", datei=io.BytesIO(vorlage_docx()), user=None,
        betreff="Anhörung – {{ aktenzeichen }}", standardtext="Ihr Antrag vom {{ datum }} liegt uns vor.\n" * 20,
    )  # fmt: skip
    services.pdf_erzeugen(vorlage=vorlage, felder={"name": "Aufwärmen"})  # LibreOffice's first start
    umwandeln = []
    for i in range(min(anzahl, 5)):
        start = time.perf_counter()
        services.pdf_erzeugen(vorlage=vorlage, felder={"name": f"Person {i}", "text": "Text " * 300})
        umwandeln.append(time.perf_counter() - start)
    gesamt = []
    for _ in range(anzahl):
        akte = f.AkteFactory(
            sachbearbeitung=sb,
            aktenzeichen=f"OF-BENCH-{uuid.uuid4().hex[:12]}",
            person__azr_nummer=None,
            person__anschrift="Kaiserstraße 1\n63065 Offenbach am Main",
        )
        start = time.perf_counter()
        s = services.schreiben_anlegen(akte=akte, vorlage=vorlage, user=sb)
        services.schreiben_freigeben(schreiben=s, user=sb)
        gesamt.append(time.perf_counter() - start)
    return {
        "anzahl": anzahl,
        "brief_median_s": statistics.median(gesamt),
        "briefe_pro_minute": 60 / statistics.median(gesamt),
        "umwandeln_median_s": statistics.median(umwandeln),
    }


def mails_messen(anzahl: int) -> dict[str, float]:
    import os

    from scanning.eingang import imap
    from scanning.eingang.models import Postfach
    from scanning.pipeline.konvertieren import mail_zu_pdf
    from tests import factories as f
    from tests.scanning.eingang import beispiele as b
    from tests.scanning.eingang.dovecot import KENNWORT, starten, stoppen

    mails = [
        b.mail(betreff=f"Antrag {i}", anlagen=[("nachweis.pdf", b.pdf_anlage(f"Nachweis {i}"), "application/pdf")])
        if i % 3 == 0
        else b.mail(betreff=f"Anfrage {i}", text=f"Sehr geehrte Damen und Herren,\n\nAnfrage Nummer {i}.\n" * 5)
        for i in range(anzahl)
    ]
    verzeichnis = Path(tempfile.mkdtemp(prefix="bench-dovecot-"))
    server, proc = starten(verzeichnis)
    try:
        konto = server.konto()
        for roh in mails:
            server.einliefern(konto, roh)
        os.environ["BENCH_IMAP_KENNWORT"] = KENNWORT
        pf = Postfach.objects.create(
            behoerde=f.behoerde("OF"), name="Bench", host="127.0.0.1", port=server.port, verschluesselung="keine",
            benutzer=konto, kennwort_variable="BENCH_IMAP_KENNWORT",
        )  # fmt: skip
        start = time.perf_counter()
        ergebnis = imap.postfach_abrufen(pf)
        abruf = time.perf_counter() - start
        assert ergebnis.neu == anzahl, ergebnis
    finally:
        stoppen(proc)
        shutil.rmtree(verzeichnis, ignore_errors=True)
    proben = mails[: min(anzahl, 15)]
    start = time.perf_counter()
    for roh in proben:
        mail_zu_pdf(roh)
    umwandeln = (time.perf_counter() - start) / len(proben)
    return {
        "anzahl": anzahl,
        "abruf_s": abruf,
        "mails_pro_minute": anzahl / abruf * 60,
        "umwandeln_s": umwandeln,
        "umwandeln_pro_minute": 60 / umwandeln,
    }


def formular_messen(anzahl: int) -> dict[str, float]:
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.scanning.eingang import beispiele as b
    from tests.scanning.scans import jpeg, leere_seite

    settings.ONLINE_RATE_LIMIT = 10**6
    einkommen, ausweis = b.pdf_anlage("Lohnabrechnung"), jpeg(leere_seite())
    heute = date.today()
    client = Client(HTTP_HOST="localhost")

    def daten(i: int) -> dict:
        return {
            "vg_familienname": f"Schneider{i}", "vg_vornamen": "Petra", "vg_geburtsdatum": "1975-04-12",
            "vg_staatsangehoerigkeit": "deutsch", "vg_strasse": "Bieberer Straße 5", "postleitzahl": "63065",
            "vg_ort": "Offenbach am Main", "vg_email": "petra@example.org", "vg_nettoeinkommen": "3200",
            "gast_familienname": "Öztürk", "gast_vornamen": "Mehmet", "gast_geburtsdatum": "1990-01-02",
            "gast_staatsangehoerigkeit": "türkisch", "gast_passnummer": "U1234567", "gast_wohnort": "Izmir",
            "aufenthalt_von": f"{heute + timedelta(days=30):%Y-%m-%d}",
            "aufenthalt_bis": f"{heute + timedelta(days=50):%Y-%m-%d}", "aufenthalt_zweck": "Besuch",
            "einwilligung": "on",
            "nachweis_einkommen": SimpleUploadedFile("lohn.pdf", einkommen),
            "nachweis_pass": SimpleUploadedFile("pass.jpg", ausweis),
        }  # fmt: skip

    assert client.post("/online/verpflichtungserklaerung/", daten(-1)).status_code == 302  # warm-up
    zeiten = []
    for i in range(anzahl):
        d = daten(i)
        start = time.perf_counter()
        r = client.post("/online/verpflichtungserklaerung/", d)
        zeiten.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 302, r.status_code
    median, p95 = median_p95(zeiten)
    start = time.perf_counter()
    assert client.get("/online/verpflichtungserklaerung/").status_code == 200
    return {"anzahl": anzahl, "median_ms": median, "p95_ms": p95, "get_ms": (time.perf_counter() - start) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefe", type=int, default=12)
    parser.add_argument("--mails", type=int, default=60)
    parser.add_argument("--formulare", type=int, default=20)
    args = parser.parse_args()
    umgebung(BENCH_DB, "BENCH_POSTAUSGANG_DATABASE_URL")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    b = briefe_messen(args.briefe)
    m = mails_messen(args.mails)
    o = formular_messen(args.formulare)
    heute = date.today()
    zahl = lambda x, n=1: f"{x:,.{n}f}".replace(",", "X").replace(".", ",").replace("X", ".")  # noqa: E731
    abschnitt = f"""## Postausgang, E-Mail- und Online-Eingang (`bench/bench_postausgang.py`)

Gemessen am {heute:%d.%m.%Y}; {maschine()}. Ein Prozess (= ein Worker), nacheinander.

| Messung | Ergebnis |
|---|---|
| Briefe aus Vorlage: erzeugen (docxtpl), mit LibreOffice in PDF/A umwandeln, in der Akte ablegen ({b["anzahl"]} Briefe) | Median {zahl(b["brief_median_s"], 2)} s je Brief = **{zahl(b["briefe_pro_minute"])} Briefe pro Minute** |
| davon nur die Umwandlung DOCX → PDF/A (LibreOffice headless, eigener Prozess je Brief) | Median {zahl(b["umwandeln_median_s"], 2)} s |
| E-Mail-Eingang: {m["anzahl"]} Mails (jede dritte mit PDF-Anlage) aus einem echten IMAP-Server (dovecot) abrufen, speichern, verschieben | {zahl(m["abruf_s"])} s = **{zahl(m["mails_pro_minute"], 0)} Mails pro Minute** |
| Lesefassung einer Mail (PDF/A mit umgewandelten Anlagen; Pipeline-Schritt) | {zahl(m["umwandeln_s"] * 1000, 0)} ms je Mail = {zahl(m["umwandeln_pro_minute"], 0)} pro Minute |
| Online-Formular Verpflichtungserklärung absenden (2 Nachweise, Prüfung, PDF erzeugen, speichern), Serverzeit, {o["anzahl"]} Anträge | Median **{zahl(o["median_ms"], 0)} ms**, p95 {zahl(o["p95_ms"], 0)} ms |
| Online-Formular aufrufen (GET) | {zahl(o["get_ms"], 0)} ms |

Die Texterkennung der Pipeline (bei E-Mails und Online-Anträgen meist übersprungen, weil die Lesefassung eine
Textebene hat) ist nicht enthalten; sie steht im Abschnitt OCR. LibreOffice startet für jede Umwandlung neu (eigenes
Profil, Zeit- und Speichergrenze) und ist der größte Posten; auf der unbelasteten Maschine dauerte eine Umwandlung
beim Einrichten 2,6 s, unter der hier genannten Last (mehr als acht Prozesse je Kern) ein Vielfaches. Ein dauerhaft
laufender LibreOffice-Dienst je Worker würde den Start sparen (nicht umgesetzt).
"""
    print(abschnitt)
    abschnitt_schreiben("postausgang", abschnitt.strip())


if __name__ == "__main__":
    main()

"""Benchmark: sealed scans with time-stamps and the bulk qualified confirmation (issue 14).

Measures on one process, against the fake TSA, fake CA (CRL/OCSP) and fake CSC trust service of the tests (real
HTTP servers on localhost, so network latency of real services is NOT included): filing a scanned document with the
authority's seal, adding its RFC 3161 time-stamp, embedding its validation data (LTV), checking a seal on display,
and confirming 1 and 50 scans of a file with ONE authorisation (numSignatures = n): the request (what the person
waits for) and the Celery task's body (embedding, time-stamp, LTV, check, storing) apart. Wall and CPU time (CPU
includes the fake servers' threads, which run in this process). Runs on its own database (default
`akte_bench_siegel`; override with BENCH_SIEGEL_DATABASE_URL) and writes the section
`<!-- bench:siegel -->` of docs/benchmarks.md.

    .venv/bin/python bench/bench_siegel.py [--stapel 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gemeinsam import abschnitt_schreiben, maschine, umgebung

BENCH_DB = "akte_bench_siegel"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stapel", type=int, default=50)
    args = parser.parse_args()
    umgebung(BENCH_DB, "BENCH_SIEGEL_DATABASE_URL")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from dms.gericht.langzeit import siegel_langzeitdaten
    from dms.gericht.qes import qes_abschliessen, qes_anfordern
    from dms.gericht.siegel import siegel_pruefen
    from dms.gericht.zeitstempel import siegel_zeitstempeln
    from dms.models import Dokument, Rolle, Siegel
    from tests import factories as f
    from tests.dms.gericht.fake_dienste import FakeCscDienst, FakeZeitstempeldienst, FakeZertifizierungsstelle
    from tests.dms.gericht.hilfen import scan_ablegen
    from tests.dms.gericht.pki import ca_erzeugen, pem_schreiben, pkcs12_schreiben

    ordner = Path(tempfile.mkdtemp(prefix="bench-siegel-"))
    ca, tsa_ca = ca_erzeugen(), ca_erzeugen("Test-TSA-CA")
    stelle = FakeZertifizierungsstelle().__enter__()
    pkcs12_schreiben(ordner / "siegel.p12", stelle.ausstellen(ca, "Siegel"), ca, b"x")
    pem_schreiben(ordner / "ca.pem", ca)
    pem_schreiben(ordner / "tsa.pem", tsa_ca)
    settings.SIEGEL_PKCS12, settings.SIEGEL_PASSWORT = str(ordner / "siegel.p12"), "x"
    settings.SIEGEL_VERTRAUENSANKER, settings.ZEITSTEMPEL_VERTRAUENSANKER = (
        [str(ordner / "ca.pem")],
        [str(ordner / "tsa.pem")],
    )
    sb = f.benutzer("OF", Rolle.SACHBEARBEITUNG)
    akte = f.AkteFactory(sachbearbeitung=sb, person__azr_nummer=None)
    vermerk = {"los": 1, "scandatum": "2026-11-12", "operator": "Bench"}
    tsa = stelle.ausstellen(tsa_ca, "TSA", zeitstempel=True)
    with (
        FakeZeitstempeldienst(tsa, tsa_ca) as zeitdienst,
        FakeCscDienst({sb.username: stelle.ausstellen(ca, "QES")}, ca) as csc,
    ):
        settings.ZEITSTEMPEL_URL = zeitdienst.url
        settings.QES_DIENST_URL = csc.url + "/csc/v2"
        settings.QES_DIENST_BENUTZER, settings.QES_DIENST_PASSWORT = csc.benutzer, csc.passwort
        ablegen, stempeln, ltv, pruefen = [], [], [], []
        dokumente = []
        for i in range(args.stapel + 1):
            settings.ZEITSTEMPEL_URL = ""  # no queued task (no broker here): the stamping is measured on its own
            start = time.perf_counter()
            dok = scan_ablegen(akte, titel=f"Scan {i}", quelle=Dokument.Quelle.ALTAKTE, vermerk=vermerk)
            ablegen.append(time.perf_counter() - start)
            settings.ZEITSTEMPEL_URL = zeitdienst.url
            siegel = Siegel.objects.get(version__dokument=dok)
            start = time.perf_counter()
            siegel_zeitstempeln(siegel.pk)
            stempeln.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert siegel_langzeitdaten(siegel.pk)
            ltv.append(time.perf_counter() - start)
            dokumente.append(dok)
        for dok in dokumente[:10]:
            start = time.perf_counter()
            siegel_pruefen(dok.versionen.get())
            pruefen.append(time.perf_counter() - start)
        versionen = [d.versionen.get() for d in dokumente]
        messung: dict[str, tuple[float, float]] = {}

        def messen(name: str, aufruf):  # type: ignore[no-untyped-def]
            wand, cpu = time.perf_counter(), time.process_time()
            ergebnis = aufruf()
            messung[name] = (time.perf_counter() - wand, time.process_time() - cpu)
            return ergebnis

        for name, auswahl in (("einzeln", versionen[:1]), ("stapel", versionen[1:])):
            auftrag = messen(
                f"{name}-anfrage",
                lambda auswahl=auswahl: qes_anfordern(versionen=auswahl, user=sb, pin=csc.PIN, otp=csc.OTP),
            )
            fertig = messen(f"{name}-aufgabe", lambda auftrag=auftrag: qes_abschliessen(auftrag_id=auftrag.pk))
            assert fertig.fehler == "", fertig.fehler
            assert all(s.ltv_am for s in Siegel.objects.filter(posten__auftrag=fertig)), "QES ohne LTV"
    stelle.__exit__(None, None, None)

    ms = lambda werte: f"{statistics.median(werte) * 1000:,.0f}".replace(",", ".")  # noqa: E731
    s = lambda x: f"{x:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")  # noqa: E731

    def zeile(name: str, anzahl: int) -> str:
        (aw, ac), (bw, bc) = messung[f"{name}-anfrage"], messung[f"{name}-aufgabe"]
        return f"{s(aw)} s / {s(ac)} s | {s(bw)} s / {s(bc)} s | {s(bw / anzahl)} s"

    abschnitt = f"""## Siegel, Zeitstempel und qualifizierte Bestätigung (`bench/bench_siegel.py`)

Gemessen am {date.today():%d.%m.%Y}; {maschine()}. Ein Prozess; Zeitstempeldienst, Zertifizierungsstelle (CRL/OCSP) und
Vertrauensdienst sind die Attrappen der Tests auf localhost (die Netzlaufzeit echter Dienste kommt hinzu).

| Messung | Median / Dauer |
|---|---|
| Scan ablegen mit Siegel der Behörde (ohne Netz, in der Ablage-Transaktion) | {ms(ablegen)} ms |
| Zeitstempel nachtragen (Celery-Aufgabe, RFC 3161 über HTTP) | {ms(stempeln)} ms |
| Validierungsdaten (LTV) einbetten (dieselbe Aufgabe: CRL und OCSP für Siegel und TSA) | {ms(ltv)} ms |
| Siegel prüfen beim Anzeigen (Hash des Originals, CMS, Zeitstempel, LTV offline) | {ms(pruefen)} ms |

Qualifizierte Bestätigung (QES): die Anfrage (Anmeldung, Zertifikat, Nachweise vorbereiten, Freigabe, signHash;
darauf wartet die Person) und die Celery-Aufgabe (je Dokument Signatur einbetten, Zeitstempel, LTV mit
Archivzeitstempel, Prüfung, Speichern) getrennt; Wand- und CPU-Zeit.

| Messung | Anfrage: Wand / CPU | Aufgabe: Wand / CPU | Aufgabe je Dokument (Wand) |
|---|---|---|---|
| 1 Dokument | {zeile("einzeln", 1)} |
| {args.stapel} Dokumente mit einer Freigabe (numSignatures = {args.stapel}) | {zeile("stapel", args.stapel)} |
"""
    print(abschnitt)
    abschnitt_schreiben("siegel", abschnitt.strip())


if __name__ == "__main__":
    main()

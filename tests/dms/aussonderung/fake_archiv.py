"""A FAKE state archive (the real one is outside the system): an HTTP server on 127.0.0.1 speaking the transfer
interface of docs/aussonderung.md, started by the tests. It validates every message it receives against the xdomea
3.0.0 schema, and answers like an archive: a 0501 offer gets a 0504 receipt and a 0502 evaluation (A or V per file,
as the test tells it); a 0503 hand-over gets a 0507 receipt and a 0506 import confirmation, per file successful or
failed with a reason (as the test tells it). The answers are built from the official examples (beispiele/), with the
process id, the parties and the files replaced; 0506 and 0507 (no official example) from the 0504's head, whose type
(NkBasisType) they share."""

from __future__ import annotations

import base64
import io
import itertools
import json
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lxml import etree

from dms.xdomea.schema import q, sicherer_parser, validieren_baum

BEISPIELE = Path(__file__).resolve().parent / "beispiele"


def _beispiel(name: str) -> etree._Element:
    return etree.parse(str(BEISPIELE / name), sicherer_parser()).getroot()


NUR_KOPF = {"0506": "AussonderungImportBestaetigen", "0507": "AussonderungEmpfangBestaetigen"}


def _importergebnisse(baum: etree._Element, ergebnisse: dict[str, str | None]) -> None:
    """0506: one AusgesondertesSGO per file; None = taken over (with an archive id), a text = failed for that reason."""
    for uid, fehler in ergebnisse.items():
        sgo = etree.SubElement(baum, q("AusgesondertesSGO"))
        etree.SubElement(sgo, q("IDSGO")).text = uid
        etree.SubElement(sgo, q("Erfolgreich")).text = "0" if fehler else "1"
        if fehler:
            etree.SubElement(sgo, q("Fehlermeldung")).text = fehler
        else:
            etree.SubElement(sgo, q("Archivkennung")).text = f"HStAD 500 Nr. {uid[:8]}"


def archiv_nachricht(
    art: str,
    *,
    prozess_id: str,
    archiv: str,
    behoerde: str,
    bewertungen: dict[str, str] | None = None,
    ergebnisse: dict[str, str | None] | None = None,
) -> bytes:
    """A schema-valid 0502, 0504, 0506 or 0507 as a zip, from the official example."""
    datei = {
        "0502": "xx_Aussonderung.Bewertungsverzeichnis.0502.xml",
        "0504": "xx_Aussonderung.AnbietungEmpfangBestaetigen.0504.xml",
        "0506": "xx_Aussonderung.AnbietungEmpfangBestaetigen.0504.xml",
        "0507": "xx_Aussonderung.AnbietungEmpfangBestaetigen.0504.xml",
    }[art]
    baum = _beispiel(datei)
    if art in NUR_KOPF:
        baum.tag = q(f"Aussonderung.{NUR_KOPF[art]}.{art}")
    kopf = baum.find(q("Kopf"))
    assert kopf is not None
    kopf.find(q("ProzessID")).text = prozess_id  # type: ignore[union-attr]
    kopf.find(f"{q('Nachrichtentyp')}/code").text = art  # type: ignore[union-attr]
    pfad = f"{q('Behoerdenkennung')}/{q('Behoerdenschluessel')}/code"
    kopf.find(f"{q('Absender')}/{pfad}").text = archiv  # type: ignore[union-attr]
    kopf.find(f"{q('Empfaenger')}/{pfad}").text = behoerde  # type: ignore[union-attr]
    if art == "0502":
        muster = baum.find(q("BewertetesObjekt"))
        assert muster is not None
        for uid, code in (bewertungen or {}).items():
            neu = etree.fromstring(etree.tostring(muster))
            neu.find(q("ID")).text = uid  # type: ignore[union-attr]
            neu.find(f"{q('Aussonderungsart')}/{q('Aussonderungsart')}/code").text = code  # type: ignore[union-attr]
            baum.append(neu)
        if bewertungen:
            baum.remove(muster)
    if art == "0506":
        _importergebnisse(baum, ergebnisse or {})
    validieren_baum(baum)
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w") as zf:
        zf.writestr(
            f"{prozess_id}_{etree.QName(baum).localname}.xml",
            etree.tostring(baum, xml_declaration=True, encoding="utf-8"),
        )
    return puffer.getvalue()


class FakeArchiv:
    def __init__(self, *, kennung: str, token: str = "archiv-token") -> None:  # noqa: S107 - a fake's fixed token
        self.kennung = kennung
        self.token = token
        self.entscheidung: dict[str, str] = {}  # Akte uuid -> A/V; default A
        self.importfehler: dict[str, str] = {}  # Akte uuid -> the archive's reason its import failed; default: taken
        self.empfangen: list[tuple[str, etree._Element, dict[str, bytes]]] = []  # (type, message, primary files)
        self.antworten: dict[str, tuple[str, bytes]] = {}
        # Failure on demand: the next `ausfall` messages are answered 503 (maintenance) and not taken; `verzoegerung`
        # seconds pass before a message is answered (a slow archive).
        self.ausfall = 0
        self.verzoegerung = 0.0
        self.abgewiesen = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        archiv = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, code: int, daten: Any) -> None:
                body = json.dumps(daten).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _angemeldet(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {archiv.token}":
                    self._json(401, {"fehler": "nicht angemeldet"})
                    return False
                return True

            def do_POST(self) -> None:
                inhalt = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not self._angemeldet():
                    return
                if self.path != "/nachrichten":
                    return self._json(404, {})
                time.sleep(archiv.verzoegerung)
                with archiv._lock:
                    ausfall = archiv.ausfall > 0
                    if ausfall:
                        archiv.ausfall -= 1
                        archiv.abgewiesen += 1
                if ausfall:
                    return self._json(503, {"fehler": "Wartung"})
                try:
                    archiv.empfangen_verarbeiten(inhalt)
                except Exception as exc:
                    return self._json(422, {"fehler": str(exc)})
                self._json(202, {"angenommen": True})

            def do_GET(self) -> None:
                if not self._angemeldet():
                    return
                if self.path != "/antworten":
                    return self._json(404, {})
                with archiv._lock:
                    liste = [
                        {"id": i, "dateiname": n, "inhalt": base64.b64encode(z).decode()}
                        for i, (n, z) in archiv.antworten.items()
                    ]
                self._json(200, liste)

            def do_DELETE(self) -> None:
                if not self._angemeldet():
                    return
                with archiv._lock:
                    archiv.antworten.pop(self.path.rsplit("/", 1)[-1], None)
                self._json(204, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def empfangen_verarbeiten(self, inhalt: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(inhalt)) as zf:
            xml = [n for n in zf.namelist() if n.endswith(".xml")]
            assert len(xml) == 1, "genau eine Nachricht erwartet"
            baum = etree.fromstring(zf.read(xml[0]), sicherer_parser())
            validieren_baum(baum)  # an archive refuses anything schema-invalid
            dateien = {n: zf.read(n) for n in zf.namelist() if n != xml[0]}
        art = etree.QName(baum).localname
        kopf = baum.find(q("Kopf"))
        prozess = kopf.findtext(q("ProzessID"))  # type: ignore[union-attr]
        behoerde = kopf.findtext(  # type: ignore[union-attr]
            f"{q('Absender')}/{q('Behoerdenkennung')}/{q('Behoerdenschluessel')}/code"
        )
        with self._lock:
            self.empfangen.append((art, baum, dateien))
        teile = {"prozess_id": prozess, "archiv": self.kennung, "behoerde": behoerde}
        if art.endswith("0501"):
            ids = [e.text for e in baum.iter(q("ID")) if e.getparent().getparent().tag == q("Akte")]  # type: ignore[union-attr]
            self._antwort(f"{prozess}_0504.zip", archiv_nachricht("0504", **teile))  # type: ignore[arg-type]
            bewertung = {i: self.entscheidung.get(i, "A") for i in ids if i}
            self._antwort(f"{prozess}_0502.zip", archiv_nachricht("0502", bewertungen=bewertung, **teile))  # type: ignore[arg-type]
        elif art.endswith("0503"):
            if kopf.findtext(q("Empfangsbestaetigung")) in ("1", "true"):  # type: ignore[union-attr]
                self._antwort(f"{prozess}_0507.zip", archiv_nachricht("0507", **teile))  # type: ignore[arg-type]
            ids = [
                e.findtext(f"{q('Identifikation')}/{q('ID')}")
                for e in baum.iterfind(f"{q('Schriftgutobjekt')}/{q('Akte')}")
            ]
            ergebnisse: dict[str, str | None] = {i: self.importfehler.get(i) for i in ids if i}
            self._antwort(f"{prozess}_0506.zip", archiv_nachricht("0506", ergebnisse=ergebnisse, **teile))  # type: ignore[arg-type]

    def _antwort(self, name: str, zip_: bytes) -> None:
        with self._lock:
            self.antworten[str(next(self._ids))] = (name, zip_)

    def __enter__(self) -> FakeArchiv:
        self.thread.start()
        return self

    def __exit__(self, *args: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

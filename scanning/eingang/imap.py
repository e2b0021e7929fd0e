"""Polling a functional mailbox over IMAP (stdlib imaplib): every mail once, moved away only after it is stored.

Order per mail: size and header (BODY.PEEK, the mail stays unread) -> too large? notice + move to the 'too large'
folder -> otherwise fetch, store and COMMIT (services.mail_annehmen) -> only then MOVE to the processed folder. A
crash between commit and move leaves the mail in the inbox; the next run finds it stored (Message-ID + content) and
just moves it. Connection errors leave everything where it is (logged, shown on the mailbox in the admin).
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import os
import re
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from .models import Postfach
from .services import mail_annehmen, mail_zu_gross_melden

logger = logging.getLogger("scanning.eingang")
_GROESSE = re.compile(rb"RFC822\.SIZE (\d+)")


class PostfachFehler(Exception):
    def __init__(self, meldung: str) -> None:
        self.meldung = meldung
        super().__init__(meldung)


@dataclass
class Abruf:
    neu: int = 0
    doppelt: int = 0
    zu_gross: int = 0
    fehler: list[str] = field(default_factory=list)


def _verbinden(pf: Postfach) -> imaplib.IMAP4:
    zeit = settings.IMAP_ZEITLIMIT
    if pf.verschluesselung == "ssl":
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            pf.host, pf.port, ssl_context=ssl.create_default_context(), timeout=zeit
        )
    else:
        conn = imaplib.IMAP4(pf.host, pf.port, timeout=zeit)
        if pf.verschluesselung == "starttls":
            conn.starttls(ssl_context=ssl.create_default_context())
    kennwort = os.environ.get(pf.kennwort_variable, "")
    if not kennwort:
        raise PostfachFehler(f"Das Kennwort fehlt: Umgebungsvariable {pf.kennwort_variable} ist nicht gesetzt.")
    conn.login(pf.benutzer, kennwort)
    typ, faehig = conn.capability()  # the server names MOVE etc. only after login
    if typ == "OK" and faehig and faehig[0]:
        conn.capabilities = tuple(faehig[0].decode("ascii", "replace").upper().split())
    return conn


def _ordner(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _verschieben(conn: imaplib.IMAP4, uid: str, ziel: str) -> None:
    if "MOVE" in conn.capabilities:
        typ, _ = conn.uid("MOVE", uid, _ordner(ziel))
        if typ == "OK":
            return
    typ, _ = conn.uid("COPY", uid, _ordner(ziel))
    if typ != "OK":
        raise PostfachFehler(f"Die E-Mail konnte nicht in den Ordner „{ziel}“ verschoben werden.")
    conn.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
    conn.expunge()


def _teile(daten: list) -> tuple[bytes, bytes]:
    """(metadata line, literal) of the first fetch response part."""
    for teil in daten:
        if isinstance(teil, tuple) and len(teil) == 2:
            return teil[0], teil[1]
    return b"", b""


def postfach_abrufen(pf: Postfach) -> Abruf:
    ergebnis = Abruf()
    grenze = settings.EINGANG_MAX_MAIL_BYTES
    try:
        conn = _verbinden(pf)
    except (OSError, imaplib.IMAP4.error, PostfachFehler) as exc:
        meldung = exc.meldung if isinstance(exc, PostfachFehler) else f"Verbindung oder Anmeldung fehlgeschlagen: {exc}"
        logger.warning("Postfach %s (%s): %s", pf.pk, pf.name, meldung)
        Postfach.objects.filter(pk=pf.pk).update(letzter_fehler=meldung[:2000], zuletzt_abgerufen=timezone.now())
        ergebnis.fehler.append(meldung)
        return ergebnis
    try:
        for ordner in (pf.ordner_erledigt, pf.ordner_zu_gross):
            conn.create(_ordner(ordner))  # "already exists" is answered NO; harmless
        typ, _ = conn.select(_ordner(pf.ordner))
        if typ != "OK":
            raise PostfachFehler(f"Der Ordner „{pf.ordner}“ existiert nicht.")
        typ, daten = conn.uid("SEARCH", "ALL")
        uids = [u.decode() for u in daten[0].split()] if typ == "OK" and daten and daten[0] else []
        for uid in uids:
            try:
                _eine_mail(conn, pf, uid, grenze, ergebnis)
            except (OSError, imaplib.IMAP4.abort):
                raise
            except Exception as exc:  # one bad mail never stops the others; it stays in the inbox
                logger.exception("Postfach %s: E-Mail UID %s nicht uebernommen", pf.pk, uid)
                ergebnis.fehler.append(f"E-Mail {uid} nicht übernommen: {type(exc).__name__}")
        conn.close()
        fehler = "; ".join(ergebnis.fehler)[:2000]
    except (OSError, imaplib.IMAP4.error, PostfachFehler) as exc:
        fehler = exc.meldung if isinstance(exc, PostfachFehler) else f"Abruf abgebrochen: {exc}"
        logger.warning("Postfach %s (%s): %s", pf.pk, pf.name, fehler)
        ergebnis.fehler.append(fehler)
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()
    Postfach.objects.filter(pk=pf.pk).update(letzter_fehler=fehler, zuletzt_abgerufen=timezone.now())
    if ergebnis.neu or ergebnis.zu_gross:
        logger.info(
            "Postfach %s: %s neu, %s doppelt, %s zu gross", pf.pk, ergebnis.neu, ergebnis.doppelt, ergebnis.zu_gross
        )
    return ergebnis


def _eine_mail(conn: imaplib.IMAP4, pf: Postfach, uid: str, grenze: int, ergebnis: Abruf) -> None:
    typ, daten = conn.uid("FETCH", uid, "(RFC822.SIZE BODY.PEEK[HEADER])")
    if typ != "OK" or not daten or daten[0] is None:
        return
    meta, kopf = _teile(daten)
    treffer = _GROESSE.search(meta)
    groesse = int(treffer.group(1)) if treffer else 0
    if groesse > grenze:
        mail_zu_gross_melden(behoerde=pf.behoerde, kopf=kopf, groesse=groesse, grenze=grenze, postfach=pf)
        _verschieben(conn, uid, pf.ordner_zu_gross)
        ergebnis.zu_gross += 1
        return
    typ, daten = conn.uid("FETCH", uid, "(BODY.PEEK[])")
    _, roh = _teile(daten)
    if typ != "OK" or not roh:
        return
    neu = mail_annehmen(behoerde=pf.behoerde, roh=roh, postfach=pf)  # committed here
    _verschieben(conn, uid, pf.ordner_erledigt)
    if neu.neu:
        ergebnis.neu += 1
    else:
        ergebnis.doppelt += 1


def alle_abrufen() -> dict[int, Abruf]:
    return {pf.pk: postfach_abrufen(pf) for pf in Postfach.objects.filter(aktiv=True).select_related("behoerde")}

"""Conversion step: DOCX, ODT, RTF and e-mails (.eml) become a PDF/A reading copy; the original is never touched.

The one place the pipeline (mail items and document versions alike) turns a non-scan document into pages:
- DOCX/ODT/RTF: LibreOffice headless (`dms.konvertierung.buero_zu_pdfa`, PDF/A-2b).
- E-mail: a page with sender, recipients, date, subject and body (HTML made safe: scripts, styles, forms and every
  remote reference dropped, nothing fetched), a list of the attachments, then each attachment converted and
  appended (PDF as is after the preflight, images as pages, office documents and attached mails recursively).
  An attachment that cannot be converted (archive, unknown type, too big, bomb) is listed with the reason and stays
  inside the original .eml, unchanged.
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

import nh3
import pikepdf
from django.conf import settings
from django.utils import timezone
from lxml import html as lxml_html
from PIL import Image

from dms.dateien import DOCX, EML, ENDUNG, JPEG, ODT, PDF, PNG, RTF, TIFF, UMWANDELBARE_TYPEN, mime_erkennen
from dms.konvertierung import KonvertierungFehler, buero_zu_pdfa
from dms.pdfsatz import Satz, satz_pdf

from . import preflight
from .fehler import EingabeFehler
from .zusammenfuehren import pdfa_kennzeichnen

logger = logging.getLogger("scanning.pipeline")

MAX_TIEFE = 3  # a mail attached to a mail attached to a mail ...
MAX_ANLAGEN = 50
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre"}
_ERLAUBTE_TAGS = _BLOCK | {"td", "th", "b", "i", "u", "strong", "em", "span", "a", "tbody", "thead", "hr"}
_ENTFERNTE_INHALTE = {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg", "math"}
_ENTFERNT_REF = re.compile(r"""<img\b[^>]*\bsrc\s*=\s*["']?\s*(https?:|//)""", re.IGNORECASE)


def ist_umwandelbar(mime: str) -> bool:
    return mime in UMWANDELBARE_TYPEN


def umwandeln(pfad: Path, mime: str, ziel: Path, *, titel: str = "Dokument") -> Path:
    """Write the PDF/A reading copy of `pfad` (type `mime`) to `ziel`; EingabeFehler with a German sentence."""
    try:
        if mime in (DOCX, ODT, RTF):
            buero_zu_pdfa(pfad, ziel, endung=ENDUNG[mime])
        elif mime == EML:
            ziel.write_bytes(mail_zu_pdf(pfad.read_bytes(), titel=titel))
        else:
            raise EingabeFehler("nicht_umwandelbar", f"Dateien vom Typ {mime} werden nicht umgewandelt.")
    except KonvertierungFehler as exc:
        raise EingabeFehler(exc.code, exc.meldung) from exc
    return ziel


# --- e-mail ---------------------------------------------------------------------------------------------------


@dataclass
class Anlage:
    name: str
    mime: str
    groesse: int
    pdf: bytes | None
    grund: str = ""


def _kopf(msg: Message, name: str) -> str:
    try:
        wert = msg.get(name)
        return str(wert) if wert is not None else ""
    except (ValueError, TypeError, IndexError, AttributeError):  # malformed header: show it raw, never fail
        roh = msg.get_all(name, failobj=[]) if hasattr(msg, "get_all") else []
        return " ".join(str(r) for r in roh)


def _datum(msg: Message) -> str:
    roh = _kopf(msg, "Date")
    try:
        dt = parsedate_to_datetime(roh)
        if dt.tzinfo is None:
            return f"{dt:%d.%m.%Y %H:%M} (ohne Zeitzone)"
        return f"{timezone.localtime(dt):%d.%m.%Y %H:%M} Uhr"
    except (TypeError, ValueError, IndexError):
        return roh or "– (kein Datum angegeben)"


def html_als_text(html: str) -> tuple[str, int]:
    """Safe plain text of an HTML body and the number of remote images that were NOT loaded.

    nh3 (ammonia) drops scripts, styles and every attribute (so no src, href, style or event handler survives); the
    renderer only ever sees text."""
    entfernte_bilder = len(_ENTFERNT_REF.findall(html))
    sauber = nh3.clean(
        html,
        tags=_ERLAUBTE_TAGS,
        clean_content_tags=_ENTFERNTE_INHALTE,
        attributes={},
        link_rel=None,
        strip_comments=True,
    )
    if not sauber.strip():
        return "", entfernte_bilder
    try:
        baum = lxml_html.fragment_fromstring(sauber, create_parent="div")
    except (ValueError, lxml_html.etree.ParserError):
        return re.sub(r"<[^>]+>", " ", sauber), entfernte_bilder
    for el in baum.iter():
        if el.tag in _BLOCK:
            el.tail = "\n" + (el.tail or "")
    text = baum.text_content()
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\n\s*\n\s*\n+", "\n\n", text)
    return text.strip(), entfernte_bilder


def _text_des_koerpers(msg: EmailMessage) -> tuple[str, list[str]]:
    hinweise: list[str] = []
    try:
        teil = msg.get_body(preferencelist=("plain", "html"))
    except (KeyError, TypeError, AttributeError):
        teil = None
    if teil is None:
        return "", ["Die E-Mail enthält keinen lesbaren Text."]
    try:
        inhalt = teil.get_content()
    except (LookupError, ValueError, AttributeError, TypeError):
        roh = teil.get_payload(decode=True) or b""
        inhalt = roh.decode("utf-8", errors="replace") if isinstance(roh, bytes) else str(roh)
    if not isinstance(inhalt, str):
        inhalt = inhalt.decode("utf-8", errors="replace") if isinstance(inhalt, bytes) else str(inhalt)
    if teil.get_content_type() == "text/html":
        text, bilder = html_als_text(inhalt)
        hinweise.append("Der Text wurde aus der HTML-Fassung übernommen (Skripte und Formatierungen entfernt).")
        if bilder:
            hinweise.append(f"{bilder} externe(s) Bild(er) wurde(n) aus Sicherheitsgründen nicht geladen.")
        return text, hinweise
    return inhalt.replace("\r\n", "\n").strip(), hinweise


def _bild_als_pdf(daten: bytes) -> bytes:
    with tempfile.NamedTemporaryFile(suffix=".bild") as tmp:
        tmp.write(daten)
        tmp.flush()
        preflight.pruefen(Path(tmp.name))
    with Image.open(io.BytesIO(daten)) as img:
        seiten = []
        for i in range(int(getattr(img, "n_frames", 1))):
            img.seek(i)
            seiten.append(img.convert("RGB"))
        aus = io.BytesIO()
        seiten[0].save(aus, format="PDF", save_all=True, append_images=seiten[1:], resolution=150)
    return aus.getvalue()


def anlage_als_pdf(daten: bytes, mime: str, tiefe: int = 0) -> bytes:
    """One attachment as PDF pages (after the preflight); EingabeFehler when it cannot be converted."""
    if mime == PDF:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(daten)
            tmp.flush()
            preflight.pruefen(Path(tmp.name))
        return daten
    if mime in (TIFF, PNG, JPEG):
        return _bild_als_pdf(daten)
    if mime in (DOCX, ODT, RTF):
        with tempfile.TemporaryDirectory(prefix="anlage-") as d:
            quelle = Path(d) / "anlage"
            quelle.write_bytes(daten)
            try:
                return buero_zu_pdfa(quelle, Path(d) / "anlage.pdf", endung=ENDUNG[mime]).read_bytes()
            except KonvertierungFehler as exc:
                raise EingabeFehler(exc.code, exc.meldung) from exc
    if mime == EML:
        if tiefe >= MAX_TIEFE:
            raise EingabeFehler("zu_tief", "zu tief verschachtelte weitergeleitete E-Mails")
        return mail_zu_pdf(daten, titel="Angehängte E-Mail", tiefe=tiefe + 1)
    raise EingabeFehler("nicht_umwandelbar", f"Typ {mime} wird nicht umgewandelt")


def _anlagen(msg: EmailMessage, tiefe: int) -> list[Anlage]:
    grenze = settings.MAX_UPLOAD_BYTES
    ergebnis: list[Anlage] = []
    for nummer, teil in enumerate(msg.iter_attachments(), 1):
        name = teil.get_filename() or f"Anlage {nummer}"
        if nummer > MAX_ANLAGEN:
            ergebnis.append(Anlage(name, "", 0, None, f"mehr als {MAX_ANLAGEN} Anlagen; nur im Original"))
            continue
        if teil.get_content_type() == "message/rfc822":
            eingebettet = teil.get_payload()
            roh = (
                eingebettet[0].as_bytes(policy=policy.default)
                if isinstance(eingebettet, list) and eingebettet and not isinstance(eingebettet[0], str)
                else b""
            )
        else:
            roh = teil.get_payload(decode=True) or b""
        if not isinstance(roh, bytes):
            roh = b""
        mime = mime_erkennen(roh[:8192]) if roh else "application/x-empty"
        if len(roh) > grenze:
            ergebnis.append(
                Anlage(name, mime, len(roh), None, f"größer als {grenze // (1024 * 1024)} MB; nur im Original")
            )
            continue
        try:
            pdf = anlage_als_pdf(roh, mime, tiefe)
            ergebnis.append(Anlage(name, mime, len(roh), pdf))
        except EingabeFehler as exc:
            grund = exc.meldung if exc.code != "nicht_umwandelbar" else f"Dateityp {mime} wird nicht umgewandelt"
            if mime in ("application/zip", "application/x-7z-compressed", "application/x-rar"):
                grund = "Archive werden aus Sicherheitsgründen nicht entpackt"
            logger.info("E-Mail-Anlage %r nicht umgewandelt: %s", name, exc.code)
            ergebnis.append(Anlage(name, mime, len(roh), None, grund))
    return ergebnis


def _groesse(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",") if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def mail_zu_pdf(roh: bytes, *, titel: str = "E-Mail", tiefe: int = 0) -> bytes:
    """The reading copy of one mail: header and body page(s), then every convertible attachment."""
    msg = BytesParser(policy=policy.default).parsebytes(roh)
    if not isinstance(msg, EmailMessage):  # pragma: no cover - policy.default always yields EmailMessage
        raise EingabeFehler("mail_unlesbar", "Die E-Mail konnte nicht gelesen werden.")
    text, hinweise = _text_des_koerpers(msg)
    anlagen = _anlagen(msg, tiefe)
    kopf = [
        ("Von", _kopf(msg, "From") or "–"),
        ("An", _kopf(msg, "To") or "–"),
    ]
    if cc := _kopf(msg, "Cc"):
        kopf.append(("Kopie an", cc))
    kopf += [
        ("Datum", _datum(msg)),
        ("Betreff", _kopf(msg, "Subject") or "(ohne Betreff)"),
        ("Message-ID", _kopf(msg, "Message-ID") or "–"),
    ]
    abschnitte: list[tuple[str, list[str]]] = [("", [a for a in text.split("\n\n") if a.strip()] or ["(kein Text)"])]
    if hinweise:
        abschnitte.append(("Hinweise", hinweise))
    if anlagen:
        zeilen = []
        for a in anlagen:
            if a.pdf is not None:
                zeilen.append(f"{a.name} ({_groesse(a.groesse)}): umgewandelt, folgt nach dieser Nachricht.")
            else:
                zeilen.append(f"{a.name} ({_groesse(a.groesse)}): nicht umgewandelt – {a.grund}.")
        abschnitte.append((f"Anlagen ({len(anlagen)})", zeilen))
    deckseite = satz_pdf(
        Satz(
            titel=titel,
            kopfzeilen=kopf,
            abschnitte=abschnitte,
            fusszeile="Lesefassung der E-Mail, erzeugt beim Eingang. Das Original (.eml mit allen Anlagen) ist "
            "unverändert gespeichert.",
        )
    )
    with pikepdf.open(io.BytesIO(deckseite)) as erste, pikepdf.new() as aus:
        aus.pages.extend(erste.pages)
        offen = []
        try:
            for a in anlagen:
                if a.pdf is None:
                    continue
                try:
                    teil = pikepdf.open(io.BytesIO(a.pdf))
                except pikepdf.PdfError:
                    continue
                offen.append(teil)
                aus.pages.extend(teil.pages)
            pdfa_kennzeichnen(aus, f"{titel}: {_kopf(msg, 'Subject')}"[:200])
            puffer = io.BytesIO()
            aus.save(puffer, compress_streams=True)
        finally:
            for t in offen:
                t.close()
    return puffer.getvalue()

"""Document viewer: page images rendered on the server (no PDF code in the browser), the recognised text with
the search term highlighted, downloads of the searchable PDF and of the original."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from dms.api.views import PdfNochNichtFertig, datei_antwort, version_waehlen
from dms.audit import Aktion, protokollieren
from dms.gericht.blaetter import bereiche
from dms.gericht.qes import bestaetigbar as qes_offen
from dms.gericht.qes import laufende_bestaetigung
from dms.gericht.siegel import siegel_pruefen
from dms.http import AuthenticatedHttpRequest
from dms.models import Dokument, DokumentVersion, Siegel
from dms.neueingaenge.models import Neueingang
from dms.neueingaenge.services import neueingang_gelesen
from dms.seitenbearbeitung.kontext import bearbeitung_kontext

from .common import darf_aendern
from .dokument_daten import daten_auswahl

log = logging.getLogger("dms.views.dokument")

BREITEN = {"klein": 600, "normal": 1100, "gross": 1800}
ANZEIGBAR = frozenset({"application/pdf", "image/tiff", "image/png", "image/jpeg"})
MAX_SEITEN_ANZEIGE = 500
_WORT = re.compile(r"[\wÄÖÜäöüß]{2,}", re.UNICODE)


def _sichtbares_dokument(request: AuthenticatedHttpRequest, pk: int) -> Dokument:
    return get_object_or_404(
        Dokument.objects.visible_to(request.user).select_related(
            "akte", "akte__person", "register", "vorgang", "vorgang__vorgangsart"
        ),
        pk=pk,
    )


def hervorheben(text: str, begriff: str) -> SafeString:
    """Mark every occurrence of each search word (case-insensitive, word prefix); all text is escaped."""
    woerter = sorted({w.lower() for w in _WORT.findall(begriff or "")}, key=len, reverse=True)[:10]
    if not woerter:
        return escape(text)
    # Match on the raw text and escape every piece, so a word like "amp" never lands inside an HTML entity.
    muster = re.compile(r"\b(" + "|".join(re.escape(w) for w in woerter) + r")", re.IGNORECASE)
    teile: list[str] = []
    pos = 0
    for m in muster.finditer(text):
        teile.append(escape(text[pos : m.start()]))
        teile.append(f"<mark>{escape(m.group(1))}</mark>")
        pos = m.end()
    teile.append(escape(text[pos:]))
    return mark_safe("".join(teile))  # noqa: S308 - every piece escaped, only <mark> added


def _blaetter(version: DokumentVersion | None, seiten: int) -> list[int | None]:
    """The sheet number of each shown page (None while the page count is not yet known)."""
    nummern: list[int] = list(version.blattnummern) if version else []
    return [nummern[i] if i < len(nummern) else None for i in range(seiten)]


@login_required
@require_GET
def dokument_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dokument = _sichtbares_dokument(request, pk)
    # Whether the version is sealed comes with the version row, so an unsealed document costs no extra query.
    version = (
        dokument.versionen.annotate(hat_siegel=Exists(Siegel.objects.filter(version=OuterRef("pk"))))
        .order_by("-nummer")
        .first()
    )
    protokollieren(aktion=Aktion.LESEN, request=request, objekt=dokument, akte=dokument.akte)
    # Opening a new document is reading it (the read entry above covers the audit).
    neueingang_gelesen(dokument=dokument, user=request.user, request=request, protokoll=False)
    begriff = (request.GET.get("q") or "").strip()[:200]
    seiten = min(dokument.seiten or (version.seiten if version else 0) or 1, MAX_SEITEN_ANZEIGE)
    # Register and procedure are changed in the document-data form (one form for one thing on this page).
    aendern = darf_aendern(request, dokument.akte)
    ctx = {
        "dokument": dokument,
        "akte": dokument.akte,
        "version": version,
        "seiten": list(zip(range(1, seiten + 1), _blaetter(version, seiten), strict=True)),
        "seitenzahl": seiten,
        "siegel": siegel_pruefen(version) if version is not None and getattr(version, "hat_siegel", False) else [],
        "qes_moeglich": aendern and version is not None and qes_offen(version),
        "qes_laufend": laufende_bestaetigung(version) if version is not None else None,
        "blattbereich": bereiche(list(version.blattnummern)) if version else "",
        # Sheets out of page order (pages merged in front or in between, pages moved): the order is said, too.
        "blattfolge": ", ".join(map(str, version.blattnummern))
        if version and list(version.blattnummern) != sorted(version.blattnummern)
        else "",
        "begriff": begriff,
        "text": hervorheben(dokument.text, begriff),
        "hat_pdf": bool(version and (version.pdf or version.mime_type == "application/pdf")),
        "aendern": aendern,
        "automatisch_zugeordnet": aendern
        and Neueingang.objects.filter(dokument=dokument, quelle=Neueingang.Quelle.AUTOMATISCH).exists(),
        "seiten_offen": request.GET.get("seiten") == "1",
        # Earlier versions (page edits, new uploads) stay downloadable; one query only when there are any.
        "versionen": list(dokument.versionen.order_by("nummer")) if version is not None and version.nummer > 1 else [],
        **(daten_auswahl(dokument) if aendern else {}),
        **(bearbeitung_kontext(dokument, version) if aendern else {}),
    }
    return render(request, "dms/dokument.html", ctx)


def seitenquelle(version: DokumentVersion) -> tuple[bytes, str]:
    """The bytes to render pages from: the searchable PDF, else the original (PDF or image)."""
    if version.pdf:
        with version.pdf.open("rb") as fh:
            return fh.read(), "application/pdf"
    with version.original.open("rb") as fh:
        return fh.read(), version.mime_type


def seite_rendern(inhalt: bytes, mime: str, seite: int, breite: int) -> bytes:
    """One page as PNG, scaled to `breite` pixels; raises IndexError for a page that does not exist."""
    from PIL import Image

    if mime == "application/pdf":
        from pdf2image import convert_from_bytes, pdfinfo_from_bytes

        anzahl = int(pdfinfo_from_bytes(inhalt).get("Pages", 0))
        if seite > anzahl:
            raise IndexError(seite)
        # The crop box, as every viewer shows the page (poppler's default is the media box): the redaction editor
        # draws its boxes on these images in the coordinates of the page as shown (dms/seitenlage.py).
        bilder = convert_from_bytes(
            inhalt, first_page=seite, last_page=seite, size=(breite, None), fmt="png", use_cropbox=True
        )
        if not bilder:
            raise IndexError(seite)
        bild = bilder[0]
    else:
        bild = Image.open(io.BytesIO(inhalt))
        try:
            bild.seek(seite - 1)
        except EOFError as exc:
            raise IndexError(seite) from exc
        bild = bild.convert("L" if bild.mode in ("1", "L") else "RGB")
        hoehe = max(1, round(bild.height * breite / bild.width))
        bild = bild.resize((breite, hoehe))
    puffer = io.BytesIO()
    bild.save(puffer, format="PNG", optimize=False)
    return puffer.getvalue()


def seitenbild_pfad(ordner: str, quelle: str, breite: int, seite: int) -> str:
    """Where a rendered page image is cached. "-sichtbar": rendered from the crop box (before: the media box, which
    put the redaction editor's boxes off the page shown for a cropped page); older images are not reused."""
    return f"{ordner}/seiten/{quelle}-{breite}-{seite}-sichtbar.png"


def seite_png(pfad: str, quelle: Callable[[], tuple[bytes, str]], seite: int, breite: int) -> bytes:
    """One page as PNG from the storage cache at `pfad`, rendered from `quelle()` (bytes, MIME type) and cached on
    first use, so each page is rendered once per size. Http404 for a page or a type that cannot be shown; any other
    error propagates (the page answers 422 and logs it)."""
    if default_storage.exists(pfad):
        with default_storage.open(pfad, "rb") as fh:
            return fh.read()
    inhalt, mime = quelle()
    if mime not in ANZEIGBAR:
        raise Http404
    try:
        png = seite_rendern(inhalt, mime, seite, breite)
    except IndexError as exc:
        raise Http404 from exc
    default_storage.save(pfad, ContentFile(png))
    return png


def seite_antwort(
    pfad: str, quelle: Callable[[], tuple[bytes, str]], seite: int, breite: int, *, was: str, fehlertext: str
) -> HttpResponse:
    """The page image as a response (cached privately by the browser); a page that cannot be rendered is a 422 with
    `fehlertext` for the user and the traceback in the log, naming `was` (e.g. "Dokument 12")."""
    try:
        png = seite_png(pfad, quelle, seite, breite)
    except Http404:
        raise
    except Exception:
        log.exception("%s: Seite %s konnte nicht gerendert werden", was, seite)
        return HttpResponse(fehlertext, status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def dokument_seite(request: AuthenticatedHttpRequest, pk: int, seite: int) -> HttpResponse:
    """One page image of the current version."""
    dokument = _sichtbares_dokument(request, pk)
    version = dokument.versionen.order_by("-nummer").first()
    groesse = request.GET.get("g", "normal")
    breite = BREITEN.get(groesse, BREITEN["normal"])
    if version is None or seite < 1 or seite > MAX_SEITEN_ANZEIGE:
        raise Http404
    quelle = "pdf" if version.pdf else "original"
    pfad = seitenbild_pfad(f"dokumente/{dokument.uuid}/{version.nummer}", quelle, breite, seite)
    return seite_antwort(
        pfad,
        partial(seitenquelle, version),
        seite,
        breite,
        was=f"Dokument {dokument.pk}",
        fehlertext="Diese Seite kann nicht angezeigt werden.",
    )


@login_required
@require_GET
def dokument_datei(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    dokument = _sichtbares_dokument(request, pk)
    version = version_waehlen(dokument, request.GET.get("version"))
    try:
        return datei_antwort(request, dokument, version, original=request.GET.get("original") == "1")
    except PdfNochNichtFertig:
        return render(
            request,
            "dms/hinweis.html",
            {
                "titel": "PDF noch nicht fertig",
                "meldung": "Das durchsuchbare PDF wird noch erzeugt. Bitte versuchen Sie es gleich noch einmal "
                "oder laden Sie das Original herunter.",
                "zurueck": dokument,
            },
            status=409,
        )

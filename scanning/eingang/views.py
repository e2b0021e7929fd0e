"""Public pages (no login): the online Verpflichtungserklärung. CSRF as everywhere, a rate limit per client address,
uploads checked by content (type, size, preflight); errors are German sentences next to the field."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dms.audit import client_ip
from dms.eingaben import id_lesen

from . import services
from .forms import NACHWEISE, VerpflichtungserklaerungForm
from .models import Onlineantrag

logger = logging.getLogger("scanning.eingang")
MAX_ANFRAGE_BYTES = 35 * 1024 * 1024  # three attachments of 10 MB plus the form


def _zu_viele(request: HttpRequest) -> bool:
    schluessel = f"online-rate:{client_ip(request) or 'unbekannt'}"
    anzahl = cache.get_or_set(schluessel, 0, timeout=3600)
    if anzahl >= settings.ONLINE_RATE_LIMIT:
        return True
    try:
        cache.incr(schluessel)
    except ValueError:
        cache.set(schluessel, 1, timeout=3600)
    return False


@require_http_methods(["GET", "POST"])
def verpflichtungserklaerung(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        laenge = id_lesen(request.META.get("CONTENT_LENGTH") or "0")  # unreadable counts as too large
        if laenge is None or laenge > MAX_ANFRAGE_BYTES:
            logger.warning("Online-Formular: Anfrage zu gross (%s Bytes) von %s", request.META.get("CONTENT_LENGTH"),
                           client_ip(request))  # fmt: skip
            return render(request, "eingang/hinweis.html", {
                "titel": "Die Dateien sind zu groß",
                "text": "Zusammen dürfen die Nachweise höchstens 30 MB groß sein, jede Datei höchstens 10 MB. "
                "Bitte verkleinern Sie die Dateien (z. B. als PDF in geringerer Auflösung) und senden Sie das "
                "Formular erneut.",
            }, status=413)  # fmt: skip
        if _zu_viele(request):
            logger.warning("Online-Formular: Rate-Limit erreicht fuer %s", client_ip(request))
            return render(request, "eingang/hinweis.html", {
                "titel": "Zu viele Anträge",
                "text": "Von Ihrem Anschluss wurden in der letzten Stunde zu viele Anträge gesendet. Bitte versuchen "
                "Sie es später erneut.",
            }, status=429)  # fmt: skip
        form = VerpflichtungserklaerungForm(request.POST, request.FILES)
        if form.is_valid():
            anlagen = []
            for schluessel, art, _pflicht in NACHWEISE:
                datei = form.cleaned_data.get(f"nachweis_{schluessel}")
                if datei:
                    anlagen.append(services.Anlage(dateiname=datei.name or art, daten=datei.read(), art=art))
            try:
                antrag = services.onlineantrag_annehmen(
                    dienst=Onlineantrag.Dienst.VERPFLICHTUNGSERKLAERUNG,
                    daten=form.antragsdaten(),
                    anlagen=anlagen,
                    einreichung=str(uuid.uuid4()),
                    request=request,
                )
            except ValidationError as exc:
                for feld, meldungen in exc.message_dict.items():
                    ziel = feld if feld in form.fields else None
                    for m in meldungen:
                        form.add_error(ziel, m)
                logger.info("Online-Formular abgewiesen: %s", exc.messages)
            else:
                return redirect("eingang:bestaetigung", einreichung=antrag.einreichung)
    else:
        form = VerpflichtungserklaerungForm()
    return render(request, "eingang/verpflichtungserklaerung.html", {"form": form}, status=400 if form.errors else 200)


def bestaetigung(request: HttpRequest, einreichung: str) -> HttpResponse:
    antrag = Onlineantrag.objects.select_related("behoerde").filter(einreichung=einreichung, plattform=None).first()
    if antrag is None:
        raise Http404
    return render(request, "eingang/bestaetigung.html", {"antrag": antrag})

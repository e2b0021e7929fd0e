"""Demo letters (`manage.py demo_daten`, registered in ScanningConfig.ready): mail in every team's in-tray.

Letters without identifiers that name a surname, so the routing by letter range decides the in-tray as for real mail
(docs/rollen.md): with processing they go through the pipeline (OCR, matching, routing); without (tests, no worker)
they are put into the in-tray the same routing rule picks, without text recognition."""

from __future__ import annotations

import io

from django.db import transaction

from dms.demo import DemoLauf, demo_pdf
from dms.models import Team
from dms.queries import zustaendiges_team_id

from .models import Posteingang
from .services import posteingang as svc

# (file name, surname the letter names or "", title, lines): two letters for each demo team (A-K, L-Z, Allgemein)
BRIEFE: list[tuple[str, str, str, list[str]]] = [
    ("brief-bauer.pdf", "Bauer", "Anfrage zum Aufenthaltstitel", ["Name: Bauer, Karin", "Ich bitte um einen Termin."]),
    (
        "brief-hoffmann.pdf",
        "Hoffmann",
        "Meldebescheinigung",
        ["Name: Hoffmann, Daniel", "Anbei meine neue Meldebescheinigung nach dem Umzug."],
    ),
    (
        "brief-schmidt.pdf",
        "Schmidt",
        "Arbeitsvertrag",
        ["Name: Schmidt, Alina", "Anbei der unbefristete Arbeitsvertrag für die Verlängerung."],
    ),
    (
        "brief-wagner.pdf",
        "Wagner",
        "Nachfrage zum Bearbeitungsstand",
        ["Name: Wagner, Elena", "Wie ist der Stand meines Antrags?"],
    ),
    ("brief-ohne-namen-1.pdf", "", "Schreiben ohne Absender", ["Sehr geehrte Damen und Herren,", "bitte um Rückruf."]),
    (
        "brief-ohne-namen-2.pdf",
        "",
        "Rechnung",
        ["Rechnung Nr. 2026-118 über Dolmetscherleistungen", "Bitte überweisen Sie den Betrag binnen 30 Tagen."],
    ),
]


def post_einlegen(lauf: DemoLauf) -> str:
    """The letters of BRIEFE not yet received by this authority (idempotent by file name)."""
    behoerde = lauf.behoerde
    vorhanden = set(Posteingang.objects.filter(behoerde=behoerde).values_list("dateiname", flat=True))
    neu = 0
    for dateiname, familienname, titel, zeilen in BRIEFE:
        if dateiname in vorhanden:
            continue
        inhalt = demo_pdf(titel, [*zeilen, f"An: {behoerde.name}, Ausländerbehörde"])
        with transaction.atomic():
            p = svc.posteingang_annehmen(
                behoerde=behoerde,
                datei=io.BytesIO(inhalt),
                dateiname=dateiname,
                quelle=Posteingang.Quelle.UPLOAD,
                user=lauf.benutzer["ps"],
                einreihen=lauf.verarbeiten,
                merkmale={"familienname": familienname} if familienname else None,
            )
            if not lauf.verarbeiten:
                team_id = zustaendiges_team_id(behoerde.pk, familienname)
                svc.posteingang_zur_pruefung(
                    posteingang_id=p.pk,
                    vorschlaege=[],
                    team=Team.objects.filter(pk=team_id, behoerde=behoerde).first() if team_id else None,
                    hinweis="Demodaten: ohne Texterkennung eingelegt.",
                )
        neu += 1
    return f"{neu} neue Briefe im Posteingang."

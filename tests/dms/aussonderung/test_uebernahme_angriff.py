"""The archive is outside the system: its 0506 is untrusted input. A failure reason with markup is shown as text;
a 0506 with a DTD (XXE, entity expansion) or a malformed one is refused whole, in German, and
releases nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from dms.aussonderung.models import Anbietungsposten
from dms.models import Protokolleintrag

from .fake_archiv import archiv_nachricht
from .test_uebernahme import _einlesen, nichts_freigegeben, uebergeben

__all__ = ["uebergeben"]  # the fixture, imported

pytestmark = pytest.mark.django_db

SKRIPT = '<script>alert("archiv")</script><img src=x onerror=alert(1)>'


def _nachricht(uebergeben, settings, meldung: str | None) -> bytes:  # type: ignore[no-untyped-def]
    teile = {
        "prozess_id": str(uebergeben["anbietung"].prozess_id),
        "archiv": settings.STAATSARCHIV_KENNUNG,
        "behoerde": "OF",
    }
    return archiv_nachricht("0506", ergebnisse={str(uebergeben["gut"].uuid): meldung}, **teile)


def _xml(inhalt: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(inhalt)) as zf:
        return zf.read(next(n for n in zf.namelist() if n.endswith(".xml")))


def test_an_archive_reason_with_markup_is_text_on_the_page_and_in_the_api(uebergeben, beamter, client, settings):
    antwort = _einlesen(beamter, _nachricht(uebergeben, settings, SKRIPT))
    assert antwort.status_code == 200, antwort.content
    posten = Anbietungsposten.objects.get(anbietung=uebergeben["anbietung"], akte=uebergeben["gut"])
    assert posten.uebernahme_fehlgeschlagen and SKRIPT in posten.archiv_meldung
    client.force_login(beamter)
    for url in ("/aussonderung/", f"/aussonderung/anbietungen/{uebergeben['anbietung'].pk}/"):
        seite = client.get(url)
        if seite.status_code == 404:
            continue
        text = seite.content.decode()
        assert "<script>alert" not in text and "<img src=x" not in text
    seite = client.get("/aussonderung/").content.decode()
    assert "&lt;script&gt;alert(&quot;archiv&quot;)&lt;/script&gt;" in seite


@pytest.mark.parametrize(
    "verderben",
    [
        # XXE: an external entity naming a local file
        lambda x: x.replace(b"?>", b'?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1).replace(
            b"<xdomea:Fehlermeldung>", b"<xdomea:Fehlermeldung>&xxe;", 1
        ),
        # entity expansion (billion laughs), the DOCTYPE in UTF-16 so a byte search for it fails
        lambda x: (
            (
                '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
            ).encode("utf-16")
            + x.split(b"?>", 1)[1].decode().encode("utf-16")[2:]
        ),
        lambda x: x[: len(x) // 2],  # cut off
        lambda x: b"\x00" * 100 + x,
    ],
    ids=["xxe", "utf16-doctype", "abgeschnitten", "nul"],
)
def test_a_hostile_0506_is_refused_in_german_and_releases_nothing(uebergeben, beamter, settings, verderben):
    xml = _xml(_nachricht(uebergeben, settings, "Grund"))
    vorher = Protokolleintrag.objects.count()
    antwort = _einlesen(beamter, verderben(xml))
    assert antwort.status_code == 400, antwort.content
    assert "root:" not in antwort.content.decode()
    assert not Anbietungsposten.objects.filter(
        anbietung=uebergeben["anbietung"], uebernahme_gemeldet_am__isnull=False
    ).exists()
    nichts_freigegeben(uebergeben, beamter, vorher)

"""Notes are internal: an xdomea hand-over package (0401) carries none of them; the receiving authority's new file
starts without notes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from dms.models import Akte, Notiz
from dms.notizen.services import notiz_anlegen
from tests.dms.exchange.conftest import volle_akte, volle_akte_bauen  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_the_xdomea_package_carries_no_note(volle_akte, sachbearbeitung, tmp_path):  # noqa: F811
    akte = volle_akte.akte
    dokument = akte.dokumente.first()
    notiz_anlegen(user=sachbearbeitung, akte=akte, text="Interna Notizwortakte")
    notiz_anlegen(user=sachbearbeitung, dokument=dokument, text="Interna Notizwortdokument")
    out = io.StringIO()
    call_command("xdomea_export", "--akte", str(akte.pk), "--ziel", str(tmp_path), stdout=out)
    paket = Path(out.getvalue().strip())
    with zipfile.ZipFile(paket) as z:
        inhalt = b"".join(z.read(n) for n in z.namelist())
    assert b"Notizwort" not in inhalt and b"Interna" not in inhalt
    out = io.StringIO()
    call_command("xdomea_import", str(paket), "--behoerde", "HP", stdout=out)
    neu = Akte.objects.get(aktenzeichen=out.getvalue().strip())
    assert not Notiz.objects.filter(akte=neu).exists()
    assert Notiz.objects.filter(akte=akte).count() == 2  # they stay with the handing-over authority's record

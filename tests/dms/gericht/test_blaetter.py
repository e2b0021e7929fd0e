"""Sheet numbers: given once in filing order, kept through moves, page edits and new documents; removals leave a
documented gap and never renumber."""

from __future__ import annotations

import pytest

from dms.gericht.blaetter import blaetter_entfernen, luecken
from dms.models import Blatt, DokumentVersion, Protokolleintrag
from dms.services import dokument_umlegen
from dms.services.dokumente import dokument_ablage_aendern
from tests import factories as f

from .hilfen import dokument_ablegen, neue_version

pytestmark = pytest.mark.django_db


def _nummern(dokument) -> list[int]:  # type: ignore[no-untyped-def]
    return list(dokument.versionen.order_by("-nummer").first().blattnummern)


def test_pages_get_the_next_sheet_numbers_in_filing_order_per_file():
    akte, andere = f.AkteFactory(), f.AkteFactory()
    a = dokument_ablegen(akte, "Antrag", 3)
    b = dokument_ablegen(akte, "Pass", 2)
    c = dokument_ablegen(andere, "Fremd", 2)
    assert _nummern(a) == [1, 2, 3]
    assert _nummern(b) == [4, 5]
    assert _nummern(c) == [1, 2]  # every file counts on its own


def test_numbers_survive_a_move_a_page_edit_and_a_new_document(sachbearbeitung):
    akte = f.AkteFactory()
    a = dokument_ablegen(akte, "Antrag", 3)
    b = dokument_ablegen(akte, "Pass", 2)
    dokument_ablage_aendern(dokument=b, register=f.register("05"), user=sachbearbeitung)
    assert _nummern(b) == [4, 5]
    # page edit: page 2 removed, pages 1 and 3 kept in a new order, one new page appended
    neue_version(a, ["Antrag Seite 3", "Antrag Seite 1", "Anlage"], zuordnung=[3, 1, None])
    assert _nummern(a) == [3, 1, 6]
    assert a.versionen.get(nummer=1).blattnummern == [1, 2, 3]  # the old version still says what it had
    c = dokument_ablegen(akte, "Bescheid", 1)
    assert _nummern(c) == [7]  # sheet 2 is never given again
    assert _nummern(b) == [4, 5]
    [luecke] = luecken(akte.pk)
    assert (luecke.von, luecke.bis) == (2, 2)
    assert "nicht in Version 2 übernommen" in luecke.text


def test_a_new_version_without_mapping_keeps_the_positions_and_grows():
    akte = f.AkteFactory()
    a = dokument_ablegen(akte, "Antrag", 2)
    dokument_ablegen(akte, "Pass", 1)
    neue_version(a, ["x1", "x2", "x3"])
    assert _nummern(a) == [1, 2, 4]


def test_rederivation_is_idempotent():
    akte = f.AkteFactory()
    a = dokument_ablegen(akte, "Antrag", 2)
    from .hilfen import ableiten

    ableiten(a.versionen.get(), ["a", "b"])
    assert _nummern(a) == [1, 2]
    assert Blatt.objects.filter(akte=akte).count() == 2


def test_removal_leaves_a_documented_gap_and_never_renumbers(sachbearbeitung):
    akte = f.AkteFactory()
    dokument_ablegen(akte, "Antrag", 40)
    falsch = dokument_ablegen(akte, "Fehlablage", 3)
    danach = dokument_ablegen(akte, "Bescheid", 2)
    [luecke] = blaetter_entfernen(dokument=falsch, grund="Fehlablage, abgegeben an richtige Akte", user=sachbearbeitung)
    assert luecke.text.startswith("Bl. 41–43 entfernt am ")
    assert luecke.text.endswith("Grund: Fehlablage, abgegeben an richtige Akte")
    assert _nummern(danach) == [44, 45]
    assert [x.text for x in luecken(akte.pk)] == [luecke.text]
    assert dokument_ablegen(akte, "Neu", 1).versionen.get().blattnummern == [46]
    eintrag = Protokolleintrag.objects.filter(akte_id_wert=akte.pk, details__blaetter_entfernt="41–43").get()
    assert eintrag.user_id == sachbearbeitung.pk


def test_removal_needs_a_reason(sachbearbeitung):
    dok = dokument_ablegen(f.AkteFactory(), "Antrag", 1)
    with pytest.raises(ValueError):
        blaetter_entfernen(dokument=dok, grund="  ", user=sachbearbeitung)


def test_gap_survives_deletion_of_the_document_row(sachbearbeitung):
    akte = f.AkteFactory()
    dok = dokument_ablegen(akte, "Antrag", 2)
    blaetter_entfernen(dokument=dok, grund="Löschung nach § 91 AufenthG", user=sachbearbeitung)
    DokumentVersion.objects.filter(dokument=dok).delete()
    dok.delete()
    [luecke] = luecken(akte.pk)
    assert (luecke.von, luecke.bis) == (1, 2)


def test_a_misfiling_moved_to_another_file_leaves_a_gap_there_and_gets_the_next_numbers_here(sachbearbeitung):
    falsch, richtig = f.AkteFactory(), f.AkteFactory()
    dokument_ablegen(falsch, "Antrag", 2)
    irrlaeufer = dokument_ablegen(falsch, "Schreiben Kaya", 3)
    dokument_ablegen(falsch, "Pass", 1)
    dokument_ablegen(richtig, "Bescheid", 2)
    dokument_umlegen(dokument=irrlaeufer, akte=richtig, grund="Falsche Person erkannt", user=sachbearbeitung)
    assert _nummern(irrlaeufer) == [3, 4, 5]  # the next sheets of the right file
    [luecke] = luecken(falsch.pk)  # the wrong file keeps sheets 3-5 as a documented gap, 6 stays 6
    assert (luecke.von, luecke.bis) == (3, 5)
    assert "Falsche Person erkannt" in luecke.text and richtig.aktenzeichen in luecke.text
    assert sorted(Blatt.objects.filter(akte=falsch, entfernt_am__isnull=True).values_list("nummer", flat=True)) == [
        1,
        2,
        6,
    ]

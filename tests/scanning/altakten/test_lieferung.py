"""Importing a provider's delivery: verified, matched, idempotent, all-or-nothing, in the background."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from dms.models import Dokument, DokumentVersion, Protokolleintrag
from foerderung.queries import digitalisiert
from scanning.altakten import services as svc
from scanning.altakten.models import Digitalisierungslos, Lieferung, LosAkte
from tests import factories as f

from .lieferhilfen import Datei, lieferung_schreiben

pytestmark = pytest.mark.django_db


def _dateien(akten, seiten=(4, 3, 6)):
    a1, a2, a3 = akten
    p3 = a3.person
    return [
        Datei("akte1.pdf", seiten[0], aktenzeichen=a1.aktenzeichen),
        Datei("akte2.pdf", seiten[1], aktenzeichen=a2.aktenzeichen.lower()),  # case does not matter
        # matched by person data instead of Aktenzeichen
        Datei("akte3.pdf", seiten[2], familienname=p3.familienname, geburtsdatum=p3.geburtsdatum.isoformat()),
    ]


def _import(los, user, quelle):
    lieferung = svc.lieferung_annehmen(los=los, quelle=quelle, user=user, im_hintergrund=False)
    return svc.lieferung_ausfuehren(lieferung_id=lieferung.pk)


def test_happy_path_verified_matched_stored_with_transfervermerk(eingang, los, akten, projektleitung):
    lieferung_schreiben(eingang / "L1", _dateien(akten))
    ergebnis = _import(los, projektleitung, "L1")
    assert ergebnis.status == Lieferung.Status.IMPORTIERT, ergebnis.fehler
    assert (ergebnis.importiert, ergebnis.uebersprungen, ergebnis.seiten) == (3, 0, 13)
    for akte, seiten in zip(akten, (4, 3, 6), strict=True):
        dok = Dokument.objects.get(akte=akte)
        assert dok.quelle == Dokument.Quelle.ALTAKTE and dok.register.nummer == "14"
        assert (dok.seiten, dok.blatt) == (seiten, (seiten + 1) // 2)
        version = dok.versionen.get()
        vermerk = version.transfervermerk
        assert vermerk["scanner"] == "Fujitsu fi-7900" and vermerk["aufloesung_dpi"] == 300
        assert vermerk["operator"].startswith("M. Muster") and vermerk["scandatum"] == "2026-07-22"
        assert vermerk["los"] == los.nummer and vermerk["importiert_von"] == projektleitung.username
        # the stored original is byte-identical and still carries its text layer
        with version.original.open("rb") as fh:
            daten = fh.read()
        assert hashlib.sha256(daten).hexdigest() == version.sha256
        assert "Altakte" in PdfReader(io.BytesIO(daten)).pages[0].extract_text()
        assert LosAkte.objects.get(akte=akte).dokument_id == dok.pk
    los.refresh_from_db()
    assert los.status == Digitalisierungslos.Status.IMPORTIERT
    assert [w.nach_status for w in los.statuswechsel.all()] == [
        "vorbereitet",
        "abgeholt",
        "gescannt",
        "geliefert",
        "importiert",
    ]
    assert Protokolleintrag.objects.filter(aktion="import", objekt_typ="lieferung").count() >= 2
    # the subsidy's proof of use counts what was really imported
    ist = digitalisiert(f.behoerde("OF").pk)
    assert (ist.akten, ist.blatt) == (3, 2 + 2 + 3)


@pytest.mark.xdist_group("altakten-queue")  # shares the Redis queue with the e2e worker
def test_ocr_of_legacy_files_goes_to_queue_altakten(
    eingang, los, akten, projektleitung, altakten_queue, django_capture_on_commit_callbacks
):
    lieferung_schreiben(eingang / "L1", _dateien(akten))
    with django_capture_on_commit_callbacks(execute=True):
        lieferung = svc.lieferung_annehmen(los=los, quelle="L1", user=projektleitung)
    nachrichten = altakten_queue()
    assert [m["headers"]["task"] for m in nachrichten] == ["scanning.altakten.lieferung_importieren"]
    assert nachrichten[0]["headers"]["argsrepr"] == f"[{lieferung.pk}]"
    with django_capture_on_commit_callbacks(execute=True):
        svc.lieferung_ausfuehren(lieferung_id=lieferung.pk)
    ocr = [m for m in altakten_queue() if m["headers"]["task"] == "scanning.tasks.dokument_verarbeiten"]
    versionen = set(DokumentVersion.objects.filter(dokument__akte__in=akten).values_list("pk", flat=True))
    assert {int(m["headers"]["argsrepr"].strip("[]")) for m in ocr} == versionen
    assert all(m["properties"]["delivery_info"]["routing_key"] == "altakten" for m in ocr)


def test_same_delivery_twice_changes_nothing(eingang, los, akten, projektleitung):
    lieferung_schreiben(eingang / "L1", _dateien(akten))
    assert _import(los, projektleitung, "L1").importiert == 3
    vorher = (
        Dokument.objects.count(),
        DokumentVersion.objects.count(),
        list(LosAkte.objects.values_list("importiert_am", flat=True)),
    )
    zweite = _import(los, projektleitung, "L1")
    assert zweite.status == Lieferung.Status.IMPORTIERT
    assert (zweite.importiert, zweite.uebersprungen) == (0, 3)
    nachher = (
        Dokument.objects.count(),
        DokumentVersion.objects.count(),
        list(LosAkte.objects.values_list("importiert_am", flat=True)),
    )
    assert vorher == nachher


def test_zip_delivery(eingang, los, akten, projektleitung):
    lieferung_schreiben(eingang / "L2", _dateien(akten), als_zip=True)
    ergebnis = _import(los, projektleitung, "L2.zip")
    assert ergebnis.status == Lieferung.Status.IMPORTIERT and ergebnis.importiert == 3


def test_bad_line_reported_by_number_and_nothing_imported(eingang, los, akten, projektleitung):
    dateien = _dateien(akten)
    dateien[1].manifest_seiten = 5  # the PDF has 3 pages
    dateien[1].blatt = 3
    dateien.append(Datei("fremd.pdf", 1, aktenzeichen="OF-2026-999999"))
    lieferung_schreiben(eingang / "L3", dateien)
    ergebnis = _import(los, projektleitung, "L3")
    assert ergebnis.status == Lieferung.Status.ABGELEHNT
    zeilen = {f["zeile"]: f["meldung"] for f in ergebnis.fehler}
    assert set(zeilen) == {3, 5}
    assert "3 Seiten" in zeilen[3] and "5" in zeilen[3]
    assert "gehört nicht zu Los" in zeilen[5]
    assert not Dokument.objects.filter(akte__behoerde__kuerzel="OF").exists()
    assert not LosAkte.objects.filter(los=los, importiert_am__isnull=False).exists()
    los.refresh_from_db()
    assert los.status == Digitalisierungslos.Status.ABGEHOLT


def test_checksum_mismatch_refuses_the_delivery(eingang, los, akten, projektleitung):
    dateien = _dateien(akten)
    dateien[2].sha256 = "a" * 64
    lieferung_schreiben(eingang / "L4", dateien)
    ergebnis = _import(los, projektleitung, "L4")
    assert ergebnis.status == Lieferung.Status.ABGELEHNT
    assert ergebnis.fehler == [
        {
            "zeile": 4,
            "meldung": "Die Prüfsumme von akte3.pdf stimmt nicht mit dem Manifest überein (Datei beschädigt?).",
        }
    ]
    assert not Dokument.objects.filter(akte__behoerde__kuerzel="OF").exists()


@pytest.mark.parametrize(
    ("aenderung", "text"),
    [
        ({"dateiname": "../etc/passwd"}, "einfacher PDF-Dateiname"),
        ({"inhalt": b"kein pdf"}, "kein lesbares PDF"),
        ({"blatt": 99}, "Blatt muss"),
    ],
)
def test_more_bad_lines(eingang, los, akten, projektleitung, aenderung, text):
    dateien = _dateien(akten)
    for k, v in aenderung.items():
        setattr(dateien[0], k, v)
    if "dateiname" in aenderung:
        lieferung_schreiben(eingang / "L5", dateien[1:])
        manifest = eingang / "L5" / "manifest.csv"
        manifest.write_text(manifest.read_text() + "x;;;;../etc/passwd;1;1;" + "0" * 64 + ";2026-01-01;a;b;300;\n")
        erwartete_zeile = 4
    else:
        lieferung_schreiben(eingang / "L5", dateien)
        erwartete_zeile = 2
    ergebnis = _import(los, projektleitung, "L5")
    assert ergebnis.status == Lieferung.Status.ABGELEHNT
    assert [f["zeile"] for f in ergebnis.fehler] == [erwartete_zeile]
    assert text in ergebnis.fehler[0]["meldung"]
    assert not Dokument.objects.filter(akte__behoerde__kuerzel="OF").exists()


def test_missing_manifest_columns_and_path_outside_inbox(eingang, los, projektleitung):
    (eingang / "L6").mkdir()
    (eingang / "L6" / "manifest.csv").write_text("aktenzeichen;dateiname\nX;a.pdf\n")
    ergebnis = _import(los, projektleitung, "L6")
    assert ergebnis.fehler[0]["zeile"] == 1 and "seiten" in ergebnis.fehler[0]["meldung"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Eingangsordner"):
        svc.lieferung_annehmen(los=los, quelle="../../etc", user=projektleitung)


def test_management_command(eingang, los, akten, projektleitung, capsys):
    lieferung_schreiben(eingang / "L7", _dateien(akten))
    call_command("lieferung_importieren", "L7", behoerde="OF", los=los.nummer, benutzer=projektleitung.username)
    assert "3 Dateien neu" in capsys.readouterr().out
    dateien = _dateien(akten)
    dateien[0].sha256 = "b" * 64
    lieferung_schreiben(eingang / "L8", dateien)
    with pytest.raises(CommandError):
        call_command("lieferung_importieren", "L8", behoerde="OF", los=los.nummer, benutzer=projektleitung.username)
    assert "Zeile 2" in capsys.readouterr().err


def test_lot_of_another_authority_cannot_be_fed(eingang, los, projektleitung):
    from django.core.exceptions import ValidationError

    fremd = f.benutzer("HP", "behoerdenadmin")
    lieferung_schreiben(eingang / "L9", [])
    with pytest.raises(ValidationError):
        svc.lieferung_annehmen(los=los, quelle="L9", user=fremd)


def test_file_over_the_size_limit_is_a_line_error(eingang, los, akten, projektleitung, settings):
    settings.MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    dateien = _dateien(akten)
    dateien[1].inhalt = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    lieferung_schreiben(eingang / "G", dateien)
    ergebnis = _import(los, projektleitung, "G")
    assert ergebnis.status == Lieferung.Status.ABGELEHNT
    assert [f["zeile"] for f in ergebnis.fehler] == [3] and "größer als 2 MB" in ergebnis.fehler[0]["meldung"]
    assert not Dokument.objects.filter(akte__behoerde__kuerzel="OF").exists()


# --- Issue 10, item 7: the delivery is checked like an xdomea package before anything is read -------------------


def test_a_symlink_into_another_authoritys_folder_is_refused_before_anything_is_read(
    eingang, los, akten, projektleitung
):
    """The reported attack: a link in the delivery folder imported another authority's file into ours."""
    fremd = eingang.parent / "HP" / "L9"
    lieferung_schreiben(fremd, _dateien(akten))
    dateien = _dateien(akten)
    lieferung_schreiben(eingang / "L9", dateien)
    (eingang / "L9" / "akte2.pdf").unlink()
    (eingang / "L9" / "akte2.pdf").symlink_to(fremd / "akte2.pdf")
    ergebnis = _import(los, projektleitung, "L9")
    assert ergebnis.status in (Lieferung.Status.ABGELEHNT, Lieferung.Status.FEHLER)
    assert "Verknüpfung" in str(ergebnis.fehler)
    assert not Dokument.objects.filter(akte__in=akten).exists()


def test_a_zip_bomb_delivery_is_refused_before_it_is_unpacked(eingang, los, akten, projektleitung, tmp_path):
    import zipfile

    lieferung_schreiben(eingang / "L10", _dateien(akten))
    with zipfile.ZipFile(eingang / "L10.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
        for datei in (eingang / "L10").iterdir():
            z.write(datei, datei.name)
        z.writestr("polster.bin", b"\0" * (300 * 1024 * 1024))  # ~300 KB packed, 300 MB unpacked
    ergebnis = _import(los, projektleitung, "L10.zip")
    assert ergebnis.status in (Lieferung.Status.ABGELEHNT, Lieferung.Status.FEHLER)
    assert "ZIP-Bombe" in str(ergebnis.fehler)
    assert not Dokument.objects.filter(akte__in=akten).exists()


def test_a_symlink_entry_in_a_zip_delivery_is_refused(eingang, los, akten, projektleitung):
    import stat
    import zipfile

    lieferung_schreiben(eingang / "L11", _dateien(akten))
    with zipfile.ZipFile(eingang / "L11.zip", "w") as z:
        for datei in (eingang / "L11").iterdir():
            z.write(datei, datei.name)
        link = zipfile.ZipInfo("verweis.pdf")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    ergebnis = _import(los, projektleitung, "L11.zip")
    assert "Verknüpfung" in str(ergebnis.fehler)
    assert not Dokument.objects.filter(akte__in=akten).exists()
